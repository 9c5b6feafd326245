/** What went wrong, for code that branches on it. */
export type RealtimeErrorKind =
  | 'config' // bad options: caught before any socket is opened
  | 'not_running' // a send with no conversation running, or after it closed
  | 'invalid_frame'; // an audio frame that fails validation

/**
 * The one error class realtime-rx throws. Messages say what was wrong and where, and never contain a
 * secret (API keys are never interpolated into them).
 */
export class RealtimeError extends Error {
  override readonly name = 'RealtimeError';
  constructor(
    readonly kind: RealtimeErrorKind,
    message: string,
  ) {
    super(message);
  }
}
