/*
 * The bench server's WebSocket endpoint: the handshake and RFC 6455 framing, just what the bench's
 * clients use (unfragmented text frames, ping, close), on a plain `node:http` server.
 *
 * Why not `ws` on this side too: the server must stay far cheaper than any client it measures, and
 * in the concurrency ramp it reads tens of thousands of audio frames a second. `ws` unmasks every
 * frame's whole payload (in JavaScript, without its optional native addon) and copies it into a
 * Buffer of its own; this reader unmasks only the bytes it looks at: an audio frame is recognised by
 * its first bytes and counted, never copied.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;

export interface PeerHandlers {
  /** a text frame that starts with the prefix given to `listen` (its payload is not unmasked) */
  onPrefixed(length: number): void;
  /** any other text frame, unmasked */
  onText(text: string): void;
}

/** One client connection. */
export class Peer {
  /** what the server does with the frames read (set by `listen`'s caller, before any is read) */
  handlers!: PeerHandlers;
  /** bytes of frames read but not complete yet */
  private pending: Buffer | undefined;
  private closing = false;

  constructor(
    readonly socket: Socket,
    private readonly prefix: Buffer,
  ) {}

  /** Bytes written but not yet handed to the kernel (as `ws`'s `bufferedAmount`). */
  get bufferedAmount(): number {
    return this.socket.writableLength;
  }

  get open(): boolean {
    return !this.closing && !this.socket.destroyed;
  }

  sendText(text: string): void {
    if (!this.open) return;
    const length = Buffer.byteLength(text);
    const head = headerOf(OP_TEXT, length);
    const frame = Buffer.allocUnsafe(head.length + length);
    head.copy(frame, 0);
    frame.write(text, head.length);
    this.socket.write(frame);
  }

  /** Reads `chunk`: every complete frame in it (and in what was left over) is handled now. */
  read(chunk: Buffer): void {
    const data = this.pending === undefined ? chunk : Buffer.concat([this.pending, chunk]);
    let at = 0;
    while (data.length - at >= 2) {
      const b0 = data[at];
      const b1 = data[at + 1];
      let length = b1 & 0x7f;
      let head = 2;
      if (length === 126) {
        if (data.length - at < 4) break;
        length = data.readUInt16BE(at + 2);
        head = 4;
      } else if (length === 127) {
        if (data.length - at < 10) break;
        length = Number(data.readBigUInt64BE(at + 2));
        head = 10;
      }
      const mask = (b1 & 0x80) !== 0 ? at + head : -1;
      const start = at + head + (mask >= 0 ? 4 : 0);
      if (data.length < start + length) break;
      this.frame(b0, data, mask, start, length);
      at = start + length;
      if (!this.open) return;
    }
    this.pending = at === data.length ? undefined : data.subarray(at);
  }

  private frame(b0: number, data: Buffer, mask: number, start: number, length: number): void {
    const opcode = b0 & 0x0f;
    if ((b0 & 0x80) === 0 || opcode === OP_CONTINUATION || opcode === OP_BINARY) {
      // No bench client fragments its messages or sends binary ones: say so rather than miscount.
      console.error(`bench server: unexpected frame (opcode ${opcode}, fin ${b0 >> 7}): closing`);
      this.socket.destroy();
      return;
    }
    if (opcode === OP_TEXT && this.startsWithPrefix(data, mask, start, length)) {
      this.handlers.onPrefixed(length);
      return;
    }
    const payload = unmasked(data, mask, start, length);
    if (opcode === OP_TEXT) this.handlers.onText(payload.toString());
    else if (opcode === OP_PING) this.control(0xa, payload);
    else if (opcode === OP_CLOSE) {
      // Echo the status code, as the closing handshake asks, then end the connection.
      this.control(OP_CLOSE, payload.subarray(0, 2));
      this.closing = true;
      this.socket.end();
    }
    // pong: nothing to do
  }

  private startsWithPrefix(data: Buffer, mask: number, start: number, length: number): boolean {
    const prefix = this.prefix;
    if (length <= prefix.length) return false;
    if (mask < 0) return data.compare(prefix, 0, prefix.length, start, start + prefix.length) === 0;
    for (let i = 0; i < prefix.length; i++)
      if ((data[start + i] ^ data[mask + (i & 3)]) !== prefix[i]) return false;
    return true;
  }

  private control(opcode: number, payload: Buffer): void {
    if (!this.open) return;
    this.socket.write(Buffer.concat([headerOf(opcode, payload.length), payload]));
  }
}

function headerOf(opcode: number, length: number): Buffer {
  if (length < 126) return Buffer.from([0x80 | opcode, length]);
  if (length < 0x10000) {
    const head = Buffer.from([0x80 | opcode, 126, 0, 0]);
    head.writeUInt16BE(length, 2);
    return head;
  }
  const head = Buffer.alloc(10);
  head[0] = 0x80 | opcode;
  head[1] = 127;
  head.writeBigUInt64BE(BigInt(length), 2);
  return head;
}

function unmasked(data: Buffer, mask: number, start: number, length: number): Buffer {
  const payload = Buffer.from(data.subarray(start, start + length));
  if (mask >= 0) for (let i = 0; i < length; i++) payload[i] ^= data[mask + (i & 3)];
  return payload;
}

/**
 * An HTTP server on 127.0.0.1 that accepts every WebSocket upgrade (choosing the first subprotocol
 * offered, as `ws` does) and asks `accept` what to do with each connection's frames; plain requests
 * get 426. Text frames that start with `prefix` are only counted (see PeerHandlers).
 */
export function listen(prefix: string, accept: (peer: Peer) => PeerHandlers): Server {
  const prefixBytes = Buffer.from(prefix);
  const server = createServer((_, response) => response.writeHead(426).end());
  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    const key = request.headers['sec-websocket-key'];
    if (typeof key !== 'string') return void socket.destroy();
    const answer = createHash('sha1')
      .update(key + GUID)
      .digest('base64');
    const protocol = request.headers['sec-websocket-protocol']?.split(',')[0]?.trim();
    socket.setNoDelay(true);
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${answer}\r\n` +
        (protocol === undefined || protocol === '' ? '' : `Sec-WebSocket-Protocol: ${protocol}\r\n`) +
        '\r\n',
    );
    const peer = new Peer(socket, prefixBytes);
    peer.handlers = accept(peer);
    socket.on('data', (chunk: Buffer) => peer.read(chunk));
    if (head.length > 0) peer.read(head);
  });
  server.listen(0, '127.0.0.1');
  return server;
}
