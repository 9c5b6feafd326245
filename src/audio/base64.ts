import { base64ByteLength, decodeBase64Into, encodedBase64, isBase64 } from '../protocol/base64.js';
import { AudioError } from './audioError.js';

/*
 * Two implementations behind one API: Node's Buffer (native, found at call time on globalThis so that
 * nothing here needs Node's types or modules), and btoa/atob everywhere else. Input is validated
 * strictly (standard alphabet, padded to a multiple of 4): Buffer, which silently skips characters it
 * does not know, is checked as it decodes (decodeBase64Into); elsewhere the text is checked first.
 */

/** The part of Node's Buffer used here. */
interface NodeBuffer {
  toString(encoding: 'base64', start?: number, end?: number): string;
}
interface NodeBufferConstructor {
  from(buffer: ArrayBufferLike, byteOffset?: number, length?: number): NodeBuffer;
}

/** Node's Buffer when present (looked up per call: cheap, and tests can hide it). */
function nodeBuffer(): NodeBufferConstructor | undefined {
  return (globalThis as { Buffer?: NodeBufferConstructor }).Buffer;
}

/** True on (almost every) platform whose typed arrays are little-endian, like the wire. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Bytes per btoa call in browsers: a multiple of 3 (no padding mid-string), small enough for `apply`. */
const CHUNK = 3 * 2730;

/** Browser encoder: btoa over binary strings built `CHUNK` bytes at a time. */
function browserBytesToBase64(bytes: Uint8Array): string {
  const n = bytes.length;
  if (n <= CHUNK) return btoa(binaryString(bytes));
  const parts: string[] = [];
  for (let at = 0; at < n; at += CHUNK)
    parts.push(btoa(binaryString(bytes.subarray(at, Math.min(at + CHUNK, n)))));
  return parts.join('');
}

/** One char per byte. `apply` takes any array-like at run time; its TS type wants number[]. */
function binaryString(bytes: Uint8Array): string {
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/** Browser decoder: atob, then one byte per char into `into` (already sized). */
function browserBase64Into(text: string, into: Uint8Array): void {
  const binary = atob(text);
  for (let i = 0; i < into.length; i++) into[i] = binary.charCodeAt(i);
}

/** Why `text`, which failed the check, is not padded base64: its first bad character, else its length. */
function notBase64(text: string): AudioError {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x3d) end--;
  // '=' is allowed only as the last one or two characters.
  const padFrom = Math.max(end, text.length - 2);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ok =
      (c >= 0x41 && c <= 0x5a) || // A-Z
      (c >= 0x61 && c <= 0x7a) || // a-z
      (c >= 0x30 && c <= 0x39) || // 0-9
      c === 0x2b || // +
      c === 0x2f || // /
      (c === 0x3d && i >= padFrom);
    if (!ok)
      return new AudioError(
        'base64',
        `base64 text has a bad character ${JSON.stringify(text[i])} at index ${i}`,
      );
  }
  const length = text.length;
  return new AudioError(
    'base64',
    length % 4 !== 0 ? `base64 text has length ${length}: not a multiple of 4` : 'base64 text is malformed',
  );
}

/** Checks `text` and returns how many bytes it encodes. */
function checkedByteLength(text: string): number {
  if (!isBase64(text)) throw notBase64(text);
  return base64ByteLength(text);
}

/**
 * Checks and decodes `text` into a new ArrayBuffer of exactly its bytes: with Node's Buffer in one
 * pass (checked as it decodes), elsewhere checked first.
 */
function decodeChecked(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw notBase64(text);
  // Decode straight into our own buffer: a Buffer of ours would be a view into Node's shared pool.
  const bytes = new Uint8Array(base64ByteLength(text));
  const decoded = decodeBase64Into(text, bytes);
  if (decoded === false || (decoded === undefined && !isBase64(text))) throw notBase64(text);
  if (decoded === undefined && bytes.length > 0) browserBase64Into(text, bytes);
  return bytes;
}

/** Reverses the two bytes of every 16-bit sample (LE <-> BE), `count` samples, from `src` into `dst`. */
function swap16(src: Uint8Array, dst: Uint8Array, count: number): void {
  for (let i = 0; i < 2 * count; i += 2) {
    const lo = src[i];
    dst[i] = src[i + 1]!;
    dst[i + 1] = lo;
  }
}

/** The bytes of a view (no copy). */
function bytesOf(samples: Int16Array): Uint8Array {
  return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
}

/**
 * Encodes bytes as padded standard base64. Only the view's own bytes are encoded (its `byteOffset`
 * and `byteLength` are respected).
 *
 * @example
 * ```ts
 * bytesToBase64(new Uint8Array([104, 105])); // 'aGk='
 * ```
 */
export function bytesToBase64(bytes: Uint8Array): string {
  const B = nodeBuffer();
  return encodedBase64(
    B !== undefined
      ? B.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
      : browserBytesToBase64(bytes),
  );
}

/**
 * Decodes padded standard base64 (`A-Z a-z 0-9 + /`, `=` padding, length a multiple of 4; no
 * whitespace, no URL-safe alphabet). Unused bits in the last character are ignored, as most decoders do.
 * The result owns a new ArrayBuffer of exactly its length.
 *
 * @example
 * ```ts
 * base64ToBytes('aGk='); // Uint8Array [104, 105]
 * base64ToBytes('aG!k'); // throws AudioError: base64 text has a bad character "!" at index 2
 * ```
 *
 * @throws {AudioError} `base64`, naming the first bad character and its index, or the bad length.
 */
export function base64ToBytes(text: string): Uint8Array {
  return decodeChecked(text);
}

/**
 * Encodes int16 samples as base64 of their little-endian bytes (the wire format), whatever the
 * platform's byte order.
 *
 * @example
 * ```ts
 * pcm16ToBase64(new Int16Array([1, -2])); // 'AQD+/w=='  (bytes 01 00 fe ff)
 * ```
 */
export function pcm16ToBase64(samples: Int16Array): string {
  const bytes = bytesOf(samples);
  if (LITTLE_ENDIAN) return bytesToBase64(bytes);
  const swapped = new Uint8Array(bytes.length);
  swap16(bytes, swapped, samples.length);
  return bytesToBase64(swapped);
}

/**
 * Decodes base64 of little-endian int16 samples (the wire format), whatever the platform's byte order.
 * The result owns a new ArrayBuffer of exactly its length.
 *
 * @example
 * ```ts
 * base64ToPcm16('AQD+/w=='); // Int16Array [1, -2]
 * base64ToPcm16('AQD+');     // throws AudioError: base64 audio holds 3 bytes: not whole 16-bit samples
 * ```
 *
 * @throws {AudioError} `base64`, for text that {@link base64ToBytes} rejects, or an odd byte count.
 */
export function base64ToPcm16(text: string): Int16Array {
  const bytes = decodeChecked(text);
  const byteLength = bytes.length;
  if (byteLength % 2 !== 0) {
    throw new AudioError('base64', `base64 audio holds ${byteLength} bytes: not whole 16-bit samples`);
  }
  if (!LITTLE_ENDIAN) swap16(bytes, bytes, byteLength / 2);
  return new Int16Array(bytes.buffer, 0, byteLength / 2);
}

/**
 * A reusable encoder of the first `count` samples of one fixed Int16Array as base64 PCM16LE: the
 * per-frame work of framing. Everything but the output string is set up once, here.
 * @internal
 */
export function pcm16PrefixEncoder(samples: Int16Array): (count: number) => string {
  const bytes = bytesOf(samples);
  if (!LITTLE_ENDIAN) {
    const scratch = new Uint8Array(bytes.length);
    return (count) => {
      swap16(bytes, scratch, count);
      return bytesToBase64(scratch.subarray(0, 2 * count));
    };
  }
  const encode = bytesPrefixEncoder(bytes);
  return (count) => encode(2 * count);
}

/**
 * A reusable encoder of the first `count` bytes of one fixed Uint8Array as base64 (G.711 framing, and
 * PCM16 framing on little-endian platforms). Everything but the output string is set up once, here.
 * @internal
 */
export function bytesPrefixEncoder(bytes: Uint8Array): (count: number) => string {
  const B = nodeBuffer();
  if (B !== undefined) {
    const buffer = B.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return (count) => encodedBase64(buffer.toString('base64', 0, count));
  }
  return (count) =>
    encodedBase64(browserBytesToBase64(count === bytes.length ? bytes : bytes.subarray(0, count)));
}

/**
 * The browser code paths and the byte swap, reachable from tests on Node. Not public API.
 * @internal
 */
export const base64Internals = {
  browserBytesToBase64,
  /** The browser decoder behind the same checks as {@link base64ToBytes}. */
  browserBase64ToBytes: (text: string): Uint8Array => {
    const bytes = new Uint8Array(checkedByteLength(text));
    if (bytes.length > 0) browserBase64Into(text, bytes);
    return bytes;
  },
  swap16,
  LITTLE_ENDIAN,
};
