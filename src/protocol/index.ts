import type { Dialect } from './dialect.js';
import { codexDialect } from './codex/index.js';

export { UNKNOWN_TYPE, IGNORED_TYPE } from './dialect.js';
export type { Decoded, Dialect, DialectName, SessionParams } from './dialect.js';
export type { CloseReason, RealtimeClosed, RealtimeEvent, RealtimeEventOf } from './events.js';
export {
  MAX_CHANNELS,
  MAX_SAMPLE_RATE,
  MIN_SAMPLE_RATE,
  RealtimeAudioFrameCodec,
  audioFrameProblem,
  base64ByteLength,
} from './frame.js';
export type { RealtimeAudioFrame } from './frame.js';
export { RealtimeError } from './errors.js';
export type { RealtimeErrorKind } from './errors.js';
export { codexDialect };

/** Dialects by name, for code that picks one from options. */
export const dialects: Record<'codex', Dialect> = { codex: codexDialect };
