/*
 * Bounded endings: a server that starts the closing handshake, or is asked to, and then never ends
 * the TCP connection. `closed` must come within `closeTimeoutMs` of the first close frame, whoever
 * sent it, with the server's code and reason when it sent a close frame.
 *
 * The servers here are raw TCP on 127.0.0.1 that answer the WebSocket handshake themselves and keep
 * their side of the connection open (half-open allowed: the client's FIN does not end it).
 */
import { createHash } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { installFaultGuards, onCleanup, open, until, type Recorded } from './harness';

installFaultGuards();

const CLOSE_TIMEOUT_MS = 300;
/** What a loaded machine may add to a timer: still two orders of magnitude below `ws`'s own 30 s. */
const SLACK_MS = 700;

/** A server-to-client frame (unmasked) of one fragment. */
function frame(opcode: number, payload: Buffer): Buffer {
  if (payload.length > 125) throw new Error('a control frame holds at most 125 bytes');
  return Buffer.concat([Buffer.from([0x80 | opcode, payload.length]), payload]);
}

function closeFrame(code: number, reason: string): Buffer {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code, 0);
  payload.write(reason, 2);
  return frame(0x8, payload);
}

/** The opcodes of the client's frames in `bytes` (masked, as a client's are). */
function clientOpcodes(bytes: Buffer): number[] {
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

interface HalfOpenServer {
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
async function startHalfOpenServer(
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

/** The conversation's `closed`, and how long after `from` (ms) it came. */
async function closedAfter(c: Recorded, from: () => number) {
  const closed = await c.finished(CLOSE_TIMEOUT_MS + SLACK_MS + 2000);
  return { closed, ms: closedAt(c) - from() };
}

const endTimes = new WeakMap<Recorded, number>();
function closedAt(c: Recorded): number {
  return endTimes.get(c)!;
}
function watchEnd(c: Recorded): void {
  c.conversation.events$.subscribe({ complete: () => endTimes.set(c, Date.now()) });
}

describe('bounded endings: the closing handshake never completes', () => {
  it("the server sends its close frame and keeps the TCP connection open: closed within closeTimeoutMs, with the server's code and reason", async () => {
    let sentAt = 0;
    const server = await startHalfOpenServer((socket) => {
      // Once the client has said something (the session message), so the socket is surely open.
      socket.once('data', () => {
        socket.write(closeFrame(4001, 'going away for good'));
        sentAt = Date.now();
      });
    });
    const c = open(server.url, { closeTimeoutMs: CLOSE_TIMEOUT_MS });
    watchEnd(c);
    const { closed, ms } = await closedAfter(c, () => sentAt);
    expect(sentAt).toBeGreaterThan(0);
    expect(closed).toEqual({
      type: 'closed',
      reason: 'transport_closed',
      code: 4001,
      detail: 'going away for good',
    });
    expect(ms).toBeLessThanOrEqual(CLOSE_TIMEOUT_MS + SLACK_MS);
    // The client answered the close frame (opcode 8) before it gave up on the connection.
    expect(clientOpcodes(server.frames[0])).toContain(0x8);
  });

  it('the server receives our close frame and never answers: closed within closeTimeoutMs of close()', async () => {
    const server = await startHalfOpenServer(() => undefined);
    const c = open(server.url, { closeTimeoutMs: CLOSE_TIMEOUT_MS });
    watchEnd(c);
    await until(() => c.states.includes('open'), 3000, 'the socket to open');
    await until(() => server.frames[0]?.length > 0, 3000, 'the session message at the server');
    const closedCalledAt = Date.now();
    c.conversation.close();
    const { closed, ms } = await closedAfter(c, () => closedCalledAt);
    // Our close frame went out; nothing came back, so there is no server code to keep.
    await until(() => clientOpcodes(server.frames[0]).includes(0x8), 1000, 'our close frame at the server');
    expect(closed).toEqual({ type: 'closed', reason: 'requested', code: 1006 });
    expect(ms).toBeLessThanOrEqual(CLOSE_TIMEOUT_MS + SLACK_MS);
  });

  it("the server answers our close frame with its own and keeps the TCP connection open: closed within closeTimeoutMs, with the server's code", async () => {
    const server = await startHalfOpenServer((socket, frames) => {
      socket.on('data', () => {
        if (!clientOpcodes(frames()).includes(0x8)) return;
        socket.removeAllListeners('data');
        socket.write(closeFrame(4002, 'as you wish'));
      });
    });
    const c = open(server.url, { closeTimeoutMs: CLOSE_TIMEOUT_MS });
    watchEnd(c);
    await until(() => c.states.includes('open'), 3000, 'the socket to open');
    const closedCalledAt = Date.now();
    c.conversation.close();
    const { closed, ms } = await closedAfter(c, () => closedCalledAt);
    expect(closed).toEqual({ type: 'closed', reason: 'requested', code: 4002 });
    expect(ms).toBeLessThanOrEqual(CLOSE_TIMEOUT_MS + SLACK_MS);
  });
});
