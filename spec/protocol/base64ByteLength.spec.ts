import fc from 'fast-check';
import { base64ByteLength } from '../../src/protocol/base64';

describe('base64ByteLength', () => {
  it.each([
    ['', 0],
    ['AAAA', 3],
    ['AAA=', 2],
    ['AA==', 1],
    ['AAA', 2], // unpadded
    ['AA', 1],
    ['AAAAAAA=', 5],
  ])('%j holds %d bytes', (text, bytes) => {
    expect(base64ByteLength(text)).toBe(bytes);
  });

  it('counts the bytes Buffer encoded, padded or with the padding cut off', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const padded = Buffer.from(bytes).toString('base64');
        expect(base64ByteLength(padded)).toBe(bytes.length);
        expect(base64ByteLength(padded.replace(/=+$/, ''))).toBe(bytes.length);
      }),
    );
  });
});
