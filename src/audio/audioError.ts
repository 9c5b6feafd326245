/**
 * What was wrong with audio data or audio options: the `kind` of an {@link AudioError}.
 *
 * @example
 * ```ts
 * const userFixable = (kind: AudioErrorKind): boolean => kind === 'device';
 * ```
 */
export type AudioErrorKind =
  | 'options' // a rate, channel count or frame length that cannot work
  | 'base64' // not base64, or not whole 16-bit samples
  | 'wav' // a malformed, truncated or unsupported WAV file
  | 'device'; // the browser refused the microphone or the audio output

/**
 * The error the audio toolkit throws (or errors its observables with). The message says what was
 * wrong and where, e.g. `WAV: "fmt " chunk at byte 12 declares 16 bytes but only 8 remain`.
 *
 * @example
 * ```ts
 * try {
 *   decodeWav(bytes);
 * } catch (e) {
 *   if (e instanceof AudioError && e.kind === 'wav') console.error('not a usable WAV file:', e.message);
 * }
 * ```
 */
export class AudioError extends Error {
  /** Always `'AudioError'`. */
  override readonly name = 'AudioError';
  /**
   * @param kind What was wrong.
   * @param message What was wrong and where.
   */
  constructor(
    readonly kind: AudioErrorKind,
    message: string,
  ) {
    super(message);
  }
}
