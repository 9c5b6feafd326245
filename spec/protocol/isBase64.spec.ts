import fc from 'fast-check';
import { isBase64 } from '../../src/protocol/base64';
import { withoutBuffer } from '../helpers';

/** The definition: whole quads of the standard alphabet, then at most one quad ending in `=` or `==`. */
const PADDED_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Characters a decoder may take that the definition does not: URL-safe, blanks, controls, non-ASCII. */
const NASTY = [
  '=',
  '-',
  '_',
  ' ',
  '\n',
  '\t',
  '\0',
  '.',
  '!',
  '"',
  '\\',
  'é',
  'Á',
  '\u00ff',
  '\u0141',
  '\u4141',
  '\u2028',
  '😀',
  '\ud800',
];

const base64Of = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** Valid base64 with one character replaced: the near misses a fast check could let through. */
const nearMiss = fc
  .tuple(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), fc.constantFrom(...NASTY, ...ALPHABET))
  .map(([bytes, at, c]) => {
    const text = base64Of(bytes);
    const i = at % text.length;
    return text.slice(0, i) + c + text.slice(i + 1);
  });

/** Any string of base64-ish and nasty characters, of a length that is often a multiple of 4. */
const anything = fc
  .array(fc.constantFrom(...NASTY, ...ALPHABET, '=', '='), { maxLength: 24 })
  .map((chars) => chars.join(''));

describe('isBase64', () => {
  it.each([
    ['', true],
    ['AAAA', true],
    ['AAA=', true],
    ['AA==', true],
    ['A===', false],
    ['====', false],
    ['AAA', false],
    ['AA=A', false],
    ['AAA=AAAA', false],
    ['AAAA====', false],
    ['AA-A', false], // URL-safe alphabet: Node's decoder takes it
    ['AA_A', false],
    ['AA A', false],
    ['AAA\n', false],
    ['AAA\u4141', false], // Node's decoder reads it as 'A' (its low byte)
    ['AAA\u00c1', false],
  ])('%j → %s, with and without Node’s Buffer', (text, expected) => {
    expect(isBase64(text)).toBe(expected);
    expect(withoutBuffer(() => isBase64(text))).toBe(expected);
  });

  it('agrees with the definition on near misses of valid base64 and on anything else', () => {
    fc.assert(
      fc.property(fc.oneof(nearMiss, anything), (text) => {
        const expected = PADDED_BASE64.test(text);
        expect(isBase64(text)).toBe(expected);
        expect(withoutBuffer(() => isBase64(text))).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts what Buffer encodes, of any length, and checks texts longer than its scratch memory too', () => {
    for (const size of [0, 1, 2, 3, 960, 4800, 100_000]) {
      const text = base64Of(Uint8Array.from({ length: size }, (_, i) => (i * 37 + 11) & 0xff));
      expect(isBase64(text)).toBe(true);
      if (size === 0) continue;
      expect(isBase64(`${text.slice(0, -4)}AA-A`)).toBe(false);
      expect(isBase64(`${text.slice(0, -4)}A\u4141AA`)).toBe(false);
    }
  });
});
