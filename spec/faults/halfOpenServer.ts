/*
 * A raw WebSocket server on 127.0.0.1 that answers the handshake itself and keeps its side of the TCP
 * connection open (half-open allowed: the client's FIN does not end it), for the endings that never
 * complete; and the frame helpers it needs.
 */
import { createHash } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { onCleanup } from './harness';

/** A server-to-client frame (unmasked) of one fragment. */
function frame(opcode: number, payload: Buffer): Buffer {
  if (payload.length > 125) throw new Error('a control frame holds at most 125 bytes');
  return Buffer.concat([Buffer.from([0x80 | opcode, payload.length]), payload]);
}

export function closeFrame(code: number, reason: string): Buffer {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code, 0);
  payload.write(reason, 2);
  return frame(0x8, payload);
}

/** The opcodes of the client's frames in `bytes` (masked, as a client's are). */
export function clientOpcodes(bytes: Buffer): number[] {
  const opcodes: number[] = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = bytes[at] & 0x0f;
    let length = bytes[at + 1] & 0x7f;
    let header = 2;
    if (length === 126) {
      if (at + 4 > bytes.length) break;
      length = bytes.readUInt16BE(at + 2);
      header = 4;
    } else if (length === 127) {
      if (at + 10 > bytes.length) break;
      length = Number(bytes.readBigUInt64BE(at + 2));
      header = 10;
    }
    const end = at + header + 4 + length;
    if (end > bytes.length) break;
    opcodes.push(opcode);
    at = end;
  }
  return opcodes;
}

export interface HalfOpenServer {
  readonly url: string;
  /** What each connection's client sent after its handshake. */
  readonly frames: Buffer[];
  /** The accepted connections. */
  readonly sockets: Socket[];
}

/**
 * A WebSocket server that completes the handshake, then does `afterHandshake` and otherwise nothing:
 * it never answers a close frame unless told to, and never ends its side of the TCP connection.
 */
export async function startHalfOpenServer(
  afterHandshake: (socket: Socket, frames: () => Buffer) => void,
): Promise<HalfOpenServer> {
  const sockets: Socket[] = [];
  const frames: Buffer[] = [];
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    const index = sockets.length;
    sockets.push(socket);
    frames.push(Buffer.alloc(0));
    socket.on('error', () => undefined);
    let request = '';
    let upgraded = false;
    socket.on('data', (chunk: Buffer) => {
      if (upgraded) {
        frames[index] = Buffer.concat([frames[index], chunk]);
        return;
      }
      request += chunk.toString('latin1');
      const end = request.indexOf('\r\n\r\n');
      if (end < 0) return;
      const key = /^sec-websocket-key:\s*(\S+)/im.exec(request.slice(0, end))?.[1] ?? '';
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      upgraded = true;
      frames[index] = Buffer.from(request.slice(end + 4), 'latin1');
      afterHandshake(socket, () => frames[index]);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, frames, sockets };
}
