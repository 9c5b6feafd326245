import { Observable, type OperatorFunction } from 'rxjs';
import { AudioError } from './audioError.js';

/*
 * Scaling: one int16 step is 1 / 32768 in both directions.
 *
 *   int16 -> float:  s / 32768                       (exact in float32: a power-of-two division)
 *   float -> int16:  round(x * 32768), clamped to [-32768, 32767]
 *
 * so int16 -> float -> int16 is the identity for all 65 536 values, and float -> int16 -> float is within
 * half a step for x in [-1, 32767/32768] and within one step for x in (32767/32768, 1] (which clips
 * to 32767). -1 maps to -32768 exactly; floats never reach +1 on the way back (the int16 range is
 * asymmetric, and a symmetric 32767 scale would break the exact round trip).
 * Rounding is to nearest, ties away from zero, so that negating the input negates the output.
 */

/** The float value of one int16 step. */
const STEP = 1 / 32768;

/**
 * One float sample as int16: clamped to [-1, 1], NaN -> 0, rounded to nearest (ties away from zero).
 * @internal
 */
export function floatSampleToPcm16(x: number): number {
  const v = x * 32768;
  if (v >= 32767) return 32767;
  if (v <= -32768) return -32768;
  if (v !== v) return 0; // NaN fails every comparison above
  // Truncating v ± 0.5 rounds half away from zero (`| 0` also makes -0 plain 0). For float32 input v
  // carries at most 24 significant bits below 2^15, so v ± 0.5 is exact in a double.
  return (v < 0 ? v - 0.5 : v + 0.5) | 0;
}

/**
 * Converts `count` float samples from `src[srcFrom]` into `dst[dstFrom]`, without allocating (the
 * framing hot path writes straight into its frame buffer).
 * @internal
 */
export function floatToPcm16Into(
  src: Float32Array,
  srcFrom: number,
  dst: Int16Array,
  dstFrom: number,
  count: number,
): void {
  for (let i = 0; i < count; i++) dst[dstFrom + i] = floatSampleToPcm16(src[srcFrom + i]);
}

/** The output array: `out` (or its first `length` samples) when given, else a new one. */
function output<A extends Int16Array | Float32Array>(
  name: string,
  length: number,
  out: A | undefined,
  create: (n: number) => A,
): A {
  if (out === undefined) return create(length);
  if (out.length < length) {
    throw new AudioError('options', `${name}: out holds ${out.length} samples but ${length} are needed`);
  }
  return (out.length === length ? out : out.subarray(0, length)) as A;
}

/**
 * Converts float samples in [-1, 1] to int16: `round(x * 32768)`, clamped to [-32768, 32767]
 * (so 1 -> 32767 and -1 -> -32768), NaN -> 0, ties rounded away from zero.
 *
 * `pcm16ToFloat(floatToPcm16(x))` is within one int16 step (1/32768) of `x` clamped to [-1, 1].
 *
 * @example
 * ```ts
 * floatToPcm16(new Float32Array([0, 0.5, -1, 1, 2, NaN])); // Int16Array [0, 16384, -32768, 32767, 32767, 0]
 * ```
 *
 * @param samples Float samples (any channel layout; converted one by one).
 * @param out Where to write: at least `samples.length` long; its first `samples.length` samples are
 *   returned. A new array when omitted.
 * @return The int16 samples.
 * @throws {AudioError} `options`, when `out` is too short.
 */
export function floatToPcm16(samples: Float32Array, out?: Int16Array): Int16Array {
  const result = output('floatToPcm16', samples.length, out, (n) => new Int16Array(n));
  floatToPcm16Into(samples, 0, result, 0, samples.length);
  return result;
}

/**
 * Converts int16 samples to floats: `s / 32768`, so -32768 -> -1 and 32767 -> 32767/32768 (just
 * under 1). Exact: `floatToPcm16(pcm16ToFloat(s))` gives `s` back for every int16 value.
 *
 * @example
 * ```ts
 * pcm16ToFloat(new Int16Array([0, 16384, -32768])); // Float32Array [0, 0.5, -1]
 * ```
 *
 * @param samples Int16 samples (any channel layout; converted one by one).
 * @param out Where to write: at least `samples.length` long; its first `samples.length` samples are
 *   returned. A new array when omitted.
 * @return The float samples, in [-1, 1).
 * @throws {AudioError} `options`, when `out` is too short.
 */
export function pcm16ToFloat(samples: Int16Array, out?: Float32Array): Float32Array {
  const n = samples.length;
  const result = output('pcm16ToFloat', n, out, (k) => new Float32Array(k));
  for (let i = 0; i < n; i++) result[i] = samples[i] * STEP;
  return result;
}

/** The operator body shared by toPcm16 and toFloat32: one converted chunk per chunk. */
function convertEach<A, B>(convert: (chunk: A) => B): OperatorFunction<A, B> {
  return (source) =>
    new Observable<B>((subscriber) =>
      source.subscribe({
        next: (chunk) => {
          let converted: B;
          try {
            converted = convert(chunk);
          } catch (err) {
            subscriber.error(err);
            return;
          }
          subscriber.next(converted);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}

/**
 * Converts each chunk of float samples in [-1, 1] to int16 with {@link floatToPcm16}: clamped,
 * NaN -> 0, rounded.
 *
 * ```
 * source: -a------b----|        a = [0, 0.5]      b = [1, -1, 2]
 * result: -A------B----|        A = [0, 16384]    B = [32767, -32768, 32767]
 * ```
 *
 * One new Int16Array per chunk (the chunk itself is not modified); errors and completion pass through.
 *
 * @example
 * Microphone floats to the PCM16 the server wants
 * ```ts
 * microphone$.pipe(toPcm16()).subscribe((pcm) => send(pcm));
 * ```
 *
 * @return A function that returns an Observable of int16 chunks, one per float chunk.
 */
export function toPcm16(): OperatorFunction<Float32Array, Int16Array> {
  return convertEach((chunk: Float32Array) => floatToPcm16(chunk));
}

/**
 * Converts each chunk of int16 samples to floats with {@link pcm16ToFloat} (`s / 32768`).
 *
 * ```
 * source: -a------b----|        a = [0, 16384]    b = [-32768]
 * result: -A------B----|        A = [0, 0.5]      B = [-1]
 * ```
 *
 * One new Float32Array per chunk (the chunk itself is not modified); errors and completion pass through.
 *
 * @example
 * Server audio to Web Audio floats
 * ```ts
 * audio$.pipe(fromAudioFrames(), toFloat32()).subscribe((floats) => audioBuffer.copyToChannel(floats, 0));
 * ```
 *
 * @return A function that returns an Observable of float chunks, one per int16 chunk.
 */
export function toFloat32(): OperatorFunction<Int16Array, Float32Array> {
  return convertEach((chunk: Int16Array) => pcm16ToFloat(chunk));
}
