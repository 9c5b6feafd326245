import { audioFrameProblem, type RealtimeAudioFrame } from '../frame.js';

/** The GA API takes and gives PCM16 at 24 kHz, mono (the session declares `audio/pcm` at 24 000 Hz). */
export const OPENAI_SAMPLE_RATE = 24000;
export const OPENAI_CHANNELS = 1;

/**
 * Why an outbound frame cannot be sent by the `openai` dialect, or `undefined` when it can. First the
 * generic checks of `audioFrameProblem` (shape, base64, whole samples), then the format: the GA wire
 * frame (`input_audio_buffer.append`) carries only the samples, so they must already be 24 kHz mono;
 * a frame at another rate or with several channels would be played at the wrong speed, not refused by
 * the server. `encodeAudio` assumes frames that passed this check; the conversation calls it first.
 *
 * @example
 * ```ts
 * openaiAudioProblem({ data: 'AAAA', sampleRate: 48_000, numChannels: 1 });
 * // 'data holds 3 bytes, not whole 16-bit samples for 1 channel(s)'
 * openaiAudioProblem({ data: 'AAAAAA==', sampleRate: 48_000, numChannels: 1 });
 * // 'the openai dialect sends 24000 Hz mono PCM16, got 48000 Hz with 1 channel(s): resample(48000, 24000) first'
 * ```
 *
 * @see {@link audioFrameProblem}
 */
export function openaiAudioProblem(frame: unknown): string | undefined {
  return audioFrameProblem(frame) ?? openaiFormatProblem(frame as RealtimeAudioFrame);
}

/** The format check alone, for frames that already passed `audioFrameProblem` (the conversation's hot path). */
export function openaiFormatProblem(frame: RealtimeAudioFrame): string | undefined {
  const { sampleRate, numChannels } = frame;
  if (sampleRate !== OPENAI_SAMPLE_RATE || numChannels !== OPENAI_CHANNELS) {
    const fixes: string[] = [];
    if (sampleRate !== OPENAI_SAMPLE_RATE) fixes.push(`resample(${sampleRate}, ${OPENAI_SAMPLE_RATE})`);
    if (numChannels !== OPENAI_CHANNELS) fixes.push('mix down to mono');
    return `the openai dialect sends ${OPENAI_SAMPLE_RATE} Hz mono PCM16, got ${sampleRate} Hz with ${numChannels} channel(s): ${fixes.join(' and ')} first`;
  }
  return undefined;
}
