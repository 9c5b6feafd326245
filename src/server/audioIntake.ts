import { Resampler } from '../audio/resample.js';
import { MAX_BUFFERED_INPUT_MS, MAX_INPUT_RATES_PER_CONNECTION } from './limits.js';
import { EnergyVad, type VadOptions } from './vad.js';

/** What one chunk of input audio did. Times are ms of input audio since the connection opened. */
export type Heard =
  | { event: undefined }
  | { event: 'speech-start'; startMs: number }
  | { event: 'speech-end'; startMs: number; endMs: number; speech: Float32Array };

/**
 * The input side shared by every dialect: mono chunks at any rate go in, are resampled to the output
 * rate as one stream (so chunk edges stay seamless) and buffered. With turn detection on, an
 * {@link EnergyVad} finds utterances and the buffer holds only what may be speech; with it off
 * (manual turns) the buffer holds everything until {@link take} or {@link clear}. Either way it holds
 * the latest {@link MAX_BUFFERED_INPUT_MS} at most: an utterance that never ends keeps its end.
 */
export class AudioIntake {
  private vad: EnergyVad | undefined;
  private vadOrigin = 0;
  private chunks: Float32Array[] = [];
  /** Samples in {@link chunks}. */
  private buffered = 0;
  private readonly maxBuffered: number;
  private resampler: { from: number; resampler: Resampler } | undefined;
  /** Input rates used so far other than the output rate (each one designed a filter). */
  private readonly rates = new Set<number>();
  private position = 0;

  constructor(
    private readonly outputRate: number,
    vad: VadOptions | null,
  ) {
    this.maxBuffered = Math.round((MAX_BUFFERED_INPUT_MS * outputRate) / 1000);
    this.configure(vad);
  }

  /** Turns detection on with these knobs, or off (`null`); drops what is buffered. */
  configure(vad: VadOptions | null): void {
    this.vad = vad === null ? undefined : new EnergyVad(vad);
    this.vadOrigin = this.position;
    this.empty();
  }

  /** Whether an energy VAD is finding turns. */
  get detecting(): boolean {
    return this.vad !== undefined;
  }

  /** Ms of input audio since the connection opened. */
  get positionMs(): number {
    return this.position;
  }

  /** Ms of audio in the buffer (at the output rate). */
  get bufferedMs(): number {
    return (this.buffered / this.outputRate) * 1000;
  }

  /**
   * Feeds one chunk of mono samples in [-1, 1] at `sampleRate`; throws when it would be one input
   * rate too many for this connection.
   */
  push(mono: Float32Array, sampleRate: number): Heard {
    if (sampleRate !== this.outputRate && !this.rates.has(sampleRate)) {
      if (this.rates.size >= MAX_INPUT_RATES_PER_CONNECTION)
        throw new Error(
          `sample_rate ${sampleRate} would be this connection's ${MAX_INPUT_RATES_PER_CONNECTION + 1}th input rate; at most ${MAX_INPUT_RATES_PER_CONNECTION} are accepted`,
        );
      this.rates.add(sampleRate);
    }
    const ms = (mono.length / sampleRate) * 1000;
    this.position += ms;
    const vad = this.vad;
    if (vad === undefined) {
      this.keep(this.resample(mono, sampleRate));
      return { event: undefined };
    }
    const event = vad.push(mono, ms);
    const resampled = this.resample(mono, sampleRate);
    if (vad.collecting || event === 'speech-end') this.keep(resampled);
    else this.empty();
    if (event === 'speech-start') return { event, startMs: this.vadOrigin + vad.speechStartMs };
    if (event === 'speech-end') {
      const speech = trimEnd(concat(this.chunks), Math.round((vad.silenceMs * this.outputRate) / 1000));
      this.empty();
      return {
        event,
        startMs: this.vadOrigin + vad.speechStartMs,
        endMs: this.vadOrigin + vad.speechEndMs,
        speech,
      };
    }
    return { event: undefined };
  }

  /** Empties the buffer and returns what it held; a VAD starts afresh. */
  take(): Float32Array {
    const audio = concat(this.chunks);
    this.clear();
    return audio;
  }

  /** Empties the buffer; a VAD starts afresh. */
  clear(): void {
    this.empty();
    if (this.vad !== undefined)
      this.configure({
        threshold: this.vad.threshold,
        silenceMs: this.vad.silenceMs,
        minSpeechMs: this.vad.minSpeechMs,
      });
  }

  /** Appends a chunk, then drops the oldest samples beyond the bound. */
  private keep(chunk: Float32Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered > this.maxBuffered) {
      const first = this.chunks[0];
      const excess = this.buffered - this.maxBuffered;
      if (first.length <= excess) {
        this.chunks.shift();
        this.buffered -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.buffered -= excess;
      }
    }
  }

  private empty(): void {
    this.chunks = [];
    this.buffered = 0;
  }

  private resample(samples: Float32Array, from: number): Float32Array {
    if (from === this.outputRate) return samples;
    if (this.resampler?.from !== from)
      this.resampler = { from, resampler: new Resampler(from, this.outputRate, 1) };
    return this.resampler.resampler.process(samples);
  }
}

export function concat(chunks: readonly Float32Array[]): Float32Array {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  const out = new Float32Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function trimEnd(samples: Float32Array, count: number): Float32Array {
  return samples.subarray(0, Math.max(0, samples.length - count));
}
