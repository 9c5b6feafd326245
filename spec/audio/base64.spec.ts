import fc from 'fast-check';
import {
  base64Internals,
  base64ToBytes,
  base64ToPcm16,
  bytesPrefixEncoder,
  bytesToBase64,
  pcm16PrefixEncoder,
  pcm16ToBase64,
} from '../../src/audio/base64';
import { lastEncodedBase64 } from '../../src/protocol/base64';
import { thrown } from './helpers';
import { withoutBuffer } from '../helpers';

const { browserBytesToBase64, browserBase64ToBytes, swap16 } = base64Internals;

/** Node's own encoding of a view's bytes: the reference. */
const nodeBase64 = (bytes: Uint8Array): string => Buffer.from(Uint8Array.from(bytes)).toString('base64');

/** Little-endian bytes of int16 samples, written one by one (independent of platform and of the code under test). */
function leBytes(samples: ArrayLike<number>): Uint8Array {
  const view = new DataView(new ArrayBuffer(samples.length * 2));
  for (let i = 0; i < samples.length; i++) view.setInt16(2 * i, samples[i], true);
  return new Uint8Array(view.buffer);
}

/** A Uint8Array view into the middle of a larger buffer whose other bytes are garbage. */
const subView = fc
  .record({
    before: fc.uint8Array({ maxLength: 9 }),
    bytes: fc.uint8Array({ maxLength: 200 }),
    after: fc.uint8Array({ maxLength: 9 }),
  })
  .map(({ before, bytes, after }) => {
    const all = new Uint8Array(before.length + bytes.length + after.length);
    all.set(before);
    all.set(bytes, before.length);
    all.set(after, before.length + bytes.length);
    return { view: all.subarray(before.length, before.length + bytes.length), bytes };
  });

/** Sizes around the browser encoder's chunk boundaries (8190 bytes). */
const BOUNDARY_SIZES = [0, 1, 2, 3, 8189, 8190, 8191, 8192, 16379, 16380, 16381, 40000];

describe('base64', () => {
  describe('bytesToBase64', () => {
    it('agrees with Buffer', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) =>
          expect(bytesToBase64(bytes)).toBe(nodeBase64(bytes)),
        ),
      );
    });

    it('encodes only the bytes of a sub-view (byteOffset and byteLength respected)', () => {
      fc.assert(
        fc.property(subView, ({ view, bytes }) => expect(bytesToBase64(view)).toBe(nodeBase64(bytes))),
      );
    });

    it('gives the RFC 4648 test vectors', () => {
      const vectors = ['', 'Zg==', 'Zm8=', 'Zm9v', 'Zm9vYg==', 'Zm9vYmE=', 'Zm9vYmFy'];
      vectors.forEach((expected, n) =>
        expect(bytesToBase64(new TextEncoder().encode('foobar'.slice(0, n)))).toBe(expected),
      );
    });
  });

  describe('base64ToBytes', () => {
    it('round-trips, and agrees with Buffer on what Buffer encoded', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
          expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes);
          expect(base64ToBytes(nodeBase64(bytes))).toEqual(bytes);
        }),
      );
    });

    it('returns an array that owns a buffer of exactly its length (not a view into a pool)', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
          const got = base64ToBytes(nodeBase64(bytes));
          expect(got.byteOffset).toBe(0);
          expect(got.buffer.byteLength).toBe(bytes.length);
        }),
      );
    });

    it('ignores unused bits in the last character, like Buffer and atob', () => {
      expect(Array.from(base64ToBytes('Zh=='))).toEqual([0x66]);
      expect(Array.from(base64ToBytes('Zm9='))).toEqual([0x66, 0x6f]);
      expect(Array.from(browserBase64ToBytes('Zh=='))).toEqual([0x66]);
    });

    it.each([
      ['aG!k', 'base64 text has a bad character "!" at index 2'],
      ['ab=c', 'base64 text has a bad character "=" at index 2'],
      ['a===', 'base64 text has a bad character "=" at index 1'],
      ['====', 'base64 text has a bad character "=" at index 0'],
      ['Zm9v\nYmFy', 'base64 text has a bad character "\\n" at index 4'],
      ['Zm9v YmFy', 'base64 text has a bad character " " at index 4'],
      ['Zm9-', 'base64 text has a bad character "-" at index 3'],
      ['Zm9_', 'base64 text has a bad character "_" at index 3'],
      ['Zm9é', 'base64 text has a bad character "é" at index 3'],
      ['ab!', 'base64 text has a bad character "!" at index 2'],
      ['abc', 'base64 text has length 3: not a multiple of 4'],
      ['Zm9vY', 'base64 text has length 5: not a multiple of 4'],
      ['Zg=', 'base64 text has length 3: not a multiple of 4'],
      ['Zm9vYg', 'base64 text has length 6: not a multiple of 4'],
    ])('rejects %j: %s', (text, message) => {
      for (const decode of [base64ToBytes, browserBase64ToBytes, base64ToPcm16]) {
        const err = thrown(() => decode(text));
        expect(err.kind).toBe('base64');
        expect(err.message).toBe(message);
      }
    });

    it('names the first character outside the alphabet, wherever it is', () => {
      const bad = fc.constantFrom('!', '-', '_', ' ', '\n', '.', '*', '\u00e9', '\u0000');
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 60 }), bad, fc.nat(), (bytes, char, at) => {
          const good = nodeBase64(bytes);
          // Anywhere up to the padding (or the end): further on, the '=' before it would be first.
          const firstPad = good.includes('=') ? good.indexOf('=') : good.length;
          const index = at % (firstPad + 1);
          const text = good.slice(0, index) + char + good.slice(index + 1);
          expect(thrown(() => base64ToBytes(text)).message).toBe(
            `base64 text has a bad character ${JSON.stringify(char)} at index ${index}`,
          );
        }),
      );
    });
  });

  describe('pcm16ToBase64 / base64ToPcm16', () => {
    it('encodes little-endian bytes, as Buffer sees them', () => {
      fc.assert(
        fc.property(fc.int16Array({ maxLength: 200 }), (samples) => {
          expect(pcm16ToBase64(samples)).toBe(Buffer.from(leBytes(samples)).toString('base64'));
        }),
      );
    });

    it('encodes only the samples of a sub-view', () => {
      fc.assert(
        fc.property(fc.int16Array({ maxLength: 100 }), fc.nat(5), fc.nat(5), (samples, before, after) => {
          const all = new Int16Array(before + samples.length + after).fill(-1);
          all.set(samples, before);
          const view = all.subarray(before, before + samples.length);
          expect(view.byteOffset).toBe(2 * before);
          expect(pcm16ToBase64(view)).toBe(Buffer.from(leBytes(samples)).toString('base64'));
        }),
      );
    });

    it('decodes little-endian bytes and round-trips every sample', () => {
      fc.assert(
        fc.property(fc.int16Array({ maxLength: 200 }), (samples) => {
          const fromWire = base64ToPcm16(Buffer.from(leBytes(samples)).toString('base64'));
          expect(fromWire).toEqual(samples);
          expect(fromWire.byteOffset).toBe(0);
          expect(fromWire.buffer.byteLength).toBe(2 * samples.length);
          expect(base64ToPcm16(pcm16ToBase64(samples))).toEqual(samples);
        }),
      );
    });

    it('gives a known vector', () => {
      expect(pcm16ToBase64(Int16Array.of(1, -2))).toBe('AQD+/w==');
      expect(Array.from(base64ToPcm16('AQD+/w=='))).toEqual([1, -2]);
      expect(base64ToPcm16('')).toEqual(new Int16Array(0));
    });

    it.each([
      ['AQD+', 3],
      ['AQ==', 1],
      ['AQD+/wAAAQ==', 7],
    ])('rejects %j: an odd byte count (%d)', (text, bytes) => {
      const err = thrown(() => base64ToPcm16(text));
      expect(err.kind).toBe('base64');
      expect(err.message).toBe(`base64 audio holds ${bytes} bytes: not whole 16-bit samples`);
    });

    it('rejects every odd byte count', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 101 }).filter((b) => b.length % 2 === 1),
          (bytes) => {
            expect(thrown(() => base64ToPcm16(nodeBase64(bytes))).message).toBe(
              `base64 audio holds ${bytes.length} bytes: not whole 16-bit samples`,
            );
          },
        ),
      );
    });
  });

  describe('pcm16PrefixEncoder', () => {
    it('encodes the first `count` samples of its array, seeing later writes', () => {
      fc.assert(
        fc.property(
          fc.int16Array({ minLength: 1, maxLength: 64 }),
          fc.int16Array({ minLength: 1, maxLength: 64 }),
          fc.nat(),
          (a, b, k) => {
            const frame = new Int16Array(Math.max(a.length, b.length));
            const encode = pcm16PrefixEncoder(frame);
            frame.set(a);
            expect(encode(a.length)).toBe(Buffer.from(leBytes(a)).toString('base64'));
            frame.set(b);
            const count = k % (b.length + 1);
            expect(encode(count)).toBe(Buffer.from(leBytes(b.subarray(0, count))).toString('base64'));
          },
        ),
      );
    });
  });

  describe('bytesPrefixEncoder', () => {
    it('encodes the first `count` bytes of its array (a view too), seeing later writes, with or without Buffer', () => {
      fc.assert(
        fc.property(subView, fc.uint8Array({ maxLength: 64 }), fc.nat(), ({ view }, later, k) => {
          for (const encoder of [bytesPrefixEncoder(view), withoutBuffer(() => bytesPrefixEncoder(view))]) {
            expect(encoder(view.length)).toBe(nodeBase64(view));
            const written = later.subarray(0, view.length);
            view.set(written);
            const count = k % (view.length + 1);
            expect(encoder(count)).toBe(nodeBase64(view.subarray(0, count)));
            expect(lastEncodedBase64()).toBe(nodeBase64(view.subarray(0, count)));
          }
        }),
      );
    });
  });

  describe('the browser path (btoa / atob)', () => {
    it('agrees with Buffer for any bytes and sub-views', () => {
      fc.assert(
        fc.property(subView, ({ view, bytes }) => expect(browserBytesToBase64(view)).toBe(nodeBase64(bytes))),
      );
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) =>
          expect(browserBase64ToBytes(nodeBase64(bytes))).toEqual(bytes),
        ),
      );
    });

    it.each(BOUNDARY_SIZES)('agrees with Buffer at %d bytes (around its 8190-byte chunks)', (n) => {
      const bytes = new Uint8Array(n);
      for (let i = 0; i < n; i++) bytes[i] = (i * 7919 + (i >> 8)) & 0xff;
      const expected = nodeBase64(bytes);
      expect(browserBytesToBase64(bytes)).toBe(expected);
      expect(browserBytesToBase64(bytes.subarray(0))).toBe(expected);
      expect(browserBase64ToBytes(expected)).toEqual(bytes);
    });

    it('is what the public functions use when there is no Buffer', () => {
      fc.assert(
        fc.property(fc.int16Array({ maxLength: 100 }), subView, fc.nat(), (samples, { view, bytes }, k) => {
          const count = k % (samples.length + 1);
          const got = withoutBuffer(() => {
            expect(globalThis.Buffer).toBeUndefined();
            return {
              pcm: pcm16ToBase64(samples),
              back: base64ToPcm16(pcm16ToBase64(samples)),
              bytes: bytesToBase64(view),
              bytesBack: base64ToBytes(bytesToBase64(view)),
              prefix: pcm16PrefixEncoder(samples)(count),
            };
          });
          expect(globalThis.Buffer).toBeDefined();
          expect(got.pcm).toBe(Buffer.from(leBytes(samples)).toString('base64'));
          expect(got.back).toEqual(samples);
          expect(got.bytes).toBe(nodeBase64(bytes));
          expect(got.bytesBack).toEqual(bytes);
          expect(got.prefix).toBe(Buffer.from(leBytes(samples.subarray(0, count))).toString('base64'));
        }),
      );
    });

    it('uses btoa / atob only when there is no Buffer', () => {
      const btoa = jest.spyOn(globalThis, 'btoa');
      const atob = jest.spyOn(globalThis, 'atob');
      try {
        const samples = Int16Array.of(1, -2, 3);
        const text = pcm16ToBase64(samples);
        base64ToPcm16(text);
        expect(btoa).not.toHaveBeenCalled();
        expect(atob).not.toHaveBeenCalled();
        withoutBuffer(() => base64ToPcm16(pcm16ToBase64(samples)));
        expect(btoa).toHaveBeenCalledTimes(1);
        expect(atob).toHaveBeenCalledWith(text);
      } finally {
        btoa.mockRestore();
        atob.mockRestore();
      }
    });

    it('reports the same errors without Buffer', () => {
      const messages = withoutBuffer(() =>
        ['aG!k', 'abc', 'AQD+'].map((t) => thrown(() => base64ToPcm16(t)).message),
      );
      expect(messages).toEqual([
        'base64 text has a bad character "!" at index 2',
        'base64 text has length 3: not a multiple of 4',
        'base64 audio holds 3 bytes: not whole 16-bit samples',
      ]);
    });
  });

  describe('swap16 (the big-endian path)', () => {
    it('reverses the bytes of each sample, in place or into another array, and is an involution', () => {
      const b = Uint8Array.of(1, 2, 3, 4, 9);
      swap16(b, b, 2);
      expect(Array.from(b)).toEqual([2, 1, 4, 3, 9]);
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 64 }).filter((b) => b.length % 2 === 0),
          (bytes) => {
            const out = new Uint8Array(bytes.length);
            swap16(bytes, out, bytes.length / 2);
            for (let i = 0; i < bytes.length; i += 2)
              expect([out[i], out[i + 1]]).toEqual([bytes[i + 1], bytes[i]]);
            swap16(out, out, out.length / 2);
            expect(out).toEqual(bytes);
          },
        ),
      );
    });

    it('knows this platform is little-endian (as every supported one is)', () => {
      expect(base64Internals.LITTLE_ENDIAN).toBe(new Uint8Array(Uint16Array.of(0x0102).buffer)[0] === 0x02);
    });
  });

  it('remembers the last text it encoded, whichever encoder made it (the frame check trusts it)', () => {
    const a = pcm16ToBase64(Int16Array.of(1, -2));
    expect(lastEncodedBase64()).toBe(a);
    const b = bytesToBase64(Uint8Array.of(104, 105));
    expect(lastEncodedBase64()).toBe(b);
    const prefix = pcm16PrefixEncoder(Int16Array.of(3, 4, 5))(2);
    expect(prefix).toBe(pcm16ToBase64(Int16Array.of(3, 4)));
    pcm16PrefixEncoder(Int16Array.of(3, 4, 5))(1);
    expect(lastEncodedBase64()).toBe(pcm16ToBase64(Int16Array.of(3)));
    base64ToPcm16(a); // decoding is not encoding
    expect(lastEncodedBase64()).toBe(pcm16ToBase64(Int16Array.of(3)));
  });
});
