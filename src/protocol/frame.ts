import * as t from 'io-ts';
import { printable } from './printable.js';

/** How a frame's data holds its samples: PCM16 little-endian, or G.711 μ-law / A-law (one byte each). */
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
 * The lowest `sampleRate` of a valid {@link RealtimeAudioFrame}, in Hz.
 *
 * @example
 * ```ts
 * const ok = Number.isInteger(rate) && rate >= MIN_SAMPLE_RATE && rate <= MAX_SAMPLE_RATE;
 * ```
 */
export const MIN_SAMPLE_RATE = 1_000;
/**
 * The highest `sampleRate` of a valid {@link RealtimeAudioFrame}, in Hz.
 *
 * @example
 * ```ts
 * const ok = Number.isInteger(rate) && rate >= MIN_SAMPLE_RATE && rate <= MAX_SAMPLE_RATE;
 * ```
 */
export const MAX_SAMPLE_RATE = 384_000;
/**
 * The most channels a valid {@link RealtimeAudioFrame} may have.
 *
 * @example
 * ```ts
 * const numChannels = Math.min(track.getSettings().channelCount ?? 1, MAX_CHANNELS);
 * ```
 */
export const MAX_CHANNELS = 8;

/** Any character that base64 never holds: one unanchored class, which V8 scans fast on any data. */
const NOT_BASE64 = /[^A-Za-z0-9+/=]/;

/** The part of Node's Buffer the check uses (found at call time on globalThis: none in browsers). */
interface NodeBufferLike {
  write(text: string, offset: number, encoding: 'base64'): number;
}
interface NodeBufferStatics {
  allocUnsafe(size: number): NodeBufferLike;
  byteLength(text: string, encoding: 'utf8'): number;
}
/** Decoded bytes go here and are never read: only how many there were counts. */
const SCRATCH_BYTES = 48 * 1024;
let scratch: NodeBufferLike | undefined;

/**
 * Whether `text` is padded base64: whole quads of the alphabet, `=` only as the last one or two.
 * Runs on every audio delta received and every frame sent that this library did not encode (50 a
 * second each way per conversation). The anchored `^[A-Za-z0-9+/]*={0,2}$` took about 5 µs on a 20 ms
 * frame of noisy audio, the unanchored class about 0.85 µs; where Node's Buffer is (see
 * `decodesWhole`), about 0.35 µs.
 * @internal
 */
export function isBase64(text: string): boolean {
  const length = text.length;
  if (length % 4 !== 0) return false;
  const B = (globalThis as { Buffer?: NodeBufferStatics }).Buffer;
  const whole =
    B !== undefined && length <= (SCRATCH_BYTES / 3) * 4 ? decodesWhole(B, text) : !NOT_BASE64.test(text);
  if (!whole) return false;
  const pad = text.indexOf('=');
  return pad === -1 || pad === length - 1 || (pad === length - 2 && text.charCodeAt(length - 1) === 61);
}

/**
 * The alphabet check by Node's native decoder, into scratch memory: it skips any character outside
 * the alphabet and stops at an `=`, so a text of that alphabet with its padding at the end is the only
 * kind that decodes to all the bytes its length implies. Node also takes the URL-safe `-` and `_`, and
 * reads a character above U+00FF by its low byte: those are ruled out apart (the text must be ASCII).
 */
function decodesWhole(B: NodeBufferStatics, text: string): boolean {
  const length = text.length;
  const padding = text.charCodeAt(length - 1) !== 61 ? 0 : text.charCodeAt(length - 2) !== 61 ? 1 : 2;
  scratch ??= B.allocUnsafe(SCRATCH_BYTES);
  return (
    scratch.write(text, 0, 'base64') === (length / 4) * 3 - padding &&
    text.indexOf('-') === -1 &&
    text.indexOf('_') === -1 &&
    B.byteLength(text, 'utf8') === length
  );
}

/**
 * Bytes encoded by a base64 string that has already passed the alphabet check, computed from its
 * length and padding without decoding it.
 *
 * @example
 * ```ts
 * base64ByteLength('AAAA'); // 3
 * base64ByteLength('AAA='); // 2
 * const ms = (base64ByteLength(frame.data) / bytesPerSample(frame.encoding) / frame.numChannels / frame.sampleRate) * 1000;
 * ```
 */
export function base64ByteLength(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return (data.length / 4) * 3 - padding;
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
  return audioFrameProblemKnowing(frame, undefined);
}

/**
 * {@link audioFrameProblem}, told one text known to be base64 (made by this library's encoder): data
 * equal to it skips the character scan, the costliest part of the check (the rest still runs).
 * @internal
 */
export function audioFrameProblemKnowing(
  frame: unknown,
  knownBase64: string | undefined,
): string | undefined {
  if (!RealtimeAudioFrameCodec.is(frame)) return shapeProblem(frame);
  const { data, sampleRate, numChannels, samplesPerChannel, encoding } = frame;
  if (!Number.isInteger(sampleRate) || sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
    return `sampleRate must be an integer from ${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE}, got ${sampleRate}`;
  }
  if (!Number.isInteger(numChannels) || numChannels < 1 || numChannels > MAX_CHANNELS) {
    return `numChannels must be an integer from 1 to ${MAX_CHANNELS}, got ${numChannels}`;
  }
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
