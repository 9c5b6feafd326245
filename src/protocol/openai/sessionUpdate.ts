import type { SessionParams } from '../dialect.js';
import type { FunctionTool, OpenAIAudioFormat, OpenAISessionOptions, TurnDetection } from './options.js';

/** The GA API's default format, in both directions. */
const PCM_24K: OpenAIAudioFormat = { type: 'audio/pcm', rate: 24000 };
const DEFAULT_VOICE = 'marin';

/** What a `session.update` control changes: options and, optionally, the instructions. */
export type SessionChange = OpenAISessionOptions & { instructions?: string };

/**
 * The first frame of an `openai` socket: the GA `session.update`, snake_case, keys in a fixed order,
 * every option given or its default, absent options left out (never `null`), except
 * `turn_detection: null` when turn detection is turned off. `instructions` is `params.prompt`. The model
 * is not repeated here: it is in the URL. Assumes `params.session` passed `validateSessionOptions`.
 */
export function sessionUpdate(params: SessionParams): string {
  const o: OpenAISessionOptions = params.session ?? {};
  return JSON.stringify({
    type: 'session.update',
    session: wireSession(
      {
        ...o,
        instructions: params.prompt,
        outputModalities: o.outputModalities ?? ['audio'],
        inputFormat: o.inputFormat ?? PCM_24K,
        outputFormat: o.outputFormat ?? PCM_24K,
        turnDetection: o.turnDetection === undefined ? { type: 'server_vad' } : o.turnDetection,
        voice: o.voice ?? DEFAULT_VOICE,
        // Off is the default: a first session.update leaves them out rather than sending null.
        inputTranscription: o.inputTranscription ?? undefined,
        noiseReduction: o.noiseReduction ?? undefined,
      },
      false,
    ),
  });
}

/**
 * A `session.update` that changes only what `change` names (the GA API keeps what an update leaves
 * out). `null` turns a feature off: turn detection, transcription, noise reduction. Assumes `change`
 * passed `validateSessionUpdate`.
 */
export function sessionPatch(change: SessionChange): string {
  return JSON.stringify({ type: 'session.update', session: wireSession(change, true) });
}

/**
 * The GA session object (`type: 'realtime'`) of `o`, as a `session.update` that changes only what `o`
 * names would carry it, but with no `null` for an option turned off (`turnDetection: null` excepted):
 * the `session` of a client secret request. Assumes `o` passed `validateSessionOptions`.
 */
export function sessionObject(o: OpenAISessionOptions): Record<string, unknown> {
  return wireSession(o, false);
}

/** The GA session object of `o`, fields in a fixed order; `nulls`: a `null` option is sent as `null`. */
function wireSession(o: SessionChange, nulls: boolean): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  if (o.inputFormat !== undefined) input.format = o.inputFormat;
  if (o.inputTranscription) input.transcription = transcription(o.inputTranscription);
  else if (o.inputTranscription === null && nulls) input.transcription = null;
  if (o.noiseReduction) input.noise_reduction = { type: o.noiseReduction };
  else if (o.noiseReduction === null && nulls) input.noise_reduction = null;
  if (o.turnDetection !== undefined)
    input.turn_detection = o.turnDetection === null ? null : turnDetection(o.turnDetection);

  const output: Record<string, unknown> = {};
  if (o.outputFormat !== undefined) output.format = o.outputFormat;
  if (o.voice !== undefined) output.voice = o.voice;
  if (o.speed !== undefined) output.speed = o.speed;

  const session: Record<string, unknown> = { type: 'realtime' };
  if (o.instructions !== undefined) session.instructions = o.instructions;
  if (o.outputModalities !== undefined) session.output_modalities = o.outputModalities;
  const audio: Record<string, unknown> = {};
  if (Object.keys(input).length > 0) audio.input = input;
  if (Object.keys(output).length > 0) audio.output = output;
  if (Object.keys(audio).length > 0) session.audio = audio;
  if (o.tools !== undefined) session.tools = o.tools.map(tool);
  if (o.toolChoice !== undefined) {
    session.tool_choice =
      typeof o.toolChoice === 'string' ? o.toolChoice : { type: 'function', name: o.toolChoice.name };
  }
  if (o.maxOutputTokens !== undefined) session.max_output_tokens = o.maxOutputTokens;
  return session;
}

function transcription(t: NonNullable<OpenAISessionOptions['inputTranscription']>): Record<string, string> {
  const wire: Record<string, string> = { model: t.model };
  if (t.language !== undefined) wire.language = t.language;
  if (t.prompt !== undefined) wire.prompt = t.prompt;
  return wire;
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
