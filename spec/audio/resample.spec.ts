import fc from 'fast-check';
import { Subject, from, map, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { AudioError } from '../../src/audio/audioError';
import { Resampler, resample } from '../../src/audio/resample';
import { resampleFilter } from '../../src/audio/resampleFilter';

const COMMON = [8000, 16000, 22050, 24000, 32000, 44100, 48000] as const;
/** Every ordered pair of distinct common rates, plus two whose banks are interpolated (L > 1024). */
const PAIRS: ReadonlyArray<readonly [number, number]> = [
  ...COMMON.flatMap((a) => COMMON.filter((b) => b !== a).map((b) => [a, b] as const)),
  [8000, 44101],
  [44101, 8000],
];

// ---------------------------------------------------------------------------------------------------
// Signals and measurements (all deterministic)

/** `frames` frames of a sine of `hz` at `rate`, amplitude `amplitude`, starting at phase 0. */
function tone(rate: number, hz: number, frames: number, amplitude = 1): Float32Array {
  const x = new Float32Array(frames);
  for (let i = 0; i < frames; i++) x[i] = amplitude * Math.sin((2 * Math.PI * hz * i) / rate);
  return x;
}

/** Uniform noise in [-1, 1) from a 32-bit LCG, so every run sees the same samples. */
function noise(seed: number, samples: number): Float32Array {
  const x = new Float32Array(samples);
  let s = seed >>> 0;
  for (let i = 0; i < samples; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 31 - 1;
  }
  return x;
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Resamples a whole signal with one Resampler: one chunk, or chunks of `cuts` frames (cycled). */
function resampleAll(
  rateIn: number,
  rateOut: number,
  input: Float32Array,
  channels = 1,
  cuts?: number[],
): Float32Array {
  const r = new Resampler(rateIn, rateOut, channels);
  if (!cuts) return concat([r.process(input), r.flush()]);
  const parts: Float32Array[] = [];
  for (let at = 0, i = 0; at < input.length; i++) {
    const end = Math.min(input.length, at + cuts[i % cuts.length] * channels);
    parts.push(r.process(input.subarray(at, end)));
    at = end;
  }
  parts.push(r.flush());
  return concat(parts);
}

/** Output samples to skip at each end: one filter length (in output samples), the zero-padded edges. */
function edge(rateIn: number, rateOut: number): number {
  return Math.ceil((resampleFilter(rateIn, rateOut).taps * rateOut) / rateIn);
}

/** SNR in dB of `y` against the ideal sine of `hz` at `rate` (phase 0 at k = 0), over [skip, len - skip). */
function snrDb(y: Float32Array, rate: number, hz: number, skip: number): number {
  let signal = 0;
  let error = 0;
  for (let k = skip; k < y.length - skip; k++) {
    const ideal = Math.sin((2 * Math.PI * hz * k) / rate);
    signal += ideal * ideal;
    error += (y[k] - ideal) ** 2;
  }
  return 10 * Math.log10(signal / error);
}

/** Power of y over [skip, len - skip) relative to a full-scale sine (RMS 1/√2), in dB. */
function levelDb(y: Float32Array, skip: number): number {
  let power = 0;
  for (let k = skip; k < y.length - skip; k++) power += y[k] ** 2;
  return 10 * Math.log10(power / (y.length - 2 * skip) / 0.5);
}

/**
 * Over `rate` samples from `start` (exactly one second: every whole-Hz sine fits whole periods, so single
 * DFT bins do not leak), the amplitude of the `hz` component and the power of everything else, in dB
 * relative to that component.
 */
function analyse(
  y: Float32Array,
  rate: number,
  hz: number,
  start: number,
): { amplitude: number; restDb: number } {
  let re = 0;
  let im = 0;
  for (let k = 0; k < rate; k++) {
    const w = (2 * Math.PI * hz * k) / rate;
    re += y[start + k] * Math.cos(w);
    im += y[start + k] * Math.sin(w);
  }
  const a = (2 * re) / rate;
  const b = (2 * im) / rate;
  let rest = 0;
  for (let k = 0; k < rate; k++) {
    const w = (2 * Math.PI * hz * k) / rate;
    rest += (y[start + k] - a * Math.cos(w) - b * Math.sin(w)) ** 2;
  }
  const amplitude = Math.hypot(a, b);
  return { amplitude, restDb: 10 * Math.log10(rest / rate / (amplitude * amplitude * 0.5)) };
}

/** Index of the first sample whose bits differ (or the shorter length when lengths differ); -1 if none. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return i;
  return x.length === y.length ? -1 : Math.min(x.length, y.length);
}

function channel(interleaved: Float32Array, channels: number, c: number): Float32Array {
  const out = new Float32Array(interleaved.length / channels);
  for (let i = 0; i < out.length; i++) out[i] = interleaved[i * channels + c]!;
  return out;
}

function collect(source: Observable<Float32Array>): {
  values: Float32Array[];
  error: unknown;
  completed: boolean;
} {
  const result = { values: [] as Float32Array[], error: undefined as unknown, completed: false };
  source.subscribe({
    next: (v) => result.values.push(v),
    error: (e: unknown) => (result.error = e),
    complete: () => (result.completed = true),
  });
  return result;
}

// ---------------------------------------------------------------------------------------------------

describe('resample', () => {
  describe('quality (measured; skipping one filter length of output at each end)', () => {
    it.each([
      [48000, 24000],
      [44100, 24000],
      [24000, 48000],
      [16000, 44100],
    ])('keeps a 1 kHz sine at %i → %i Hz with SNR ≥ 60 dB against the ideal sine (zero phase)', (a, b) => {
      const y = resampleAll(a, b, tone(a, 1000, a));
      expect(y.length).toBe(b);
      expect(snrDb(y, b, 1000, edge(a, b))).toBeGreaterThanOrEqual(60);
    });

    it.each([
      [48000, 24000, 13000],
      [48000, 24000, 12100], // just above the new Nyquist
      [48000, 24000, 20000],
      [44100, 24000, 16000],
      [44100, 24000, 12100],
      [48000, 16000, 8100],
      [24000, 8000, 11000],
    ])('attenuates content above the new Nyquist ≥ 50 dB: %i → %i Hz, %i Hz sine', (a, b, hz) => {
      const y = resampleAll(a, b, tone(a, hz, a / 2));
      expect(levelDb(y, edge(a, b))).toBeLessThanOrEqual(-50);
    });

    it.each([
      // [from, to, tone, its images below the new Nyquist]
      [24000, 48000, 1000, [23000]],
      [24000, 48000, 10000, [14000]],
      [16000, 44100, 1000, [15000, 17000]],
      [16000, 44100, 7000, [9000, 21100]],
      [8000, 48000, 3000, [5000, 11000, 13000]],
    ])(
      'upsampling %i → %i Hz: a %i Hz sine has no images (each and all ≥ 50 dB down)',
      (a, b, hz, images) => {
        const y = resampleAll(a, b, tone(a, hz, 2 * a));
        const { amplitude, restDb } = analyse(y, b, hz, b / 2); // the middle second
        expect(amplitude).toBeCloseTo(1, 3);
        expect(restDb).toBeLessThanOrEqual(-50);
        for (const image of images) {
          expect(20 * Math.log10(analyse(y, b, image, b / 2).amplitude)).toBeLessThanOrEqual(-50);
        }
      },
    );

    it.each(PAIRS)('keeps DC at its level in the middle of the output within 0.1 %%: %i → %i Hz', (a, b) => {
      const y = resampleAll(a, b, new Float32Array(Math.min(a, 8000)).fill(0.5));
      const skip = edge(a, b);
      expect(y.length).toBeGreaterThan(2 * skip);
      let worst = 0;
      for (let k = skip; k < y.length - skip; k++) worst = Math.max(worst, Math.abs(y[k] / 0.5 - 1));
      expect(worst).toBeLessThanOrEqual(0.001);
    });

    it('is zero-phase: an impulse at input 2j comes out centred on output j, symmetric', () => {
      const x = new Float32Array(2000);
      x[1000] = 1;
      const y = resampleAll(48000, 24000, x);
      let peak = 0;
      for (let k = 1; k < y.length; k++) if (Math.abs(y[k]) > Math.abs(y[peak])) peak = k;
      expect(peak).toBe(500);
      for (let d = 1; d < 100; d++) expect(y[500 + d]).toBeCloseTo(y[500 - d], 7);
    });
  });

  describe('filter design (pinned, so a cheaper design has to change these on purpose)', () => {
    it('designs the bank of 48 k → 24 k: 208 taps, beta 8.078, cutoff 0.95 of the lower Nyquist', () => {
      const f = resampleFilter(48000, 24000);
      expect({
        up: f.up,
        down: f.down,
        taps: f.taps,
        phases: f.phases,
        interpolated: f.interpolated,
      }).toEqual({
        up: 1,
        down: 2,
        taps: 208,
        phases: 1,
        interpolated: false,
      });
      expect(f.beta).toBeCloseTo(0.1102 * (82 - 8.7), 10);
      expect(f.cutoff).toBeCloseTo(0.95 * 0.25, 12);
      expect(f.table.length).toBe(208);
    });

    it('has one exact row per phase for the common rates, and interpolates only past 1024 phases', () => {
      const shape = (a: number, b: number) => {
        const f = resampleFilter(a, b);
        return [f.up, f.down, f.taps, f.phases, f.interpolated, f.table.length];
      };
      expect(shape(44100, 24000)).toEqual([80, 147, 192, 80, false, 80 * 192]);
      expect(shape(24000, 44100)).toEqual([147, 80, 108, 147, false, 147 * 108]);
      expect(shape(22050, 32000)).toEqual([640, 441, 108, 640, false, 640 * 108]);
      expect(shape(8000, 44101)).toEqual([44101, 8000, 108, 1024, true, 1025 * 108]);
    });

    it('normalises every row to unit sum', () => {
      for (const [a, b] of [
        [44100, 24000],
        [16000, 44100],
        [8000, 44101],
      ] as const) {
        const { table, taps } = resampleFilter(a, b);
        for (let r = 0; r < table.length / taps; r++) {
          let sum = 0;
          for (let j = 0; j < taps; j++) sum += table[r * taps + j];
          expect(Math.abs(sum - 1)).toBeLessThan(1e-6);
        }
      }
    });

    it('caches one bank per reduced ratio', () => {
      expect(resampleFilter(16000, 8000)).toBe(resampleFilter(48000, 24000));
      expect(resampleFilter(44100, 48000)).toBe(resampleFilter(44100, 48000));
      expect(resampleFilter(48000, 44100)).not.toBe(resampleFilter(44100, 48000));
    });

    it.each([
      [48000, 24000],
      [44100, 24000],
      [32000, 22050],
    ])('has a stopband ≥ 80 dB from the new Nyquist up (sweep): %i → %i Hz', (a, b) => {
      const nyquist = b / 2;
      let worst = -Infinity;
      // Finely near the edge, where the first sidelobe is; coarsely beyond.
      for (let hz = nyquist; hz < a / 2; hz += hz < nyquist + 600 ? 13 : 331) {
        worst = Math.max(worst, levelDb(resampleAll(a, b, tone(a, hz, a / 8)), edge(a, b)));
      }
      expect(worst).toBeLessThanOrEqual(-80);
    });

    it.each([
      [48000, 24000],
      [44100, 24000],
      [24000, 48000],
      [8000, 44101],
    ])(
      'is flat in the passband (any tone to 0.9 of the lower Nyquist: error ≤ -80 dB): %i → %i Hz',
      (a, b) => {
        const top = 0.9 * (Math.min(a, b) / 2);
        let worst = -Infinity;
        for (let hz = 100; hz <= top; hz += top / 23) {
          worst = Math.max(worst, -snrDb(resampleAll(a, b, tone(a, hz, a / 4)), b, hz, edge(a, b)));
        }
        expect(worst).toBeLessThanOrEqual(-80);
      },
    );
  });

  describe('length and timing', () => {
    const lengths = [0, 1, 2, 3, 7, 80, 147, 160, 441, 1001, 4799];

    it.each([...PAIRS, ...COMMON.map((r) => [r, r] as const)])(
      'emits exactly ceil(n · to / from) frames in total: %i → %i Hz',
      (a, b) => {
        for (const n of lengths) {
          expect([n, resampleAll(a, b, noise(n, n)).length]).toEqual([n, Math.ceil((n * b) / a)]);
        }
      },
    );

    it.each([
      [48000, 24000],
      [44100, 24000],
      [16000, 44100],
    ])('emits output k once input floor(k · from / to) + taps/2 has arrived: %i → %i Hz', (a, b) => {
      const { up, down, taps } = resampleFilter(a, b);
      const r = new Resampler(a, b);
      let emitted = 0;
      for (let m = 1; m <= 2000; m++) {
        emitted += r.process(new Float32Array(1)).length;
        // Outputs k with floor(k · down / up) + taps/2 ≤ m - 1, i.e. k · down < (m - taps/2) · up.
        const due = m - taps / 2 <= 0 ? 0 : Math.ceil(((m - taps / 2) * up) / down);
        if (emitted !== due) throw new Error(`after ${m} frames: ${emitted} outputs, expected ${due}`);
      }
      expect(emitted).toBe(Math.ceil(((2000 - taps / 2) * up) / down));
    });

    it('does not drift over 10 minutes at 44.1 k → 24 k in random chunks (14 400 000 frames, still in phase)', () => {
      const input = 10 * 60 * 44100;
      const expected = 14_400_000;
      // 1 kHz at 44.1 kHz repeats every 441 samples (10 periods), at 24 kHz every 24.
      const period = tone(44100, 1000, 441, 0.5);
      const subject = new Subject<Float32Array>();
      let count = 0;
      let chunks = 0;
      let signal = 0;
      let error = 0;
      const skip = edge(44100, 24000);
      let done = false;
      subject.pipe(resample(44100, 24000)).subscribe({
        next: (y) => {
          chunks++;
          for (let i = 0; i < y.length; i++, count++) {
            // Measure the first and the last second (away from the zero-padded edges).
            const first = count >= skip && count < skip + 24000;
            const last = count >= expected - skip - 24000 && count < expected - skip;
            if (first || last) {
              const ideal = 0.5 * Math.sin((2 * Math.PI * (count % 24)) / 24);
              signal += ideal * ideal;
              error += (y[i] - ideal) ** 2;
            }
          }
        },
        complete: () => (done = true),
      });
      let s = 12345;
      for (let at = 0; at < input;) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        const frames = Math.min(input - at, 1 + (s % 8192));
        const chunk = new Float32Array(frames);
        for (let i = 0; i < frames; i++) chunk[i] = period[(at + i) % 441]!;
        subject.next(chunk);
        at += frames;
      }
      subject.complete();
      expect(done).toBe(true);
      expect(count).toBe(expected);
      expect(chunks).toBeGreaterThan(1000);
      expect(10 * Math.log10(signal / error)).toBeGreaterThanOrEqual(60);
    });
  });

  describe('streaming', () => {
    it('gives bit-identical output however the input is chunked (fast-check)', () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...PAIRS),
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 0, max: 3000 }),
          fc.integer(),
          fc
            .array(fc.integer({ min: 0, max: 700 }), { minLength: 1, maxLength: 12 })
            .filter((c) => c.some((n) => n > 0)),
          ([a, b], channels, frames, seed, cuts) => {
            const x = noise(seed, frames * channels);
            const whole = resampleAll(a, b, x, channels);
            expect(firstDifference(resampleAll(a, b, x, channels, cuts), whole)).toBe(-1);
          },
        ),
        { numRuns: 150, seed: 20240611 },
      );
    });

    it('resamples each channel of interleaved input exactly as it would alone (fast-check)', () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...PAIRS),
          fc.integer({ min: 2, max: 4 }),
          fc.integer({ min: 0, max: 2000 }),
          fc.integer(),
          fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 8 }),
          ([a, b], channels, frames, seed, cuts) => {
            const x = noise(seed, frames * channels);
            const y = resampleAll(a, b, x, channels, cuts);
            expect(y.length).toBe(Math.ceil((frames * b) / a) * channels);
            for (let c = 0; c < channels; c++) {
              expect(
                firstDifference(channel(y, channels, c), resampleAll(a, b, channel(x, channels, c))),
              ).toBe(-1);
            }
          },
        ),
        { numRuns: 60, seed: 20240612 },
      );
    });

    it('is ready for a new stream after flush (same output as a fresh Resampler)', () => {
      const r = new Resampler(44100, 24000, 2);
      const x = noise(7, 2 * 3000);
      const first = concat([r.process(x), r.flush()]);
      const second = concat([r.process(x.subarray(0, 1000)), r.process(x.subarray(1000)), r.flush()]);
      expect(firstDifference(second, first)).toBe(-1);
      expect(firstDifference(first, resampleAll(44100, 24000, x, 2))).toBe(-1);
    });

    it('returns no frames for chunks that complete none, then the frames each chunk completes', () => {
      const r = new Resampler(48000, 24000);
      const a = r.process(new Float32Array(10));
      const b = r.process(new Float32Array(10));
      expect([a.length, b.length]).toEqual([0, 0]);
      const c = r.process(new Float32Array(960));
      const d = r.process(new Float32Array(960));
      // 20 more frames than in the marble diagram's first chunk: 10 more outputs.
      expect([c.length, d.length]).toEqual([428 + 10, 480]);
    });
  });

  describe('operator', () => {
    it('emits as in its marble diagram (48 k → 24 k, chunks of 960 frames)', () => {
      new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(
        ({ cold, expectObservable }) => {
          const chunk = new Float32Array(960);
          const source = cold('-a-----b-----c-----|', { a: chunk, b: chunk, c: chunk });
          expectObservable(
            source.pipe(
              resample(48000, 24000),
              map((y) => y.length),
            ),
          ).toBe('-x-----y-----z-----(t|)', {
            x: 428,
            y: 480,
            z: 480,
            t: 52,
          });
        },
      );
    });

    it('equals the Resampler on the same chunks, with a fresh Resampler per subscription', () => {
      const x = noise(3, 5000);
      const chunks = [x.subarray(0, 100), x.subarray(100, 2500), x.subarray(2500)];
      const op = from(chunks).pipe(resample(22050, 16000));
      for (let i = 0; i < 2; i++) {
        const { values, error, completed } = collect(op);
        expect([error, completed]).toEqual([undefined, true]);
        expect(values.every((v) => v.length > 0)).toBe(true);
        expect(firstDifference(concat(values), resampleAll(22050, 16000, x))).toBe(-1);
      }
    });

    it('passes chunks through unchanged (the same arrays, empty ones too) when from === to', () => {
      const chunks = [noise(1, 480), new Float32Array(0), noise(2, 6)];
      const { values, completed } = collect(from(chunks).pipe(resample(24000, 24000, { channels: 2 })));
      expect(completed).toBe(true);
      expect(values.length).toBe(3);
      values.forEach((v, i) => expect(v).toBe(chunks[i]));
      const r = new Resampler(16000, 16000);
      expect(r.process(chunks[0])).toBe(chunks[0]);
      expect(r.flush().length).toBe(0);
    });

    it.each([
      [0, 24000, undefined, 'resample: from must be a positive integer sample rate in Hz, got 0'],
      [-48000, 24000, undefined, 'resample: from must be a positive integer sample rate in Hz, got -48000'],
      [44100.5, 24000, undefined, 'resample: from must be a positive integer sample rate in Hz, got 44100.5'],
      [NaN, 24000, undefined, 'resample: from must be a positive integer sample rate in Hz, got NaN'],
      [48000, Infinity, undefined, 'resample: to must be a positive integer sample rate in Hz, got Infinity'],
      [48000, 0, undefined, 'resample: to must be a positive integer sample rate in Hz, got 0'],
      [48000, 24000, 0, 'resample: channels must be a positive integer, got 0'],
      [48000, 24000, 1.5, 'resample: channels must be a positive integer, got 1.5'],
      [48000, 48000, NaN, 'resample: channels must be a positive integer, got NaN'],
    ])(
      'throws AudioError("options") synchronously for from %p, to %p, channels %p',
      (a, b, channels, message) => {
        const check = (f: () => unknown) => {
          let thrown: unknown;
          try {
            f();
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toBeInstanceOf(AudioError);
          expect([(thrown as AudioError).kind, (thrown as AudioError).message]).toEqual(['options', message]);
        };
        check(() => resample(a, b, channels === undefined ? undefined : { channels }));
        check(() => new Resampler(a, b, channels));
      },
    );

    it.each([
      [48000, 24000],
      [24000, 24000],
    ])('errors on a ragged stereo chunk and unsubscribes from the source (%i → %i Hz)', (a, b) => {
      const source = new Subject<Float32Array>();
      const result = collect(source.pipe(resample(a, b, { channels: 2 })));
      source.next(new Float32Array(2 * 1000));
      expect(result.values.length).toBe(1);
      source.next(new Float32Array(7));
      expect(result.error).toBeInstanceOf(AudioError);
      expect([(result.error as AudioError).kind, (result.error as AudioError).message]).toEqual([
        'options',
        'resample: a chunk of 7 samples is not a whole number of 2-channel frames',
      ]);
      expect(source.observed).toBe(false);
      expect(result.completed).toBe(false);
    });

    it('leaves a Resampler untouched by a ragged chunk it rejects', () => {
      const x = noise(11, 2 * 800);
      const r = new Resampler(44100, 48000, 2);
      const parts = [r.process(x.subarray(0, 400))];
      expect(() => r.process(new Float32Array(3))).toThrow(AudioError);
      parts.push(r.process(x.subarray(400)), r.flush());
      expect(firstDifference(concat(parts), resampleAll(44100, 48000, x, 2))).toBe(-1);
    });
  });
});
