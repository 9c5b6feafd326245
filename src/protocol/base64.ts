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

/** The platform's decoder (Node, browsers): found at call time on globalThis, where tests may take it away. */
type Atob = (text: string) => string;

/** Texts longer than this are scanned instead of decoded: a decoded copy of a huge frame is not worth making. */
const MAX_DECODED_CHARS = 64 * 1024;

/** Texts up to this long are checked by decoding them into a scratch buffer, where there is Buffer. */
const MAX_SCRATCH_CHARS = 16 * 1024;
/** Where Node's decoder writes what it checks (made on first use, 12 KiB, kept). */
let scratch: NodeBufferView | undefined;

/**
 * Whether `text` is padded base64: whole quads of the alphabet, `=` only as the last one or two.
 * Runs on every audio delta received and every frame sent that this library did not encode, so it is
 * one function, and lets native code check the characters (a pattern, even unanchored, costs several
 * times as much per character). On Node, the text is decoded into a scratch buffer kept for it, with
 * the checks Buffer's lenient decoder needs (see {@link decodeBase64Into}): no string is made. Else
 * `atob` decodes it: it refuses any character outside the alphabet and an `=` before the padding (it
 * throws), and skips blanks, so a text it decodes is the only kind that decodes to all the bytes its
 * length and padding imply.
 * @internal
 */
export function isBase64(text: string): boolean {
  const length = text.length;
  if (length % 4 !== 0) return false;
  const bytes = base64ByteLength(text);
  const platform = globalThis as { atob?: Atob; Buffer?: NodeBufferStatics };
  const B = platform.Buffer;
  if (B !== undefined && length <= MAX_SCRATCH_CHARS) {
    scratch ??= B.from(new ArrayBuffer((MAX_SCRATCH_CHARS / 4) * 3), 0, (MAX_SCRATCH_CHARS / 4) * 3);
    return decodedByNode(B, scratch, text, bytes);
  }
  if (platform.atob === undefined || length > MAX_DECODED_CHARS) {
    if (NOT_BASE64.test(text)) return false;
    const pad = text.indexOf('=');
    return pad === -1 || pad === length - 1 || (pad === length - 2 && text.charCodeAt(length - 1) === 61);
  }
  let decoded: number;
  try {
    decoded = platform.atob(text).length;
  } catch {
    return false;
  }
  return decoded === bytes;
}

/** The part of Node's Buffer that {@link decodeBase64Into} uses (found at call time: none in browsers). */
interface NodeBufferStatics {
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): NodeBufferView;
  byteLength(text: string): number;
}

/**
 * The part of a Buffer that decodes base64 into it. `base64Write`, where Node has it, is what `write`
 * calls after looking up the encoding by name: calling it straight skips that step on every delta.
 */
interface NodeBufferView {
  write(text: string, encoding: 'base64'): number;
  base64Write?(text: string, offset: number, length: number): number;
}

/**
 * Decodes `text` into `into` with Node's Buffer, checking it as it goes, where {@link isBase64} would
 * check it first: what the audio kit does to decode. `into` must hold exactly the bytes that the
 * text's length and padding imply ({@link base64ByteLength}). True when `text` was padded base64;
 * false when it was not (`into` then holds garbage); undefined where there is no Buffer (nothing
 * done: check, then decode another way).
 *
 * Buffer's decoder skips any character outside the alphabet and stops at an `=`, so only a text of
 * that alphabet with its padding at the end fills `into`. It also takes the URL-safe `-` and `_`,
 * and reads a character above U+00FF by its low byte: those are ruled out apart (the text must be
 * ASCII).
 * @internal
 */
export function decodeBase64Into(text: string, into: Uint8Array): boolean | undefined {
  const B = (globalThis as { Buffer?: NodeBufferStatics }).Buffer;
  if (B === undefined) return undefined;
  const length = text.length;
  if (length % 4 !== 0 || into.byteLength !== base64ByteLength(text)) return false;
  return decodedByNode(B, B.from(into.buffer, into.byteOffset, into.byteLength), text, into.byteLength);
}

/**
 * Whether Node's decoder, writing `text` into `target`, shows it to be padded base64 of `bytes` bytes:
 * it filled them all, and none of what the decoder takes but base64 does not was there (see
 * {@link decodeBase64Into}).
 */
function decodedByNode(B: NodeBufferStatics, target: NodeBufferView, text: string, bytes: number): boolean {
  const written = target.base64Write?.(text, 0, bytes) ?? target.write(text, 'base64');
  return (
    written === bytes &&
    text.indexOf('-') === -1 &&
    text.indexOf('_') === -1 &&
    B.byteLength(text) === text.length // UTF-8, the default: ASCII only
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
