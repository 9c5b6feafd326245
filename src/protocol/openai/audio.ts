import { audioFrameProblem, bytesPerSample, type RealtimeAudioFrame } from '../frame.js';
import type { OpenAIAudioFormat } from './options.js';

/** The GA API's default audio: PCM16 at 24 kHz, mono. */
export const OPENAI_SAMPLE_RATE = 24000;
export const OPENAI_CHANNELS = 1;
/** G.711 (`audio/pcmu`, `audio/pcma`) is 8 kHz mono. */
const G711_SAMPLE_RATE = 8000;

/** What the frames of one direction of a session are: their `encoding` and rate (always mono). */
export interface FrameFormat {
  /** `undefined` for PCM16, as on frames. */
  readonly encoding: 'g711_ulaw' | 'g711_alaw' | undefined;
  readonly sampleRate: number;
  /** Bytes per sample: 2 for PCM16, 1 for G.711. */
  readonly bytesPerSample: number;
  /** How the frame format is named in messages. */
  readonly name: string;
}

function frameFormatOf(encoding: FrameFormat['encoding'], sampleRate: number, name: string): FrameFormat {
  return {
    encoding,
    sampleRate,
    bytesPerSample: bytesPerSample(encoding),
    name: `${name} at ${sampleRate} Hz`,
  };
}

const PCM16_24K = frameFormatOf(undefined, OPENAI_SAMPLE_RATE, 'PCM16');
const ULAW = frameFormatOf('g711_ulaw', G711_SAMPLE_RATE, 'G.711 \u03bc-law (g711_ulaw)');
const ALAW = frameFormatOf('g711_alaw', G711_SAMPLE_RATE, 'G.711 A-law (g711_alaw)');

/** The frames of a session format (which passed validation). */
export function frameFormat(format: OpenAIAudioFormat | undefined): FrameFormat {
  if (format === undefined) return PCM16_24K;
  return format.type === 'audio/pcmu' ? ULAW : format.type === 'audio/pcma' ? ALAW : PCM16_24K;
}

/**
 * Why an outbound frame cannot be sent by the `openai` dialect in a session of `format` (default PCM16
 * at 24 kHz), or `undefined` when it can. First the generic checks of `audioFrameProblem` (shape,
 * base64, whole samples), then the format: the GA wire frame (`input_audio_buffer.append`) carries only
 * the samples, so they must already be in the session's format, mono; a frame at another rate would be
 * played at the wrong speed, not refused by the server. A conversation runs this check on every frame.
 *
 * @example
 * ```ts
 * openaiAudioProblem({ data: 'AAAA', sampleRate: 48_000, numChannels: 1 });
 * // 'data holds 3 bytes, not whole 16-bit samples for 1 channel(s)'
 * openaiAudioProblem({ data: 'AAAAAA==', sampleRate: 48_000, numChannels: 1 });
 * // 'the openai session takes PCM16 at 24000 Hz, mono, got 48000 Hz with 1 channel(s): resample(48000, 24000) first'
 * openaiAudioProblem({ data: 'AAAA', sampleRate: 8000, numChannels: 1, encoding: 'g711_ulaw' }, { type: 'audio/pcmu' }); // undefined
 * ```
 *
 * @see {@link audioFrameProblem}
 */
export function openaiAudioProblem(frame: unknown, format?: OpenAIAudioFormat): string | undefined {
  return audioFrameProblem(frame) ?? openaiFormatProblem(frame as RealtimeAudioFrame, frameFormat(format));
}

/** The format check alone, for frames that already passed `audioFrameProblem` (the conversation's hot path). */
export function openaiFormatProblem(frame: RealtimeAudioFrame, format: FrameFormat): string | undefined {
  const { sampleRate, numChannels } = frame;
  const encoding = frame.encoding === 'pcm16' ? undefined : frame.encoding;
  if (encoding === format.encoding && sampleRate === format.sampleRate && numChannels === OPENAI_CHANNELS)
    return undefined;
  if (encoding !== format.encoding) {
    const fix =
      format.encoding === undefined
        ? "decode it (fromG711) or set the session's inputFormat"
        : `encode it with toG711('${format.encoding === 'g711_ulaw' ? 'ulaw' : 'alaw'}')`;
    return `the openai session takes ${format.name}, mono, got ${encoding ?? 'pcm16'} frames: ${fix}`;
  }
  const fixes: string[] = [];
  if (sampleRate !== format.sampleRate) fixes.push(`resample(${sampleRate}, ${format.sampleRate})`);
  if (numChannels !== OPENAI_CHANNELS) fixes.push('mix down to mono');
  return `the openai session takes ${format.name}, mono, got ${sampleRate} Hz with ${numChannels} channel(s): ${fixes.join(' and ')} first`;
}
