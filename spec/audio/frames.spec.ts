import fc from 'fast-check';
import { Subject, from, throwError, concat, type OperatorFunction } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { AudioError } from '../../src/audio/audioError';
import { fromAudioFrames, toAudioFrames } from '../../src/audio/frames';
import { g711ToPcm16, pcm16ToG711 } from '../../src/audio/g711';
import { floatToPcm16 } from '../../src/audio/pcm';
import { audioFrameProblem, type RealtimeAudioFrame } from '../../src/protocol/frame';
import { MAX_CHANNELS, MAX_SAMPLE_RATE, MIN_SAMPLE_RATE } from '../../src/protocol/frameLimits';
import { withoutBuffer } from '../helpers';
import { run, thrown } from './helpers';

/** The spec's own decoding of a frame's data: Buffer, then little-endian int16 via DataView. */
function samplesOf(frame: RealtimeAudioFrame): number[] {
  const bytes = Buffer.from(frame.data, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2) out.push(view.getInt16(i, true));
  return out;
}

/** Base64 of little-endian int16 samples, by Buffer. */
function wire(samples: readonly number[]): string {
  const view = new DataView(new ArrayBuffer(samples.length * 2));
  samples.forEach((s, i) => view.setInt16(2 * i, s, true));
  return Buffer.from(view.buffer).toString('base64');
}

/** Cuts `signal` into chunks of whole sample frames at `cuts` (in sample frames). */
function split<A extends Int16Array | Float32Array | Uint8Array>(
  signal: A,
  channels: number,
  cuts: readonly number[],
): A[] {
  const frames = signal.length / channels;
  const points = [...new Set(cuts.map((c) => c % (frames + 1)))].sort((a, b) => a - b);
  const chunks: A[] = [];
  let from = 0;
  for (const p of [...points, frames]) {
    chunks.push(signal.slice(from * channels, p * channels) as A);
    from = p;
  }
  return chunks;
}

/** Framing options with small frames (1..40 samples per channel), a signal and where to cut it. */
const setup = fc
  .record({
    kHz: fc.integer({ min: 1, max: 8 }),
    frameMs: fc.integer({ min: 1, max: 5 }),
    numChannels: fc.integer({ min: 1, max: 3 }),
    frames: fc.nat(150),
    cuts: fc.array(fc.nat(), { maxLength: 12 }),
  })
  .chain(({ kHz, frameMs, numChannels, frames, cuts }) =>
    fc.int16Array({ minLength: frames * numChannels, maxLength: frames * numChannels }).map((signal) => ({
      options: { sampleRate: kHz * 1000, numChannels, frameMs },
      spf: kHz * frameMs,
      signal,
      chunks: split(signal, numChannels, cuts),
    })),
  );

/** Checks the frames of one framed signal; returns the samples they carry, joined. */
function checkFrames(
  frames: RealtimeAudioFrame[],
  o: { sampleRate: number; numChannels: number },
  spf: number,
  total: number,
): number[] {
  expect(frames).toHaveLength(Math.ceil(total / (spf * o.numChannels)));
  const joined: number[] = [];
  frames.forEach((frame, i) => {
    const samples = samplesOf(frame);
    expect(frame.sampleRate).toBe(o.sampleRate);
    expect(frame.numChannels).toBe(o.numChannels);
    expect(frame.samplesPerChannel).toBe(samples.length / o.numChannels);
    if (i < frames.length - 1) expect(frame.samplesPerChannel).toBe(spf);
    else expect(frame.samplesPerChannel).toBeGreaterThan(0);
    expect(frame.samplesPerChannel).toBeLessThanOrEqual(spf);
    expect(audioFrameProblem(frame)).toBeUndefined();
    joined.push(...samples);
  });
  return joined;
}

describe('frames', () => {
  describe('toAudioFrames', () => {
    it('loses no sample: any chunking of a signal gives ceil(n / spf) frames that join back to it', () => {
      fc.assert(
        fc.property(setup, ({ options, spf, signal, chunks }) => {
          const { values, error, completed } = run(from(chunks).pipe(toAudioFrames(options)));
          expect(error).toBeUndefined();
          expect(completed).toBe(true);
          expect(checkFrames(values, options, spf, signal.length)).toEqual(Array.from(signal));
        }),
      );
    });

    it('converts Float32 chunks with floatToPcm16, also mixed with Int16 chunks', () => {
      fc.assert(
        fc.property(
          setup,
          fc.float32Array({ maxLength: 40 }),
          fc.array(fc.boolean(), { maxLength: 13 }),
          ({ options, spf, signal, chunks }, extra, asFloat) => {
            // Floats that stand exactly for the int16 chunks (s / 32768), and a free-form float tail.
            const tail = extra.subarray(0, extra.length - (extra.length % options.numChannels));
            const mixed = chunks.map((c, i) => (asFloat[i] ? Float32Array.from(c, (s) => s / 32768) : c));
            const { values } = run(from([...mixed, tail]).pipe(toAudioFrames(options)));
            const expected = [...Array.from(signal), ...Array.from(floatToPcm16(tail))];
            expect(checkFrames(values, options, spf, expected.length)).toEqual(expected);
          },
        ),
      );
    });

    it('frames the same without Buffer (the browser encoder)', () => {
      fc.assert(
        fc.property(setup, ({ options, chunks }) => {
          const withBuffer = run(from(chunks).pipe(toAudioFrames(options))).values;
          const without = withoutBuffer(() => run(from(chunks).pipe(toAudioFrames(options))).values);
          expect(without).toEqual(withBuffer);
        }),
      );
    });

    it('follows the marbles: frames when full, the short rest on complete', () => {
      new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(
        ({ cold, expectObservable }) => {
          const source = cold('-a-----b-----c--|', {
            a: Int16Array.of(1, 2, 3),
            b: Int16Array.of(4, 5),
            c: Int16Array.of(6, 7, 8, 9, 10),
          });
          const frame = (samples: number[]): RealtimeAudioFrame => ({
            data: wire(samples),
            sampleRate: 1000,
            numChannels: 1,
            samplesPerChannel: samples.length,
          });
          expectObservable(source.pipe(toAudioFrames({ sampleRate: 1000, numChannels: 1, frameMs: 4 }))).toBe(
            '-------F-----G--(H|)',
            {
              F: frame([1, 2, 3, 4]),
              G: frame([5, 6, 7, 8]),
              H: frame([9, 10]),
            },
          );
        },
      );
    });

    it('emits several frames for one big chunk, and no short frame when nothing is left', () => {
      const { values, completed } = run(
        from([Int16Array.of(1, -1, 2, -2, 3, -3, 4, -4)]).pipe(
          toAudioFrames({ sampleRate: 1000, numChannels: 2, frameMs: 2 }),
        ),
      );
      expect(completed).toBe(true);
      expect(values).toEqual([
        { data: wire([1, -1, 2, -2]), sampleRate: 1000, numChannels: 2, samplesPerChannel: 2 },
        { data: wire([3, -3, 4, -4]), sampleRate: 1000, numChannels: 2, samplesPerChannel: 2 },
      ]);
    });

    it('emits nothing for an empty source or empty chunks, and completes', () => {
      const o = { sampleRate: 24000, numChannels: 1, frameMs: 20 };
      expect(run(from([] as Int16Array[]).pipe(toAudioFrames(o)))).toEqual({
        values: [],
        error: undefined,
        completed: true,
      });
      expect(run(from([new Int16Array(0), new Float32Array(0)]).pipe(toAudioFrames(o)))).toEqual({
        values: [],
        error: undefined,
        completed: true,
      });
    });

    it('gives 480-sample frames for 20 ms at 24 kHz', () => {
      const { values } = run(
        from([new Int16Array(1000)]).pipe(toAudioFrames({ sampleRate: 24000, numChannels: 1, frameMs: 20 })),
      );
      expect(values.map((f) => f.samplesPerChannel)).toEqual([480, 480, 40]);
    });

    it('keeps one buffer per subscription', () => {
      const op = toAudioFrames({ sampleRate: 1000, numChannels: 1, frameMs: 3 });
      const source = new Subject<Int16Array>();
      const a = run(source.pipe(op));
      const b = run(source.pipe(op));
      source.next(Int16Array.of(1, 2));
      source.next(Int16Array.of(3, 4));
      source.complete();
      const expected = [wire([1, 2, 3]), wire([4])];
      expect(a.values.map((f) => f.data)).toEqual(expected);
      expect(b.values.map((f) => f.data)).toEqual(expected);
    });

    it('errors with an AudioError on a chunk that is not whole frames, drops the partial frame and lets go of the source', () => {
      const source = new Subject<Int16Array>();
      const result = run(source.pipe(toAudioFrames({ sampleRate: 1000, numChannels: 2, frameMs: 2 })));
      source.next(Int16Array.of(1, 2, 3, 4, 5, 6));
      source.next(Int16Array.of(7, 8, 9));
      expect(source.observed).toBe(false);
      expect(result.values.map(samplesOf)).toEqual([[1, 2, 3, 4]]);
      expect(result.error).toBeInstanceOf(AudioError);
      expect((result.error as AudioError).kind).toBe('options');
      expect((result.error as AudioError).message).toBe(
        'toAudioFrames: a chunk of 3 samples is not whole frames of 2 channels',
      );
    });

    it('forwards a source error without flushing the partial frame', () => {
      const boom = new Error('mic gone');
      const result = run(
        concat(
          from([Int16Array.of(1, 2, 3, 4, 5)]),
          throwError(() => boom),
        ).pipe(toAudioFrames({ sampleRate: 1000, numChannels: 1, frameMs: 2 })),
      );
      expect(result.values.map(samplesOf)).toEqual([
        [1, 2],
        [3, 4],
      ]);
      expect(result.error).toBe(boom);
    });

    it.each<[string, { sampleRate: number; numChannels: number; frameMs: number }, string]>([
      [
        'rate 0',
        { sampleRate: 0, numChannels: 1, frameMs: 20 },
        'toAudioFrames: sampleRate must be an integer from 1000 to 384000, got 0',
      ],
      [
        'rate 999',
        { sampleRate: 999, numChannels: 1, frameMs: 20 },
        'toAudioFrames: sampleRate must be an integer from 1000 to 384000, got 999',
      ],
      [
        'rate 384001',
        { sampleRate: 384001, numChannels: 1, frameMs: 20 },
        'toAudioFrames: sampleRate must be an integer from 1000 to 384000, got 384001',
      ],
      [
        'rate 44100.5',
        { sampleRate: 44100.5, numChannels: 1, frameMs: 20 },
        'toAudioFrames: sampleRate must be an integer from 1000 to 384000, got 44100.5',
      ],
      [
        'rate NaN',
        { sampleRate: NaN, numChannels: 1, frameMs: 20 },
        'toAudioFrames: sampleRate must be an integer from 1000 to 384000, got NaN',
      ],
      [
        '0 channels',
        { sampleRate: 24000, numChannels: 0, frameMs: 20 },
        'toAudioFrames: numChannels must be an integer from 1 to 8, got 0',
      ],
      [
        '9 channels',
        { sampleRate: 24000, numChannels: 9, frameMs: 20 },
        'toAudioFrames: numChannels must be an integer from 1 to 8, got 9',
      ],
      [
        '1.5 channels',
        { sampleRate: 24000, numChannels: 1.5, frameMs: 20 },
        'toAudioFrames: numChannels must be an integer from 1 to 8, got 1.5',
      ],
      [
        '0 ms',
        { sampleRate: 24000, numChannels: 1, frameMs: 0 },
        'toAudioFrames: frameMs 0 at 24000 Hz gives 0 samples per channel: not a positive integer',
      ],
      [
        '-20 ms',
        { sampleRate: 24000, numChannels: 1, frameMs: -20 },
        'toAudioFrames: frameMs -20 at 24000 Hz gives -480 samples per channel: not a positive integer',
      ],
      [
        'NaN ms',
        { sampleRate: 24000, numChannels: 1, frameMs: NaN },
        'toAudioFrames: frameMs NaN at 24000 Hz gives NaN samples per channel: not a positive integer',
      ],
      [
        '7 ms at 44.1 kHz',
        { sampleRate: 44100, numChannels: 1, frameMs: 7 },
        'toAudioFrames: frameMs 7 at 44100 Hz gives 308.7 samples per channel: not a positive integer',
      ],
      [
        '0.01 ms at 1 kHz',
        { sampleRate: 1000, numChannels: 1, frameMs: 0.01 },
        'toAudioFrames: frameMs 0.01 at 1000 Hz gives 0.01 samples per channel: not a positive integer',
      ],
    ])('throws synchronously for %s', (_, options, message) => {
      const err = thrown(() => toAudioFrames(options));
      expect(err.kind).toBe('options');
      expect(err.message).toBe(message);
    });

    it('accepts exactly the rates and channel counts the frame validator accepts', () => {
      for (const [sampleRate, numChannels] of [
        [MIN_SAMPLE_RATE, 1],
        [MAX_SAMPLE_RATE, MAX_CHANNELS],
      ] as const) {
        const [frame] = run(
          from([new Int16Array(numChannels)]).pipe(toAudioFrames({ sampleRate, numChannels, frameMs: 1 })),
        ).values;
        expect(audioFrameProblem(frame)).toBeUndefined();
      }
      expect(() => toAudioFrames({ sampleRate: MIN_SAMPLE_RATE - 1, numChannels: 1, frameMs: 1 })).toThrow(
        AudioError,
      );
      expect(() => toAudioFrames({ sampleRate: MAX_SAMPLE_RATE + 1, numChannels: 1, frameMs: 1 })).toThrow(
        AudioError,
      );
      expect(() => toAudioFrames({ sampleRate: 48000, numChannels: MAX_CHANNELS + 1, frameMs: 1 })).toThrow(
        AudioError,
      );
    });

    it('takes float noise in sampleRate * frameMs / 1000 as the integer it means', () => {
      const frameMs = 10 / 3; // 10 samples at 3 kHz, though 3000 * frameMs is not exactly 10000
      const { values } = run(
        from([new Int16Array(25)]).pipe(toAudioFrames({ sampleRate: 3000, numChannels: 1, frameMs })),
      );
      expect(values.map((f) => f.samplesPerChannel)).toEqual([10, 10, 5]);
      expect(toAudioFrames({ sampleRate: 44100, numChannels: 2, frameMs: 10 })).toBeInstanceOf(Function);
    });
  });

  describe('fromAudioFrames', () => {
    it('decodes what toAudioFrames encoded: the signal back, frame by frame', () => {
      fc.assert(
        fc.property(setup, ({ options, spf, signal, chunks }) => {
          const frames = run(from(chunks).pipe(toAudioFrames(options))).values;
          const { values, completed } = run(from(frames).pipe(fromAudioFrames()));
          expect(completed).toBe(true);
          expect(values).toHaveLength(frames.length);
          values.forEach((v, i) => {
            expect(v).toBeInstanceOf(Int16Array);
            expect(v.length).toBe(frames[i].samplesPerChannel! * options.numChannels);
            expect(v.length).toBeLessThanOrEqual(spf * options.numChannels);
          });
          expect(values.flatMap((v) => Array.from(v))).toEqual(Array.from(signal));
        }),
      );
    });

    it('decodes little-endian samples that Buffer encoded', () => {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 100 }), (samples) => {
          const [decoded] = run(
            from([{ data: wire(samples), sampleRate: 24000, numChannels: 1 }]).pipe(fromAudioFrames()),
          ).values;
          expect(Array.from(decoded)).toEqual(samples);
        }),
      );
    });

    it('follows the marbles, one chunk per frame', () => {
      new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(
        ({ cold, expectObservable }) => {
          const source = cold('-a------b-----|', {
            a: { data: 'AQACAA==', sampleRate: 24000, numChannels: 1 },
            b: { data: '', sampleRate: 24000, numChannels: 1, samplesPerChannel: 0 },
          });
          expectObservable(source.pipe(fromAudioFrames())).toBe('-A------B-----|', {
            A: Int16Array.of(1, 2),
            B: new Int16Array(0),
          });
        },
      );
    });

    it('does not check samplesPerChannel: the data decides', () => {
      const { values, error } = run(
        from([{ data: wire([1, 2, 3]), sampleRate: 24000, numChannels: 1, samplesPerChannel: 99 }]).pipe(
          fromAudioFrames(),
        ),
      );
      expect(error).toBeUndefined();
      expect(values).toEqual([Int16Array.of(1, 2, 3)]);
    });

    it.each<[string, RealtimeAudioFrame, AudioError['kind'], string]>([
      [
        'a bad character',
        { data: 'AQ!A', sampleRate: 24000, numChannels: 1 },
        'base64',
        'base64 text has a bad character "!" at index 2',
      ],
      [
        'a bad length',
        { data: 'AQA', sampleRate: 24000, numChannels: 1 },
        'base64',
        'base64 text has length 3: not a multiple of 4',
      ],
      [
        'an odd byte count',
        { data: 'AQD+', sampleRate: 24000, numChannels: 1 },
        'base64',
        'base64 audio holds 3 bytes: not whole 16-bit samples',
      ],
      [
        'samples not whole for the channels',
        { data: wire([1, 2, 3]), sampleRate: 24000, numChannels: 2 },
        'base64',
        'base64 audio holds 3 samples: not whole frames of 2 channels',
      ],
      [
        '0 channels',
        { data: wire([1, 2]), sampleRate: 24000, numChannels: 0 },
        'options',
        'audio frame has numChannels 0: not a positive integer',
      ],
    ])('errors with an AudioError for %s and lets go of the source', (_, bad, kind, message) => {
      const source = new Subject<RealtimeAudioFrame>();
      const result = run(source.pipe(fromAudioFrames()));
      source.next({ data: wire([5, 6]), sampleRate: 24000, numChannels: 2 });
      source.next(bad);
      expect(source.observed).toBe(false);
      expect(result.values).toEqual([Int16Array.of(5, 6)]);
      expect(result.error).toBeInstanceOf(AudioError);
      expect((result.error as AudioError).kind).toBe(kind);
      expect((result.error as AudioError).message).toBe(message);
    });

    it('stops at the bad frame of a synchronous source', () => {
      const frames = [wire([1]), 'AQD+', wire([2])].map((data) => ({
        data,
        sampleRate: 24000,
        numChannels: 1,
      }));
      const result = run(from(frames).pipe(fromAudioFrames()));
      expect(result.values).toEqual([Int16Array.of(1)]);
      expect((result.error as AudioError).message).toBe(
        'base64 audio holds 3 bytes: not whole 16-bit samples',
      );
      expect(result.completed).toBe(false);
    });

    it('forwards a source error untouched', () => {
      const boom = new Error('socket');
      expect(run(throwError(() => boom).pipe(fromAudioFrames())).error).toBe(boom);
    });
  });

  describe('G.711 frames', () => {
    const LAWS = [
      ['g711_ulaw', 'ulaw'],
      ['g711_alaw', 'alaw'],
    ] as const;

    /** The spec's own reading of a G.711 frame: its bytes, by Buffer. */
    const bytesOf = (frame: RealtimeAudioFrame): number[] => Array.from(Buffer.from(frame.data, 'base64'));

    /** Framing options, a signal of G.711 bytes and where to cut it (as `setup`, one byte per sample). */
    const byteSetup = fc
      .record({
        frameMs: fc.integer({ min: 1, max: 5 }),
        numChannels: fc.integer({ min: 1, max: 3 }),
        frames: fc.nat(150),
        cuts: fc.array(fc.nat(), { maxLength: 12 }),
      })
      .chain(({ frameMs, numChannels, frames, cuts }) =>
        fc.uint8Array({ minLength: frames * numChannels, maxLength: frames * numChannels }).map((signal) => ({
          frameMs,
          numChannels,
          spf: 8 * frameMs,
          signal,
          chunks: split(signal, numChannels, cuts),
        })),
      );

    describe.each(LAWS)('%s', (encoding, law) => {
      it('frames G.711 bytes as they are: any chunking gives ceil(n / spf) frames that join back, saying their encoding', () => {
        fc.assert(
          fc.property(byteSetup, ({ frameMs, numChannels, spf, signal, chunks }) => {
            const options = { sampleRate: 8000, numChannels, frameMs, encoding };
            const { values, error, completed } = run(from(chunks).pipe(toAudioFrames(options)));
            expect(error).toBeUndefined();
            expect(completed).toBe(true);
            expect(values).toHaveLength(Math.ceil(signal.length / (spf * numChannels)));
            values.forEach((frame, i) => {
              const bytes = bytesOf(frame);
              expect(frame).toEqual({
                data: frame.data,
                sampleRate: 8000,
                numChannels,
                samplesPerChannel: bytes.length / numChannels,
                encoding,
              });
              if (i < values.length - 1) expect(frame.samplesPerChannel).toBe(spf);
              expect(audioFrameProblem(frame)).toBeUndefined();
            });
            expect(values.flatMap(bytesOf)).toEqual(Array.from(signal));
          }),
        );
      });

      it('encodes Int16 and Float32 chunks with its law, also mixed with byte chunks', () => {
        fc.assert(
          fc.property(
            fc.int16Array({ maxLength: 50 }),
            fc.uint8Array({ maxLength: 50 }),
            fc.float32Array({ maxLength: 50 }),
            (ints, bytes, floats) => {
              const { values, error } = run(
                from([ints, bytes, floats, ints]).pipe(
                  toAudioFrames({ sampleRate: 8000, numChannels: 1, frameMs: 2, encoding }),
                ),
              );
              expect(error).toBeUndefined();
              const expected = [
                ...pcm16ToG711(ints, law),
                ...bytes,
                ...pcm16ToG711(floatToPcm16(floats), law),
                ...pcm16ToG711(ints, law),
              ];
              expect(values.flatMap(bytesOf)).toEqual(expected);
            },
          ),
        );
      });

      it('frames the same without Buffer (the browser encoder)', () => {
        fc.assert(
          fc.property(byteSetup, ({ frameMs, numChannels, chunks }) => {
            const frame = (): RealtimeAudioFrame[] =>
              run(from(chunks).pipe(toAudioFrames({ sampleRate: 8000, numChannels, frameMs, encoding })))
                .values;
            const withBuffer = frame();
            const without = withoutBuffer(frame);
            expect(without).toEqual(withBuffer);
            expect(without.map((f) => f.data)).toEqual(withBuffer.map((f) => f.data));
          }),
        );
      });

      it('decodes with fromAudioFrames: bytes through g711ToPcm16, int16 samples to their quantized values', () => {
        fc.assert(
          fc.property(byteSetup, ({ frameMs, numChannels, signal, chunks }) => {
            const frames = run(
              from(chunks).pipe(toAudioFrames({ sampleRate: 8000, numChannels, frameMs, encoding })),
            ).values;
            const { values, error, completed } = run(from(frames).pipe(fromAudioFrames()));
            expect(error).toBeUndefined();
            expect(completed).toBe(true);
            values.forEach((v, i) => {
              expect(v).toBeInstanceOf(Int16Array);
              expect(v.length).toBe(frames[i].samplesPerChannel! * numChannels);
            });
            expect(values.flatMap((v) => Array.from(v))).toEqual(Array.from(g711ToPcm16(signal, law)));
          }),
        );
        const pcm = Int16Array.of(0, -1, 1000, -1000, 32767, -32768);
        const frames = run(
          from([pcm]).pipe(toAudioFrames({ sampleRate: 8000, numChannels: 2, frameMs: 1, encoding })),
        ).values;
        const [decoded] = run(from(frames).pipe(fromAudioFrames())).values;
        expect(decoded).toEqual(g711ToPcm16(pcm16ToG711(pcm, law), law));
      });
    });

    it('follows the marbles: one byte per sample, frames when full, the short rest on complete', () => {
      new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(
        ({ cold, expectObservable }) => {
          const source = cold('-a-----b-----c--|', {
            a: Uint8Array.of(1, 2, 3),
            b: Int16Array.of(0, -1), // A-law 0xd5, 0x55
            c: Float32Array.of(1, -1, 0, 0, 0),
          });
          const frame = (bytes: number[]): RealtimeAudioFrame => ({
            data: Buffer.from(bytes).toString('base64'),
            sampleRate: 1000,
            numChannels: 1,
            samplesPerChannel: bytes.length,
            encoding: 'g711_alaw',
          });
          expectObservable(
            source.pipe(
              toAudioFrames({ sampleRate: 1000, numChannels: 1, frameMs: 4, encoding: 'g711_alaw' }),
            ),
          ).toBe('-------F-----G--(H|)', {
            F: frame([1, 2, 3, 0xd5]),
            G: frame([0x55, 0xaa, 0x2a, 0xd5]),
            H: frame([0xd5, 0xd5]),
          });
        },
      );
    });

    it("keeps pcm16 frames free of an encoding field, also with encoding 'pcm16'", () => {
      const chunks = [Int16Array.of(1, 2, 3), Int16Array.of(4, 5)];
      const o = { sampleRate: 1000, numChannels: 1, frameMs: 2 };
      const plain = run(from(chunks).pipe(toAudioFrames(o))).values;
      const pcm16 = run(from(chunks).pipe(toAudioFrames({ ...o, encoding: 'pcm16' }))).values;
      expect(pcm16).toEqual(plain);
      for (const frame of pcm16)
        expect(Object.keys(frame).sort()).toEqual(['data', 'numChannels', 'sampleRate', 'samplesPerChannel']);
    });

    it('errors on a Uint8Array chunk for PCM16 frames, drops the partial frame and lets go of the source', () => {
      const source = new Subject<Int16Array | Uint8Array>();
      const result = run(
        source.pipe(
          toAudioFrames({ sampleRate: 1000, numChannels: 1, frameMs: 2 }) as OperatorFunction<
            Int16Array | Uint8Array,
            RealtimeAudioFrame
          >,
        ),
      );
      source.next(Int16Array.of(1, 2, 3));
      source.next(Uint8Array.of(4, 5));
      expect(source.observed).toBe(false);
      expect(result.values.map(samplesOf)).toEqual([[1, 2]]);
      expect(result.completed).toBe(false);
      expect((result.error as AudioError).kind).toBe('options');
      expect((result.error as AudioError).message).toBe(
        "toAudioFrames: a Uint8Array chunk is G.711 bytes: set encoding 'g711_ulaw' or 'g711_alaw', or give Int16Array or Float32Array samples",
      );
    });

    it('errors on a G.711 chunk that is not whole frames of the channels', () => {
      const result = run(
        from([Uint8Array.of(1, 2, 3)]).pipe(
          toAudioFrames({ sampleRate: 8000, numChannels: 2, frameMs: 20, encoding: 'g711_ulaw' }),
        ),
      );
      expect((result.error as AudioError).message).toBe(
        'toAudioFrames: a chunk of 3 samples is not whole frames of 2 channels',
      );
    });

    it.each([
      ['mp3', `toAudioFrames: encoding must be 'pcm16', 'g711_ulaw' or 'g711_alaw', got "mp3"`],
      ['ulaw', `toAudioFrames: encoding must be 'pcm16', 'g711_ulaw' or 'g711_alaw', got "ulaw"`],
      [null, `toAudioFrames: encoding must be 'pcm16', 'g711_ulaw' or 'g711_alaw', got null`],
    ])('throws synchronously for encoding %p', (encoding, message) => {
      const err = thrown(() =>
        toAudioFrames({ sampleRate: 8000, numChannels: 1, frameMs: 20, encoding: encoding as 'pcm16' }),
      );
      expect(err.kind).toBe('options');
      expect(err.message).toBe(message);
    });

    it('fromAudioFrames decodes G.711 data of any byte count, and reads pcm16 given by name as PCM16', () => {
      const frames: RealtimeAudioFrame[] = [
        { data: '1VU=', sampleRate: 8000, numChannels: 1, encoding: 'g711_alaw' }, // 0xd5 0x55
        { data: '/38AgA==', sampleRate: 8000, numChannels: 2, encoding: 'g711_ulaw' }, // 0xff 0x7f 0x00 0x80
        { data: 'AQACAA==', sampleRate: 24000, numChannels: 1, encoding: 'pcm16' },
        { data: 'AAAA', sampleRate: 8000, numChannels: 3, encoding: 'g711_ulaw' }, // 3 bytes: 3 samples
      ];
      expect(run(from(frames).pipe(fromAudioFrames()))).toEqual({
        values: [
          Int16Array.of(8, -8),
          Int16Array.of(0, 0, -32124, 32124),
          Int16Array.of(1, 2),
          Int16Array.of(-32124, -32124, -32124),
        ],
        error: undefined,
        completed: true,
      });
    });

    it.each<[string, RealtimeAudioFrame, AudioError['kind'], string]>([
      [
        'samples not whole for the channels',
        { data: 'AAAA', sampleRate: 8000, numChannels: 2, encoding: 'g711_alaw' },
        'base64',
        'base64 audio holds 3 samples: not whole frames of 2 channels',
      ],
      [
        'bad base64',
        { data: '1V!=', sampleRate: 8000, numChannels: 1, encoding: 'g711_alaw' },
        'base64',
        'base64 text has a bad character "!" at index 2',
      ],
      [
        'an unknown encoding',
        { data: 'AAAA', sampleRate: 8000, numChannels: 1, encoding: 'mp3' as 'pcm16' },
        'options',
        `audio frame encoding must be 'pcm16', 'g711_ulaw' or 'g711_alaw', got "mp3"`,
      ],
    ])(
      'fromAudioFrames errors with an AudioError for %s and lets go of the source',
      (_, bad, kind, message) => {
        const source = new Subject<RealtimeAudioFrame>();
        const result = run(source.pipe(fromAudioFrames()));
        source.next({ data: '1VU=', sampleRate: 8000, numChannels: 1, encoding: 'g711_alaw' });
        source.next(bad);
        expect(source.observed).toBe(false);
        expect(result.values).toEqual([Int16Array.of(8, -8)]);
        expect((result.error as AudioError).kind).toBe(kind);
        expect((result.error as AudioError).message).toBe(message);
      },
    );
  });
});
