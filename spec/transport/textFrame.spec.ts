import { maskedTextFrame } from '../../src/transport/textFrame';

/** Reads a client text frame as a server does: header, key, unmasked payload (RFC 6455 §5.2). */
function readFrame(frame: Buffer) {
  const fin = (frame[0] & 0x80) !== 0;
  const opcode = frame[0] & 0x0f;
  const masked = (frame[1] & 0x80) !== 0;
  expect(frame[1] & 0x7f).toBe(126); // the 16-bit length form
  const length = frame.readUInt16BE(2);
  const key = frame.subarray(4, 8);
  const payload = Buffer.alloc(length);
  for (let i = 0; i < length; i++) payload[i] = frame[8 + i] ^ key[i & 3];
  return {
    fin,
    opcode,
    masked,
    length,
    total: frame.length,
    key: key.toString('hex'),
    text: payload.toString('utf8'),
  };
}

describe('maskedTextFrame', () => {
  it('makes one masked text frame that unmasks to the text, for every payload length mod 4', () => {
    for (const length of [126, 127, 128, 129, 1330, 1331, 1332, 1333, 65_535]) {
      const text = 'a'.repeat(length - 2) + '"}';
      const frame = readFrame(maskedTextFrame(text)!);
      expect(frame).toMatchObject({ fin: true, opcode: 1, masked: true, length, total: length + 8 });
      expect(frame.text).toBe(text);
    }
  });

  it('counts UTF-8 bytes, not characters: non-ASCII text unmasks intact', () => {
    const text = JSON.stringify({ type: 'conversation.item.create', text: 'grüße 👋 '.repeat(20) });
    const frame = readFrame(maskedTextFrame(text)!);
    expect(frame.length).toBe(Buffer.byteLength(text));
    expect(frame.text).toBe(text);
  });

  it('frames made one after another (sharing a pool) each stay intact', () => {
    const texts = Array.from(
      { length: 40 },
      (_, i) => `{"n":${i},"audio":"${String.fromCharCode(65 + (i % 26)).repeat(1300 + i)}"}`,
    );
    const frames = texts.map((text) => maskedTextFrame(text)!);
    expect(frames.map((frame) => readFrame(frame).text)).toEqual(texts);
  });

  it('frames head + data + tail without joining them: the same text, ASCII or not, parts of any length', () => {
    const cases: [string, string, string][] = [
      ['{"type":"input_audio_buffer.append","audio":"', 'QUJD'.repeat(320), '"}'],
      ['', 'x'.repeat(200), ''],
      ['{"t":"', 'grüße 👋 '.repeat(20), '"}'],
      ['é', 'a'.repeat(130), 'ü!'],
      ['abc', 'de', 'f'.repeat(125)], // the tail alone carries the frame past 125 bytes
      ['{"type":"input_audio_buffer.append","audio":"', 'QUJD'.repeat(320), '"}'], // a head and tail seen before
      ['{"type":"input_audio_buffer.append","audio":"', 'QUJD'.repeat(321), '"}'], // the same again
    ];
    for (const [head, data, tail] of cases) {
      const frame = readFrame(maskedTextFrame(data, head, tail)!);
      expect(frame.text).toBe(head + data + tail);
      expect(frame.length).toBe(Buffer.byteLength(head + data + tail));
    }
    expect(maskedTextFrame('x'.repeat(100), '{"', '"}')).toBeUndefined(); // 104 bytes: ws's to frame
  });

  it('draws a new key for every frame', () => {
    const keys = new Set<string>();
    for (let i = 0; i < 3000; i++) keys.add(readFrame(maskedTextFrame('x'.repeat(200))!).key); // past one refill of the pool
    expect(keys.size).toBeGreaterThan(2990); // 3000 draws of 32 random bits: a few repeats at most
  });

  it('leaves other sizes to ws: under 126 bytes and over 65 535', () => {
    expect(maskedTextFrame('x'.repeat(125))).toBeUndefined();
    expect(maskedTextFrame('x'.repeat(65_536))).toBeUndefined();
    expect(maskedTextFrame('é'.repeat(62))).toBeUndefined(); // 124 bytes
  });
});
