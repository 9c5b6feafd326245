import { Observable, type OperatorFunction } from 'rxjs';
import type { RealtimeAudioFrame } from '../protocol/frame.js';
import { AudioError } from './audioError.js';
import { base64ToPcm16, pcm16PrefixEncoder } from './base64.js';
import { floatToPcm16Into } from './pcm.js';

// The ranges the frame validator accepts (protocol/frame.ts; audio may import only its types).
const MIN_SAMPLE_RATE = 1_000;
const MAX_SAMPLE_RATE = 384_000;
const MAX_CHANNELS = 8;

/** How far from an integer `sampleRate * frameMs / 1000` may be and still count as one (float noise). */
const INTEGER_TOLERANCE = 1e-6;

/**
 * Options of {@link toAudioFrames}.
 *
 * @example
 * ```ts
 * const options: AudioFramesOptions = { sampleRate: 24000, numChannels: 1, frameMs: 20 }; // 480 samples a frame
 * mic$.pipe(toAudioFrames(options)).subscribe(conversation.audio);
 * ```
 */
export interface AudioFramesOptions {
  /** Hz, an integer from 1 000 to 384 000: what the frames say; samples are not resampled. */
  sampleRate: number;
  /** Interleaved channels per sample frame, an integer from 1 to 8. */
  numChannels: number;
  /** Frame duration; `sampleRate * frameMs / 1000` must be a positive integer (e.g. 20 ms at 24 kHz = 480). */
  frameMs: number;
}

/** The samples per channel in one frame, or throws. */
function samplesPerFrame({ sampleRate, numChannels, frameMs }: AudioFramesOptions): number {
  if (!Number.isInteger(sampleRate) || sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
    throw new AudioError(
      'options',
      `toAudioFrames: sampleRate must be an integer from ${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE}, got ${sampleRate}`,
    );
  }
  if (!Number.isInteger(numChannels) || numChannels < 1 || numChannels > MAX_CHANNELS) {
    throw new AudioError(
      'options',
      `toAudioFrames: numChannels must be an integer from 1 to ${MAX_CHANNELS}, got ${numChannels}`,
    );
  }
  const exact = (sampleRate * frameMs) / 1000;
  const spf = Math.round(exact);
  if (!(spf >= 1 && Math.abs(exact - spf) <= INTEGER_TOLERANCE)) {
    throw new AudioError(
      'options',
      `toAudioFrames: frameMs ${frameMs} at ${sampleRate} Hz gives ${exact} samples per channel: not a positive integer`,
    );
  }
  return spf;
}

/**
 * Cuts a stream of interleaved sample chunks of any sizes into exact audio frames of `frameMs`,
 * base64 PCM16LE, ready for `conversation.audio`.
 *
 * ```
 * sampleRate: 1000, numChannels: 1, frameMs: 4          (4 samples per frame)
 * source: -a-----b-----c--|        a = [1,2,3]   b = [4,5]   c = [6,7,8,9,10]
 * result: -------F-----G--(H|)     F = [1,2,3,4]  G = [5,6,7,8]  H = [9,10] (short, on complete)
 * ```
 *
 * Float32Array chunks are converted with {@link floatToPcm16} (clamped, rounded); Int16Array chunks
 * are copied. Every frame has `samplesPerChannel = sampleRate * frameMs / 1000`, except the last one:
 * on complete, the samples left over (if any) go out as a shorter frame whose `samplesPerChannel`
 * says how many it holds. No sample is lost, duplicated or reordered.
 *
 * - A chunk whose length is not a multiple of `numChannels` errors the result with an `AudioError`
 *   (`options`); the source is unsubscribed and the partial frame discarded.
 * - A source error is forwarded; the partial frame is discarded.
 *
 * Hot path: each subscription owns one Int16Array of one frame that chunks are copied into; per frame
 * the only allocations are the base64 string and the frame object.
 *
 * @example
 * 20 ms frames from a 48 kHz microphone, resampled to the 24 kHz the server wants
 * ```ts
 * mic$.pipe(resample(48000, 24000), toAudioFrames({ sampleRate: 24000, numChannels: 1, frameMs: 20 }))
 *   .subscribe(conversation.audio);
 * ```
 *
 * @param o The rate and channel count the samples have, and the frame duration.
 * @return A function that returns an Observable of audio frames.
 * @throws {AudioError} `options`, synchronously, when the rate or channel count is out of range
 *   or `sampleRate * frameMs / 1000` is not a positive integer.
 */
export function toAudioFrames(
  o: AudioFramesOptions,
): OperatorFunction<Int16Array | Float32Array, RealtimeAudioFrame> {
  const spf = samplesPerFrame(o);
  const { sampleRate, numChannels } = o;
  const frameLength = spf * numChannels;

  return (source) =>
    new Observable<RealtimeAudioFrame>((subscriber) => {
      const frame = new Int16Array(frameLength);
      const encode = pcm16PrefixEncoder(frame);
      /** Samples of the current frame already filled. */
      let filled = 0;

      const emit = (count: number): void => {
        subscriber.next({
          data: encode(count),
          sampleRate,
          numChannels,
          samplesPerChannel: count / numChannels,
        });
      };

      return source.subscribe({
        next: (chunk) => {
          if (subscriber.closed) return; // a synchronous source may go on after we errored
          const n = chunk.length;
          if (n % numChannels !== 0) {
            subscriber.error(
              new AudioError(
                'options',
                `toAudioFrames: a chunk of ${n} samples is not whole frames of ${numChannels} channels`,
              ),
            );
            return;
          }
          // BYTES_PER_ELEMENT, not instanceof: typed arrays from another realm (iframe, worklet) still work.
          const isInt16 = chunk.BYTES_PER_ELEMENT === 2;
          let at = 0;
          while (at < n) {
            const take = Math.min(frameLength - filled, n - at);
            if (isInt16) {
              for (let i = 0; i < take; i++) frame[filled + i] = chunk[at + i]!;
            } else {
              floatToPcm16Into(chunk as Float32Array, at, frame, filled, take);
            }
            filled += take;
            at += take;
            if (filled === frameLength) {
              filled = 0;
              emit(frameLength);
              if (subscriber.closed) return;
            }
          }
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          if (filled > 0) {
            const count = filled;
            filled = 0;
            emit(count);
          }
          subscriber.complete();
        },
      });
    });
}

/** The samples of one frame, or throws the AudioError that says what is wrong with it. */
function decodeFrame(frame: RealtimeAudioFrame): Int16Array {
  const { numChannels } = frame;
  if (!Number.isInteger(numChannels) || numChannels < 1) {
    throw new AudioError('options', `audio frame has numChannels ${numChannels}: not a positive integer`);
  }
  const samples = base64ToPcm16(frame.data);
  if (samples.length % numChannels !== 0) {
    throw new AudioError(
      'base64',
      `base64 audio holds ${samples.length} samples: not whole frames of ${numChannels} channels`,
    );
  }
  return samples;
}

/**
 * Decodes each audio frame's base64 PCM16LE data into its int16 samples (interleaved as in the frame).
 *
 * ```
 * source: -a------b-----|        a = {data: 'AQACAA==', numChannels: 1, ...}   b = {data: '', ...}
 * result: -A------B-----|        A = Int16Array [1, 2]                         B = Int16Array []
 * ```
 *
 * One new Int16Array per frame, owning its own ArrayBuffer (safe to transfer to a worklet).
 * `samplesPerChannel`, when present, is not checked: the data decides.
 *
 * - Data that is not padded base64, an odd byte count, or a sample count that is not a multiple of
 *   `numChannels` errors the result with an `AudioError` (`base64`) whose message names the problem,
 *   e.g. `base64 audio holds 3 bytes: not whole 16-bit samples`; a `numChannels` that is not a
 *   positive integer errors it with an `AudioError` (`options`). The source is then unsubscribed.
 * - Errors and completion of the source pass through.
 *
 * @example
 * Play the assistant's voice
 * ```ts
 * conversation.events$.pipe(
 *   filter((e) => e.type === 'audio.out'),
 *   map((e) => e.frame),
 *   fromAudioFrames(),
 *   toFloat32(),
 * ).subscribe((floats) => audioBuffer.copyToChannel(floats, 0));
 * ```
 *
 * @return A function that returns an Observable of int16 chunks, one per frame.
 */
export function fromAudioFrames(): OperatorFunction<RealtimeAudioFrame, Int16Array> {
  return (source) =>
    new Observable<Int16Array>((subscriber) =>
      source.subscribe({
        next: (frame) => {
          if (subscriber.closed) return;
          let samples: Int16Array;
          try {
            samples = decodeFrame(frame);
          } catch (err) {
            subscriber.error(err);
            return;
          }
          subscriber.next(samples);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}
