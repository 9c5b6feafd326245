import type { Dialect, DialectName } from './dialect.js';
import { codexDialect } from './codex/index.js';
import { openaiDialect } from './openai/index.js';

export { UNKNOWN_TYPE, IGNORED_TYPE } from './dialect.js';
export type { Decoded, Dialect, DialectName, SessionParams } from './dialect.js';
export type { RealtimeControl } from './control.js';
export type {
  CloseReason,
  RateLimit,
  RealtimeClosed,
  RealtimeEvent,
  RealtimeEventOf,
  RealtimeUsage,
  ResponseStatus,
  ResponseStatusDetails,
} from './events.js';
export { RealtimeAudioFrameCodec, audioFrameProblem, bytesPerSample } from './frame.js';
export { MAX_CHANNELS, MAX_SAMPLE_RATE, MIN_SAMPLE_RATE } from './frameLimits.js';
export { base64ByteLength } from './base64.js';
export type { RealtimeAudioFrame } from './frame.js';
export { RealtimeError } from './errors.js';
export type { RealtimeErrorKind } from './errors.js';
export { codexDialect, openaiDialect };
export {
  OPENAI_VOICES,
  OPENAI_RECOVERABLE_ERROR_CODES,
  DEFAULT_OPENAI_MODEL,
  openaiAudioProblem,
} from './openai/index.js';
export type {
  FunctionTool,
  OpenAIAudioFormat,
  OpenAISessionOptions,
  OpenAIVoice,
  PcmFormat,
  TurnDetection,
} from './openai/index.js';

/**
 * Dialects by name, for code that picks one from options.
 *
 * @example
 * ```ts
 * const plan = dialects[options.dialect ?? 'openai'].prepare(options);
 * console.log(plan.url);
 * ```
 */
export const dialects: Record<DialectName, Dialect> = { codex: codexDialect, openai: openaiDialect };
export {
  OpenAIServerEventCodecs,
  OpenAIClientEventCodecs,
  OPENAI_GA_SERVER_EVENT_TYPES,
  OPENAI_CLIENT_EVENT_TYPES,
  OpenAIConversationItemCodec,
  OpenAIResponseParamsCodec,
  OpenAIResponseCodec,
  OpenAIWireSessionCodec,
} from './openai/wire/index.js';
export type {
  OpenAIGAServerEvent,
  OpenAIServerEventAlias,
  OpenAIServerEvent,
  OpenAIServerEventOf,
  OpenAIClientEvent,
  OpenAIClientEventOf,
  OpenAIConversationItem,
  OpenAIResponseParams,
  OpenAIResponse,
  OpenAIResponseUsage,
  OpenAIResponseStatusDetails,
  OpenAIWireSession,
} from './openai/wire/index.js';
export { CodexServerEventCodecs } from './codex/wire.js';
export type { CodexServerEvent } from './codex/wire.js';
