// Attacks on the dev server, and a well-behaved client that measures how long it waits meanwhile. The
// server runs in a child process (serverProcess.ts) so that its memory is measured apart from ours.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { DevServerOptions } from '../../../src/server/devServer';

const ROOT = join(__dirname, '../../..');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `promise`, or `fallback` once `ms` have passed; the timer never outlives the race. */
async function orAfter<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// The server, in a child process

export interface ServerProcess {
  readonly url: string;
  /** The child's resident set size, in bytes, after a full GC. */
  rss(): Promise<number>;
  /** The longest its event loop was blocked since the last call, in ms. */
  lagMs(): Promise<number>;
  /** Every log line it printed. */
  output(): string;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();

export async function startServerProcess(options: DevServerOptions = {}): Promise<ServerProcess> {
  const script = join(__dirname, 'serverProcess.ts');
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script, JSON.stringify(options)], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.add(child);
  let output = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    for (const check of waiters) check();
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const line = (prefix: string, from: number, ms: number) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`the dev server process printed no "${prefix}" within ${ms} ms:\n${output}`));
      }, ms);
      const check = () => {
        const match = new RegExp(`^${prefix} (\\S+)$`, 'm').exec(output.slice(from));
        if (match === null) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(match[1]);
      };
      waiters.add(check);
      check();
    });
  const url = await line('url', 0, 20_000);
  return {
    url,
    output: () => output,
    rss: async () => {
      const from = output.length;
      child.stdin.write('rss\n');
      return Number(await line('rss', from, 10_000));
    },
    lagMs: async () => {
      const from = output.length;
      child.stdin.write('lag\n');
      return Number(await line('lag', from, 10_000));
    },
    stop: async () => {
      child.stdin.end();
      if (
        (await orAfter(
          exited.then(() => true),
          5000,
          false,
        )) === false
      )
        child.kill('SIGKILL');
      await exited;
      children.delete(child);
    },
  };
}

/** Stops every server process still running (call it in afterEach). */
export async function stopServerProcesses(): Promise<void> {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  await sleep(0);
}

// ---------------------------------------------------------------------------------------------
// A well-behaved client

export interface WellBehaved {
  /** The longest a text waited for its answer so far (a text still unanswered counts as waiting). */
  worstWaitMs(): number;
  /** Texts answered so far. */
  answered(): number;
  stop(): Promise<void>;
}

/**
 * Sends a text, waits for the server's answer to it, pauses 20 ms, and again, until stopped: the
 * round trip of each is one wait.
 */
export async function wellBehaved(url: string, dialect: 'openai' | 'codex'): Promise<WellBehaved> {
  const socket = new WebSocket(dialect === 'codex' ? `${url}/ws` : url, { perMessageDeflate: false });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let worst = 0;
  let answered = 0;
  let sentAt = 0;
  let token = '';
  let stopped = false;
  let answer: () => void = () => undefined;
  socket.on('message', (data) => {
    if (token !== '' && (data as Buffer).toString().includes(token)) answer();
  });
  const loop = (async () => {
    for (let n = 1; !stopped && socket.readyState === WebSocket.OPEN; n++) {
      token = `ping-${n}-end`;
      const answered$ = new Promise<void>((resolve) => (answer = resolve));
      sentAt = Date.now();
      socket.send(
        JSON.stringify({
          type: 'conversation.item.create',
          item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: token }] },
        }),
      );
      await orAfter(answered$, 5000, undefined);
      worst = Math.max(worst, Date.now() - sentAt);
      sentAt = 0;
      answered++;
      await sleep(20);
    }
  })();
  return {
    worstWaitMs: () => Math.max(worst, sentAt === 0 ? 0 : Date.now() - sentAt),
    answered: () => answered,
    stop: async () => {
      stopped = true;
      await loop;
      socket.terminate();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Raw attackers: a TCP socket that speaks just enough WebSocket

/** A TCP socket on which the WebSocket handshake for `path` has been answered 101. */
async function rawSocket(url: string, path: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (head.startsWith('HTTP/1.1 101')) resolve();
      else reject(new Error(`handshake refused: ${head.split('\r\n')[0]}`));
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
  });
  return socket;
}

/** The header of a client text frame of `length` bytes, masked with the zero key (so the payload goes as is). */
function frameHeader(length: number): Buffer {
  if (length < 126) return Buffer.from([0x81, 0x80 | length, 0, 0, 0, 0]);
  if (length < 65_536) {
    const header = Buffer.from([0x81, 0x80 | 126, 0, 0, 0, 0, 0, 0]);
    header.writeUInt16BE(length, 2);
    return header;
  }
  const header = Buffer.alloc(14);
  header[0] = 0x81;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  return header;
}

function textFrame(message: unknown): Buffer {
  const payload = Buffer.from(JSON.stringify(message));
  return Buffer.concat([frameHeader(payload.length), payload]);
}

const closedOf = (socket: Socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()));

export interface Attack {
  /** Bytes the attacker got written (handed to its kernel). */
  readonly sentBytes: number;
  /** Whether the server ended the attacker's connection. */
  readonly dropped: boolean;
  /** Ends the attacker's connection. */
  end(): void;
}

/**
 * A client that never reads: sends 64 KB texts (each answered with at least as much) for `ms` or until
 * `bytes` are written, whichever first, never writing faster than its own socket takes them.
 */
export async function neverReads(url: string, bytes: number, ms: number): Promise<Attack> {
  const socket = await rawSocket(url, '/');
  socket.pause();
  let dropped = false;
  const closed = closedOf(socket).then(() => (dropped = true));
  const frame = textFrame({
    type: 'conversation.item.create',
    item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x'.repeat(65_536) }] },
  });
  const until = Date.now() + ms;
  let sent = 0;
  while (sent < bytes && Date.now() < until && !dropped) {
    if (!socket.write(frame)) {
      const drained = new Promise<void>((resolve) => socket.once('drain', () => resolve()));
      await orAfter(Promise.race([drained, closed]), until - Date.now(), undefined);
      socket.removeAllListeners('drain');
    }
    sent += frame.length;
    if (sent % (16 * frame.length) === 0) await sleep(0);
  }
  return { sentBytes: sent, dropped, end: () => socket.destroy() };
}

/** One text frame of `bytes` (a `conversation.item.create` with a huge text), written in 1 MiB chunks. */
export async function bigFrame(url: string, bytes: number): Promise<Attack> {
  const socket = await rawSocket(url, '/');
  let dropped = false;
  const closed = closedOf(socket).then(() => (dropped = true));
  const prefix =
    '{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_text","text":"';
  const suffix = '"}]}}';
  socket.write(frameHeader(bytes));
  socket.write(prefix);
  const chunk = Buffer.alloc(1 << 20, 'a');
  let sent = prefix.length;
  const body = bytes - prefix.length - suffix.length;
  for (let written = 0; written < body && !dropped;) {
    const piece = Math.min(chunk.length, body - written);
    if (!socket.write(piece === chunk.length ? chunk : chunk.subarray(0, piece))) {
      const drained = new Promise<void>((resolve) => socket.once('drain', () => resolve()));
      await orAfter(Promise.race([drained, closed]), 10_000, undefined);
      socket.removeAllListeners('drain');
    }
    written += piece;
    sent += piece;
  }
  if (!dropped) socket.write(suffix);
  sent += suffix.length;
  // Give the server the time to read it all and answer (or to have closed).
  await orAfter(closed, 2000, undefined);
  return { sentBytes: sent, dropped, end: () => socket.destroy() };
}

/**
 * Speech that never ends: `frames` codex audio frames of 10 s of a loud tone each, as fast as the
 * socket takes them (an utterance the server must buffer until it ends).
 */
export async function endlessSpeech(url: string, frames: number): Promise<Attack> {
  const socket = new WebSocket(`${url}/ws`, { perMessageDeflate: false });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let dropped = false;
  socket.on('close', () => (dropped = true));
  const pcm = new Int16Array(240_000);
  for (let i = 0; i < pcm.length; i++)
    pcm[i] = Math.round(10_000 * Math.sin((2 * Math.PI * 200 * i) / 24_000));
  const text = JSON.stringify({
    type: 'response.input_audio.delta',
    delta: Buffer.from(pcm.buffer).toString('base64'),
    sample_rate: 24_000,
    num_channels: 1,
    samples_per_channel: pcm.length,
  });
  for (let i = 0; i < frames && !dropped; i++) {
    socket.send(text);
    while (socket.bufferedAmount > 4 * text.length && !dropped) await sleep(5);
  }
  while (socket.bufferedAmount > 0 && !dropped) await sleep(5);
  return {
    sentBytes: frames * text.length,
    get dropped() {
      return dropped;
    },
    end: () => socket.terminate(),
  };
}

/** Audio frames (the codex dialect's `response.input_audio.delta`) of 1 KB of PCM at `sampleRate`. */
export async function oddRate(
  url: string,
  sampleRate: number,
  frames = 1,
): Promise<Attack & { errors: () => string[] }> {
  const socket = new WebSocket(`${url}/ws`, { perMessageDeflate: false });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const errors: string[] = [];
  let dropped = false;
  socket.on('close', () => (dropped = true));
  socket.on('message', (data) => {
    const event = JSON.parse((data as Buffer).toString()) as { type: string; message?: string };
    if (event.type === 'error') errors.push(String(event.message));
  });
  const delta = Buffer.alloc(1024, 7).toString('base64');
  let sent = 0;
  for (let i = 0; i < frames; i++) {
    const text = JSON.stringify({
      type: 'response.input_audio.delta',
      delta,
      sample_rate: sampleRate,
      num_channels: 1,
      samples_per_channel: 512,
    });
    socket.send(text);
    sent += text.length;
  }
  return {
    sentBytes: sent,
    errors: () => errors,
    get dropped() {
      return dropped;
    },
    end: () => socket.terminate(),
  };
}
