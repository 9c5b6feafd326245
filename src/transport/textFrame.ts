import { randomFillSync } from 'node:crypto';

/** Masking keys are drawn from a pool of random bytes refilled 8 KiB at a time (as `ws` does). */
const POOL_BYTES = 8192;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let poolAt = POOL_BYTES;

/** Payloads this framing takes: the 16-bit length form, every audio frame from 2 ms to 490 ms of 24 kHz PCM. */
const MIN_PAYLOAD = 126;
const MAX_PAYLOAD = 0xffff;
/** FIN + text opcode; mask bit + "16-bit length follows"; then the length and the 4-byte key. */
const HEADER_BYTES = 8;

/**
 * One masked WebSocket text frame (RFC 6455 §5.2) holding `head + data + tail`, as a client sends it,
 * in one buffer: what `ws` would write for `send(head + data + tail)`, made with less work per frame.
 * `ws` encodes the string, masks it a byte at a time and writes the header and the payload as two
 * chunks; this masks a 32-bit word at a time and makes one chunk. The parts are copied one by one: an audio frame's JSON is never built
 * as a string (V8 would join the parts into a new one before copying it).
 *
 * Only for payloads of 126 to 65 535 bytes, where the 8-byte header keeps the key and the payload
 * aligned to 4 bytes; returns `undefined` for the others, which `ws` frames as usual.
 * @internal
 */
export function maskedTextFrame(data: string, head = '', tail = ''): Buffer | undefined {
  const headEncoded = encodedPart(head, 0);
  const tailEncoded = encodedPart(tail, 1);
  const headBytes = headEncoded.length;
  const dataBytes = Buffer.byteLength(data);
  const tailBytes = tailEncoded.length;
  const length = headBytes + dataBytes + tailBytes;
  if (length < MIN_PAYLOAD || length > MAX_PAYLOAD) return undefined;
  const frame = Buffer.allocUnsafe(HEADER_BYTES + length);
  if ((frame.byteOffset & 3) !== 0) return undefined; // pool slices are 8-aligned; never rely on it blindly
  frame[0] = 0x81;
  frame[1] = 0x80 | 126;
  frame[2] = length >>> 8;
  frame[3] = length & 0xff;
  if (poolAt === POOL_BYTES) {
    randomFillSync(pool);
    poolAt = 0;
  }
  frame[4] = pool[poolAt];
  frame[5] = pool[poolAt + 1];
  frame[6] = pool[poolAt + 2];
  frame[7] = pool[poolAt + 3];
  poolAt += 4;
  frame.set(headEncoded, HEADER_BYTES);
  copyText(frame, data, HEADER_BYTES + headBytes, dataBytes);
  frame.set(tailEncoded, HEADER_BYTES + headBytes + dataBytes);
  // The key and the payload as words: the key's bytes and each 4 payload bytes line up, whatever the
  // platform's byte order, since both are read the same way.
  const words = wordsOf(frame.buffer);
  const keyAt = (frame.byteOffset + 4) >>> 2; // the key's word
  const whole = length >>> 2;
  const key = words[keyAt];
  for (let i = keyAt + 1; i <= keyAt + whole; i++) words[i] ^= key;
  for (let i = whole << 2; i < length; i++) frame[HEADER_BYTES + i] ^= frame[4 + (i & 3)];
  return frame;
}

/**
 * The UTF-8 bytes of a head (slot 0) or tail (slot 1): the same few strings every frame (an audio
 * envelope), so the last one of each is kept and copied with `set`, a plain memory copy, instead of
 * being measured and encoded again by two calls into Node per frame.
 */
const encodedTexts = ['', ''];
const encodedBytes = [new Uint8Array(0), new Uint8Array(0)];

function encodedPart(text: string, slot: 0 | 1): Uint8Array {
  if (text !== encodedTexts[slot]) {
    encodedTexts[slot] = text;
    encodedBytes[slot] = Buffer.from(text);
  }
  return encodedBytes[slot];
}

/** Writes the `bytes` bytes of `text` at `at`. */
function copyText(frame: Buffer, text: string, at: number, bytes: number): void {
  // As many bytes as characters: all ASCII, which latin1 copies as is (UTF-8 would look at each).
  frame.write(text, at, bytes, bytes === text.length ? 'latin1' : 'utf8');
}

/** The words of the ArrayBuffer frames were last cut from: frames share Node's 8 KiB pool, so one view serves several. */
let wordsBuffer: ArrayBufferLike | undefined;
let words: Int32Array = new Int32Array(0);

function wordsOf(buffer: ArrayBufferLike): Int32Array {
  if (buffer !== wordsBuffer) {
    wordsBuffer = buffer;
    words = new Int32Array(buffer, 0, buffer.byteLength >>> 2);
  }
  return words;
}
