// The session object: its defaults, and `session.update` merged into it (GA semantics and errors).
import type { VadOptions } from '../vad.js';
import { audioFormatAt, INPUT_RATE } from './audioFormat.js';
import { maxOutputTokensAt, outputModalitiesAt, promptAt, toolChoiceAt, toolsAt, voiceAt } from './params.js';
import {
  booleanAt,
  ClientError,
  invalidType,
  invalidValue,
  missing,
  numberAt,
  objectAt,
  oneOf,
  refuseUnknown,
  stringAt,
  type Json,
} from './wire.js';

const SESSION_KEYS = [
  'type',
  'model',
  'instructions',
  'output_modalities',
  'tools',
  'tool_choice',
  'max_output_tokens',
  'parallel_tool_calls',
  'reasoning',
  'tracing',
  'truncation',
  'prompt',
  'include',
  'audio',
];
const SERVER_VAD_KEYS = [
  'type',
  'threshold',
  'prefix_padding_ms',
  'silence_duration_ms',
  'idle_timeout_ms',
  'create_response',
  'interrupt_response',
];
const SEMANTIC_VAD_KEYS = ['type', 'eagerness', 'create_response', 'interrupt_response'];
const TRANSCRIPTION_KEYS = ['model', 'language', 'languages', 'prompt', 'keywords', 'delay'];

/**
 * The session as the server keeps and shows it. Optional fields that GA does not allow to be `null`
 * (`include`, `audio.input.transcription`, `audio.input.noise_reduction`) are absent while unset;
 * a client's `null` unsets them.
 */
export function defaultSession(model: string, vad: VadOptions, outputRate: number): Json {
  return {
    type: 'realtime',
    object: 'realtime.session',
    model,
    output_modalities: ['audio'],
    instructions: '',
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
    tracing: null,
    truncation: 'auto',
    prompt: null,
    audio: {
      input: { format: { type: 'audio/pcm', rate: INPUT_RATE }, turn_detection: serverVad(vad) },
      output: { format: { type: 'audio/pcm', rate: outputRate }, voice: 'alloy', speed: 1 },
    },
  };
}

function serverVad(vad: VadOptions): Json {
  return {
    type: 'server_vad',
    threshold: 0.5,
    prefix_padding_ms: 300,
    silence_duration_ms: vad.silenceMs ?? 500,
    idle_timeout_ms: null,
    create_response: true,
    interrupt_response: true,
  };
}

/** `update` merged into `current` (GA semantics: present fields replace, `audio.input`/`audio.output` merge per field); throws {@link ClientError}. */
export function mergeSession(current: Json, update: Json, vad: VadOptions): Json {
  refuseUnknown(update, SESSION_KEYS, 'session');
  if (update.type === undefined) throw missing('session.type');
  if (update.type !== 'realtime') {
    throw new ClientError(
      'invalid_value',
      `Invalid 'session.type': ${JSON.stringify(update.type)}; the dev server only runs 'realtime' sessions.`,
      'session.type',
    );
  }
  const next: Json = structuredClone(current);
  const fields: Record<string, (value: unknown, path: string) => unknown> = {
    model: stringAt,
    instructions: stringAt,
    output_modalities: outputModalitiesAt,
    tools: toolsAt,
    tool_choice: toolChoiceAt,
    max_output_tokens: maxOutputTokensAt,
    parallel_tool_calls: booleanAt,
    reasoning: reasoningAt,
    tracing: tracingAt,
    truncation: truncationAt,
    prompt: promptAt,
  };
  for (const [key, check] of Object.entries(fields))
    if (update[key] !== undefined) next[key] = check(update[key], `session.${key}`);
  if (update.include === null) delete next.include;
  else if (update.include !== undefined) next.include = includeAt(update.include, 'session.include');
  if (update.audio === undefined) return next;
  const audio = objectAt(update.audio, 'session.audio');
  refuseUnknown(audio, ['input', 'output'], 'session.audio');
  const nextAudio = next.audio as { input: Json; output: Json };
  if (audio.input !== undefined)
    mergeInput(nextAudio.input, objectAt(audio.input, 'session.audio.input'), vad);
  if (audio.output !== undefined) {
    const path = 'session.audio.output';
    const output = objectAt(audio.output, path);
    refuseUnknown(output, ['format', 'voice', 'speed'], path);
    const rate = (nextAudio.output.format as Json).rate as number;
    if (output.format !== undefined)
      nextAudio.output.format = audioFormatAt(output.format, `${path}.format`, rate);
    if (output.voice !== undefined) nextAudio.output.voice = voiceAt(output.voice, `${path}.voice`);
    if (output.speed !== undefined) {
      const speed = numberAt(output.speed, `${path}.speed`);
      if (speed < 0.25 || speed > 1.5) throw invalidValue(`${path}.speed`, `${speed}; expected 0.25 to 1.5`);
      nextAudio.output.speed = speed;
    }
  }
  return next;
}

function mergeInput(next: Json, input: Json, vad: VadOptions): void {
  const path = 'session.audio.input';
  refuseUnknown(input, ['format', 'transcription', 'noise_reduction', 'turn_detection'], path);
  if (input.format !== undefined) next.format = audioFormatAt(input.format, `${path}.format`, INPUT_RATE);
  if (input.transcription === null) delete next.transcription;
  else if (input.transcription !== undefined)
    next.transcription = transcriptionAt(input.transcription, `${path}.transcription`);
  if (input.noise_reduction === null) delete next.noise_reduction;
  else if (input.noise_reduction !== undefined)
    next.noise_reduction = noiseReductionAt(input.noise_reduction, `${path}.noise_reduction`);
  if (input.turn_detection !== undefined) next.turn_detection = turnDetectionAt(input.turn_detection, vad);
}

function includeAt(value: unknown, path: string): string[] {
  if (!Array.isArray(value)) throw invalidType(path, 'an array');
  return value.map((entry, i) => oneOf(entry, ['item.input_audio_transcription.logprobs'], `${path}[${i}]`));
}

function transcriptionAt(value: unknown, path: string): Json {
  const transcription = objectAt(value, path);
  refuseUnknown(transcription, TRANSCRIPTION_KEYS, path);
  for (const key of ['model', 'language', 'prompt'])
    if (transcription[key] !== undefined) stringAt(transcription[key], `${path}.${key}`);
  for (const key of ['languages', 'keywords']) {
    const list = transcription[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw invalidType(`${path}.${key}`, 'an array of strings');
    list.forEach((entry, i) => stringAt(entry, `${path}.${key}[${i}]`));
  }
  if (transcription.delay !== undefined)
    oneOf(transcription.delay, ['minimal', 'low', 'medium', 'high', 'xhigh'], `${path}.delay`);
  return structuredClone(transcription);
}

function noiseReductionAt(value: unknown, path: string): Json {
  const reduction = objectAt(value, path);
  refuseUnknown(reduction, ['type', 'strength'], path);
  const checked: Json = {};
  if (reduction.type !== undefined)
    checked.type = oneOf(reduction.type, ['near_field', 'far_field'], `${path}.type`);
  if (reduction.strength !== undefined) checked.strength = numberAt(reduction.strength, `${path}.strength`);
  return checked;
}

function reasoningAt(value: unknown, path: string): Json {
  const reasoning = objectAt(value, path);
  refuseUnknown(reasoning, ['effort'], path);
  return reasoning.effort === undefined
    ? {}
    : { effort: oneOf(reasoning.effort, ['minimal', 'low', 'medium', 'high', 'xhigh'], `${path}.effort`) };
}

/** `'auto'`, a tracing configuration, or `null`. */
function tracingAt(value: unknown, path: string): string | Json | null {
  if (value === null || value === 'auto') return value;
  const tracing = objectAt(value, path);
  refuseUnknown(tracing, ['group_id', 'metadata', 'workflow_name'], path);
  for (const key of ['group_id', 'workflow_name'])
    if (tracing[key] !== undefined) stringAt(tracing[key], `${path}.${key}`);
  return structuredClone(tracing);
}

/** `'auto'`, `'disabled'`, or `{ type: 'retention_ratio', retention_ratio, token_limits? }`. */
function truncationAt(value: unknown, path: string): string | Json {
  if (typeof value === 'string') return oneOf(value, ['auto', 'disabled'], path);
  const truncation = objectAt(value, path);
  refuseUnknown(truncation, ['type', 'retention_ratio', 'token_limits'], path);
  oneOf(truncation.type, ['retention_ratio'], `${path}.type`);
  const ratio = numberAt(truncation.retention_ratio, `${path}.retention_ratio`);
  if (ratio < 0 || ratio > 1) throw invalidValue(`${path}.retention_ratio`, `${ratio}; expected 0 to 1`);
  if (truncation.token_limits !== undefined) {
    const limits = objectAt(truncation.token_limits, `${path}.token_limits`);
    refuseUnknown(limits, ['post_instructions'], `${path}.token_limits`);
    if (limits.post_instructions !== undefined)
      numberAt(limits.post_instructions, `${path}.token_limits.post_instructions`);
  }
  return structuredClone(truncation);
}

function turnDetectionAt(value: unknown, vad: VadOptions): Json | null {
  if (value === null) return null;
  const path = 'session.audio.input.turn_detection';
  const asked = objectAt(value, path);
  const flags = (keys: string[]) => {
    for (const key of keys) if (asked[key] !== undefined) booleanAt(asked[key], `${path}.${key}`);
  };
  if (asked.type === 'server_vad' || asked.type === undefined) {
    refuseUnknown(asked, SERVER_VAD_KEYS, path);
    flags(['create_response', 'interrupt_response']);
    for (const key of ['threshold', 'prefix_padding_ms'])
      if (asked[key] !== undefined) numberAt(asked[key], `${path}.${key}`);
    if (asked.idle_timeout_ms !== undefined && asked.idle_timeout_ms !== null)
      numberAt(asked.idle_timeout_ms, `${path}.idle_timeout_ms`);
    const silence = asked.silence_duration_ms;
    if (silence !== undefined && (typeof silence !== 'number' || !Number.isFinite(silence) || silence <= 0))
      throw invalidValue(`${path}.silence_duration_ms`, 'expected a number > 0');
    return { ...serverVad(vad), ...structuredClone(asked), type: 'server_vad' };
  }
  if (asked.type === 'semantic_vad') {
    refuseUnknown(asked, SEMANTIC_VAD_KEYS, path);
    flags(['create_response', 'interrupt_response']);
    if (asked.eagerness !== undefined)
      oneOf(asked.eagerness, ['low', 'medium', 'high', 'auto'], `${path}.eagerness`);
    return {
      type: 'semantic_vad',
      eagerness: 'auto',
      create_response: true,
      interrupt_response: true,
      ...structuredClone(asked),
    };
  }
  throw invalidValue(
    `${path}.type`,
    `${JSON.stringify(asked.type)}; expected 'server_vad' or 'semantic_vad'`,
  );
}
