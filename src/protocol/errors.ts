/**
 * What went wrong, for code that branches on it: the `kind` of a {@link RealtimeError}.
 *
 * @example
 * ```ts
 * const fatal = (kind: RealtimeErrorKind): boolean => kind === 'config';
 * ```
 */
export type RealtimeErrorKind =
  | 'config' // bad options: caught before any socket is opened
  | 'not_running' // a send with no conversation running, or after it closed
  | 'invalid_frame' // an audio frame that fails validation
  | 'http'; // an HTTP request (createClientSecret) got no answer, an error status, or an answer not understood

/**
 * The one error class realtime-rx throws. Messages say what was wrong and where, and never contain a
 * secret (API keys are never interpolated into them).
 *
 * @example
 * ```ts
 * try {
 *   connectConversation({ url: 'ftp://example.com' });
 * } catch (e) {
 *   if (e instanceof RealtimeError && e.kind === 'config') console.error('bad options:', e.message);
 * }
 * ```
 */
export class RealtimeError extends Error {
  /** Always `'RealtimeError'`. */
  override readonly name = 'RealtimeError';
  /**
   * @param kind What went wrong.
   * @param message What was wrong and where; never a secret.
   */
  constructor(
    readonly kind: RealtimeErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The message of a thrown value, for a line that says what failed: an Error's `message`, else the
 * value as text.
 * @internal
 */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
