import { isCount } from '../codecs.js';
import { printable } from '../printable.js';
import { RealtimeError } from '../errors.js';
import { OPENAI_VOICES, type OpenAISessionOptions } from './options.js';

/** A function tool's name, as the API accepts it. */
export const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
export const MIN_SPEED = 0.25;
export const MAX_SPEED = 1.5;
export const MAX_OUTPUT_TOKENS = 4096;
/** The idle timeout of server VAD, in ms, as the API takes it. */
export const MIN_IDLE_TIMEOUT_MS = 5_000;
export const MAX_IDLE_TIMEOUT_MS = 30_000;

const SESSION_KEYS: readonly string[] = [
  'voice',
  'outputModalities',
  'inputFormat',
  'outputFormat',
  'turnDetection',
  'inputTranscription',
  'noiseReduction',
  'speed',
  'tools',
  'toolChoice',
  'maxOutputTokens',
  'provider',
];
const SERVER_VAD_KEYS: readonly string[] = [
  'type',
  'threshold',
  'prefixPaddingMs',
  'silenceDurationMs',
  'idleTimeoutMs',
  'createResponse',
  'interruptResponse',
];
const SEMANTIC_VAD_KEYS: readonly string[] = ['type', 'eagerness', 'createResponse', 'interruptResponse'];
const TRANSCRIPTION_KEYS: readonly string[] = ['model', 'language', 'prompt'];
const TOOL_KEYS: readonly string[] = ['type', 'name', 'description', 'parameters'];
const EAGERNESS: readonly string[] = ['low', 'medium', 'high', 'auto'];
const VOICES: readonly string[] = OPENAI_VOICES;
const MAX_SHOWN_CHARS = 40;

/**
 * Checks `SessionParams.session` before any socket is opened, so that a typo or an impossible value
 * fails at once with a message naming the option, instead of as a server `error` mid-conversation.
 * Unknown keys are refused too (a misspelt option would otherwise be silently dropped).
 *
 * @throws RealtimeError of kind `config`
 */
export function validateSessionOptions(
  session: unknown,
): asserts session is OpenAISessionOptions | undefined {
  if (session === undefined) return;
  if (!isRecord(session)) fail(`session must be an object (OpenAISessionOptions), got ${show(session)}`);
  for (const key of Object.keys(session)) {
    if (!SESSION_KEYS.includes(key))
      fail(`unknown session option ${show(key)}; known options: ${SESSION_KEYS.join(', ')}`);
  }
  checkSessionFields(session);
}

/**
 * Checks the `session` of a `session.update` control: the options of {@link validateSessionOptions}
 * (but `provider`, which is fixed when the conversation connects) plus `instructions`.
 *
 * @throws RealtimeError of kind `config`
 */
export function validateSessionUpdate(
  session: unknown,
): asserts session is OpenAISessionOptions & { instructions?: string } {
  if (!isRecord(session))
    fail(`session must be an object (OpenAISessionOptions and instructions), got ${show(session)}`);
  for (const key of Object.keys(session)) {
    if (key === 'provider') fail('provider cannot change mid-conversation: it is fixed when it connects');
    if (key !== 'instructions' && !SESSION_KEYS.includes(key))
      fail(`unknown session option ${show(key)}; known options: instructions, ${UPDATE_KEYS.join(', ')}`);
  }
  if (session.instructions !== undefined && typeof session.instructions !== 'string')
    fail(`instructions must be a string, got ${show(session.instructions)}`);
  checkSessionFields(session);
}

const UPDATE_KEYS = SESSION_KEYS.filter((key) => key !== 'provider');

function checkSessionFields(session: Record<string, unknown>): void {
  const s = session as Record<keyof OpenAISessionOptions, unknown>;

  if (s.voice !== undefined && !VOICES.includes(s.voice as string)) {
    fail(`voice ${show(s.voice)} is not supported; supported voices: ${VOICES.join(', ')}`);
  }
  if (s.outputModalities !== undefined) checkModalities(s.outputModalities);
  checkFormat('inputFormat', s.inputFormat);
  checkFormat('outputFormat', s.outputFormat);
  if (s.turnDetection !== undefined && s.turnDetection !== null) checkTurnDetection(s.turnDetection);
  if (s.inputTranscription !== undefined && s.inputTranscription !== null)
    checkTranscription(s.inputTranscription);
  if (
    s.noiseReduction !== undefined &&
    s.noiseReduction !== null &&
    s.noiseReduction !== 'near_field' &&
    s.noiseReduction !== 'far_field'
  ) {
    fail(`noiseReduction must be "near_field", "far_field" or null, got ${show(s.noiseReduction)}`);
  }
  if (
    s.speed !== undefined &&
    !(typeof s.speed === 'number' && s.speed >= MIN_SPEED && s.speed <= MAX_SPEED)
  ) {
    fail(`speed must be a number from ${MIN_SPEED} to ${MAX_SPEED}, got ${show(s.speed)}`);
  }
  const toolNames = s.tools === undefined ? [] : checkTools(s.tools);
  if (s.toolChoice !== undefined) checkToolChoice(s.toolChoice, toolNames);
  if (
    s.maxOutputTokens !== undefined &&
    s.maxOutputTokens !== 'inf' &&
    !(
      Number.isInteger(s.maxOutputTokens) &&
      (s.maxOutputTokens as number) >= 1 &&
      (s.maxOutputTokens as number) <= MAX_OUTPUT_TOKENS
    )
  ) {
    fail(
      `maxOutputTokens must be an integer from 1 to ${MAX_OUTPUT_TOKENS} or "inf", got ${show(s.maxOutputTokens)}`,
    );
  }
  if (s.provider !== undefined && s.provider !== 'openai' && s.provider !== 'azure') {
    fail(`provider must be "openai" or "azure", got ${show(s.provider)}`);
  }
}

function checkModalities(value: unknown): void {
  const ok = Array.isArray(value) && value.length === 1 && (value[0] === 'audio' || value[0] === 'text');
  if (!ok) {
    fail(
      `outputModalities must be ["audio"] or ["text"], got ${show(value)}: ` +
        'the GA API answers in one modality at a time (audio comes with its transcript)',
    );
  }
}

function checkFormat(name: string, value: unknown): void {
  if (value === undefined) return;
  const keys = isRecord(value) ? Object.keys(value).length : 0;
  const ok =
    isRecord(value) &&
    ((value.type === 'audio/pcm' && value.rate === 24000 && keys === 2) ||
      ((value.type === 'audio/pcmu' || value.type === 'audio/pcma') && keys === 1));
  if (!ok)
    fail(
      `${name} must be {type: "audio/pcm", rate: 24000}, {type: "audio/pcmu"} or {type: "audio/pcma"}, got ${show(value)}`,
    );
}

function checkTurnDetection(value: unknown): void {
  if (!isRecord(value) || (value.type !== 'server_vad' && value.type !== 'semantic_vad')) {
    fail(
      `turnDetection must be {type: "server_vad", ...}, {type: "semantic_vad", ...} or null, got ${show(value)}`,
    );
  }
  const allowed = value.type === 'server_vad' ? SERVER_VAD_KEYS : SEMANTIC_VAD_KEYS;
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      fail(
        `turnDetection.${key} is not an option of ${value.type as string}; its options: ${allowed.slice(1).join(', ')}`,
      );
    }
  }
  if (
    value.threshold !== undefined &&
    !(typeof value.threshold === 'number' && value.threshold >= 0 && value.threshold <= 1)
  ) {
    fail(`turnDetection.threshold must be a number from 0 to 1, got ${show(value.threshold)}`);
  }
  for (const key of ['prefixPaddingMs', 'silenceDurationMs']) {
    const ms = value[key];
    if (ms !== undefined && !isCount(ms)) {
      fail(`turnDetection.${key} must be a non-negative integer (milliseconds), got ${show(ms)}`);
    }
  }
  const idle = value.idleTimeoutMs;
  if (
    idle !== undefined &&
    !(
      Number.isInteger(idle) &&
      (idle as number) >= MIN_IDLE_TIMEOUT_MS &&
      (idle as number) <= MAX_IDLE_TIMEOUT_MS
    )
  ) {
    fail(
      `turnDetection.idleTimeoutMs must be an integer from ${MIN_IDLE_TIMEOUT_MS} to ${MAX_IDLE_TIMEOUT_MS} (milliseconds), got ${show(idle)}`,
    );
  }
  for (const key of ['createResponse', 'interruptResponse']) {
    if (value[key] !== undefined && typeof value[key] !== 'boolean')
      fail(`turnDetection.${key} must be a boolean, got ${show(value[key])}`);
  }
  if (value.eagerness !== undefined && !EAGERNESS.includes(value.eagerness as string)) {
    fail(`turnDetection.eagerness must be one of ${EAGERNESS.join(', ')}, got ${show(value.eagerness)}`);
  }
}

function checkTranscription(value: unknown): void {
  if (!isRecord(value))
    fail(`inputTranscription must be {model, language?, prompt?} or null, got ${show(value)}`);
  for (const key of Object.keys(value)) {
    if (!TRANSCRIPTION_KEYS.includes(key))
      fail(`inputTranscription.${key} is not an option; its options: ${TRANSCRIPTION_KEYS.join(', ')}`);
  }
  if (typeof value.model !== 'string' || value.model === '') {
    fail(
      `inputTranscription.model must be a non-empty string (e.g. "gpt-4o-mini-transcribe"), got ${show(value.model)}`,
    );
  }
  for (const key of ['language', 'prompt']) {
    if (value[key] !== undefined && typeof value[key] !== 'string')
      fail(`inputTranscription.${key} must be a string, got ${show(value[key])}`);
  }
}

/** Returns the tool names, in order. */
function checkTools(value: unknown): string[] {
  if (!Array.isArray(value)) fail(`tools must be an array of function tools, got ${show(value)}`);
  const names: string[] = [];
  value.forEach((tool: unknown, i) => {
    const at = `tools[${i}]`;
    if (!isRecord(tool))
      fail(
        `${at} must be a function tool {type: "function", name, description?, parameters?}, got ${show(tool)}`,
      );
    for (const key of Object.keys(tool)) {
      if (!TOOL_KEYS.includes(key))
        fail(`${at}.${key} is not a field of a function tool; its fields: ${TOOL_KEYS.join(', ')}`);
    }
    if (tool.type !== 'function') fail(`${at}.type must be "function", got ${show(tool.type)}`);
    if (typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name))
      fail(`${at}.name must match ${TOOL_NAME.source}, got ${show(tool.name)}`);
    const previous = names.indexOf(tool.name);
    if (previous >= 0)
      fail(
        `${at}.name ${show(tool.name)} is already the name of tools[${previous}]: tool names must be unique`,
      );
    if (tool.description !== undefined && typeof tool.description !== 'string') {
      fail(`${at}.description must be a string, got ${show(tool.description)}`);
    }
    if (tool.parameters !== undefined && !isRecord(tool.parameters)) {
      fail(`${at}.parameters must be a JSON Schema object, got ${show(tool.parameters)}`);
    }
    names.push(tool.name);
  });
  return names;
}

function checkToolChoice(value: unknown, toolNames: string[]): void {
  if (value === 'auto' || value === 'none' || value === 'required') return;
  const ok =
    isRecord(value) &&
    value.type === 'function' &&
    typeof value.name === 'string' &&
    Object.keys(value).length === 2;
  if (!ok)
    fail(`toolChoice must be "auto", "none", "required" or {type: "function", name}, got ${show(value)}`);
  if (!toolNames.includes(value.name as string))
    fail(`toolChoice names the tool ${show(value.name)}, which is not in tools`);
}

function fail(message: string): never {
  throw new RealtimeError('config', message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as JSON, short: messages quote options, which hold no secrets, but may be long. */
function show(value: unknown): string {
  return printable(value, MAX_SHOWN_CHARS);
}
