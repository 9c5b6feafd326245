/*
 * Shared machinery of the fault suite: real servers on 127.0.0.1 that misbehave on purpose, a
 * conversation recorder that checks the end-of-conversation contract (exactly one `closed`, last,
 * then completion), and guards for unhandled rejections, console output and leaked secrets.
 *
 * Every server and conversation made here is registered and torn down after each test, so no
 * handle outlives a test (jest runs with --detectOpenHandles).
 */
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { format } from 'node:util';
import { runInThisContext } from 'node:vm';
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import { WebSocketServer, type RawData } from 'ws';
import {
  connectConversation,
  type Conversation,
  type ConversationOptions,
  type ConversationState,
  type ConversationStats,
  type RealtimeEvent,
} from '../../src/index';

/** The key every fault case runs with; some servers echo it back on purpose. */
export const SECRET = 'sk-fault-suite-SECRET-0123456789';

export const sessionCreated = (id = 's1') => ({ type: 'session.created', session: { id } });

export type Closed = Extract<RealtimeEvent, { type: 'closed' }>;

// ---------------------------------------------------------------------------------------------
// Bounded waiting

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `promise`, or a rejection naming `what` after `ms`; the timer never outlives the race. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls `probe` every 5 ms until it is truthy; rejects after `ms` with `what` and the probe's last view. */
export async function until(
  probe: () => unknown,
  ms: number,
  what: string,
  show?: () => unknown,
): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (probe()) return;
    if (Date.now() - started > ms) {
      throw new Error(
        `timed out after ${ms} ms waiting for ${what}${show ? `; saw ${JSON.stringify(show()).slice(0, 800)}` : ''}`,
      );
    }
    await sleep(5);
  }
}

// ---------------------------------------------------------------------------------------------
// Teardown registry

const cleanups: (() => Promise<void> | void)[] = [];

/** Runs `fn` after the current test (last registered, first run). */
export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

async function runCleanups(): Promise<void> {
  const errors: unknown[] = [];
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()!();
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length > 0) throw errors[0];
}

// ---------------------------------------------------------------------------------------------
// Guards: unhandled rejections, console output, secrets

/**
 * The worker's real `process`. Inside a test file `process` is jest's copy, whose listeners never hear
 * the real process's events; the main context's global is the real one.
 */
const realProcess = runInThisContext('process') as NodeJS.Process;

const rejections: unknown[] = [];
const consoleLines: string[] = [];
const warnings: string[] = [];
const onRejection = (reason: unknown): void => {
  rejections.push(reason);
};
const onWarning = (warning: Error): void => {
  warnings.push(`${warning.name}: ${warning.message}`);
};

/** Everything printed through `console` during the current test (captured, not shown). */
export function capturedConsole(): readonly string[] {
  return consoleLines;
}

/** Unhandled rejections seen during the current test. */
export function unhandledRejections(): unknown[] {
  return rejections;
}

/** Fails if `value` (any JSON-able thing, or text) contains the key anywhere. */
export function expectNoSecret(value: unknown, where: string): void {
  const text =
    typeof value === 'string'
      ? value
      : JSON.stringify(value, (_k, v: unknown) =>
          v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v,
        );
  if (text !== undefined && text.includes(SECRET)) {
    throw new Error(`the API key leaked into ${where}: ${text.slice(0, 600)}`);
  }
}

/**
 * Installs, for the calling spec file: the unhandled-rejection recorder, console capture, and an
 * afterEach that closes every conversation and server, then fails on any unhandled rejection or
 * any console line holding the key.
 */
export function installFaultGuards(): void {
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
  beforeAll(() => {
    realProcess.on('unhandledRejection', onRejection);
    realProcess.on('warning', onWarning);
  });
  beforeEach(() => {
    rejections.length = 0;
    consoleLines.length = 0;
    warnings.length = 0;
    for (const method of methods) {
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        consoleLines.push(`${method}: ${format(...args)}`);
      });
    }
  });
  afterEach(async () => {
    try {
      await runCleanups();
      // Rejections are reported on a later turn of the event loop: give them one.
      await sleep(5);
    } finally {
      jest.restoreAllMocks();
    }
    expect(rejections).toEqual([]);
    expectNoSecret(consoleLines.join('\n'), 'console output');
    expectNoSecret(warnings.join('\n'), 'process warnings');
  });
  afterAll(() => {
    realProcess.off('unhandledRejection', onRejection);
    realProcess.off('warning', onWarning);
  });
}

// ---------------------------------------------------------------------------------------------
// The conversation under test

export interface Recorded {
  readonly conversation: Conversation;
  readonly events: RealtimeEvent[];
  readonly states: ConversationState[];
  readonly stats: ConversationStats[];
  /** true once events$ completed */
  completed(): boolean;
  /** Resolves when events$ completes (bounded): checks the end contract and returns the `closed` event. */
  finished(ms?: number): Promise<Closed>;
  /** the events of a type, in order */
  ofType<T extends RealtimeEvent['type']>(type: T): Extract<RealtimeEvent, { type: T }>[];
}

/**
 * Opens a codex conversation with the suite's key (unless overridden), records its events, states
 * and stats, and registers its teardown (close, then wait for the end).
 */
export function open(url: string, options: Partial<ConversationOptions> = {}): Recorded {
  const conversation = connectConversation({
    url,
    dialect: 'codex',
    apiKey: SECRET,
    statsIntervalMs: 50,
    ...options,
  });
  const events: RealtimeEvent[] = [];
  const states: ConversationState[] = [];
  const stats: ConversationStats[] = [];
  let completedAt = -1;
  const errors: unknown[] = [];
  const done = new Promise<void>((resolve) => {
    conversation.events$.subscribe({
      next: (event) => {
        if (completedAt >= 0) errors.push(new Error(`an event after completion: ${JSON.stringify(event)}`));
        events.push(event);
      },
      error: (error: unknown) => {
        errors.push(error);
        resolve();
      },
      complete: () => {
        completedAt = events.length;
        resolve();
      },
    });
  });
  conversation.state$.subscribe({
    next: (state) => states.push(state),
    error: (e: unknown) => errors.push(e),
  });
  conversation.stats$.subscribe({ next: (s) => stats.push(s), error: (e: unknown) => errors.push(e) });

  const check = (): Closed => {
    expect(errors).toEqual([]);
    const closed = events.filter((e) => e.type === 'closed');
    expect(closed).toHaveLength(1);
    expect(events.at(-1)).toBe(closed[0]);
    expect(states.at(-1)).toBe('closed');
    expect(states.filter((s) => s === 'closed')).toHaveLength(1);
    expectNoSecret(events, 'events');
    expectNoSecret(stats, 'stats');
    return closed[0];
  };

  onCleanup(async () => {
    if (completedAt < 0) {
      conversation.close();
      await within(done, 5000, 'the conversation to end in teardown');
    }
  });

  const recorded: Recorded = {
    conversation,
    events,
    states,
    stats,
    completed: () => completedAt >= 0,
    finished: async (ms = 5000) => {
      await within(done, ms, `events$ to complete; saw ${JSON.stringify(events).slice(0, 600)}`);
      const closed = check();
      // The final stats snapshot arrived (stats$ completes with the state) and holds no secret.
      expect(stats.length).toBeGreaterThan(0);
      // A late subscriber still learns why it ended, and only that.
      const late: RealtimeEvent[] = [];
      conversation.events$.subscribe((e) => late.push(e));
      expect(late).toEqual([closed]);
      // After the end: text and controls throw a RealtimeError that names no secret, audio is counted.
      expect(() => conversation.text.next('late')).toThrow(
        expect.objectContaining({ name: 'RealtimeError', kind: 'not_running' }),
      );
      try {
        conversation.text.next('late again');
      } catch (e) {
        expectNoSecret((e as Error).message, 'a thrown RealtimeError');
      }
      return closed;
    },
    ofType: <T extends RealtimeEvent['type']>(type: T) =>
      events.filter((e): e is Extract<RealtimeEvent, { type: T }> => e.type === type),
  };
  return recorded;
}

/** The text a codex `conversation.item.create` carries, or undefined for any other message. */
export function textOf(message: unknown): string | undefined {
  const m = message as { type?: string; item?: { content?: { text?: string }[] } };
  return m?.type === 'conversation.item.create' ? m.item?.content?.[0]?.text : undefined;
}

// ---------------------------------------------------------------------------------------------
// Servers

function listen(server: HttpServer | NetServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}

function closeListener(server: HttpServer | NetServer): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}

/** A raw TCP server; every accepted socket is handed to `onSocket` and destroyed at teardown. */
export interface RawServer {
  readonly url: string;
  readonly port: number;
  /** sockets accepted so far */
  readonly sockets: Socket[];
  /** bytes each socket sent us */
  readonly received: string[];
  /** Stops listening now (later connections are refused); accepted sockets stay. */
  stopListening(): void;
  close(): Promise<void>;
}

export async function startRawServer(
  onSocket: (socket: Socket, index: number) => void = () => undefined,
): Promise<RawServer> {
  const sockets: Socket[] = [];
  const received: string[] = [];
  const server = createNetServer((socket) => {
    const index = sockets.length;
    sockets.push(socket);
    received.push('');
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => (received[index] += chunk.toString('latin1')));
    onSocket(socket, index);
  });
  const port = await listen(server);
  const close = async (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    await closeListener(server);
  };
  onCleanup(close);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    sockets,
    received,
    stopListening: () => void server.close(),
    close,
  };
}

/** An HTTP server whose upgrade requests get `answer(request, index)`: a status, a body, headers. */
export interface StatusServer {
  readonly url: string;
  /** the upgrade requests, in order */
  readonly requests: IncomingMessage[];
}

export async function startStatusServer(
  answer: (
    req: IncomingMessage,
    index: number,
  ) => { status: number; body?: string; headers?: Record<string, string> },
): Promise<StatusServer> {
  const requests: IncomingMessage[] = [];
  const sockets = new Set<Duplex>();
  const server = createHttpServer((_req, res) => {
    res.writeHead(426).end();
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
    const index = requests.length;
    requests.push(req);
    const { status, body = '', headers = {} } = answer(req, index);
    const lines = [
      `HTTP/1.1 ${status} Fault ${status}`,
      'Content-Type: text/plain',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
  });
  const port = await listen(server);
  onCleanup(async () => {
    for (const socket of sockets) socket.destroy();
    server.closeAllConnections();
    await closeListener(server);
  });
  return { url: `http://127.0.0.1:${port}`, requests };
}

/** One accepted WebSocket connection, as the server sees it. */
export interface ServerConnection {
  readonly index: number;
  readonly ws: WebSocket;
  readonly req: IncomingMessage;
  /** When the upgrade was accepted (Date.now()). */
  readonly openedAt: number;
  /** Client messages: JSON-parsed text, the raw string when not JSON, `{binary: n}` for binary. */
  readonly messages: unknown[];
  /** How the socket closed, as the server saw it; undefined while open. */
  close: { code: number; reason: string; at: number } | undefined;
  /** pings the server received */
  pings: number;
}

export interface WsServer {
  readonly url: string;
  readonly connections: ServerConnection[];
  /** Upgrade requests seen, accepted or not. */
  upgrades: number;
  /** When each upgrade request arrived (Date.now()). */
  readonly upgradeTimes: number[];
  /** Stops accepting connections now (later ones are refused); open ones stay. */
  stopListening(): void;
}

export interface WsServerOptions {
  autoPong?: boolean;
  /** Called once per connection, before any message. */
  onConnection?: (conn: ServerConnection) => void;
  /** Called after each client message is recorded. */
  onMessage?: (conn: ServerConnection, message: unknown, index: number) => void;
  /** Answer this upgrade with a status instead of accepting it. */
  reject?: (index: number) => number | undefined;
}

/** Answers `session.create` with `session.created` (the usual first exchange). */
export function answerSession(conn: ServerConnection, message: unknown, index: number): void {
  if (index === 0 && (message as { type?: string }).type === 'session.create')
    conn.ws.send(JSON.stringify(sessionCreated(`s${conn.index + 1}`)));
}

/** A `ws` server on its own http server; every socket is terminated at teardown. */
export async function startWsServer(options: WsServerOptions = {}): Promise<WsServer> {
  const connections: ServerConnection[] = [];
  const sockets = new Set<Duplex>();
  const http = createHttpServer((_req, res) => {
    res.writeHead(426).end();
  });
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    clientTracking: false,
    autoPong: options.autoPong ?? true,
  });
  const state: WsServer = {
    url: '',
    connections,
    upgrades: 0,
    upgradeTimes: [],
    stopListening: () => void http.close(),
  };
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
    const upgrade = state.upgrades++;
    state.upgradeTimes.push(Date.now());
    const status = options.reject?.(upgrade);
    if (status !== undefined) {
      socket.end(`HTTP/1.1 ${status} Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: ServerConnection = {
        index: connections.length,
        ws,
        req,
        openedAt: Date.now(),
        messages: [],
        close: undefined,
        pings: 0,
      };
      connections.push(conn);
      ws.on('error', () => undefined);
      ws.on('ping', () => conn.pings++);
      ws.on('close', (code, reason) => {
        conn.close = { code, reason: reason.toString('utf8'), at: Date.now() };
      });
      ws.on('message', (data: RawData, isBinary: boolean) => {
        const message = decode(data, isBinary);
        conn.messages.push(message);
        options.onMessage?.(conn, message, conn.messages.length - 1);
      });
      options.onConnection?.(conn);
    });
  });
  const port = await listen(http);
  (state as { url: string }).url = `http://127.0.0.1:${port}`;
  onCleanup(async () => {
    for (const conn of connections) conn.ws.terminate();
    for (const socket of sockets) socket.destroy();
    wss.close();
    http.closeAllConnections();
    await closeListener(http);
  });
  return state;
}

function decode(data: RawData, isBinary: boolean): unknown {
  const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  if (isBinary) return { binary: buf.byteLength };
  const text = buf.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
