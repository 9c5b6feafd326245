import { AudioError } from './audioError.js';
import { floatSampleToPcm16 } from './pcm.js';

/*
 * G.711 as the ITU-T G.191 reference implementation computes it, on int16 samples:
 *
 * - A-law quantizes the 12 most significant bits of a sample (`s >> 4`), µ-law the 14 most significant
 *   (`s >> 2`); the bits below are ignored.
 * - A negative sample is taken by its one's complement (`~s`, i.e. -s - 1), not by its magnitude: -1
 *   falls in the same interval as 0 (on the negative side), and the interval boundaries of the negative
 *   half are the positive ones moved by one.
 * - Decoding gives the middle of the code's interval, scaled back to 16 bits (A-law: the 13-bit value
 *   times 8, from ±8 to ±32256; µ-law: the 14-bit value times 4, from 0 to ±32124).
 *
 * Every code depends only on those top bits, so encoding is one table lookup per sample (4 096 entries
 * for A-law, 16 384 for µ-law, built on first use), and decoding one lookup in a 256-entry table.
 */

/**
 * A G.711 companding law: `'ulaw'` (µ-law, used in North America and Japan; the Realtime API's
 * `audio/pcmu`) or `'alaw'` (A-law, used elsewhere; `audio/pcma`).
 *
 * @example
 * ```ts
 * const law: G711Law = region === 'US' ? 'ulaw' : 'alaw';
 * const bytes = pcm16ToG711(samples, law);
 * ```
 */
export type G711Law = 'ulaw' | 'alaw';

/**
 * One law's tables: the code of int16 sample `s` is `encode[(s >> shift) & mask]`; the int16 value of
 * code `c` is `decode[c]`.
 * @internal
 */
export interface G711Codec {
  readonly encode: Uint8Array;
  readonly shift: number;
  readonly mask: number;
  readonly decode: Int16Array;
}

/** The A-law code of the 12-bit level `s >> 4` (two's complement, -2048..2047). */
function alawCode(level: number): number {
  const positive = level >= 0;
  const magnitude = positive ? level : ~level; // 0..2047
  let code = magnitude; // below 32 (the first two segments, of one step size) the level is the code
  if (magnitude >= 32) {
    const segment = 28 - Math.clz32(magnitude); // 32..63 -> 2, 64..127 -> 3, ..., 1024..2047 -> 7
    code = (segment << 4) | ((magnitude >> (segment - 1)) & 0x0f);
  }
  // The sign bit is 1 for positive samples; then every even bit is inverted (G.711's line coding).
  return (positive ? code | 0x80 : code) ^ 0x55;
}

/** The int16 value of an A-law code: the middle of its interval. */
function alawValue(code: number): number {
  const bits = code ^ 0x55;
  const segment = (bits >> 4) & 0x07;
  const step = bits & 0x0f;
  const magnitude = segment === 0 ? (step << 4) + 8 : ((step << 4) + 0x108) << (segment - 1);
  return bits & 0x80 ? magnitude : -magnitude;
}

/** The µ-law code of the 14-bit level `s >> 2` (two's complement, -8192..8191). */
function ulawCode(level: number): number {
  const positive = level >= 0;
  // Biased by 33 so that the segments end at powers of two (64, 128, ..., 8192); clipped at the top.
  const biased = Math.min((positive ? level : ~level) + 33, 0x1fff);
  const segment = 26 - Math.clz32(biased); // 33..63 -> 0, 64..127 -> 1, ..., 4096..8191 -> 7
  const step = (biased >> (segment + 1)) & 0x0f;
  // All bits inverted, so that silence (0xff) has many ones; the sign bit is 1 for positive samples.
  const code = 0x7f ^ ((segment << 4) | step);
  return positive ? code | 0x80 : code;
}

/** The int16 value of a µ-law code: the middle of its interval (0 for both zero codes). */
function ulawValue(code: number): number {
  const bits = ~code & 0xff;
  const segment = (bits >> 4) & 0x07;
  const step = bits & 0x0f;
  const magnitude = (((step << 3) + 0x84) << segment) - 0x84;
  return code & 0x80 ? magnitude : -magnitude;
}

function buildCodec(
  bits: number,
  code: (level: number) => number,
  value: (code: number) => number,
): G711Codec {
  const levels = 1 << bits;
  const encode = new Uint8Array(levels);
  // Index `level & mask` holds the code of the two's complement level.
  for (let level = -levels / 2; level < levels / 2; level++) encode[level & (levels - 1)] = code(level);
  const decode = new Int16Array(256);
  for (let c = 0; c < 256; c++) decode[c] = value(c);
  return { encode, shift: 16 - bits, mask: levels - 1, decode };
}

let alaw: G711Codec | undefined;
let ulaw: G711Codec | undefined;

/**
 * The tables of `law`, built on first use; throws an `AudioError` (`options`) naming `caller` for
 * anything but `'ulaw'` and `'alaw'` (a plain-JavaScript caller may pass anything).
 * @internal
 */
export function g711Codec(law: G711Law, caller: string): G711Codec {
  if (law === 'alaw') return (alaw ??= buildCodec(12, alawCode, alawValue));
  if (law === 'ulaw') return (ulaw ??= buildCodec(14, ulawCode, ulawValue));
  throw new AudioError('options', `${caller}: law must be 'ulaw' or 'alaw', got ${shownValue(law)}`);
}

/**
 * A bad option value as short text for an error message: a string quoted, a primitive as it prints,
 * anything else by its type.
 * @internal
 */
export function shownValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  if (typeof value === 'function') return 'a function';
  return String(value);
}

/**
 * Encodes `count` int16 samples from `src[srcFrom]` into `dst[dstFrom]`, without allocating.
 * @internal
 */
export function pcm16ToG711Into(
  codec: G711Codec,
  src: Int16Array,
  srcFrom: number,
  dst: Uint8Array,
  dstFrom: number,
  count: number,
): void {
  const { encode, shift, mask } = codec;
  for (let i = 0; i < count; i++) dst[dstFrom + i] = encode[(src[srcFrom + i] >> shift) & mask];
}

/**
 * Encodes `count` float samples from `src[srcFrom]` into `dst[dstFrom]` (each first made int16 as
 * `floatToPcm16` does), without allocating.
 * @internal
 */
export function floatToG711Into(
  codec: G711Codec,
  src: Float32Array,
  srcFrom: number,
  dst: Uint8Array,
  dstFrom: number,
  count: number,
): void {
  const { encode, shift, mask } = codec;
  for (let i = 0; i < count; i++) {
    dst[dstFrom + i] = encode[(floatSampleToPcm16(src[srcFrom + i]) >> shift) & mask];
  }
}

/**
 * Encodes int16 samples as G.711 bytes (one per sample), bit-exact with the ITU-T G.191 reference
 * (`alaw_compress`, `ulaw_compress`): A-law keeps the 12 most significant bits of each sample, µ-law
 * the 14 most significant; a negative sample is taken by its one's complement, so -1 is the smallest
 * negative code, not zero.
 *
 * @example
 * ```ts
 * pcm16ToG711(new Int16Array([0, -1, 32767, -32768]), 'alaw'); // Uint8Array [0xd5, 0x55, 0xaa, 0x2a]
 * pcm16ToG711(new Int16Array([0, -1, 32767, -32768]), 'ulaw'); // Uint8Array [0xff, 0x7f, 0x80, 0x00]
 * ```
 *
 * @param samples Int16 samples (any channel layout; encoded one by one).
 * @param law `'ulaw'` or `'alaw'`.
 * @return A new array of one code per sample.
 * @throws {AudioError} `options`, when `law` is neither.
 * @see {@link g711ToPcm16}
 * @see {@link toG711}
 */
export function pcm16ToG711(samples: Int16Array, law: G711Law): Uint8Array {
  const bytes = new Uint8Array(samples.length);
  pcm16ToG711Into(g711Codec(law, 'pcm16ToG711'), samples, 0, bytes, 0, samples.length);
  return bytes;
}

/**
 * Decodes G.711 bytes to int16 samples, bit-exact with the ITU-T G.191 reference (`alaw_expand`,
 * `ulaw_expand`): each code becomes the middle of its interval, scaled to 16 bits (A-law from ±8 to
 * ±32256, µ-law from 0 to ±32124).
 *
 * @example
 * ```ts
 * g711ToPcm16(new Uint8Array([0xd5, 0x55, 0xaa]), 'alaw'); // Int16Array [8, -8, 32256]
 * g711ToPcm16(new Uint8Array([0xff, 0x80, 0x00]), 'ulaw'); // Int16Array [0, 32124, -32124]
 * ```
 *
 * @param bytes G.711 codes, one per sample.
 * @param law `'ulaw'` or `'alaw'`.
 * @return A new array of one sample per code.
 * @throws {AudioError} `options`, when `law` is neither.
 * @see {@link pcm16ToG711}
 * @see {@link fromG711}
 */
export function g711ToPcm16(bytes: Uint8Array, law: G711Law): Int16Array {
  const { decode } = g711Codec(law, 'g711ToPcm16');
  const samples = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) samples[i] = decode[bytes[i]];
  return samples;
}
