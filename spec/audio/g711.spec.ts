import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { fromG711 } from '../../src/audio/fromG711';
import { g711ToPcm16, pcm16ToG711, type G711Law } from '../../src/audio/g711';
import { toG711 } from '../../src/audio/toG711';
import { run, thrown } from './helpers';

/*
 * The reference: Table 1/G.711 (A-law) and Table 2/G.711 (μ-law), positive half, one row per segment:
 * where the segment starts and ends, how many quantization intervals of which size it holds, the
 * character of its first and last interval, and the decoder output of its first and last interval.
 * Values are in the tables' own units (A-law: 4096 full scale, μ-law: 8159); a 16-bit sample is 8
 * (A-law) or 4 (μ-law) of them. Everything below is derived from these rows by interval search.
 */
interface SegmentRow {
  from: number;
  to: number;
  intervals: number;
  size: number;
  /** characters of the first and last interval (A-law: before the inversion of the even bits) */
  codes: readonly [number, number];
  /** decoder outputs of the first and last interval */
  outputs: readonly [number, number];
}

const ALAW_TABLE: readonly SegmentRow[] = [
  { from: 0, to: 64, intervals: 32, size: 2, codes: [0b1000_0000, 0b1001_1111], outputs: [1, 63] },
  { from: 64, to: 128, intervals: 16, size: 4, codes: [0b1010_0000, 0b1010_1111], outputs: [66, 126] },
  { from: 128, to: 256, intervals: 16, size: 8, codes: [0b1011_0000, 0b1011_1111], outputs: [132, 252] },
  { from: 256, to: 512, intervals: 16, size: 16, codes: [0b1100_0000, 0b1100_1111], outputs: [264, 504] },
  { from: 512, to: 1024, intervals: 16, size: 32, codes: [0b1101_0000, 0b1101_1111], outputs: [528, 1008] },
  { from: 1024, to: 2048, intervals: 16, size: 64, codes: [0b1110_0000, 0b1110_1111], outputs: [1056, 2016] },
  {
    from: 2048,
    to: 4096,
    intervals: 16,
    size: 128,
    codes: [0b1111_0000, 0b1111_1111],
    outputs: [2112, 4032],
  },
];

const ULAW_TABLE: readonly SegmentRow[] = [
  // The first interval is 1 wide and decodes to its lower end, 0 (not to its middle).
  { from: 0, to: 1, intervals: 1, size: 1, codes: [0b1111_1111, 0b1111_1111], outputs: [0, 0] },
  { from: 1, to: 31, intervals: 15, size: 2, codes: [0b1111_1110, 0b1111_0000], outputs: [2, 30] },
  { from: 31, to: 95, intervals: 16, size: 4, codes: [0b1110_1111, 0b1110_0000], outputs: [33, 93] },
  { from: 95, to: 223, intervals: 16, size: 8, codes: [0b1101_1111, 0b1101_0000], outputs: [99, 219] },
  { from: 223, to: 479, intervals: 16, size: 16, codes: [0b1100_1111, 0b1100_0000], outputs: [231, 471] },
  { from: 479, to: 991, intervals: 16, size: 32, codes: [0b1011_1111, 0b1011_0000], outputs: [495, 975] },
  { from: 991, to: 2015, intervals: 16, size: 64, codes: [0b1010_1111, 0b1010_0000], outputs: [1023, 1983] },
  {
    from: 2015,
    to: 4063,
    intervals: 16,
    size: 128,
    codes: [0b1001_1111, 0b1001_0000],
    outputs: [2079, 3999],
  },
  {
    from: 4063,
    to: 8159,
    intervals: 16,
    size: 256,
    codes: [0b1000_1111, 0b1000_0000],
    outputs: [4191, 8031],
  },
];

/** One quantization interval of the positive half, in 16-bit units: [low, high), its codes and output. */
interface Interval {
  low: number;
  high: number;
  /** the transmitted code for a positive and for a negative sample in this interval */
  positive: number;
  negative: number;
  /** the decoder output, positive */
  output: number;
}

interface Law {
  name: G711Law;
  table: readonly SegmentRow[];
  /** 16-bit units per table unit */
  scale: number;
  /** what turns a character of the table into the transmitted code */
  line: (character: number) => number;
}

const LAWS: readonly Law[] = [
  // A-law transmits its characters with the even bits (2, 4, 6, 8, counting the sign as bit 1) inverted.
  { name: 'alaw', table: ALAW_TABLE, scale: 8, line: (c) => c ^ 0b0101_0101 },
  { name: 'ulaw', table: ULAW_TABLE, scale: 4, line: (c) => c },
];

/** The intervals of a table, positive half, in order; a negative sample has the polarity bit (0x80) at 0. */
function intervalsOf({ table, scale, line }: Law): Interval[] {
  const intervals: Interval[] = [];
  for (const row of table) {
    const direction = row.intervals === 1 ? 0 : Math.sign(row.codes[1] - row.codes[0]);
    for (let k = 0; k < row.intervals; k++) {
      const character = row.codes[0] + direction * k;
      intervals.push({
        low: (row.from + k * row.size) * scale,
        high: (row.from + (k + 1) * row.size) * scale,
        positive: line(character),
        negative: line(character & 0b0111_1111),
        output: (row.intervals === 1 ? row.outputs[0] : row.from + k * row.size + row.size / 2) * scale,
      });
    }
  }
  return intervals;
}

/**
 * The code the reference gives sample `x`, by interval search: a positive sample (or 0) belongs to the
 * interval with low ≤ x < high; a negative one to the interval with low < -x ≤ high (the reference takes
 * negative samples by their one's complement, so each boundary belongs to the interval nearer zero).
 * Beyond the last decision value (μ-law overload) the last interval.
 */
function expectedCode(intervals: readonly Interval[], x: number): number {
  const last = intervals[intervals.length - 1];
  if (x >= 0) {
    const found = intervals.find((i) => i.low <= x && x < i.high);
    return (found ?? last).positive;
  }
  const found = intervals.find((i) => i.low < -x && -x <= i.high);
  return (found ?? last).negative;
}

/** Every int16 value, -32768 to 32767. */
const ALL_SAMPLES = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
/** Every code, 0 to 255. */
const ALL_CODES = Uint8Array.from({ length: 256 }, (_, i) => i);

const hex = (code: number): string => `0x${code.toString(16).padStart(2, '0')}`;

describe('g711', () => {
  describe('the reference tables', () => {
    it.each(LAWS.map((law) => [law.name, law] as const))(
      '%s: rows that join up, hold their intervals and decode to their middles',
      (_, { table }) => {
        expect(table[0].from).toBe(0);
        table.forEach((row, i) => {
          if (i > 0) expect(row.from).toBe(table[i - 1].to);
          expect(row.to - row.from).toBe(row.intervals * row.size);
          expect(Math.abs(row.codes[1] - row.codes[0])).toBe(row.intervals - 1);
          if (row.intervals > 1) {
            expect(row.outputs[0]).toBe(row.from + row.size / 2);
            expect(row.outputs[1]).toBe(row.to - row.size / 2);
          }
        });
      },
    );

    it.each(LAWS.map((law) => [law.name, law] as const))(
      '%s: 128 intervals per half, 256 different codes',
      (_, law) => {
        const intervals = intervalsOf(law);
        expect(intervals).toHaveLength(128);
        expect(new Set(intervals.flatMap((i) => [i.positive, i.negative])).size).toBe(256);
      },
    );
  });

  describe.each(LAWS.map((law) => [law.name, law] as const))('%s', (name, law) => {
    const intervals = intervalsOf(law);

    it('encodes all 65 536 int16 samples to the code of their interval in the table', () => {
      const codes = pcm16ToG711(ALL_SAMPLES, name);
      expect(codes).toBeInstanceOf(Uint8Array);
      expect(codes).toHaveLength(65536);
      const wrong: string[] = [];
      for (let i = 0; i < 65536; i++) {
        const expected = expectedCode(intervals, ALL_SAMPLES[i]);
        if (codes[i] !== expected && wrong.length < 10) {
          wrong.push(`${ALL_SAMPLES[i]} → ${hex(codes[i])}, expected ${hex(expected)}`);
        }
      }
      expect(wrong).toEqual([]);
    });

    it('decodes all 256 codes to the decoder output of their interval, negative for a 0 polarity bit', () => {
      const expected = new Map<number, number>();
      for (const i of intervals) {
        expected.set(i.positive, i.output);
        expected.set(i.negative, 0 - i.output); // 0 - 0 is 0, as an Int16Array holds it
      }
      const samples = g711ToPcm16(ALL_CODES, name);
      expect(samples).toBeInstanceOf(Int16Array);
      expect(Array.from(samples, (s, code) => [hex(code), s])).toEqual(
        Array.from(ALL_CODES, (code) => [hex(code), expected.get(code)]),
      );
    });

    it('round-trips: decoding then encoding a code gives it back (μ-law negative zero excepted)', () => {
      const back = pcm16ToG711(g711ToPcm16(ALL_CODES, name), name);
      const changed = Array.from(ALL_CODES).filter((code) => back[code] !== code);
      expect(changed.map(hex)).toEqual(name === 'ulaw' ? ['0x7f'] : []);
      if (name === 'ulaw') expect(back[0x7f]).toBe(0xff); // both zeros decode to 0, which encodes as 0xff
    });

    it('decode∘encode is idempotent: a decoded value stays what it is', () => {
      const once = g711ToPcm16(pcm16ToG711(ALL_SAMPLES, name), name);
      const twice = g711ToPcm16(pcm16ToG711(once, name), name);
      expect(Array.from(twice)).toEqual(Array.from(once));
      // and it quantizes: 256 codes, and one fewer value for μ-law's two zeros
      expect(new Set(once).size).toBe(name === 'ulaw' ? 255 : 256);
    });

    it('encodes only the view it is given, into a new array', () => {
      const samples = Int16Array.of(1000, -1000, 20000, -20000);
      const view = samples.subarray(1, 3);
      const codes = pcm16ToG711(view, name);
      expect(Array.from(codes)).toEqual([expectedCode(intervals, -1000), expectedCode(intervals, 20000)]);
      expect(codes.byteOffset).toBe(0);
      expect(codes.buffer.byteLength).toBe(2);
      const decoded = g711ToPcm16(new Uint8Array([0, 1, 2, 3]).subarray(2), name);
      expect(decoded).toHaveLength(2);
      expect(decoded.buffer.byteLength).toBe(4);
    });

    it('gives empty arrays for empty input', () => {
      expect(pcm16ToG711(new Int16Array(0), name)).toEqual(new Uint8Array(0));
      expect(g711ToPcm16(new Uint8Array(0), name)).toEqual(new Int16Array(0));
    });
  });

  describe('anchors', () => {
    it('A-law: silence is 0xd5 / 0x55 (±8), the extremes 0xaa / 0x2a (±32256)', () => {
      expect(Array.from(g711ToPcm16(Uint8Array.of(0xd5, 0x55, 0xaa, 0x2a, 0x80, 0x00), 'alaw'))).toEqual([
        8, -8, 32256, -32256, 5504, -5504,
      ]);
      expect(Array.from(pcm16ToG711(Int16Array.of(0, -1, 32767, -32768), 'alaw'))).toEqual([
        0xd5, 0x55, 0xaa, 0x2a,
      ]);
    });

    it('A-law: takes negative samples by their one’s complement (the first interval is 0..15 and -1..-16)', () => {
      const samples = Int16Array.of(15, 16, -16, -17, 255, 256, -256, -257, 4095, 4096, -4096, -4097);
      expect(Array.from(pcm16ToG711(samples, 'alaw'), hex)).toEqual([
        '0xd5',
        '0xd4',
        '0x55',
        '0x54',
        '0xda',
        '0xc5',
        '0x5a',
        '0x45',
        '0x9a',
        '0x85',
        '0x1a',
        '0x05',
      ]);
    });

    it('A-law: the even bits are inverted on the line (0x55 is the all-zero character)', () => {
      // Without the sign, the codes XOR 0x55 count up with the magnitude, from 0 to 127.
      const magnitudes = Array.from(
        { length: 128 },
        (_, c) => g711ToPcm16(Uint8Array.of(0x80 | (c ^ 0x55)), 'alaw')[0],
      );
      for (let c = 1; c < 128; c++) expect(magnitudes[c]).toBeGreaterThan(magnitudes[c - 1]);
      expect(magnitudes[0]).toBe(8);
      expect(g711ToPcm16(Uint8Array.of(0x00), 'alaw')[0]).toBe(-5504); // an all-zero line is not silence
    });

    it('μ-law: silence is 0xff / 0x7f (both 0), the extremes 0x80 / 0x00 (±32124)', () => {
      expect(Array.from(g711ToPcm16(Uint8Array.of(0x00, 0x80, 0xff, 0x7f, 0xfe, 0x7e), 'ulaw'))).toEqual([
        -32124, 32124, 0, 0, 8, -8,
      ]);
      expect(Array.from(pcm16ToG711(Int16Array.of(0, -1, 32767, -32768), 'ulaw'))).toEqual([
        0xff, 0x7f, 0x80, 0x00,
      ]);
    });

    it('μ-law: takes negative samples by their one’s complement (the first interval is 0..3 and -1..-4)', () => {
      const samples = Int16Array.of(3, 4, -4, -5, 123, 124, -124, -125, 16251, 16252, -16252, -16253);
      expect(Array.from(pcm16ToG711(samples, 'ulaw'), hex)).toEqual([
        '0xff',
        '0xfe',
        '0x7f',
        '0x7e',
        '0xf0',
        '0xef',
        '0x70',
        '0x6f',
        '0x90',
        '0x8f',
        '0x10',
        '0x0f',
      ]);
    });
  });

  describe('a law that is neither', () => {
    it.each<[string, () => unknown, string]>([
      [
        'pcm16ToG711',
        () => pcm16ToG711(new Int16Array(1), 'mulaw' as G711Law),
        `pcm16ToG711: law must be 'ulaw' or 'alaw', got "mulaw"`,
      ],
      [
        'g711ToPcm16',
        () => g711ToPcm16(new Uint8Array(1), 'ALAW' as G711Law),
        `g711ToPcm16: law must be 'ulaw' or 'alaw', got "ALAW"`,
      ],
      [
        'toG711',
        () => toG711(undefined as unknown as G711Law),
        `toG711: law must be 'ulaw' or 'alaw', got undefined`,
      ],
      ['fromG711', () => fromG711(7 as unknown as G711Law), `fromG711: law must be 'ulaw' or 'alaw', got 7`],
    ])('%s throws an AudioError (options) at once', (_, call, message) => {
      const err = thrown(call);
      expect(err.kind).toBe('options');
      expect(err.message).toBe(message);
    });
  });

  describe('toG711', () => {
    const scheduler = (): TestScheduler =>
      new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

    it('encodes each chunk, and completes with the source', () => {
      scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-a---b--c--|', {
          a: Int16Array.of(0, -1),
          b: Int16Array.of(32767, -32768, 16),
          c: new Int16Array(0),
        });
        expectObservable(source.pipe(toG711('alaw'))).toBe('-A---B--C--|', {
          A: Uint8Array.of(0xd5, 0x55),
          B: Uint8Array.of(0xaa, 0x2a, 0xd4),
          C: new Uint8Array(0),
        });
        expectSubscriptions(source.subscriptions).toBe('^----------!');
      });
    });

    it('forwards an error', () => {
      scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-a--#', { a: Int16Array.of(0, -1) }, new Error('mic gone'));
        expectObservable(source.pipe(toG711('ulaw'))).toBe(
          '-A--#',
          { A: Uint8Array.of(0xff, 0x7f) },
          new Error('mic gone'),
        );
        expectSubscriptions(source.subscriptions).toBe('^---!');
      });
    });

    it('lets go of the source on unsubscription', () => {
      scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-a--a--a--|', { a: Int16Array.of(32767) });
        expectObservable(source.pipe(toG711('ulaw')), '^----!').toBe('-A--A', { A: Uint8Array.of(0x80) });
        expectSubscriptions(source.subscriptions).toBe('^----!');
      });
    });

    it('leaves the chunk alone and gives a new array per chunk', () => {
      const chunk = Int16Array.of(100, -100);
      const source = new Subject<Int16Array>();
      const { values } = run(source.pipe(toG711('alaw')));
      source.next(chunk);
      source.next(chunk);
      expect(Array.from(chunk)).toEqual([100, -100]);
      expect(values).toEqual([pcm16ToG711(chunk, 'alaw'), pcm16ToG711(chunk, 'alaw')]);
      expect(values[0]).not.toBe(values[1]);
    });
  });

  describe('fromG711', () => {
    const scheduler = (): TestScheduler =>
      new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

    it('decodes each chunk, and completes with the source', () => {
      scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-a---b--c--|', {
          a: Uint8Array.of(0xff, 0x80),
          b: Uint8Array.of(0x00, 0x7f),
          c: new Uint8Array(0),
        });
        expectObservable(source.pipe(fromG711('ulaw'))).toBe('-A---B--C--|', {
          A: Int16Array.of(0, 32124),
          B: Int16Array.of(-32124, 0),
          C: new Int16Array(0),
        });
        expectSubscriptions(source.subscriptions).toBe('^----------!');
      });
    });

    it('forwards an error', () => {
      scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-a--#', { a: Uint8Array.of(0xd5, 0x55) }, new Error('line dropped'));
        expectObservable(source.pipe(fromG711('alaw'))).toBe(
          '-A--#',
          { A: Int16Array.of(8, -8) },
          new Error('line dropped'),
        );
        expectSubscriptions(source.subscriptions).toBe('^---!');
      });
    });

    it('lets go of the source on unsubscription', () => {
      scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-a--a--a--|', { a: Uint8Array.of(0xaa) });
        expectObservable(source.pipe(fromG711('alaw')), '^----!').toBe('-A--A', { A: Int16Array.of(32256) });
        expectSubscriptions(source.subscriptions).toBe('^----!');
      });
    });

    it('gives each chunk its own ArrayBuffer, and inverts toG711 on decoded values', () => {
      const bytes = Uint8Array.of(0, 1, 2, 3, 250, 251).subarray(1, 5);
      const source = new Subject<Uint8Array>();
      const { values } = run(source.pipe(fromG711('ulaw')));
      source.next(bytes);
      expect(values[0]).toEqual(g711ToPcm16(bytes, 'ulaw'));
      expect(values[0].byteOffset).toBe(0);
      expect(values[0].buffer.byteLength).toBe(8);
      const decoded = new Subject<Int16Array>();
      const again = run(decoded.pipe(toG711('ulaw'), fromG711('ulaw')));
      decoded.next(values[0]);
      expect(again.values).toEqual([values[0]]);
    });
  });
});
