/*
 * A TCP fault proxy for the fault suite: it stands between a client and a WebSocket server on
 * 127.0.0.1, reads the WebSocket frames going both ways (no permessage-deflate: neither our client nor
 * the servers here offer it), and, when a client frame matching its trigger starts, does the fault it
 * was armed with to that connection: a stall, a cut in the middle of the frame, a reset, or a
 * half-open link (nothing passes any more, and nothing is closed). It can also delay every chunk both
 * ways (latency).
 *
 * Every frame is recorded, parsed: the client's as forwarded whole to the server, the server's as the
 * server sent them, forwarded or not; so a spec can count what the server really took, on every
 * connection, whatever reached the client. Torn down after each test (see onCleanup).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { onCleanup } from './harness';

export type Fault = 'stall' | 'cut' | 'rst' | 'halfOpen';

/** One client connection through the proxy, and its connection to the server. */
export interface ProxyLink {
  readonly index: number;
  /** Client text frames forwarded whole to the server, JSON-parsed. */
  readonly toServer: unknown[];
  /** Server text frames, JSON-parsed, as the server sent them (forwarded or not). */
  readonly fromServer: unknown[];
  /** The fault done to this link, if any. */
  fault: Fault | undefined;
  /** When the fault struck (Date.now()): the frame that triggered it was held back from then on. */
  faultAt: number | undefined;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: connect the conversation here. */
  readonly url: string;
  readonly links: ProxyLink[];
  /**
   * Does `fault` once, to the link on which a client text frame for which `trigger` is true starts
   * next. A stall holds everything both ways for `stallMs`, then lets it all through in order.
   */
  arm(fault: Fault, trigger: (message: unknown) => boolean, stallMs?: number): void;
}

export interface FaultProxyOptions {
  /** Delay every chunk, both ways, by this many ms. */
  latencyMs?: number;
}

/** One WebSocket frame: its opcode, its payload (unmasked), and where it ends in the buffer. */
interface Frame {
  readonly opcode: number;
  readonly payload: Buffer;
  readonly end: number;
}

/** The frame at `offset` of `buf`, or undefined when it has not all arrived. */
function frameAt(buf: Buffer, offset: number): Frame | undefined {
  if (buf.length < offset + 2) return undefined;
  const opcode = buf[offset] & 0x0f;
  const masked = (buf[offset + 1] & 0x80) !== 0;
  let length = buf[offset + 1] & 0x7f;
  let at = offset + 2;
  if (length === 126) {
    if (buf.length < at + 2) return undefined;
    length = buf.readUInt16BE(at);
    at += 2;
  } else if (length === 127) {
    if (buf.length < at + 8) return undefined;
    length = Number(buf.readBigUInt64BE(at));
    at += 8;
  }
  const mask = masked ? buf.subarray(at, at + 4) : undefined;
  if (masked) at += 4;
  if (buf.length < at + length) return undefined;
  const payload = Buffer.from(buf.subarray(at, at + length));
  if (mask !== undefined) for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
  return { opcode, payload, end: at + length };
}

function parse(payload: Buffer): unknown {
  const text = payload.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Reads one direction of a WebSocket connection: the HTTP head first (handed on as it is), then
 * frames, each handed on whole with its parsed text (undefined for other opcodes).
 */
class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);
  private inHead = true;

  constructor(private readonly onUnit: (bytes: Buffer, text: unknown, frame: Frame | undefined) => void) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.inHead) {
        const end = this.buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        this.inHead = false;
        this.take(end + 4, undefined, undefined);
        continue;
      }
      const frame = frameAt(this.buffer, 0);
      if (frame === undefined) return;
      this.take(frame.end, frame.opcode === 1 ? parse(frame.payload) : undefined, frame);
    }
  }

  private take(end: number, text: unknown, frame: Frame | undefined): void {
    const bytes = this.buffer.subarray(0, end);
    this.buffer = this.buffer.subarray(end);
    this.onUnit(bytes, text, frame);
  }
}

/** A proxy to the server listening on `targetPort` of 127.0.0.1. */
export async function startFaultProxy(
  targetPort: number,
  options: FaultProxyOptions = {},
): Promise<FaultProxy> {
  const links: ProxyLink[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let armed: { fault: Fault; trigger: (message: unknown) => boolean; stallMs: number } | undefined;
  const latencyMs = options.latencyMs ?? 0;

  const later = (fn: () => void, ms: number): void => {
    if (ms <= 0) return fn();
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  const server: Server = createServer((client) => {
    const link: ProxyLink = {
      index: links.length,
      toServer: [],
      fromServer: [],
      fault: undefined,
      faultAt: undefined,
    };
    links.push(link);
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.once('close', () => sockets.delete(socket));
    }
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
    /** 'pass', 'stalled' (held until `release`), or 'dead' (half-open: nothing passes). */
    let mode: 'pass' | 'stalled' | 'dead' = 'pass';
    let held: { to: Socket; bytes: Buffer }[] = [];
    const write = (to: Socket, bytes: Buffer): void => {
      if (mode === 'dead') return;
      if (mode === 'stalled') return void held.push({ to, bytes });
      later(() => {
        if (!to.destroyed) to.write(bytes);
      }, latencyMs);
    };
    const release = (): void => {
      if (mode !== 'stalled') return;
      mode = 'pass';
      const all = held;
      held = [];
      for (const { to, bytes } of all) write(to, bytes);
    };

    const toServer = new FrameReader((bytes, text, frame) => {
      if (frame !== undefined && frame.opcode === 1 && armed !== undefined && mode === 'pass') {
        const { fault, trigger, stallMs } = armed;
        if (trigger(text)) {
          armed = undefined;
          link.fault = fault;
          link.faultAt = Date.now();
          switch (fault) {
            case 'stall':
              mode = 'stalled';
              later(release, stallMs);
              break;
            case 'cut':
              // Half of the frame reaches the server, then the connection ends both ways.
              later(() => {
                upstream.end(bytes.subarray(0, Math.floor(bytes.length / 2)));
                client.destroy();
              }, latencyMs);
              mode = 'dead';
              return;
            case 'rst':
              later(() => {
                upstream.resetAndDestroy();
                client.resetAndDestroy();
              }, latencyMs);
              mode = 'dead';
              return;
            case 'halfOpen':
              mode = 'dead';
              return;
          }
        }
      }
      if (text !== undefined && mode !== 'dead') link.toServer.push(text);
      write(upstream, bytes);
    });
    const toClient = new FrameReader((bytes, text) => {
      if (text !== undefined) link.fromServer.push(text);
      write(client, bytes);
    });
    client.on('data', (chunk: Buffer) => toServer.push(chunk));
    upstream.on('data', (chunk: Buffer) => toClient.push(chunk));
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
  onCleanup(async () => {
    for (const timer of timers) clearTimeout(timer);
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    links,
    arm: (fault, trigger, stallMs = 300) => {
      armed = { fault, trigger, stallMs };
    },
  };
}
