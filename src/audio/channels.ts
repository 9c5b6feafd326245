import { Observable } from 'rxjs';
import { AudioError } from './audioError.js';

/** A chunk of interleaved samples in either sample format. */
type Samples = Float32Array | Int16Array;

/**
 * An operator whose output chunks have the type of its input chunks (Float32Array in, Float32Array
 * out; Int16Array in, Int16Array out).
 *
 * @example
 * ```ts
 * const toMono: SameSamplesOperator = downmix(2);
 * const floats$: Observable<Float32Array> = stereoFloats$.pipe(toMono);
 * const ints$: Observable<Int16Array> = stereoInts$.pipe(toMono);
 * ```
 */
export type SameSamplesOperator = <T extends Float32Array | Int16Array>(
  source: Observable<T>,
) => Observable<T>;

function checkChannels(name: string, channels: number): void {
  if (!Number.isInteger(channels) || channels < 1) {
    throw new AudioError('options', `${name}: channels must be a positive integer, got ${channels}`);
  }
}

function notWholeFrames(name: string, length: number, channels: number): AudioError {
  return new AudioError(
    'options',
    `${name}: a chunk of ${length} samples is not whole frames of ${channels} channels`,
  );
}

/** Averages every `channels` consecutive samples of `chunk` into one (int16 rounded, ties away from zero). */
function average<T extends Samples>(chunk: T, channels: number): T {
  const frames = chunk.length / channels;
  // BYTES_PER_ELEMENT, not instanceof: typed arrays from another realm (iframe, worklet) still work.
  if (chunk.BYTES_PER_ELEMENT === 2) {
    const out = new Int16Array(frames);
    for (let f = 0, i = 0; f < frames; f++) {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += chunk[i++];
      // Truncating mean ± 0.5 rounds half away from zero, like floatToPcm16.
      const mean = sum / channels;
      out[f] = (mean < 0 ? mean - 0.5 : mean + 0.5) | 0;
    }
    return out as T;
  }
  const out = new Float32Array(frames);
  for (let f = 0, i = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += chunk[i++];
    out[f] = sum / channels;
  }
  return out as T;
}

/**
 * Mixes interleaved multichannel chunks down to mono by averaging each frame's channels (int16
 * averages rounded to nearest, ties away from zero). The output chunk has the input chunk's type.
 *
 * ```
 * channels: 2
 * source: -a---------b------|      a = [1, 3, -2, -4]      b = [5, 6]
 * result: -A---------B------|      A = [2, -3]             B = [6]   (5.5 rounded)
 * ```
 *
 * With `channels` 1 the chunks pass through unchanged (same objects); otherwise one new chunk per chunk.
 * A chunk whose length is not a multiple of `channels` errors the result with an `AudioError`
 * (`options`) and unsubscribes the source.
 *
 * @example
 * A stereo microphone to the mono the server wants
 * ```ts
 * stereoMic$.pipe(downmix(2), toAudioFrames({ sampleRate: 48000, numChannels: 1, frameMs: 20 }));
 * ```
 *
 * @param channels Channels per frame in the input, a positive integer (default 2).
 * @return A function that returns an Observable of mono chunks of the input's sample type.
 * @throws {AudioError} `options`, synchronously, when `channels` is not a positive integer.
 */
export function downmix(channels = 2): SameSamplesOperator {
  checkChannels('downmix', channels);
  return <T extends Samples>(source: Observable<T>) =>
    new Observable<T>((subscriber) =>
      source.subscribe({
        next: (chunk) => {
          if (subscriber.closed) return; // a synchronous source may go on after we errored
          if (chunk.length % channels !== 0) {
            subscriber.error(notWholeFrames('downmix', chunk.length, channels));
            return;
          }
          subscriber.next(channels === 1 ? chunk : average(chunk, channels));
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}

/**
 * Interleaves equal-length channel planes into one array: `[L0, R0, L1, R1, ...]` from `[L, R]`.
 *
 * @example
 * ```ts
 * interleave([new Float32Array([1, 2]), new Float32Array([3, 4])]); // Float32Array [1, 3, 2, 4]
 * ```
 *
 * @throws {AudioError} `options`, when there are no planes or their lengths differ.
 */
export function interleave(planes: readonly Float32Array[]): Float32Array {
  const channels = planes.length;
  if (channels === 0) throw new AudioError('options', 'interleave: no channel planes');
  const frames = planes[0].length;
  for (let c = 1; c < channels; c++) {
    if (planes[c].length !== frames) {
      throw new AudioError(
        'options',
        `interleave: plane ${c} has ${planes[c].length} samples but plane 0 has ${frames}`,
      );
    }
  }
  if (channels === 1) return planes[0].slice();
  const out = new Float32Array(frames * channels);
  for (let c = 0; c < channels; c++) {
    const plane = planes[c];
    for (let f = 0, i = c; f < frames; f++, i += channels) out[i] = plane[f]!;
  }
  return out;
}

/**
 * Splits interleaved samples into one plane per channel: the inverse of {@link interleave}.
 *
 * @example
 * ```ts
 * deinterleave(new Float32Array([1, 3, 2, 4]), 2); // [Float32Array [1, 2], Float32Array [3, 4]]
 * ```
 *
 * @throws {AudioError} `options`, when `channels` is not a positive integer or `samples.length` is
 *   not a multiple of it.
 */
export function deinterleave(samples: Float32Array, channels: number): Float32Array[] {
  checkChannels('deinterleave', channels);
  if (samples.length % channels !== 0) throw notWholeFrames('deinterleave', samples.length, channels);
  const frames = samples.length / channels;
  const planes: Float32Array[] = [];
  for (let c = 0; c < channels; c++) {
    const plane = new Float32Array(frames);
    for (let f = 0, i = c; f < frames; f++, i += channels) plane[f] = samples[i]!;
    planes.push(plane);
  }
  return planes;
}
