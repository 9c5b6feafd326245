import { map, Observable, type OperatorFunction } from 'rxjs';
import { AudioError } from './audioError.js';
import { resampleFilter, type ResampleFilter } from './resampleFilter.js';

/**
 * Options of {@link resample}.
 *
 * @example
 * ```ts
 * const options: ResampleOptions = { channels: 2 };
 * stereo48k$.pipe(resample(48000, 24000, options));
 * ```
 */
export interface ResampleOptions {
  /** Interleaved channels per frame, a positive integer. Default 1. */
  channels?: number;
}

/**
 * The streaming core of {@link resample}, usable without RxJS (microphone and player code call it
 * directly): feed interleaved Float32 chunks to {@link Resampler.process}, call {@link Resampler.flush}
 * at the end of the stream.
 *
 * Output frame k is the band-limited input evaluated at input time `k · from / to` (zero phase: the
 * content is not delayed). Emission is delayed instead: frame k is produced once input frame
 * `floor(k · from / to) + taps / 2` has arrived, so the first chunks may produce nothing. Positions are
 * integers (input index + phase in `[0, to / gcd)`), so there is no drift however long the stream: over
 * `n` input frames the outputs total exactly `ceil(n · to / from)` frames.
 *
 * Per channel the resampler keeps the last `taps` input frames, so the output does not depend on how the
 * input is split into chunks (bit-identical to one big chunk). When `from === to` chunks are returned
 * as they are.
 *
 * @example
 * ```ts
 * const resampler = new Resampler(48000, 24000);
 * const out = [...chunks.map((chunk) => resampler.process(chunk)), resampler.flush()];
 * ```
 *
 * @see {@link resample}
 */
export class Resampler {
  /** Filter length in input frames (0 when `from === to`); emission lags the input by half of it. */
  readonly taps: number;

  private readonly filter: ResampleFilter | undefined;
  /** Deinterleaved history: one plane of `capacity` samples per channel. */
  private buffer: Float32Array;
  private capacity: number;
  /** Frames held per plane, including the leading zeros that stand for the time before the stream. */
  private length = 0;
  /** Plane index of the next output's first tap. */
  private start = 0;
  /** The next output's phase: its time is `start + taps / 2 - 1 + phase / up` input frames. */
  private phase = 0;

  /**
   * @param from input sample rate in Hz, a positive integer
   * @param to output sample rate in Hz, a positive integer
   * @param channels interleaved channels, a positive integer (default 1)
   * @throws {AudioError} `options` when a rate or the channel count is not a positive integer
   */
  constructor(
    readonly from: number,
    readonly to: number,
    readonly channels = 1,
  ) {
    validate(from, to, channels);
    this.filter = from === to ? undefined : resampleFilter(from, to);
    this.taps = this.filter?.taps ?? 0;
    this.capacity = this.filter ? 2 * this.taps + 4096 : 0;
    this.buffer = new Float32Array(this.capacity * channels);
    this.reset();
  }

  /**
   * Resamples one chunk of interleaved frames and returns the output frames it completes (possibly
   * none). Allocates only the returned array (and, rarely, a larger history for an unusually large
   * chunk). When `from === to` returns `input` itself.
   *
   * @throws {AudioError} `options` when the chunk is not a whole number of frames
   */
  process(input: Float32Array): Float32Array {
    checkFrames(input.length, this.channels);
    if (!this.filter) return input;
    this.append(input, input.length / this.channels);
    return this.run();
  }

  /**
   * Ends the stream: pads with zeros and returns the remaining output frames, so that the stream's
   * total is exactly `ceil(n · to / from)`; then the resampler is ready for a new stream.
   */
  flush(): Float32Array {
    if (!this.filter) return new Float32Array(0);
    // The last output has time < n, so its taps end before index n + taps/2: that many zeros suffice,
    // and with them exactly the outputs of time < n have all their taps (run's condition).
    this.append(undefined, this.taps / 2);
    const out = this.run();
    this.reset();
    return out;
  }

  private reset(): void {
    if (!this.filter) return;
    // taps/2 - 1 zeros stand for the time before the stream, so output 0 (time 0) starts at index 0.
    this.length = this.taps / 2 - 1;
    this.buffer.fill(0);
    this.start = 0;
    this.phase = 0;
  }

  /** Deinterleaves `frames` frames of `input` (zeros when undefined) after the history. */
  private append(input: Float32Array | undefined, frames: number): void {
    if (this.length + frames > this.capacity) this.grow(this.length + frames);
    const { buffer, capacity, length, channels } = this;
    if (input === undefined) {
      for (let c = 0; c < channels; c++)
        buffer.fill(0, c * capacity + length, c * capacity + length + frames);
    } else if (channels === 1) {
      buffer.set(input, length);
    } else {
      for (let c = 0; c < channels; c++) {
        const base = c * capacity + length;
        for (let i = 0, s = c; i < frames; i++, s += channels) buffer[base + i] = input[s]!;
      }
    }
    this.length = length + frames;
  }

  private grow(needed: number): void {
    const capacity = Math.max(needed, this.capacity * 2);
    const buffer = new Float32Array(capacity * this.channels);
    for (let c = 0; c < this.channels; c++) {
      buffer.set(this.buffer.subarray(c * this.capacity, c * this.capacity + this.length), c * capacity);
    }
    this.buffer = buffer;
    this.capacity = capacity;
  }

  /** Computes every output whose taps are all in the history, then drops the history none needs. */
  private run(): Float32Array {
    const { up, down, taps, table, phases, interpolated } = this.filter!;
    const { buffer, capacity, channels } = this;
    const last = this.length - taps; // the last start whose taps are all present
    // Advance by down/up input frames as whole frames plus a phase remainder: exact integers, no drift.
    const stepFrames = Math.floor(down / up);
    const stepPhase = down % up;

    let count = 0;
    for (let s = this.start, p = this.phase; s <= last; count++) {
      s += stepFrames;
      p += stepPhase;
      if (p >= up) {
        p -= up;
        s++;
      }
    }
    // A fresh empty array, not a shared one: callers may transfer what they get (postMessage).
    if (count === 0) return new Float32Array(0);

    const out = new Float32Array(count * channels);
    let start = this.start;
    let phase = this.phase;
    for (let k = 0, o = 0; k < count; k++) {
      if (!interpolated) {
        for (let c = 0; c < channels; c++)
          out[o++] = dot(buffer, c * capacity + start, table, phase * taps, taps);
      } else {
        // Between the two rows of the finely sampled kernel nearest to phase / up. Only the weight is
        // approximate; the position itself stays exact.
        const scaled = phase * phases;
        const row = Math.floor(scaled / up);
        const weight = (scaled - row * up) / up;
        for (let c = 0; c < channels; c++) {
          const a = dot(buffer, c * capacity + start, table, row * taps, taps);
          const b = dot(buffer, c * capacity + start, table, (row + 1) * taps, taps);
          out[o++] = a + (b - a) * weight;
        }
      }
      start += stepFrames;
      phase += stepPhase;
      if (phase >= up) {
        phase -= up;
        start++;
      }
    }

    // Keep the history from the next output's first tap on. start < length: the filter is longer than
    // one step, so the next output's taps begin inside the history.
    for (let c = 0; c < channels; c++) {
      buffer.copyWithin(c * capacity, c * capacity + start, c * capacity + this.length);
    }
    this.length -= start;
    this.start = 0;
    this.phase = phase;
    return out;
  }
}

/**
 * Dot product of `taps` samples of `x` from `xi` with coefficients of `h` from `hi` (`taps` a multiple
 * of 4). Four accumulators break the chain of dependent adds; their order is fixed, so the result does
 * not depend on how the input was chunked.
 */
function dot(x: Float32Array, xi: number, h: Float32Array, hi: number, taps: number): number {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  for (let j = 0; j < taps; j += 4) {
    a0 += x[xi + j] * h[hi + j];
    a1 += x[xi + j + 1] * h[hi + j + 1];
    a2 += x[xi + j + 2] * h[hi + j + 2];
    a3 += x[xi + j + 3] * h[hi + j + 3];
  }
  return a0 + a1 + (a2 + a3);
}

function validate(from: number, to: number, channels: number): void {
  checkRate('from', from);
  checkRate('to', to);
  if (!Number.isSafeInteger(channels) || channels < 1) {
    throw new AudioError('options', `resample: channels must be a positive integer, got ${channels}`);
  }
}

function checkRate(name: string, rate: number): void {
  if (!Number.isSafeInteger(rate) || rate <= 0) {
    throw new AudioError(
      'options',
      `resample: ${name} must be a positive integer sample rate in Hz, got ${rate}`,
    );
  }
}

function checkFrames(samples: number, channels: number): void {
  if (samples % channels !== 0) {
    throw new AudioError(
      'options',
      `resample: a chunk of ${samples} samples is not a whole number of ${channels}-channel frames`,
    );
  }
}

/**
 * Resamples a stream of Float32 chunks from one sample rate to another with a band-limited
 * (Kaiser-windowed sinc, polyphase) filter.
 *
 * <span class="informal">Streaming: the filter history is kept per channel across chunks, so the output
 * is the same however the input is chunked, and the stream's total is exactly `ceil(n · to / from)`.</span>
 *
 * ```
 * resample(48000, 24000)             a, b, c: 960 frames (20 ms) each; the filter has 208 taps
 * source:  -a-----b-----c-----|
 * result:  -x-----y-----z-----(t|)
 *
 * x: 428 frames (the outputs whose taps are all in; the rest waits for half the filter)
 * y, z: 480 frames each    t: 52 frames, zero-padded, on complete   (total 1440 = 2880 / 2)
 * ```
 *
 * Output frame k is the band-limited input at input time `k · from / to`: the content is not delayed,
 * but each output waits for half the filter length of later input (~ 2.2 ms at 48 k -> 24 k), and the
 * last ones are emitted when the source completes. A chunk that completes no output frame emits
 * nothing. The lowpass is at the lower Nyquist rate: the passband reaches 90 % of it, the stopband
 * (>= 80 dB) starts at it, so downsampling does not alias and upsampling does not image.
 *
 * - `from === to`: every chunk passes through unchanged (the same array).
 * - Multi-channel input is interleaved (`channels` samples per frame), and so is the output.
 * - Each subscription has its own {@link Resampler}; the filter bank is designed once per rate pair.
 * - A chunk that is not a whole number of frames errors the result with `AudioError('options')`.
 *
 * @param from input sample rate in Hz, a positive integer
 * @param to output sample rate in Hz, a positive integer
 * @param options `channels`: interleaved channels, a positive integer (default 1)
 * @throws {AudioError} `options`, synchronously, when a rate or the channel count is not a positive integer
 *
 * @example
 * Microphone at 48 kHz to 24 kHz, in 20 ms frames for the conversation
 * ```ts
 * import { resample, toAudioFrames } from 'realtime-rx';
 *
 * mic$
 *   .pipe(resample(48000, 24000), toAudioFrames({ sampleRate: 24000, numChannels: 1, frameMs: 20 }))
 *   .subscribe(conversation.audio);
 * ```
 *
 * @see {@link Resampler} for the same outside RxJS
 * @see {@link toAudioFrames}
 */
export function resample(
  from: number,
  to: number,
  options: ResampleOptions = {},
): OperatorFunction<Float32Array, Float32Array> {
  const channels = options.channels ?? 1;
  validate(from, to, channels);
  if (from === to) {
    return map((chunk) => {
      checkFrames(chunk.length, channels);
      return chunk;
    });
  }
  return (source) =>
    new Observable<Float32Array>((subscriber) => {
      const resampler = new Resampler(from, to, channels);
      return source.subscribe({
        next: (chunk) => {
          if (subscriber.closed) return; // a synchronous source may go on after our error
          let out: Float32Array;
          try {
            out = resampler.process(chunk);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          if (out.length > 0) subscriber.next(out);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          const tail = resampler.flush();
          if (tail.length > 0) subscriber.next(tail);
          subscriber.complete();
        },
      });
    });
}
