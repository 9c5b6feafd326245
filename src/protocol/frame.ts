import * as t from 'io-ts';
import { isBase64, base64ByteLength, lastEncodedBase64 } from './base64.js';
import { channelCountProblem, sampleRateProblem } from './frameLimits.js';
import { printable } from './printable.js';

/** How a frame's data holds its samples: PCM16 little-endian, or G.711 µ-law / A-law (one byte each). */
const AudioEncodingCodec = t.keyof({ pcm16: null, g711_ulaw: null, g711_alaw: null });

/**
 * The shape of {@link RealtimeAudioFrame}; the type is derived from it. An io-ts codec: `is` checks the
 * shape only (use {@link audioFrameProblem} for the full validation).
 *
 * @example
 * ```ts
 * const value: unknown = JSON.parse(message);
 * if (RealtimeAudioFrameCodec.is(value)) console.log(value.sampleRate);
 * ```
 */
export const RealtimeAudioFrameCodec = t.intersection([
  t.type({ data: t.string, sampleRate: t.number, numChannels: t.number }),
  t.partial({ samplesPerChannel: t.number, itemId: t.string, encoding: AudioEncodingCodec }),
]);

/**
 * One chunk of audio, base64 encoded: what {@link Conversation.audio} takes and `audio.out` events
 * carry. The samples are PCM16 little-endian unless `encoding` says G.711 (telephony: 8 kHz, one byte
 * per sample).
 *
 * @example
 * 20 ms of silence at 24 kHz, mono
 * ```ts
 * const frame: RealtimeAudioFrame = {
 *   data: bytesToBase64(new Uint8Array(480 * 2)),
 *   sampleRate: 24_000,
 *   numChannels: 1,
 *   samplesPerChannel: 480,
 * };
 * conversation.audio.next(frame);
 * ```
 *
 * @see {@link toAudioFrames}
 * @see {@link fromAudioFrames}
 */
export interface RealtimeAudioFrame extends t.TypeOf<typeof RealtimeAudioFrameCodec> {
  /** base64 of the samples, channels interleaved: PCM16LE, or one G.711 byte each (see `encoding`) */
  data: string;
  /** Hz, e.g. 24000, 48000 */
  sampleRate: number;
  /** 1 = mono */
  numChannels: number;
  /** e.g. 960 = 20 ms at 48 kHz; when present it must match the data */
  samplesPerChannel?: number;
  /** output item this audio belongs to (inbound only, when the server says) */
  itemId?: string;
  /**
   * How `data` holds the samples; absent = `'pcm16'` (16-bit little-endian). G.711 frames
   * (`'g711_ulaw'`, `'g711_alaw'`) hold one byte per sample.
   */
  encoding?: 'pcm16' | 'g711_ulaw' | 'g711_alaw';
}

/**
 * Bytes per sample (per channel) in the data of a frame of `encoding`: 1 for G.711 (`'g711_ulaw'`,
 * `'g711_alaw'`), 2 for PCM16 (`'pcm16'` or absent).
 *
 * @example
 * ```ts
 * const samplesPerChannel = base64ByteLength(frame.data) / bytesPerSample(frame.encoding) / frame.numChannels;
 * const ms = (samplesPerChannel / frame.sampleRate) * 1000;
 * ```
 */
export function bytesPerSample(encoding: RealtimeAudioFrame['encoding']): 1 | 2 {
  return encoding === 'g711_ulaw' || encoding === 'g711_alaw' ? 1 : 2;
}

/**
 * Ms of audio in a frame: samples per channel / `sampleRate` × 1000, where samples per channel is
 * `samplesPerChannel` when present, else the byte length of the base64 data (read from its length and
 * padding, not decoded) / bytes per sample / `numChannels`. NaN or Infinity when the rate or the
 * channel count is 0.
 * @internal
 */
export function frameMs(frame: RealtimeAudioFrame): number {
  const samplesPerChannel =
    frame.samplesPerChannel ??
    base64ByteLength(frame.data) / bytesPerSample(frame.encoding) / frame.numChannels;
  return (samplesPerChannel / frame.sampleRate) * 1000;
}

/**
 * Checks an outbound audio frame without allocating: the shape, the `encoding`, the rate and channel
 * ranges, that the data is base64 of whole samples for every channel (2 bytes each for PCM16, 1 for
 * G.711), and that `samplesPerChannel` (if given) matches. Returns why the frame is invalid, or
 * `undefined` when it is fine.
 *
 * A conversation runs the same check on every frame given to `audio` (and reports failures as
 * `invalid` events); call it yourself to fail earlier.
 *
 * @example
 * ```ts
 * audioFrameProblem({ data: 'AAAA', sampleRate: 24_000, numChannels: 1 });
 * // 'data holds 3 bytes, not whole 16-bit samples for 1 channel(s)'
 * audioFrameProblem({ data: 'AAAAAA==', sampleRate: 24_000, numChannels: 1 }); // undefined
 * audioFrameProblem({ data: 'AAAA', sampleRate: 8_000, numChannels: 1, encoding: 'g711_ulaw' }); // undefined
 * audioFrameProblem({ data: 'AAAA', sampleRate: 8_000, numChannels: 1, encoding: 'mp3' });
 * // `encoding must be 'pcm16', 'g711_ulaw' or 'g711_alaw', got "mp3"`
 * ```
 *
 * @see {@link openaiAudioProblem}
 */
export function audioFrameProblem(frame: unknown): string | undefined {
  // Data this library's encoder just made is base64 by construction: it skips the character scan,
  // the costliest part of the check (see lastEncodedBase64).
  return audioFrameProblemKnowing(frame, lastEncodedBase64());
}

/**
 * {@link audioFrameProblem}, told one text known to be base64: data equal to it skips the character
 * scan (the rest still runs).
 * @internal
 */
export function audioFrameProblemKnowing(
  frame: unknown,
  knownBase64: string | undefined,
): string | undefined {
  if (!RealtimeAudioFrameCodec.is(frame)) return shapeProblem(frame);
  const { data, sampleRate, numChannels, samplesPerChannel, encoding } = frame;
  const rangeProblem = sampleRateProblem(sampleRate) ?? channelCountProblem(numChannels);
  if (rangeProblem !== undefined) return rangeProblem;
  if (data !== knownBase64 && !isBase64(data)) return 'data is not base64';
  const bytes = base64ByteLength(data);
  const width = bytesPerSample(encoding);
  if (bytes % (width * numChannels) !== 0) {
    const samples = width === 2 ? '16-bit samples' : 'G.711 samples (1 byte each)';
    return `data holds ${bytes} bytes, not whole ${samples} for ${numChannels} channel(s)`;
  }
  if (samplesPerChannel !== undefined && samplesPerChannel !== bytes / (width * numChannels)) {
    return `samplesPerChannel is ${samplesPerChannel} but data holds ${bytes / (width * numChannels)}`;
  }
  return undefined;
}

/** Why a value failed the frame codec: its `encoding` when that alone is wrong, else its shape. */
function shapeProblem(frame: unknown): string {
  if (typeof frame === 'object' && frame !== null) {
    const { encoding } = frame as { encoding?: unknown };
    if (
      encoding !== undefined &&
      !AudioEncodingCodec.is(encoding) &&
      RealtimeAudioFrameCodec.is({ ...frame, encoding: undefined })
    ) {
      return `encoding must be 'pcm16', 'g711_ulaw' or 'g711_alaw', got ${printable(encoding, 40)}`;
    }
  }
  return 'not an audio frame: expected {data: string, sampleRate: number, numChannels: number}';
}
