import fc from 'fast-check';
import { Subject, from, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { AudioError } from '../../src/audio/audioError';
import { floatSampleToPcm16, floatToPcm16, pcm16ToFloat, toFloat32, toPcm16 } from '../../src/audio/pcm';
import { run } from './helpers';

const STEP = 1 / 32768;

/** The spec's own float → int16: clamp, scale by 32768, round half away from zero, NaN → 0. */
function oracle(x: number): number {
  if (Number.isNaN(x)) return 0;
  const v = Math.max(-1, Math.min(1, x)) * 32768;
  const r = Math.sign(v) * Math.round(Math.abs(v));
  return Math.min(32767, r) + 0; // + 0 turns -0 into 0
}

describe('pcm', () => {
  describe('int16 → float → int16', () => {
    it('is the identity for all 65 536 values, and each float is s / 32768 exactly', () => {
      const all = new Int16Array(65536);
      for (let i = 0; i < 65536; i++) all[i] = i - 32768;
      const floats = pcm16ToFloat(all);
      for (let i = 0; i < 65536; i++) {
        if (floats[i] !== all[i] / 32768) throw new Error(`pcm16ToFloat(${all[i]}) = ${floats[i]}`);
      }
      const back = floatToPcm16(floats);
      for (let i = 0; i < 65536; i++) {
        if (back[i] !== all[i]) throw new Error(`${all[i]} came back as ${back[i]}`);
      }
      expect(floats[0]).toBe(-1);
      expect(floats[65535]).toBe(32767 / 32768);
    });
  });

  describe('floatToPcm16', () => {
    it('matches the clamp / scale / round-half-away-from-zero oracle, NaN and infinities included', () => {
      fc.assert(
        fc.property(fc.float32Array({ maxLength: 64 }), (xs) => {
          const got = floatToPcm16(xs);
          expect(got).toBeInstanceOf(Int16Array);
          expect(Array.from(got)).toEqual(Array.from(xs, oracle));
        }),
      );
    });

    it('matches the oracle near the int16 grid, where rounding decides (ties included)', () => {
      // k/2 steps: every half-way point and every exact step in range, and a little beyond.
      const nearGrid = fc
        .integer({ min: -2 * 32770, max: 2 * 32770 })
        .map((k) => Math.fround((k / 2) * STEP));
      fc.assert(
        fc.property(fc.array(nearGrid, { maxLength: 32 }), (xs) => {
          expect(Array.from(floatToPcm16(Float32Array.from(xs)))).toEqual(xs.map(oracle));
        }),
      );
    });

    it('rounds to nearest with ties away from zero, clamps, and maps NaN to 0', () => {
      const xs = [
        0,
        0.5,
        -0.5,
        1,
        -1,
        2,
        -2,
        Infinity,
        -Infinity,
        NaN,
        0.5 * STEP,
        -0.5 * STEP,
        1.5 * STEP,
        -1.5 * STEP,
        0.49 * STEP,
        32766.5 * STEP,
        32767.5 * STEP,
      ];
      expect(Array.from(floatToPcm16(Float32Array.from(xs)))).toEqual([
        0, 16384, -16384, 32767, -32768, 32767, -32768, 32767, -32768, 0, 1, -1, 2, -2, 0, 32767, 32767,
      ]);
    });

    it('converts one sample the same way, as a number (NaN → 0, not NaN)', () => {
      expect(floatSampleToPcm16(NaN)).toBe(0);
      fc.assert(fc.property(fc.float(), (x) => expect(floatSampleToPcm16(x)).toBe(oracle(x))));
    });

    it('is odd-symmetric inside the range: f(-x) = -f(x)', () => {
      fc.assert(
        fc.property(
          fc.float({ min: Math.fround(-32767 / 32768), max: Math.fround(32767 / 32768), noNaN: true }),
          (x) => {
            const [a, b] = floatToPcm16(Float32Array.of(x, -x));
            expect(b).toBe(-a + 0);
          },
        ),
      );
    });

    it('is monotonic', () => {
      fc.assert(
        fc.property(fc.float32Array({ noNaN: true, minLength: 2, maxLength: 32 }), (xs) => {
          const sorted = Float32Array.from(xs).sort();
          const ints = floatToPcm16(sorted);
          for (let i = 1; i < ints.length; i++) expect(ints[i]).toBeGreaterThanOrEqual(ints[i - 1]);
        }),
      );
    });

    it('float → int16 → float is within one step of the clamped input (half a step below 32767/32768)', () => {
      fc.assert(
        fc.property(fc.float32Array({ noNaN: true, maxLength: 64 }), (xs) => {
          const back = pcm16ToFloat(floatToPcm16(xs));
          xs.forEach((x, i) => {
            const clamped = Math.max(-1, Math.min(1, x));
            const error = Math.abs(back[i] - clamped);
            expect(error).toBeLessThanOrEqual(clamped <= 32767 * STEP ? STEP / 2 : STEP);
          });
        }),
      );
    });

    it('writes into `out`: the same array when it fits exactly, its prefix when longer', () => {
      fc.assert(
        fc.property(fc.float32Array({ maxLength: 32 }), fc.nat(8), (xs, extra) => {
          const out = new Int16Array(xs.length + extra).fill(7);
          const got = floatToPcm16(xs, out);
          expect(got.buffer).toBe(out.buffer);
          expect(got.byteOffset).toBe(0);
          expect(got.length).toBe(xs.length);
          if (extra === 0) expect(got).toBe(out);
          expect(Array.from(got)).toEqual(Array.from(floatToPcm16(xs)));
          expect(Array.from(out.subarray(xs.length))).toEqual(new Array<number>(extra).fill(7));
        }),
      );
    });

    it('throws an AudioError for an `out` that is too short', () => {
      const call = () => floatToPcm16(new Float32Array(4), new Int16Array(3));
      expect(call).toThrow(AudioError);
      expect(call).toThrow('floatToPcm16: out holds 3 samples but 4 are needed');
    });

    it('does not modify its input', () => {
      const xs = Float32Array.of(2, NaN, -0.25);
      floatToPcm16(xs);
      expect(Array.from(xs)).toEqual([2, NaN, -0.25]);
    });
  });

  describe('pcm16ToFloat', () => {
    it('gives s / 32768 in [-1, 1) for any samples, keeping the length', () => {
      fc.assert(
        fc.property(fc.int16Array({ maxLength: 64 }), (s) => {
          const f = pcm16ToFloat(s);
          expect(f).toBeInstanceOf(Float32Array);
          expect(Array.from(f)).toEqual(Array.from(s, (v) => v / 32768));
          for (const v of f) expect(v >= -1 && v < 1).toBe(true);
        }),
      );
    });

    it('writes into `out` and throws for one that is too short', () => {
      const out = new Float32Array(3);
      expect(pcm16ToFloat(Int16Array.of(16384, -32768, 0), out)).toBe(out);
      expect(Array.from(out)).toEqual([0.5, -1, 0]);
      const call = () => pcm16ToFloat(new Int16Array(2), new Float32Array(1));
      expect(call).toThrow(new AudioError('options', 'pcm16ToFloat: out holds 1 samples but 2 are needed'));
      try {
        call();
      } catch (err) {
        expect((err as AudioError).kind).toBe('options');
      }
    });
  });

  describe('toPcm16 / toFloat32', () => {
    const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

    it('toPcm16 converts chunk by chunk, passing completion through', () => {
      scheduler().run(({ cold, expectObservable }) => {
        const a = Float32Array.of(0, 0.5);
        const b = Float32Array.of(1, -1, 2);
        const source = cold('-a------b----|', { a, b });
        expectObservable(source.pipe(toPcm16())).toBe('-A------B----|', {
          A: Int16Array.of(0, 16384),
          B: Int16Array.of(32767, -32768, 32767),
        });
      });
    });

    it('toFloat32 converts chunk by chunk, passing errors through', () => {
      scheduler().run(({ cold, expectObservable }) => {
        const source = cold(
          '-a--b--#',
          { a: Int16Array.of(0, 16384), b: Int16Array.of(-32768) },
          new Error('mic'),
        );
        expectObservable(source.pipe(toFloat32())).toBe(
          '-A--B--#',
          { A: Float32Array.of(0, 0.5), B: Float32Array.of(-1) },
          new Error('mic'),
        );
      });
    });

    it('emits new arrays and leaves the chunks alone; toFloat32 ∘ toPcm16 round-trips int16 chunks', () => {
      fc.assert(
        fc.property(fc.array(fc.int16Array({ maxLength: 16 }), { maxLength: 6 }), (chunks) => {
          const copies = chunks.map((c) => Int16Array.from(c));
          const { values, completed } = run(from(chunks).pipe(toFloat32(), toPcm16()));
          expect(completed).toBe(true);
          expect(values.map((v) => Array.from(v))).toEqual(copies.map((c) => Array.from(c)));
          values.forEach((v, i) => expect(v).not.toBe(chunks[i]));
          expect(chunks.map((c) => Array.from(c))).toEqual(copies.map((c) => Array.from(c)));
        }),
      );
    });

    it('unsubscribes the source when the result is unsubscribed', () => {
      const source = new Subject<Float32Array>();
      const sub = source.pipe(toPcm16()).subscribe();
      expect(source.observed).toBe(true);
      sub.unsubscribe();
      expect(source.observed).toBe(false);
    });

    it('forwards a source error untouched', () => {
      const boom = new Error('boom');
      expect(run(throwError(() => boom).pipe(toPcm16())).error).toBe(boom);
    });
  });
});
