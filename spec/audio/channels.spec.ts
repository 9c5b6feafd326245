import fc from 'fast-check';
import { Observable, Subject, from, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { AudioError } from '../../src/audio/audioError';
import { deinterleave, downmix, interleave } from '../../src/audio/channels';
import { run, thrown } from './helpers';

const roundHalfAway = (x: number): number => Math.sign(x) * Math.round(Math.abs(x)) + 0;

/** A channel count and an interleaved chunk of whole frames for it. */
function chunkOf<A>(make: (length: number) => fc.Arbitrary<A>): fc.Arbitrary<{ channels: number; chunk: A }> {
  return fc
    .record({ channels: fc.integer({ min: 1, max: 8 }), frames: fc.nat(24) })
    .chain(({ channels, frames }) => make(channels * frames).map((chunk) => ({ channels, chunk })));
}
const int16Chunk = chunkOf((n) => fc.int16Array({ minLength: n, maxLength: n }));
const float32Chunk = chunkOf((n) =>
  fc.float32Array({ minLength: n, maxLength: n, noNaN: true, noDefaultInfinity: true }),
);

describe('channels', () => {
  describe('downmix', () => {
    it('averages each frame of int16 samples, rounded half away from zero, into an Int16Array', () => {
      fc.assert(
        fc.property(int16Chunk, ({ channels, chunk }) => {
          const [mono] = run(of(chunk).pipe(downmix(channels))).values;
          expect(mono).toBeInstanceOf(Int16Array);
          const expected: number[] = [];
          for (let i = 0; i < chunk.length; i += channels) {
            let sum = 0;
            for (let c = 0; c < channels; c++) sum += chunk[i + c];
            expected.push(roundHalfAway(sum / channels));
          }
          expect(Array.from(mono)).toEqual(expected);
        }),
      );
    });

    it('averages each frame of float samples into a Float32Array', () => {
      fc.assert(
        fc.property(float32Chunk, ({ channels, chunk }) => {
          const [mono] = run(of(chunk).pipe(downmix(channels))).values;
          expect(mono).toBeInstanceOf(Float32Array);
          const expected: number[] = [];
          for (let i = 0; i < chunk.length; i += channels) {
            let sum = 0;
            for (let c = 0; c < channels; c++) sum += chunk[i + c];
            expected.push(Math.fround(sum / channels));
          }
          // + 0: -0 and 0 are the same sound (a 1-channel pass-through keeps -0, a sum loses it).
          expect(Array.from(mono, (v) => v + 0)).toEqual(expected.map((v) => v + 0));
        }),
      );
    });

    it('gives back the channel when every channel carries the same signal', () => {
      fc.assert(
        fc.property(fc.int16Array({ maxLength: 40 }), fc.integer({ min: 1, max: 8 }), (signal, channels) => {
          const chunk = new Int16Array(signal.length * channels);
          signal.forEach((s, f) => chunk.fill(s, f * channels, (f + 1) * channels));
          expect(run(of(chunk).pipe(downmix(channels))).values).toEqual([signal]);
        }),
      );
    });

    it('rounds int16 halves away from zero and defaults to 2 channels', () => {
      const { values } = run(
        of(Int16Array.of(1, 2, -1, -2, 32767, 32766, -32768, -32767, 5, -5)).pipe(downmix()),
      );
      expect(values).toEqual([Int16Array.of(2, -2, 32767, -32768, 0)]);
    });

    it('follows the marbles, one mono chunk per chunk', () => {
      new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(
        ({ cold, expectObservable, expectSubscriptions }) => {
          const source = cold('-a---------b------|', {
            a: Int16Array.of(1, 3, -2, -4),
            b: Int16Array.of(5, 6),
          });
          expectObservable(source.pipe(downmix(2))).toBe('-A---------B------|', {
            A: Int16Array.of(2, -3),
            B: Int16Array.of(6),
          });
          expectSubscriptions(source.subscriptions).toBe('^-----------------!');
        },
      );
    });

    it('passes chunks through untouched with 1 channel', () => {
      const a = Float32Array.of(0.25, -1);
      const b = Int16Array.of(7);
      const { values } = run(from([a, b]).pipe(downmix(1)));
      expect(values[0]).toBe(a);
      expect(values[1]).toBe(b);
    });

    it('keeps the chunk type at compile time', () => {
      const ints: Observable<Int16Array> = of(new Int16Array(2)).pipe(downmix());
      const floats: Observable<Float32Array> = of(new Float32Array(2)).pipe(downmix());
      expect(run(ints).values[0]).toBeInstanceOf(Int16Array);
      expect(run(floats).values[0]).toBeInstanceOf(Float32Array);
    });

    it('errors with an AudioError on a chunk that is not whole frames, and lets go of the source', () => {
      const source = new Subject<Int16Array>();
      const result = run(source.pipe(downmix(2)));
      source.next(Int16Array.of(1, 3));
      source.next(Int16Array.of(1, 2, 3));
      expect(source.observed).toBe(false);
      source.next(Int16Array.of(1, 2));
      expect(result.values).toEqual([Int16Array.of(2)]);
      expect(result.error).toBeInstanceOf(AudioError);
      expect((result.error as AudioError).kind).toBe('options');
      expect((result.error as AudioError).message).toBe(
        'downmix: a chunk of 3 samples is not whole frames of 2 channels',
      );
    });

    it('stops at the bad chunk of a synchronous source', () => {
      const result = run(
        from([Float32Array.of(1, 1, 1), Float32Array.of(0, 0), Float32Array.of(1, 1, 1)]).pipe(downmix(3)),
      );
      expect(result.values).toEqual([Float32Array.of(1)]);
      expect((result.error as AudioError).message).toBe(
        'downmix: a chunk of 2 samples is not whole frames of 3 channels',
      );
      expect(result.completed).toBe(false);
    });

    it.each([0, -1, 1.5, NaN, Infinity])('throws synchronously for %p channels', (channels) => {
      const err = thrown(() => downmix(channels));
      expect(err.kind).toBe('options');
      expect(err.message).toBe(`downmix: channels must be a positive integer, got ${channels}`);
    });
  });

  describe('interleave / deinterleave', () => {
    const planesArb = fc
      .record({ channels: fc.integer({ min: 1, max: 8 }), frames: fc.nat(24) })
      .chain(({ channels, frames }) =>
        fc.array(fc.float32Array({ minLength: frames, maxLength: frames }), {
          minLength: channels,
          maxLength: channels,
        }),
      );

    it('interleave puts sample f of plane c at f * channels + c', () => {
      fc.assert(
        fc.property(planesArb, (planes) => {
          const out = interleave(planes);
          const channels = planes.length;
          expect(out.length).toBe(channels * planes[0].length);
          planes.forEach((plane, c) =>
            plane.forEach((v, f) => expect(Object.is(out[f * channels + c], v)).toBe(true)),
          );
        }),
      );
    });

    it('deinterleave inverts interleave, and interleave inverts deinterleave', () => {
      fc.assert(
        fc.property(planesArb, (planes) => {
          expect(deinterleave(interleave(planes), planes.length)).toEqual(planes);
        }),
      );
      fc.assert(
        fc.property(float32Chunk, ({ channels, chunk }) => {
          const planes = deinterleave(chunk, channels);
          expect(planes).toHaveLength(channels);
          expect(interleave(planes)).toEqual(chunk);
        }),
      );
    });

    it('returns new arrays', () => {
      const plane = Float32Array.of(1, 2);
      const out = interleave([plane]);
      expect(out).toEqual(plane);
      expect(out).not.toBe(plane);
      expect(deinterleave(plane, 1)[0]).not.toBe(plane);
      expect(interleave([Float32Array.of(1, 2), Float32Array.of(3, 4)])).toEqual(Float32Array.of(1, 3, 2, 4));
      expect(deinterleave(Float32Array.of(1, 3, 2, 4), 2)).toEqual([
        Float32Array.of(1, 2),
        Float32Array.of(3, 4),
      ]);
    });

    it.each<[string, () => unknown, string]>([
      ['no planes', () => interleave([]), 'interleave: no channel planes'],
      [
        'planes of different lengths',
        () => interleave([new Float32Array(4), new Float32Array(4), new Float32Array(3)]),
        'interleave: plane 2 has 3 samples but plane 0 has 4',
      ],
      [
        'samples that are not whole frames',
        () => deinterleave(new Float32Array(5), 2),
        'deinterleave: a chunk of 5 samples is not whole frames of 2 channels',
      ],
      [
        '0 channels',
        () => deinterleave(new Float32Array(4), 0),
        'deinterleave: channels must be a positive integer, got 0',
      ],
      [
        '2.5 channels',
        () => deinterleave(new Float32Array(5), 2.5),
        'deinterleave: channels must be a positive integer, got 2.5',
      ],
    ])('rejects %s', (_, call, message) => {
      const err = thrown(call);
      expect(err.kind).toBe('options');
      expect(err.message).toBe(message);
    });
  });
});
