/*
 * The bench server's side of one WebSocket connection, framed by hand rather than by `ws`, so that
 * reading an audio frame costs the server almost nothing: its head is read, the first bytes of its
 * payload compared with the audio prefix through the mask, and the rest of it passed over, never
 * copied, unmasked or decoded. `ws` unmasks and slices every payload it reads (in JavaScript, without
 * its optional native addon); with a thousand conversations that was about 40 % of the server's CPU,
 * on the two cores it shares with the client it measures. Every other message (session.update, texts,
 * control frames) is collected, unmasked and handed over whole, as `ws` would.
 *
 * Only what the bench's clients use is supported: one connection's messages in order, fragmented or
 * not, masked as RFC 6455 requires of clients; no extensions (none is ever agreed to).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

export interface BenchSocketHandlers {
  /** A text message that starts with the audio prefix: only its payload's length is known. */
  audio(payloadBytes: number): void;
  /** Any other data message, whole and unmasked. */
  message(data: Buffer, isBinary: boolean): void;
  /** A ping (answered here with its pong). */
  ping(): void;
  close(): void;
}

/** A message being collected: its opcode and the payloads of its frames so far. */
interface Message {
  opcode: number;
  parts: Buffer[];
}

/** A frame whose payload is still arriving. */
interface Frame {
  opcode: number;
  fin: boolean;
  mask: number;
  payload: Buffer;
  filled: number;
}

/** An unmasked WebSocket frame from the server, ready to write (to any number of sockets). */
export function serverFrame(text: string | Buffer, opcode = OP_TEXT): Buffer {
  const length = typeof text === 'string' ? Buffer.byteLength(text) : text.length;
  const head = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + length);
  frame[0] = 0x80 | opcode;
  if (length < 126) frame[1] = length;
  else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  if (typeof text === 'string') frame.write(text, head, 'utf8');
  else text.copy(frame, head);
  return frame;
}

/** Answers a WebSocket upgrade request on `socket` (101, the first subprotocol offered); false if it is not one. */
export function acceptUpgrade(request: IncomingMessage, socket: Socket): boolean {
  const key = request.headers['sec-websocket-key'];
  if (typeof key !== 'string' || request.headers.upgrade?.toLowerCase() !== 'websocket') {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    return false;
  }
  const accept = createHash('sha1')
    .update(key + WEBSOCKET_GUID)
    .digest('base64');
  const protocol = request.headers['sec-websocket-protocol']?.split(',')[0]?.trim();
  socket.setNoDelay(true);
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${accept}\r\n` +
      (protocol ? `Sec-WebSocket-Protocol: ${protocol}\r\n` : '') +
      '\r\n',
  );
  return true;
}

export class BenchSocket {
  /** the bytes of a frame's head (and of an audio prefix) not complete at the end of a read */
  private carry: Buffer | undefined;
  /** payload bytes of an audio frame still to pass over */
  private skip = 0;
  private frame: Frame | undefined;
  private message: Message | undefined;
  private closing = false;

  constructor(
    readonly socket: Socket,
    private readonly prefix: Buffer,
    private readonly on: BenchSocketHandlers,
  ) {
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', () => undefined); // a client reset: 'close' follows
    socket.on('close', () => on.close());
  }

  get open(): boolean {
    return !this.closing && !this.socket.destroyed;
  }

  /** Bytes handed to the socket and not yet written, as `ws`'s `bufferedAmount` counts them. */
  get bufferedAmount(): number {
    return this.socket.writableLength;
  }

  send(text: string): void {
    this.sendFrame(serverFrame(text));
  }

  /** Writes a frame made by `serverFrame` (one frame may go to many sockets). */
  sendFrame(frame: Buffer): void {
    if (this.open) this.socket.write(frame);
  }

  terminate(): void {
    this.closing = true;
    this.socket.destroy();
  }

  read(chunk: Buffer): void {
    let at = 0;
    if (this.skip > 0) {
      at = Math.min(this.skip, chunk.length);
      this.skip -= at;
      if (this.skip > 0) return;
    } else if (this.frame !== undefined) {
      at = this.fill(this.frame, chunk, 0);
      if (this.frame !== undefined) return;
    }
    let bytes = chunk;
    if (this.carry !== undefined) {
      bytes = Buffer.concat([this.carry, chunk.subarray(at)]);
      this.carry = undefined;
      at = 0;
    }
    while (at < bytes.length && !this.closing) {
      const next = this.head(bytes, at);
      if (next < 0) {
        this.carry = bytes.subarray(at);
        return;
      }
      at = next;
      if (this.skip > 0 || this.frame !== undefined) return; // the rest comes with the next read
    }
  }

  /**
   * Reads the frame starting at `at`: an audio frame is counted and passed over, any other is collected.
   * Returns where the next frame starts (or the end of `bytes` if this one goes on), -1 if its head is
   * not all there yet.
   */
  private head(bytes: Buffer, at: number): number {
    const available = bytes.length - at;
    if (available < 2) return -1;
    const b0 = bytes[at];
    const b1 = bytes[at + 1];
    const masked = (b1 & 0x80) !== 0;
    const short = b1 & 0x7f;
    const lengthBytes = short === 126 ? 2 : short === 127 ? 8 : 0;
    const headBytes = 2 + lengthBytes + (masked ? 4 : 0);
    if (available < headBytes) return -1;
    const length =
      short === 126
        ? bytes.readUInt16BE(at + 2)
        : short === 127
          ? bytes.readUInt32BE(at + 2) * 2 ** 32 + bytes.readUInt32BE(at + 6)
          : short;
    const mask = masked ? bytes.readUInt32BE(at + 2 + lengthBytes) : 0;
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    const start = at + headBytes;
    const prefix = this.prefix;
    if (opcode === OP_TEXT && fin && length > prefix.length) {
      if (bytes.length - start < prefix.length) return -1;
      if (startsWithMasked(bytes, start, mask, prefix)) {
        this.on.audio(length);
        const end = start + length;
        if (end <= bytes.length) return end;
        this.skip = end - bytes.length;
        return bytes.length;
      }
    }
    const frame: Frame = { opcode, fin, mask, payload: Buffer.allocUnsafe(length), filled: 0 };
    this.frame = frame;
    return this.fill(frame, bytes, start);
  }

  /** Copies what `bytes` holds of the frame's payload from `at`; on its last byte, handles it. Returns where it stopped. */
  private fill(frame: Frame, bytes: Buffer, at: number): number {
    const n = Math.min(frame.payload.length - frame.filled, bytes.length - at);
    bytes.copy(frame.payload, frame.filled, at, at + n);
    frame.filled += n;
    if (frame.filled === frame.payload.length) {
      this.frame = undefined;
      unmask(frame.payload, frame.mask);
      this.handle(frame);
    }
    return at + n;
  }

  private handle(frame: Frame): void {
    switch (frame.opcode) {
      case OP_PING:
        this.on.ping();
        return this.sendFrame(serverFrame(frame.payload, OP_PONG));
      case OP_PONG:
        return;
      case OP_CLOSE:
        // Echo the code, as `ws` does, then end our side: the client closes the connection.
        if (this.open) this.socket.end(serverFrame(frame.payload.subarray(0, 2), OP_CLOSE));
        this.closing = true;
        return;
      case OP_TEXT:
      case OP_BINARY:
        this.message = { opcode: frame.opcode, parts: [frame.payload] };
        break;
      case OP_CONTINUATION:
        this.message?.parts.push(frame.payload);
        break;
      default:
        return this.terminate(); // not a frame any client of the bench sends
    }
    const message = this.message;
    if (!frame.fin || message === undefined) return;
    this.message = undefined;
    const data = message.parts.length === 1 ? message.parts[0] : Buffer.concat(message.parts);
    this.on.message(data, message.opcode === OP_BINARY);
  }
}

/** Whether the payload at `at`, unmasked with `mask` (big-endian, as on the wire), starts with `prefix`. */
function startsWithMasked(bytes: Buffer, at: number, mask: number, prefix: Buffer): boolean {
  for (let i = 0; i < prefix.length; i++)
    if ((bytes[at + i] ^ ((mask >>> (24 - 8 * (i & 3))) & 0xff)) !== prefix[i]) return false;
  return true;
}

function unmask(payload: Buffer, mask: number): void {
  if (mask === 0) return;
  for (let i = 0; i < payload.length; i++) payload[i] ^= (mask >>> (24 - 8 * (i & 3))) & 0xff;
}
