import type { SessionParams } from '../dialect.js';
import type { FunctionTool, OpenAISessionOptions, TurnDetection } from './options.js';

/** The one audio format realtime-rx frames carry, in both directions. */
const PCM_24K = { type: 'audio/pcm', rate: 24000 } as const;
const DEFAULT_VOICE = 'marin';

/**
 * The first frame of an `openai` socket: the GA `session.update`, snake_case, keys in a fixed order,
 * absent options left out (never `null`), except `turn_detection: null` when turn detection is turned
 * off. `instructions` is `params.prompt`. The model is not repeated here: it is in the URL (as Codex
 * does). Assumes `params.session` passed `validateSessionOptions`.
 */
export function sessionUpdate(params: SessionParams): string {
  const o: OpenAISessionOptions = params.session ?? {};
  const input: Record<string, unknown> = { format: PCM_24K };
  if (o.inputTranscription) {
    const { model, language, prompt } = o.inputTranscription;
    const transcription: Record<string, string> = { model };
    if (language !== undefined) transcription.language = language;
    if (prompt !== undefined) transcription.prompt = prompt;
    input.transcription = transcription;
  }
  if (o.noiseReduction) input.noise_reduction = { type: o.noiseReduction };
  input.turn_detection =
    o.turnDetection === null ? null : turnDetection(o.turnDetection ?? { type: 'server_vad' });

  const output: Record<string, unknown> = { format: PCM_24K, voice: o.voice ?? DEFAULT_VOICE };
  if (o.speed !== undefined) output.speed = o.speed;

  const session: Record<string, unknown> = { type: 'realtime' };
  if (params.prompt !== undefined) session.instructions = params.prompt;
  session.output_modalities = o.outputModalities ?? ['audio'];
  session.audio = { input, output };
  if (o.tools !== undefined) session.tools = o.tools.map(tool);
  if (o.toolChoice !== undefined) {
    session.tool_choice =
      typeof o.toolChoice === 'string' ? o.toolChoice : { type: 'function', name: o.toolChoice.name };
  }
  if (o.maxOutputTokens !== undefined) session.max_output_tokens = o.maxOutputTokens;
  return JSON.stringify({ type: 'session.update', session });
}

function turnDetection(td: TurnDetection): Record<string, unknown> {
  const wire: Record<string, unknown> = { type: td.type };
  if (td.type === 'server_vad') {
    if (td.threshold !== undefined) wire.threshold = td.threshold;
    if (td.prefixPaddingMs !== undefined) wire.prefix_padding_ms = td.prefixPaddingMs;
    if (td.silenceDurationMs !== undefined) wire.silence_duration_ms = td.silenceDurationMs;
    if (td.idleTimeoutMs !== undefined) wire.idle_timeout_ms = td.idleTimeoutMs;
  } else if (td.eagerness !== undefined) {
    wire.eagerness = td.eagerness;
  }
  if (td.createResponse !== undefined) wire.create_response = td.createResponse;
  if (td.interruptResponse !== undefined) wire.interrupt_response = td.interruptResponse;
  return wire;
}

/** Only the fields of a function tool, in a fixed order. */
function tool(t: FunctionTool): Record<string, unknown> {
  const wire: Record<string, unknown> = { type: 'function', name: t.name };
  if (t.description !== undefined) wire.description = t.description;
  if (t.parameters !== undefined) wire.parameters = t.parameters;
  return wire;
}
