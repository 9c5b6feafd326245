/*
 * What base64 text is, for every layer that reads it: the frame check, the wire codecs, the audio
 * decoders and the barge-in clock. Imports nothing, so the audio layer may use it too.
 */

/** See {@link lastEncodedBase64}. */
let lastEncoded = '';

/**
 * Notes `text` as made by this library's base64 encoder (the audio kit calls it with every text it
 * encodes) and returns it.
 * @internal
 */
export function encodedBase64(text: string): string {
  return (lastEncoded = text);
}

/**
 * The last text this library's encoder made: base64 by construction, so a frame whose data is this
 * text needs no character scan. An app encodes a frame and hands it over at once, so the frame check
 * mostly meets this very string (one pointer comparison instead of a scan of the whole frame). One
 * string is kept, nothing more.
 * @internal
 */
export function lastEncodedBase64(): string {
  return lastEncoded;
}

/** Any character that base64 never holds: one unanchored class, which V8 scans fast on any data. */
const NOT_BASE64 = /[^A-Za-z0-9+/=]/;

/** The part of Node's Buffer the check uses (found at call time on globalThis: none in browsers). */
interface NodeBufferLike {
  write(text: string, offset: number, encoding: 'base64'): number;
  /**
   * The native decoder that `write(…, 'base64')` ends in, without the argument handling in front of
   * it: long on every Buffer of Node (and of the runtimes that mimic it), but not documented, so it is
   * used only where it is there.
   */
  base64Write?(text: string, offset: number, length: number): number;
}
interface NodeBufferStatics {
  allocUnsafe(size: number): NodeBufferLike;
  byteLength(text: string): number;
}
/** Decoded bytes go here and are never read: only how many there were counts. */
const SCRATCH_BYTES = 48 * 1024;
let scratch: NodeBufferLike | undefined;

/** The longest text the scratch memory takes whole. */
const MAX_SCRATCH_CHARS = (SCRATCH_BYTES / 3) * 4;

/**
 * Whether `text` is padded base64: whole quads of the alphabet, `=` only as the last one or two.
 * Runs on every audio delta received and every frame sent that this library did not encode, so it is
 * one function, and lets Node's native decoder scan the alphabet where there is one (a pattern, even
 * unanchored, costs several times as much per character).
 *
 * Node's decoder, into scratch memory, skips any character outside the alphabet and stops at an `=`,
 * so a text of that alphabet with its padding at the end is the only kind that decodes to all the
 * bytes its length implies. It also takes the URL-safe `-` and `_`, and reads a character above
 * U+00FF by its low byte: those are ruled out apart (the text must be ASCII).
 * @internal
 */
export function isBase64(text: string): boolean {
  const length = text.length;
  if (length % 4 !== 0) return false;
  const B = (globalThis as { Buffer?: NodeBufferStatics }).Buffer;
  if (B === undefined || length > MAX_SCRATCH_CHARS) {
    if (NOT_BASE64.test(text)) return false;
    const pad = text.indexOf('=');
    return pad === -1 || pad === length - 1 || (pad === length - 2 && text.charCodeAt(length - 1) === 61);
  }
  // An `=` anywhere but in the padding at the end, as any other character the decoder skips or stops
  // at, leaves it short of the bytes this padding implies.
  const padding =
    length === 0 || text.charCodeAt(length - 1) !== 61 ? 0 : text.charCodeAt(length - 2) === 61 ? 2 : 1;
  const bytes = scratch ?? (scratch = B.allocUnsafe(SCRATCH_BYTES));
  const decoded =
    bytes.base64Write === undefined
      ? bytes.write(text, 0, 'base64')
      : bytes.base64Write(text, 0, SCRATCH_BYTES);
  return (
    decoded === (length / 4) * 3 - padding &&
    text.indexOf('-') === -1 &&
    text.indexOf('_') === -1 &&
    B.byteLength(text) === length // UTF-8, the default
  );
}

/**
 * Bytes encoded by base64 text, padded or not, computed from its length and padding without decoding
 * it (the alphabet is not checked: see {@link audioFrameProblem} for a full check of a frame).
 *
 * @example
 * ```ts
 * base64ByteLength('AAAA'); // 3
 * base64ByteLength('AAA='); // 2
 * const ms = (base64ByteLength(frame.data) / bytesPerSample(frame.encoding) / frame.numChannels / frame.sampleRate) * 1000;
 * ```
 */
export function base64ByteLength(data: string): number {
  const length = data.length;
  const padding =
    length === 0 || data.charCodeAt(length - 1) !== 61 ? 0 : data.charCodeAt(length - 2) === 61 ? 2 : 1;
  return Math.floor((length * 3) / 4) - padding;
}
