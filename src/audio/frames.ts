import { Observable, type OperatorFunction } from 'rxjs';
import type { RealtimeAudioFrame } from '../protocol/frame.js';
import { channelCountProblem, sampleRateProblem } from '../protocol/frameLimits.js';
import { AudioError } from './audioError.js';
import { bytesPrefixEncoder, pcm16PrefixEncoder } from './base64.js';
import { frameSamples, lawOfEncoding } from './frameSamples.js';
import { floatToG711Into, g711Codec, pcm16ToG711Into, type G711Law } from './g711.js';
import { floatToPcm16Into } from './pcm.js';

/** How far from an integer `sampleRate * frameMs / 1000` may be and still count as one (float noise). */
const INTEGER_TOLERANCE = 1e-6;

/**
 * Options of {@link toAudioFrames}.
 *
 * @example
 * ```ts
 * const options: AudioFramesOptions = { sampleRate: 24000, numChannels: 1, frameMs: 20 }; // 480 samples a frame
 * mic$.pipe(toAudioFrames(options)).subscribe(conversation.audio);
 * const phone: AudioFramesOptions = { sampleRate: 8000, numChannels: 1, frameMs: 20, encoding: 'g711_ulaw' };
 * ```
 */
export interface AudioFramesOptions {
  /** Hz, an integer from 1 000 to 384 000: what the frames say; samples are not resampled. */
  sampleRate: number;
  /** Interleaved channels per sample frame, an integer from 1 to 8. */
  numChannels: number;
  /** Frame duration; `sampleRate * frameMs / 1000` must be a positive integer (e.g. 20 ms at 24 kHz = 480). */
  frameMs: number;
  /**
   * How the frames hold the samples: `'pcm16'` (the default: frames without an `encoding` field) or,
   * for telephony, G.711 `'g711_ulaw'` / `'g711_alaw'` (one byte per sample; the frames say
   * `encoding`). With G.711, Uint8Array chunks are taken as G.711 bytes of that law, and Int16Array and
   * Float32Array chunks are encoded with it.
   */
  encoding?: 'pcm16' | 'g711_ulaw' | 'g711_alaw';
}

/** A chunk of interleaved samples: PCM (int16 or float), or G.711 bytes for G.711 frames. */
type Chunk = Int16Array | Float32Array | Uint8Array;

/** One subscription's frame buffer: how chunks go into it, and how its filled part goes out. */
interface FrameWriter {
  /** Copies `take` samples of `chunk`, from `at`, into the frame at `to`. */
  put(chunk: Chunk, at: number, to: number, take: number): void;
  /** The frame of its first `count` samples (all channels). */
  frame(count: number): RealtimeAudioFrame;
}

/** PCM16 frames: one Int16Array; int16 chunks copied, float ones converted. No `encoding` field. */
function pcm16Writer(frameLength: number, sampleRate: number, numChannels: number): FrameWriter {
  const samples = new Int16Array(frameLength);
  const encode = pcm16PrefixEncoder(samples);
  return {
    put: (chunk, at, to, take) => {
      // BYTES_PER_ELEMENT, not instanceof: typed arrays from another realm (iframe, worklet) still work.
      if (chunk.BYTES_PER_ELEMENT === 2) {
        for (let i = 0; i < take; i++) samples[to + i] = chunk[at + i];
      } else {
        floatToPcm16Into(chunk as Float32Array, at, samples, to, take);
      }
    },
    frame: (count) => ({
      data: encode(count),
      sampleRate,
      numChannels,
      samplesPerChannel: count / numChannels,
    }),
  };
}

/** G.711 frames: one Uint8Array; byte chunks copied, int16 and float ones encoded with `law`. */
function g711Writer(frameLength: number, sampleRate: number, numChannels: number, law: G711Law): FrameWriter {
  const codec = g711Codec(law, 'toAudioFrames');
  const encoding = law === 'ulaw' ? 'g711_ulaw' : 'g711_alaw';
  const bytes = new Uint8Array(frameLength);
  const encode = bytesPrefixEncoder(bytes);
  return {
    put: (chunk, at, to, take) => {
      const width = chunk.BYTES_PER_ELEMENT;
      if (width === 1) {
        for (let i = 0; i < take; i++) bytes[to + i] = chunk[at + i];
      } else if (width === 2) {
        pcm16ToG711Into(codec, chunk as Int16Array, at, bytes, to, take);
      } else {
        floatToG711Into(codec, chunk as Float32Array, at, bytes, to, take);
      }
    },
    frame: (count) => ({
      data: encode(count),
      sampleRate,
      numChannels,
      samplesPerChannel: count / numChannels,
      encoding,
    }),
  };
}

/** The samples per channel in one frame, or throws. */
function samplesPerFrame({ sampleRate, numChannels, frameMs }: AudioFramesOptions): number {
  const rangeProblem = sampleRateProblem(sampleRate) ?? channelCountProblem(numChannels);
  if (rangeProblem !== undefined) throw new AudioError('options', `toAudioFrames: ${rangeProblem}`);
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
 * base64 PCM16LE (or G.711, with `encoding`), ready for `conversation.audio`.
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
 * With `encoding: 'g711_ulaw'` or `'g711_alaw'` (telephony, usually 8 kHz mono) the frames hold one
 * G.711 byte per sample and say `encoding`: Uint8Array chunks are G.711 bytes of that law, copied as
 * they are; Int16Array and Float32Array chunks are encoded as {@link pcm16ToG711} does.
 *
 * - A chunk whose length is not a multiple of `numChannels`, or a Uint8Array chunk for PCM16 frames,
 *   errors the result with an `AudioError` (`options`); the source is unsubscribed and the partial
 *   frame discarded.
 * - A source error is forwarded; the partial frame is discarded.
 *
 * Hot path: each subscription owns one buffer of one frame that chunks are copied (or encoded) into;
 * per frame the only allocations are the base64 string and the frame object.
 *
 * @example
 * 20 ms frames from a 48 kHz microphone, resampled to the 24 kHz the server wants
 * ```ts
 * mic$.pipe(resample(48000, 24000), toAudioFrames({ sampleRate: 24000, numChannels: 1, frameMs: 20 }))
 *   .subscribe(conversation.audio);
 * ```
 *
 * @example
 * A phone call's µ-law bytes (8 kHz) as 20 ms G.711 frames of 160 bytes
 * ```ts
 * call$.pipe(toAudioFrames({ sampleRate: 8000, numChannels: 1, frameMs: 20, encoding: 'g711_ulaw' }))
 *   .subscribe(conversation.audio);
 * ```
 *
 * @param o The rate and channel count the samples have, the frame duration, and the encoding.
 * @return A function that returns an Observable of audio frames.
 * @throws {AudioError} `options`, synchronously, when the rate or channel count is out of range,
 *   `sampleRate * frameMs / 1000` is not a positive integer, or the encoding is unknown.
 */
export function toAudioFrames(
  o: AudioFramesOptions & { encoding: 'g711_ulaw' | 'g711_alaw' },
): OperatorFunction<Uint8Array | Int16Array | Float32Array, RealtimeAudioFrame>;
/**
 * Cuts a stream of interleaved PCM chunks of any sizes into exact audio frames of `frameMs`, base64
 * PCM16LE (see the G.711 signature above for the details).
 *
 * @example
 * ```ts
 * mic$.pipe(toAudioFrames({ sampleRate: 24000, numChannels: 1, frameMs: 20 })).subscribe(conversation.audio);
 * ```
 *
 * @param o The rate and channel count the samples have, the frame duration, and the encoding.
 * @return A function that returns an Observable of audio frames.
 * @throws {AudioError} `options`, synchronously, for options that cannot work.
 */
export function toAudioFrames(
  o: AudioFramesOptions,
): OperatorFunction<Int16Array | Float32Array, RealtimeAudioFrame>;
export function toAudioFrames(o: AudioFramesOptions): OperatorFunction<Chunk, RealtimeAudioFrame> {
  const spf = samplesPerFrame(o);
  const law = lawOfEncoding(o.encoding, 'toAudioFrames: encoding');
  const { sampleRate, numChannels } = o;
  const frameLength = spf * numChannels;
  if (law !== undefined) g711Codec(law, 'toAudioFrames'); // the tables, built now rather than on the first chunk

  return (source) =>
    new Observable<RealtimeAudioFrame>((subscriber) => {
      const writer =
        law === undefined
          ? pcm16Writer(frameLength, sampleRate, numChannels)
          : g711Writer(frameLength, sampleRate, numChannels, law);
      /** Samples of the current frame already filled. */
      let filled = 0;

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
          if (law === undefined && chunk.BYTES_PER_ELEMENT === 1) {
            subscriber.error(
              new AudioError(
                'options',
                "toAudioFrames: a Uint8Array chunk is G.711 bytes: set encoding 'g711_ulaw' or 'g711_alaw', or give Int16Array or Float32Array samples",
              ),
            );
            return;
          }
          let at = 0;
          while (at < n) {
            const take = Math.min(frameLength - filled, n - at);
            writer.put(chunk, at, filled, take);
            filled += take;
            at += take;
            if (filled === frameLength) {
              filled = 0;
              subscriber.next(writer.frame(frameLength));
              if (subscriber.closed) return;
            }
          }
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          if (filled > 0) {
            const count = filled;
            filled = 0;
            subscriber.next(writer.frame(count));
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
  const samples = frameSamples(frame);
  if (samples.length % numChannels !== 0) {
    throw new AudioError(
      'base64',
      `base64 audio holds ${samples.length} samples: not whole frames of ${numChannels} channels`,
    );
  }
  return samples;
}

/**
 * Decodes each audio frame's data into its int16 samples (interleaved as in the frame): base64
 * PCM16LE, or G.711 for frames whose `encoding` says so (decoded as {@link g711ToPcm16} does).
 *
 * ```
 * source: -a------b-----c----|   a = {data: 'AQACAA==', numChannels: 1, ...}   b = {data: '', ...}
 *                                c = {data: '1VU=', encoding: 'g711_alaw', ...}
 * result: -A------B-----C----|   A = Int16Array [1, 2]   B = Int16Array []   C = Int16Array [8, -8]
 * ```
 *
 * One new Int16Array per frame, owning its own ArrayBuffer (safe to transfer to a worklet).
 * `samplesPerChannel`, when present, is not checked: the data decides.
 *
 * - Data that is not padded base64, an odd byte count (PCM16), or a sample count that is not a
 *   multiple of `numChannels` errors the result with an `AudioError` (`base64`) whose message names
 *   the problem, e.g. `base64 audio holds 3 bytes: not whole 16-bit samples`; a `numChannels` that is
 *   not a positive integer or an unknown `encoding` errors it with an `AudioError` (`options`). The
 *   source is then unsubscribed.
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
