/*
 * The rates and channel counts a RealtimeAudioFrame may have: checked where frames are made
 * (toAudioFrames, the microphone), sent (audioFrameProblem) and played. Imports nothing, so the audio
 * layer may use it too.
 */

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

/**
 * Why `sampleRate` is not a frame's rate (an integer from {@link MIN_SAMPLE_RATE} to
 * {@link MAX_SAMPLE_RATE}), or `undefined` when it is one.
 * @internal
 */
export function sampleRateProblem(sampleRate: number): string | undefined {
  return Number.isInteger(sampleRate) && sampleRate >= MIN_SAMPLE_RATE && sampleRate <= MAX_SAMPLE_RATE
    ? undefined
    : `sampleRate must be an integer from ${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE}, got ${sampleRate}`;
}

/**
 * Why `numChannels` is not a frame's channel count (an integer from 1 to {@link MAX_CHANNELS}), or
 * `undefined` when it is one.
 * @internal
 */
export function channelCountProblem(numChannels: number): string | undefined {
  return Number.isInteger(numChannels) && numChannels >= 1 && numChannels <= MAX_CHANNELS
    ? undefined
    : `numChannels must be an integer from 1 to ${MAX_CHANNELS}, got ${numChannels}`;
}
