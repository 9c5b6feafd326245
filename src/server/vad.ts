/**
 * The dev server's voice-activity detector: how loud a window must be to count as speech, and how much
 * silence ends an utterance (which the server then echoes).
 *
 * @example
 * ```ts
 * const vad: VadOptions = { threshold: 0.02, silenceMs: 300 };
 * const server = await startDevServer({ vad });
 * ```
 */
export interface VadOptions {
  /** RMS level (0..1 of full scale) above which a window counts as speech; default 0.01 (-40 dBFS). */
  threshold?: number;
  /** Silence that ends an utterance, in ms; default 500. */
  silenceMs?: number;
  /** Shortest speech that counts as an utterance (shorter blips are ignored), in ms; default 100. */
  minSpeechMs?: number;
}

/** What {@link EnergyVad.push} saw in one chunk. */
export type VadEvent = 'speech-start' | 'speech-end' | undefined;

/**
 * An energy-based voice-activity detector: a window is speech when its RMS is above a threshold, and
 * an utterance ends after `silenceMs` of windows below it. Deliberately simple and deterministic: the
 * dev server is a stand-in, not an AI, and tests must be able to predict it.
 */
export class EnergyVad {
  /** RMS level above which a window counts as speech. */
  readonly threshold: number;
  /** Silence that ends an utterance, in ms. */
  readonly silenceMs: number;
  /** Shortest speech that counts as an utterance, in ms. */
  readonly minSpeechMs: number;
  private speaking = false;
  private speechMs = 0;
  private silentMs = 0;
  private elapsedMs = 0;
  private startMs = 0;
  private endMs = 0;

  constructor(options: VadOptions = {}) {
    this.threshold = options.threshold ?? 0.01;
    this.silenceMs = options.silenceMs ?? 500;
    this.minSpeechMs = options.minSpeechMs ?? 100;
  }

  /** True between `speech-start` and `speech-end`. */
  get inSpeech(): boolean {
    return this.speaking;
  }

  /** True while audio may belong to an utterance: in speech, or loud but not yet long enough to start one. */
  get collecting(): boolean {
    return this.speaking || this.speechMs > 0;
  }

  /**
   * Where the current (or last) utterance began: the start of its first loud chunk, in ms of audio
   * pushed so far.
   */
  get speechStartMs(): number {
    return this.startMs;
  }

  /** Where the current (or last) utterance's last loud chunk ended, in ms of audio pushed so far. */
  get speechEndMs(): number {
    return this.endMs;
  }

  /** Feeds one chunk of mono samples in [-1, 1] lasting `durationMs`. */
  push(samples: Float32Array, durationMs: number): VadEvent {
    let sum = 0;
    for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
    const loud = samples.length > 0 && Math.sqrt(sum / samples.length) > this.threshold;
    const chunkStart = this.elapsedMs;
    this.elapsedMs += durationMs;
    if (loud) {
      if (!this.speaking && this.speechMs === 0) this.startMs = chunkStart;
      this.endMs = this.elapsedMs;
      this.silentMs = 0;
      this.speechMs += durationMs;
      if (!this.speaking && this.speechMs >= this.minSpeechMs) {
        this.speaking = true;
        return 'speech-start';
      }
      return undefined;
    }
    if (!this.speaking) {
      this.speechMs = 0;
      return undefined;
    }
    this.silentMs += durationMs;
    if (this.silentMs < this.silenceMs) return undefined;
    this.speaking = false;
    this.speechMs = 0;
    this.silentMs = 0;
    return 'speech-end';
  }
}
