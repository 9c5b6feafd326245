/*
 * The bench's server, in its own process (forked by bench/run.ts, so the client's CPU is measured
 * alone): a WebSocket server on 127.0.0.1 that speaks just enough of the OpenAI Realtime GA protocol
 * for a client to start a session, counts what it reads, and floods audio deltas on command. A second
 * port is a congested uplink: a TCP proxy that hands the client's bytes on at a fixed byte rate, in
 * 10 ms slices. Driven over IPC (see bench/protocol.ts).
 *
 * Why a proxy rather than `ws.pause()`/`ws.resume()` on the server's socket: a resumed socket reads
 * whatever the kernel holds, up to 64 KB at once, then has to stay paused for seconds to keep the
 * average rate, so reads come in bursts about a second apart and every byte (pings included) waits
 * for the next burst however small the backlog ahead of it. A real bottleneck drains smoothly. The
 * proxy takes the bytes into its own stream buffer (at most one high-water mark ahead, the rest
 * stays in the kernel's buffers) and forwards exactly the budget of each tick: the backlog sits where
 * the client's `bufferedAmount` cannot see it, and drains at the set rate, in order.
 */
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import {
  AUDIO_PREFIX,
  BENCH_TEXT,
  clock,
  testAudio,
  type Command,
  type Reply,
  type TextArrival,
} from './protocol.js';
import { acceptUpgrade, BenchSocket, serverFrame } from './serverSocket.js';

const AUDIO_PREFIX_BYTES = Buffer.from(AUDIO_PREFIX);
const PREFIX_LENGTH = AUDIO_PREFIX_BYTES.length;

interface Connection {
  readonly ws: BenchSocket;
  readonly id: number;
  started: boolean;
}

/** One client connection through the congested uplink. */
interface Link {
  readonly inbound: Socket;
  readonly outbound: Socket;
  /** bytes the link may still forward now */
  budget: number;
}

const connections = new Set<Connection>();
let nextConnection = 0;
let audio = 0;
let audioBytes = 0;
let texts: TextArrival[] = [];
let other = 0;
let pings = 0;
let audioWaiters: { target: number; id: number }[] = [];
let textWaiters: { target: number; id: number }[] = [];
let closeWaiters: number[] = [];

const links = new Set<Link>();
/** The congested uplink's rate in bytes/s; null: it forwards at once. */
let throttleRate: number | null = null;
let throttleTimer: ReturnType<typeof setInterval> | undefined;
let throttleLast = 0;
const TICK_MS = 10;

function reply(message: Reply): void {
  process.send?.(message);
}

// The server must never be the limit of what it measures: its WebSocket side is bench/serverSocket.ts,
// which passes over audio frames without unmasking or copying them, and checks no UTF-8 (the clients
// send JSON they built themselves).
const server = createHttpServer((_request, response) => response.writeHead(426).end());
const proxy = createServer({ noDelay: true }, (inbound) => link(inbound));

server.listen(0, '127.0.0.1', () => {
  proxy.listen(0, '127.0.0.1', () => {
    process.send?.({
      ready: true,
      port: (server.address() as AddressInfo).port,
      congestedPort: (proxy.address() as AddressInfo).port,
    });
  });
});
server.on('upgrade', (request, socket: Socket, head: Buffer) => {
  if (!acceptUpgrade(request, socket)) return;
  const conn: Connection = {
    ws: new BenchSocket(socket, AUDIO_PREFIX_BYTES, {
      audio: (payloadBytes) => onAudio(payloadBytes),
      message: (data, isBinary) => onMessage(conn, data, isBinary),
      ping: () => void pings++,
      close: () => {
        connections.delete(conn);
        if (connections.size === 0 && closeWaiters.length > 0) {
          for (const id of closeWaiters) reply({ id, ok: true });
          closeWaiters = [];
        }
      },
    }),
    id: ++nextConnection,
    started: false,
  };
  connections.add(conn);
  if (head.length > 0) conn.ws.read(head);
});

/** Proxies one client connection to the WebSocket server: downstream at once, upstream at the set rate. */
function link(inbound: Socket): void {
  const outbound = connect({
    port: (server.address() as AddressInfo).port,
    host: '127.0.0.1',
    noDelay: true,
  });
  const l: Link = { inbound, outbound, budget: 0 };
  links.add(l);
  outbound.on('data', (chunk: Buffer) => inbound.write(chunk));
  // Paused mode: the stream buffers up to its high-water mark, the tick takes out the budget.
  inbound.on('readable', () => {
    if (throttleRate !== null) return;
    let chunk: Buffer | null;
    while ((chunk = inbound.read() as Buffer | null) !== null) outbound.write(chunk);
  });
  const drop = () => {
    links.delete(l);
    inbound.destroy();
    outbound.destroy();
  };
  inbound.on('close', drop);
  outbound.on('close', drop);
  inbound.on('error', drop);
  outbound.on('error', drop);
  startThrottle();
}

/** The hot path: an audio frame, recognised by its prefix, never parsed. */
function onAudio(payloadBytes: number): void {
  audio++;
  audioBytes += payloadBytes;
  if (audioWaiters.length > 0) settle(audioWaiters, audio, (rest) => (audioWaiters = rest));
}

function onMessage(conn: Connection, data: Buffer, isBinary: boolean): void {
  // An audio message that came in fragments (no bench client sends one so): counted all the same.
  if (
    !isBinary &&
    data.length > PREFIX_LENGTH &&
    data.compare(AUDIO_PREFIX_BYTES, 0, PREFIX_LENGTH, 0, PREFIX_LENGTH) === 0
  )
    return onAudio(data.length);
  let message: { type?: unknown; item?: { id?: unknown; content?: { text?: unknown }[] }; session?: object };
  try {
    message = JSON.parse(data.toString()) as typeof message;
  } catch {
    other++;
    return;
  }
  switch (message.type) {
    case 'session.update': {
      other++;
      const session = { ...message.session, id: `sess_bench_${conn.id}`, object: 'realtime.session' };
      if (!conn.started) {
        conn.started = true;
        conn.ws.send(JSON.stringify({ type: 'session.created', event_id: `evt_c${conn.id}`, session }));
      }
      conn.ws.send(JSON.stringify({ type: 'session.updated', event_id: `evt_u${conn.id}`, session }));
      return;
    }
    case 'conversation.item.create': {
      const arrivedAt = clock();
      const text = message.item?.content?.[0]?.text;
      const match = typeof text === 'string' ? BENCH_TEXT.exec(text) : null;
      if (match === null) {
        other++;
        return;
      }
      texts.push({ seq: Number(match[1]), sentAt: Number(match[2]), arrivedAt });
      // As a GA server does: the item back, with the client's id, acknowledges the text.
      conn.ws.send(
        JSON.stringify({
          type: 'conversation.item.added',
          event_id: `evt_i${texts.length}`,
          previous_item_id: null,
          item: { ...message.item, id: message.item?.id ?? `item_bench_${texts.length}` },
        }),
      );
      if (textWaiters.length > 0) settle(textWaiters, texts.length, (rest) => (textWaiters = rest));
      return;
    }
    default:
      other++; // response.create and anything else: read, counted, not answered
  }
}

function settle(
  waiters: { target: number; id: number }[],
  count: number,
  keep: (rest: { target: number; id: number }[]) => void,
): void {
  const rest: { target: number; id: number }[] = [];
  for (const waiter of waiters) {
    if (count >= waiter.target) reply({ id: waiter.id, ok: true, counts: counts() });
    else rest.push(waiter);
  }
  keep(rest);
}

function counts() {
  const cpu = process.cpuUsage();
  return {
    audio,
    audioBytes,
    texts: texts.length,
    other,
    pings,
    connections: connections.size,
    cpuMicros: cpu.user + cpu.system,
  };
}

/** Forwards each link's budget every tick; the budget comes from the elapsed time, so a late tick loses nothing. */
function startThrottle(): void {
  if (throttleTimer !== undefined) return;
  throttleLast = performance.now();
  throttleTimer = setInterval(() => {
    const now = performance.now();
    const rate = throttleRate;
    const refill = rate === null ? 0 : (rate * (now - throttleLast)) / 1000;
    throttleLast = now;
    if (links.size === 0) {
      clearInterval(throttleTimer);
      throttleTimer = undefined;
      return;
    }
    if (rate === null) return;
    for (const l of links) {
      l.budget += refill;
      const n = Math.min(Math.floor(l.budget), l.inbound.readableLength);
      if (n > 0) {
        const chunk = l.inbound.read(n) as Buffer | null;
        if (chunk !== null) {
          l.outbound.write(chunk);
          l.budget -= chunk.length;
        }
      }
      // An idle link must not save up a burst: at most one tick of credit carries over.
      if (l.inbound.readableLength === 0) l.budget = Math.min(l.budget, (rate * TICK_MS) / 1000);
    }
  }, TICK_MS);
}

/** Back to full speed: whatever waits is forwarded now. */
function stopThrottle(): void {
  for (const l of links) {
    l.budget = 0;
    let chunk: Buffer | null;
    while ((chunk = l.inbound.read() as Buffer | null) !== null) l.outbound.write(chunk);
  }
}

/** Distinct 20 ms payloads that look like a voice (see `testAudio`), so the client checks realistic base64. */
const DELTAS = testAudio(50, 2).map((samples) => Buffer.from(samples.buffer).toString('base64'));

let eventSeq = 0;

/** One `response.output_audio.delta` of the GA shape (event, response and item ids, indexes). */
function audioDelta(n: number): string {
  return (
    '{"type":"response.output_audio.delta","event_id":"event_bench' +
    ++eventSeq +
    '","response_id":"resp_bench1","item_id":"item_bench1","output_index":0,"content_index":0,"delta":"' +
    DELTAS[n % DELTAS.length] +
    '"}'
  );
}

/**
 * Sends `count` deltas to every open connection, in batches that wait while a socket's buffer is full.
 * Each batch is corked: one system call per socket per batch, not one per delta, so the server's cost
 * stays far below any client's.
 */
function flood(count: number, done: () => void): void {
  const targets = [...connections];
  let sent = 0;
  const step = (): void => {
    if (targets.some((conn) => conn.ws.bufferedAmount > 1024 * 1024)) return void setTimeout(step, 1);
    const end = Math.min(count, sent + 256);
    const open = targets.filter((conn) => conn.ws.open);
    for (const conn of open) conn.ws.socket.cork();
    for (; sent < end; sent++) {
      const frame = serverFrame(audioDelta(sent));
      for (const conn of open) conn.ws.sendFrame(frame);
    }
    for (const conn of open) conn.ws.socket.uncork();
    if (sent < count) setImmediate(step);
    else done();
  };
  step();
}

/*
 * Reading in turns, for the concurrency ramp. A server that reads each socket as soon as a client
 * writes to it does one read (a system call, a buffer, a trip through Node's stream layer and `ws`)
 * per 20 ms frame per conversation, and is woken by every write: at a thousand conversations that
 * took it most of a core, on the two cores it shares with the client, so it was the limit of what
 * it measured. In turns, the process sleeps between them and each turn reads whatever every socket
 * holds, often more than one frame per read: the kernel keeps the bytes meanwhile, and a client's
 * write no longer wakes anyone, as with a remote server. Turns are short (see SERVER_TURN_MS in
 * bench/run.ts): a ping waits for the next one, and a late pong reads as a queue to a congestion
 * probe. A turn that overruns its slot is followed by the next at once, so a server that cannot keep
 * up still shows as a whole core.
 */
const SLEEPER = new Int32Array(new SharedArrayBuffer(4));
let turnMs: number | null = null;
let turning = false;
let nextTurnAt = 0;

function readInTurns(ms: number | null): void {
  turnMs = ms;
  if (ms === null || turning) return;
  turning = true;
  nextTurnAt = performance.now();
  setImmediate(turn);
}

/** Runs after each poll phase: sleeps until the next turn is due, so the poll that follows finds every socket's bytes. */
function turn(): void {
  if (turnMs === null) {
    turning = false;
    return;
  }
  nextTurnAt += turnMs;
  const wait = nextTurnAt - performance.now();
  if (wait > 0) Atomics.wait(SLEEPER, 0, 0, wait);
  else nextTurnAt = performance.now(); // behind: no debt of turns to catch up
  setImmediate(turn);
}

process.on('message', (command: Command) => {
  switch (command.cmd) {
    case 'reset':
      audio = audioBytes = other = pings = 0;
      texts = [];
      audioWaiters = [];
      textWaiters = [];
      return reply({ id: command.id, ok: true, counts: counts() });
    case 'counts':
      return reply({ id: command.id, ok: true, counts: counts() });
    case 'texts':
      return reply({ id: command.id, ok: true, texts, counts: counts() });
    case 'waitAudio':
      if (audio >= command.target) return reply({ id: command.id, ok: true, counts: counts() });
      audioWaiters.push({ target: command.target, id: command.id });
      return;
    case 'waitTexts':
      if (texts.length >= command.target) return reply({ id: command.id, ok: true, counts: counts() });
      textWaiters.push({ target: command.target, id: command.id });
      return;
    case 'flood':
      return flood(command.count, () => reply({ id: command.id, ok: true, counts: counts() }));
    case 'throttle':
      throttleRate = command.bytesPerSecond;
      if (throttleRate === null) stopThrottle();
      else startThrottle();
      return reply({ id: command.id, ok: true });
    case 'closeAll':
      if (connections.size === 0) return reply({ id: command.id, ok: true });
      closeWaiters.push(command.id);
      for (const conn of connections) conn.ws.terminate();
      for (const l of links) l.inbound.destroy();
      return;
    case 'clock':
      return reply({ id: command.id, ok: true, clock: clock() });
    case 'readInTurns':
      readInTurns(command.ms);
      return reply({ id: command.id, ok: true });
  }
});

// The parent is the only reason to live: without it, exit (no orphan server).
process.on('disconnect', () => process.exit(0));
