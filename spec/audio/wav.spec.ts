import fc from 'fast-check';
import { runInNewContext } from 'node:vm';
import { AudioError } from '../../src/audio/audioError';
import { decodeWav, encodeWav } from '../../src/audio/wav';

// ---------------------------------------------------------------------------------------------
// Hand-written WAV builders: independent of encodeWav, so decoding is not checked against itself.

const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

/** `value` as `width` little-endian bytes. */
function le(value: number, width: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < width; i++) out.push(Math.floor(value / 2 ** (8 * i)) % 256);
  return out;
}

/** A chunk with its true size, plus the pad byte when the body is odd. */
const chunk = (id: string, body: number[]): number[] => [
  ...ascii(id),
  ...le(body.length, 4),
  ...body,
  ...(body.length % 2 ? [0] : []),
];

/** A chunk header declaring `declared` bytes, followed by `body` as is (for lying sizes). */
const rawChunk = (id: string, declared: number, body: number[] = []): number[] => [
  ...ascii(id),
  ...le(declared, 4),
  ...body,
];

/** A RIFF/WAVE file around `chunks`, with a correct RIFF size unless `riffSize` says otherwise. */
function riff(chunks: number[][], riffSize?: number): Uint8Array {
  const body = [...ascii('WAVE'), ...chunks.flat()];
  return Uint8Array.from([...ascii('RIFF'), ...le(riffSize ?? body.length, 4), ...body]);
}

interface FmtFields {
  tag?: number;
  channels?: number;
  rate?: number;
  bits?: number;
  blockAlign?: number;
  byteRate?: number;
  extra?: number[];
}

/** A `fmt ` chunk body (16 bytes plus `extra`), consistent unless told otherwise. */
function fmtBody({
  tag = 1,
  channels = 1,
  rate = 8000,
  bits = 16,
  blockAlign,
  byteRate,
  extra = [],
}: FmtFields = {}): number[] {
  const align = blockAlign ?? (channels * bits) / 8;
  return [
    ...le(tag, 2),
    ...le(channels, 2),
    ...le(rate, 4),
    ...le(byteRate ?? rate * align, 4),
    ...le(align, 2),
    ...le(bits, 2),
    ...extra,
  ];
}

const fmt = (fields: FmtFields = {}): number[] => chunk('fmt ', fmtBody(fields));

/** Bytes 2..15 of a KSDATAFORMAT_SUBTYPE GUID, written out from the Windows headers. */
const GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];
const subformat = (code: number): number[] => [...le(code, 2), ...GUID_TAIL];

/** A WAVE_FORMAT_EXTENSIBLE `fmt ` chunk (40 bytes). */
function extensibleFmt(o: {
  channels: number;
  rate: number;
  bits: number;
  validBits?: number;
  guid: number[];
}): number[] {
  const extra = [
    ...le(22, 2),
    ...le(o.validBits ?? o.bits, 2),
    ...le(o.channels === 2 ? 3 : 4, 4),
    ...o.guid,
  ];
  return fmt({ tag: 0xfffe, channels: o.channels, rate: o.rate, bits: o.bits, extra });
}

const i16 = (...values: number[]): number[] => values.flatMap((v) => le(v & 0xffff, 2));

/** What decodeWav threw, failing the test if it returned. */
function thrownBy(bytes: Uint8Array): AudioError {
  try {
    decodeWav(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(AudioError);
    return e as AudioError;
  }
  throw new Error('decodeWav did not throw');
}

const f32 = (values: number[]): number[] => values.map(Math.fround);

// ---------------------------------------------------------------------------------------------

describe('encodeWav', () => {
  it('writes the canonical 44-byte PCM16 header, little-endian, then the samples', () => {
    const file = encodeWav(Int16Array.of(1, -2, 32767, -32768), { sampleRate: 8000, numChannels: 2 });
    // prettier-ignore
    const expected = [
      0x52, 0x49, 0x46, 0x46, // "RIFF"
      0x2c, 0x00, 0x00, 0x00, // RIFF size: 44 - 8 + 8 = 44
      0x57, 0x41, 0x56, 0x45, // "WAVE"
      0x66, 0x6d, 0x74, 0x20, // "fmt "
      0x10, 0x00, 0x00, 0x00, // fmt size 16
      0x01, 0x00,             // format 1 (PCM)
      0x02, 0x00,             // 2 channels
      0x40, 0x1f, 0x00, 0x00, // 8000 Hz
      0x00, 0x7d, 0x00, 0x00, // byte rate 32000
      0x04, 0x00,             // block align 4
      0x10, 0x00,             // 16 bits
      0x64, 0x61, 0x74, 0x61, // "data"
      0x08, 0x00, 0x00, 0x00, // 8 bytes
      0x01, 0x00, 0xfe, 0xff, 0xff, 0x7f, 0x00, 0x80,
    ];
    expect(Array.from(file)).toEqual(expected);
  });

  it('writes IEEE float with cbSize and a fact chunk counting frames (58-byte header)', () => {
    const file = encodeWav(Float32Array.of(0.5, -1), { sampleRate: 48_000, numChannels: 2 });
    // prettier-ignore
    const expected = [
      0x52, 0x49, 0x46, 0x46, 0x3a, 0x00, 0x00, 0x00, 0x57, 0x41, 0x56, 0x45, // "RIFF", 58, "WAVE"
      0x66, 0x6d, 0x74, 0x20, 0x12, 0x00, 0x00, 0x00, // "fmt ", 18
      0x03, 0x00,             // format 3 (IEEE float)
      0x02, 0x00,             // 2 channels
      0x80, 0xbb, 0x00, 0x00, // 48000 Hz
      0x00, 0xdc, 0x05, 0x00, // byte rate 384000
      0x08, 0x00,             // block align 8
      0x20, 0x00,             // 32 bits
      0x00, 0x00,             // cbSize 0
      0x66, 0x61, 0x63, 0x74, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, // "fact", 4, 1 frame
      0x64, 0x61, 0x74, 0x61, 0x08, 0x00, 0x00, 0x00, // "data", 8
      0x00, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x80, 0xbf, // 0.5, -1
    ];
    expect(Array.from(file)).toEqual(expected);
  });

  it('encodes no samples as a header with an empty data chunk', () => {
    const file = encodeWav(new Int16Array(0), { sampleRate: 24_000, numChannels: 1 });
    expect(file.length).toBe(44);
    expect(decodeWav(file)).toEqual({ sampleRate: 24_000, numChannels: 1, samples: new Float32Array(0) });
  });

  it('reads samples through a view with an offset (subarray of a bigger buffer)', () => {
    const backing = Int16Array.of(111, 1000, -1000, 222);
    const file = encodeWav(backing.subarray(1, 3), { sampleRate: 16_000, numChannels: 1 });
    expect(Array.from(decodeWav(file).samples)).toEqual(f32([1000 / 32768, -1000 / 32768]));
  });

  it('PCM16 round trip is exact for any channel count 1..16 and any rate whose byte rate fits', () => {
    const input = fc.integer({ min: 1, max: 16 }).chain((numChannels) =>
      fc.record({
        numChannels: fc.constant(numChannels),
        sampleRate: fc.oneof(
          fc.constantFrom(8000, 16_000, 22_050, 24_000, 44_100, 48_000),
          fc.integer({ min: 1, max: Math.floor(0xffffffff / (2 * numChannels)) }),
        ),
        frames: fc.array(
          fc.array(fc.integer({ min: -32768, max: 32767 }), {
            minLength: numChannels,
            maxLength: numChannels,
          }),
          { maxLength: 40 },
        ),
      }),
    );
    fc.assert(
      fc.property(input, ({ numChannels, sampleRate, frames }) => {
        const samples = Int16Array.from(frames.flat());
        const file = encodeWav(samples, { sampleRate, numChannels });
        expect(file.length).toBe(44 + 2 * samples.length);
        const decoded = decodeWav(file);
        expect(decoded.sampleRate).toBe(sampleRate);
        expect(decoded.numChannels).toBe(numChannels);
        expect(decoded.samples).toBeInstanceOf(Float32Array);
        expect(Array.from(decoded.samples, (v) => v * 32768)).toEqual(Array.from(samples));
      }),
    );
  });

  it('Float32 round trip is bit-exact (also outside [-1, 1], -0, infinities and NaN)', () => {
    const input = fc
      .record({
        numChannels: fc.integer({ min: 1, max: 16 }),
        sampleRate: fc.integer({ min: 1, max: Math.floor(0xffffffff / 64) }),
        frameCount: fc.nat(30),
      })
      .chain(({ numChannels, sampleRate, frameCount }) =>
        fc.record({
          numChannels: fc.constant(numChannels),
          sampleRate: fc.constant(sampleRate),
          samples: fc.float32Array({
            minLength: numChannels * frameCount,
            maxLength: numChannels * frameCount,
          }),
        }),
      );
    fc.assert(
      fc.property(input, ({ numChannels, sampleRate, samples }) => {
        const file = encodeWav(samples, { sampleRate, numChannels });
        expect(file.length).toBe(58 + 4 * samples.length);
        const decoded = decodeWav(file);
        expect(decoded.sampleRate).toBe(sampleRate);
        expect(decoded.numChannels).toBe(numChannels);
        expect(decoded.samples.length).toBe(samples.length);
        decoded.samples.forEach((v, i) => expect(Object.is(v, samples[i])).toBe(true));
      }),
    );
  });

  it('accepts the extremes: 16 channels, rate 1, and the highest rate whose byte rate fits in 32 bits', () => {
    expect(decodeWav(encodeWav(new Int16Array(32), { sampleRate: 1, numChannels: 16 })).numChannels).toBe(16);
    expect(
      decodeWav(encodeWav(new Int16Array(1), { sampleRate: 2 ** 31 - 1, numChannels: 1 })).sampleRate,
    ).toBe(2 ** 31 - 1);
  });

  const badOptions: Array<[string, unknown, unknown, string]> = [
    [
      'zero rate',
      new Int16Array(2),
      { sampleRate: 0, numChannels: 1 },
      'encodeWav: sampleRate must be a positive integer, got 0',
    ],
    [
      'negative rate',
      new Int16Array(2),
      { sampleRate: -8000, numChannels: 1 },
      'encodeWav: sampleRate must be a positive integer, got -8000',
    ],
    [
      'fractional rate',
      new Int16Array(2),
      { sampleRate: 44_100.5, numChannels: 1 },
      'encodeWav: sampleRate must be a positive integer, got 44100.5',
    ],
    [
      'NaN rate',
      new Int16Array(2),
      { sampleRate: NaN, numChannels: 1 },
      'encodeWav: sampleRate must be a positive integer, got NaN',
    ],
    [
      'zero channels',
      new Int16Array(2),
      { sampleRate: 8000, numChannels: 0 },
      'encodeWav: numChannels must be an integer from 1 to 16, got 0',
    ],
    [
      '17 channels',
      new Int16Array(17),
      { sampleRate: 8000, numChannels: 17 },
      'encodeWav: numChannels must be an integer from 1 to 16, got 17',
    ],
    [
      'fractional channels',
      new Int16Array(2),
      { sampleRate: 8000, numChannels: 1.5 },
      'encodeWav: numChannels must be an integer from 1 to 16, got 1.5',
    ],
    [
      'partial frame',
      new Int16Array(5),
      { sampleRate: 8000, numChannels: 2 },
      'encodeWav: 5 samples are not a whole number of 2-channel frames',
    ],
    [
      'partial float frame',
      new Float32Array(7),
      { sampleRate: 8000, numChannels: 3 },
      'encodeWav: 7 samples are not a whole number of 3-channel frames',
    ],
    [
      'byte rate overflow',
      new Int16Array(2),
      { sampleRate: 2 ** 31, numChannels: 1 },
      'encodeWav: sampleRate 2147483648 is too high: its byte rate (2 bytes per frame) does not fit in 32 bits',
    ],
    [
      'plain array',
      [0, 1],
      { sampleRate: 8000, numChannels: 1 },
      'encodeWav: samples must be an Int16Array or a Float32Array, got Array',
    ],
    [
      'Uint8Array',
      new Uint8Array(2),
      { sampleRate: 8000, numChannels: 1 },
      'encodeWav: samples must be an Int16Array or a Float32Array, got Uint8Array',
    ],
    [
      'no options',
      new Int16Array(2),
      undefined,
      'encodeWav: options { sampleRate, numChannels } are required, got Undefined',
    ],
  ];
  it.each(badOptions)('rejects %s with AudioError("options")', (_name, samples, options, message) => {
    const call = () =>
      encodeWav(samples as Int16Array, options as { sampleRate: number; numChannels: number });
    expect(call).toThrow(AudioError);
    expect(call).toThrow(expect.objectContaining({ kind: 'options', message }));
  });
});

describe('decodeWav', () => {
  it('decodes a Node Buffer and a view at an odd offset into a bigger buffer', () => {
    const file = encodeWav(Int16Array.of(-32768, 16384), { sampleRate: 24_000, numChannels: 1 });
    expect(Array.from(decodeWav(Buffer.from(file)).samples)).toEqual([-1, 0.5]);
    const backing = new Uint8Array(file.length + 8).fill(0xee);
    backing.set(file, 3);
    expect(Array.from(decodeWav(backing.subarray(3, 3 + file.length)).samples)).toEqual([-1, 0.5]);
  });

  it('accepts typed arrays from another realm (an iframe, a vm context), where instanceof fails', () => {
    const foreignSamples = runInNewContext('Int16Array.of(16384, -16384)') as Int16Array;
    expect(foreignSamples instanceof Int16Array).toBe(false);
    const file = encodeWav(foreignSamples, { sampleRate: 8000, numChannels: 1 });
    const foreignFile = runInNewContext('(bytes) => Uint8Array.from(bytes)')(file) as Uint8Array;
    expect(foreignFile instanceof Uint8Array).toBe(false);
    expect(Array.from(decodeWav(foreignFile).samples)).toEqual([0.5, -0.5]);
  });

  it('decodes 8-bit unsigned PCM', () => {
    const decoded = decodeWav(riff([fmt({ bits: 8, rate: 11_025 }), chunk('data', [0, 1, 128, 255])]));
    expect(decoded.sampleRate).toBe(11_025);
    expect(Array.from(decoded.samples)).toEqual(f32([-1, -127 / 128, 0, 127 / 128]));
  });

  it('decodes 24-bit signed PCM, stereo', () => {
    const data = [0xff, 0xff, 0x7f, 0x00, 0x00, 0x80, 0x01, 0x00, 0x00, 0xff, 0xff, 0xff];
    const decoded = decodeWav(riff([fmt({ bits: 24, channels: 2, rate: 96_000 }), chunk('data', data)]));
    expect(decoded).toMatchObject({ sampleRate: 96_000, numChannels: 2 });
    expect(Array.from(decoded.samples)).toEqual(f32([8388607 / 8388608, -1, 1 / 8388608, -1 / 8388608]));
  });

  it('decodes 32-bit signed PCM', () => {
    // 0x01000001 / 2^31 lies exactly halfway between two Float32 values: only the right scale rounds it to 2^-7
    const data = [
      ...le(0x7fffffff, 4),
      ...le(0x80000000, 4),
      ...le(1, 4),
      ...le(0xc0000000, 4),
      ...le(0x01000001, 4),
    ];
    const decoded = decodeWav(riff([fmt({ bits: 32 }), chunk('data', data)]));
    expect(Array.from(decoded.samples)).toEqual([1, -1, 2 ** -31, -0.5, 2 ** -7]);
  });

  it('decodes 64-bit IEEE float, rounded to Float32', () => {
    const view = new DataView(new ArrayBuffer(16));
    view.setFloat64(0, 0.1, true);
    view.setFloat64(8, -0.75, true);
    const decoded = decodeWav(
      riff([fmt({ tag: 3, bits: 64 }), chunk('data', Array.from(new Uint8Array(view.buffer)))]),
    );
    expect(Array.from(decoded.samples)).toEqual(f32([0.1, -0.75]));
  });

  it('decodes 32-bit float with a bare 16-byte fmt and no fact chunk', () => {
    const decoded = decodeWav(
      riff([fmt({ tag: 3, bits: 32 }), chunk('data', [0x00, 0x00, 0x00, 0x3f, 0x00, 0x00, 0xc0, 0x3f])]),
    );
    expect(Array.from(decoded.samples)).toEqual([0.5, 1.5]);
  });

  it('decodes WAVE_FORMAT_EXTENSIBLE with a PCM subformat', () => {
    const file = riff([
      extensibleFmt({ channels: 2, rate: 44_100, bits: 16, guid: subformat(1) }),
      chunk('data', i16(16384, -16384, 32767, -32768)),
    ]);
    const decoded = decodeWav(file);
    expect(decoded).toMatchObject({ sampleRate: 44_100, numChannels: 2 });
    expect(Array.from(decoded.samples)).toEqual(f32([0.5, -0.5, 32767 / 32768, -1]));
  });

  it('decodes WAVE_FORMAT_EXTENSIBLE with an IEEE float subformat', () => {
    const file = riff([
      extensibleFmt({ channels: 1, rate: 48_000, bits: 32, guid: subformat(3) }),
      chunk('data', [0x00, 0x00, 0x80, 0xbe]),
    ]);
    expect(Array.from(decodeWav(file).samples)).toEqual([-0.25]);
  });

  it('decodes extensible 20 valid bits in 24-bit containers as 24-bit (valid bits are the high ones)', () => {
    const file = riff([
      extensibleFmt({ channels: 1, rate: 48_000, bits: 24, validBits: 20, guid: subformat(1) }),
      chunk('data', [0xf0, 0xff, 0x3f, 0x00, 0x00, 0xc0]),
    ]);
    expect(Array.from(decodeWav(file).samples)).toEqual(f32([0x3ffff0 / 8388608, -0.5]));
  });

  it('skips unknown chunks before, between and after fmt/data, honouring pad bytes of odd chunks', () => {
    const file = riff([
      chunk('LIST', [...ascii('INFOISFT'), ...le(5, 4), ...ascii('test'), 0]),
      chunk('junk', [1, 2, 3]), // odd: pad byte follows
      fmt({ channels: 2 }),
      chunk('bext', [9]), // odd again
      chunk('fact', le(2, 4)),
      chunk('data', i16(1, 2, 3, 4)),
      chunk('LIST', [7, 7, 7]),
      chunk('odd!', [5]),
    ]);
    expect(decodeWav(file)).toEqual({
      sampleRate: 8000,
      numChannels: 2,
      samples: Float32Array.from([1, 2, 3, 4], (v) => v / 32768),
    });
  });

  it('accepts "data" before "fmt ", including the pad byte after an odd data chunk', () => {
    const file = riff([chunk('data', [0, 128, 255]), chunk('LIST', []), fmt({ bits: 8 })]);
    expect(Array.from(decodeWav(file).samples)).toEqual(f32([-1, 0, 127 / 128]));
  });

  it('tolerates a missing pad byte after an odd data chunk at the very end', () => {
    const padded = riff([fmt({ bits: 8 }), chunk('data', [0, 128, 255])]);
    const unpadded = padded.subarray(0, padded.length - 1);
    expect(Array.from(decodeWav(unpadded).samples)).toEqual(f32([-1, 0, 127 / 128]));
  });

  it('ignores whatever follows once fmt and data are found (appended tags, junk, a cut-off chunk)', () => {
    const good = riff([fmt(), chunk('data', i16(100))]);
    for (const tail of [[1, 2, 3], rawChunk('id3 ', 1000, [1, 2])]) {
      expect(Array.from(decodeWav(Uint8Array.from([...good, ...tail])).samples)).toEqual([100 / 32768]);
    }
  });

  describe('streaming sizes (the header was never patched)', () => {
    it('reads a data size of 0xFFFFFFFF as "to the end of the file"', () => {
      const file = riff([fmt(), rawChunk('data', 0xffffffff, i16(1, -1, 2))], 0xffffffff);
      expect(Array.from(decodeWav(file).samples)).toEqual(f32([1, -1, 2].map((v) => v / 32768)));
    });

    it('reads a data size of 0 with bytes following as "to the end of the file"', () => {
      const file = riff([fmt(), rawChunk('data', 0, i16(5, 6))], 0);
      expect(Array.from(decodeWav(file).samples)).toEqual(f32([5 / 32768, 6 / 32768]));
      // RIFF size left at the empty-file value by a writer that appends without patching
      const stale = riff([fmt(), rawChunk('data', 0, i16(5, 6))], 36);
      expect(decodeWav(stale).samples.length).toBe(2);
    });

    it('keeps a data size of 0 empty when the RIFF size shows the file was finalized', () => {
      const file = riff([fmt(), chunk('data', []), chunk('LIST', [1, 2, 3, 4])]);
      expect(decodeWav(file).samples.length).toBe(0);
    });

    it('still requires whole frames', () => {
      const file = riff([fmt({ channels: 2 }), rawChunk('data', 0xffffffff, [1, 2, 3, 4, 5, 6, 7])]);
      expect(thrownBy(file).message).toBe(
        'WAV: "data" chunk at byte 36 holds 7 bytes, not a whole number of 4-byte frames',
      );
    });
  });

  // -------------------------------------------------------------------------------------------
  const valid = riff([fmt({ channels: 2 }), chunk('data', i16(1, 2, 3, 4))]);
  const withMagic = (magic: string, at = 0) =>
    Uint8Array.from([...valid.subarray(0, at), ...ascii(magic), ...valid.subarray(at + 4)]);

  const malformed: Array<[string, unknown, string]> = [
    [
      'an empty file',
      new Uint8Array(0),
      'WAV: file is 0 bytes, too short for a RIFF header (12 bytes) and a chunk header (8 bytes)',
    ],
    [
      'a truncated header',
      valid.subarray(0, 19),
      'WAV: file is 19 bytes, too short for a RIFF header (12 bytes) and a chunk header (8 bytes)',
    ],
    [
      'a big-endian RIFX file',
      withMagic('RIFX'),
      'WAV: not a RIFF file (starts with "RIFX"): big-endian RIFX files are not supported',
    ],
    [
      'an RF64 file',
      withMagic('RF64'),
      'WAV: not a RIFF file (starts with "RF64"): RF64 (64-bit) files are not supported',
    ],
    [
      'binary garbage',
      Uint8Array.from([0x00, 0x22, 0xff, 0x5c, ...valid.subarray(4)]),
      'WAV: not a RIFF file (starts with "\\x00\\x22\\xFF\\x5C")',
    ],
    ['an AVI file', withMagic('AVI ', 8), 'WAV: RIFF type is "AVI ", not "WAVE"'],
    [
      'a fmt chunk shorter than 16 bytes',
      riff([chunk('fmt ', fmtBody().slice(0, 14)), chunk('data', [])]),
      'WAV: "fmt " chunk at byte 12 is 14 bytes, at least 16 needed',
    ],
    [
      'a fmt chunk cut short',
      valid.subarray(0, 28),
      'WAV: "fmt " chunk at byte 12 declares 16 bytes but only 8 remain',
    ],
    [
      'a chunk running past the end',
      riff([rawChunk('LIST', 4000, new Array(100).fill(0))]),
      'WAV: "LIST" chunk at byte 12 declares 4000 bytes but only 100 remain',
    ],
    [
      'a truncated data chunk',
      riff([fmt({ channels: 2 }), rawChunk('data', 4000, new Array(100).fill(0))]),
      'WAV: "data" chunk at byte 36 declares 4000 bytes but only 100 remain',
    ],
    [
      'a data chunk header cut short',
      valid.subarray(0, 40),
      'WAV: no "data" chunk; found "fmt " at byte 12, then 4 bytes at byte 36, too short for a chunk header',
    ],
    ['no fmt chunk', riff([chunk('data', i16(1, 2))]), 'WAV: no "fmt " chunk; found "data" at byte 12'],
    [
      'no fmt chunk before streaming data',
      riff([chunk('LIST', []), rawChunk('data', 0xffffffff, i16(1))]),
      'WAV: no "fmt " chunk before "data" at byte 20, whose size (0xFFFFFFFF) means it runs to the end of the file',
    ],
    [
      'no data chunk',
      riff([fmt(), chunk('LIST', [1, 2])]),
      'WAV: no "data" chunk; found "fmt " at byte 12, "LIST" at byte 36',
    ],
    [
      'two fmt chunks',
      riff([fmt(), fmt(), chunk('data', [])]),
      'WAV: second "fmt " chunk at byte 36 (the first is at byte 12)',
    ],
    [
      'two data chunks before fmt',
      riff([chunk('data', []), chunk('data', []), fmt()]),
      'WAV: second "data" chunk at byte 20 (the first is at byte 12)',
    ],
    [
      'MPEG audio',
      riff([fmt({ tag: 0x55, bits: 0, blockAlign: 1 }), chunk('data', [])]),
      'WAV: unsupported format tag 0x0055 (MPEG Layer 3); supported: PCM (1), IEEE float (3), extensible (0xFFFE)',
    ],
    [
      'an unknown format tag',
      riff([fmt({ tag: 0x1234 }), chunk('data', [])]),
      'WAV: unsupported format tag 0x1234; supported: PCM (1), IEEE float (3), extensible (0xFFFE)',
    ],
    [
      '12-bit PCM',
      riff([fmt({ bits: 12, blockAlign: 2 }), chunk('data', [])]),
      'WAV: 12-bit PCM is not supported; supported: 8, 16, 24 and 32-bit',
    ],
    [
      '16-bit float',
      riff([fmt({ tag: 3, bits: 16 }), chunk('data', [])]),
      'WAV: 16-bit IEEE float is not supported; supported: 32 and 64-bit',
    ],
    [
      'a bad block align',
      riff([fmt({ channels: 2, blockAlign: 3 }), chunk('data', [])]),
      'WAV: block align is 3 but 2 channels of 16-bit samples need 4',
    ],
    [
      'a bad mono block align',
      riff([fmt({ bits: 24, blockAlign: 4 }), chunk('data', [])]),
      'WAV: block align is 4 but 1 channel of 24-bit samples need 3',
    ],
    [
      'zero channels',
      riff([fmt({ channels: 0, blockAlign: 2 }), chunk('data', [])]),
      'WAV: "fmt " chunk at byte 12 declares 0 channels',
    ],
    [
      'a zero sample rate',
      riff([fmt({ rate: 0 }), chunk('data', [])]),
      'WAV: "fmt " chunk at byte 12 declares a sample rate of 0',
    ],
    [
      'data not whole frames',
      riff([fmt({ channels: 2 }), chunk('data', new Array(101).fill(0))]),
      'WAV: "data" chunk at byte 36 holds 101 bytes, not a whole number of 4-byte frames',
    ],
    [
      'a short extensible fmt',
      riff([fmt({ tag: 0xfffe, extra: [0, 0] }), chunk('data', [])]),
      'WAV: extensible "fmt " chunk at byte 12 is 18 bytes, at least 40 needed',
    ],
    [
      'an extensible non-standard GUID',
      riff([
        extensibleFmt({ channels: 1, rate: 8000, bits: 16, guid: [...subformat(1).slice(0, 15), 0x72] }),
        chunk('data', []),
      ]),
      'WAV: extensible subformat {00000001-0000-0010-8000-00aa00389b72} is not PCM or IEEE float',
    ],
    [
      'an extensible ADPCM subformat',
      riff([extensibleFmt({ channels: 1, rate: 8000, bits: 16, guid: subformat(2) }), chunk('data', [])]),
      'WAV: unsupported extensible subformat 0x0002 (Microsoft ADPCM); supported: PCM (1), IEEE float (3)',
    ],
    ['an ArrayBuffer', valid.slice().buffer, 'WAV: expected the file as a Uint8Array, got ArrayBuffer'],
  ];
  it.each(malformed)('rejects %s with an exact AudioError("wav")', (_name, bytes, message) => {
    const error = thrownBy(bytes as Uint8Array);
    expect(error.kind).toBe('wav');
    expect(error.message).toBe(message);
  });

  it('the malformed table starts from a file that decodes', () => {
    expect(Array.from(decodeWav(valid).samples, (v) => v * 32768)).toEqual([1, 2, 3, 4]);
  });

  it('rejects every truncation of an encoded file (a cut data chunk is an error, not partial audio)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc
            .array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 20 })
            .map((s) => encodeWav(Int16Array.from(s), { sampleRate: 8000, numChannels: 1 })),
          fc.float32Array({ maxLength: 20 }).map((s) => encodeWav(s, { sampleRate: 8000, numChannels: 1 })),
        ),
        fc.nat(),
        (file, cut) => {
          const error = thrownBy(file.subarray(0, cut % file.length));
          expect(error.kind).toBe('wav');
        },
      ),
    );
  });

  // -------------------------------------------------------------------------------------------
  describe('fuzz: returns a sane result or throws AudioError("wav"), never anything else', () => {
    function saneOrAudioError(bytes: Uint8Array): void {
      let result: ReturnType<typeof decodeWav>;
      try {
        result = decodeWav(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(AudioError);
        expect((e as AudioError).kind).toBe('wav');
        expect((e as AudioError).message).toMatch(/^WAV: \S/);
        return;
      }
      expect(Number.isInteger(result.sampleRate) && result.sampleRate > 0).toBe(true);
      expect(
        Number.isInteger(result.numChannels) && result.numChannels >= 1 && result.numChannels <= 0xffff,
      ).toBe(true);
      expect(result.samples).toBeInstanceOf(Float32Array);
      expect(result.samples.length % result.numChannels).toBe(0);
      // at least a 12-byte RIFF header, a 24-byte fmt chunk and a data chunk header, and 1 byte per sample
      expect(result.samples.length).toBeLessThanOrEqual(bytes.length - 44);
    }

    const seeds: Uint8Array[] = [
      encodeWav(Int16Array.of(1, -2, 300, -400, 32767, -32768), { sampleRate: 24_000, numChannels: 2 }),
      encodeWav(Float32Array.of(0.5, -0.25, 2, NaN), { sampleRate: 48_000, numChannels: 1 }),
      riff([chunk('LIST', [1, 2, 3]), fmt({ bits: 8 }), chunk('data', [0, 128, 255])]),
      riff([fmt({ bits: 24, channels: 2 }), chunk('junk', [1]), chunk('data', new Array(12).fill(0x80))]),
      riff([
        extensibleFmt({ channels: 2, rate: 44_100, bits: 32, guid: subformat(3) }),
        chunk('data', new Array(16).fill(0x3f)),
      ]),
      riff([fmt(), rawChunk('data', 0xffffffff, i16(9, 8, 7))], 0),
    ];

    it('the seeds decode', () => {
      for (const seed of seeds) expect(decodeWav(seed).samples.length).toBeGreaterThan(0);
    });

    it('on random bytes', () => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), saneOrAudioError), { numRuns: 500 });
    });

    it('on a RIFF/WAVE header followed by random bytes', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), (tail, riffSize) =>
          saneOrAudioError(
            Uint8Array.from([...ascii('RIFF'), ...le(riffSize, 4), ...ascii('WAVE'), ...tail]),
          ),
        ),
        { numRuns: 500 },
      );
    });

    it('on random chunk sequences with plausible fmt fields', () => {
      const fmtArb = fc
        .record({
          tag: fc.oneof(fc.constantFrom(1, 3, 0xfffe), fc.integer({ min: 0, max: 0xffff })),
          channels: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 0xffff })),
          rate: fc.oneof(fc.constantFrom(0, 8000), fc.nat()),
          bits: fc.oneof(fc.constantFrom(8, 16, 24, 32, 64), fc.integer({ min: 0, max: 0xffff })),
          blockAlign: fc.option(fc.integer({ min: 0, max: 0xffff })),
          subcode: fc.constantFrom(1, 3, 2),
          extended: fc.boolean(),
        })
        .map(({ tag, channels, rate, bits, blockAlign, subcode, extended }) => {
          const align = blockAlign ?? ((channels * bits) / 8) % 0x10000;
          const extra = extended ? [...le(22, 2), ...le(bits, 2), ...le(0, 4), ...subformat(subcode)] : [];
          return chunk(
            'fmt ',
            fmtBody({ tag, channels, rate, bits, blockAlign: Math.floor(align), byteRate: 0, extra }),
          );
        });
      const otherArb = fc
        .record({
          id: fc.constantFrom('data', 'LIST', 'fact', 'junk'),
          body: fc.uint8Array({ maxLength: 40 }),
          size: fc.option(fc.oneof(fc.constantFrom(0, 0xffffffff), fc.nat(60))),
        })
        .map(({ id, body, size }) =>
          size === null ? chunk(id, Array.from(body)) : rawChunk(id, size, Array.from(body)),
        );
      fc.assert(
        fc.property(
          fc.array(fc.oneof(fmtArb, otherArb), { maxLength: 5 }),
          fc.option(fc.nat()),
          (chunks, riffSize) => saneOrAudioError(riff(chunks, riffSize ?? undefined)),
        ),
        { numRuns: 1000 },
      );
    });

    it('on truncations and byte flips of valid files', () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...seeds),
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
          fc.option(fc.nat()),
          (seed, flips, cut) => {
            const bytes = seed.slice();
            for (const [at, value] of flips) bytes[at % bytes.length] = value;
            saneOrAudioError(cut === null ? bytes : bytes.subarray(0, cut % (bytes.length + 1)));
          },
        ),
        { numRuns: 2000 },
      );
    });
  });
});
