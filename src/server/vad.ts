/** Options of {@link EnergyVad}. */
export interface VadOptions {
  /** RMS level (0..1 of full scale) above which a window counts as speech; default 0.01 (−40 dBFS). */
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
  private readonly threshold: number;
  private readonly silenceMs: number;
  private readonly minSpeechMs: number;
  private speaking = false;
  private speechMs = 0;
  private silentMs = 0;

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

  /** Feeds one chunk of mono samples in [-1, 1] lasting `durationMs`. */
  push(samples: Float32Array, durationMs: number): VadEvent {
    let sum = 0;
    for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
    const loud = samples.length > 0 && Math.sqrt(sum / samples.length) > this.threshold;
    if (loud) {
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
