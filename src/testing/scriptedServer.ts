import { createServer, STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer, type RawData } from 'ws';

/*
 * A port of Codex's scripted WebSocket test server (core/tests/common/responses.rs) to Node + ws.
 * The server answers by script rather than by logic so that a test states the whole conversation
 * up front and then asserts on what the client sent.
 */

import { ScriptFrame } from './scriptFrame.js';

export { ScriptFrame, rawFrame, binaryFrame } from './scriptFrame.js';

/**
 * Any JSON value (sent as one text frame) or a {@link ScriptFrame}.
 *
 * @example
 * ```ts
 * const values: ScriptValue[] = [{ type: 'session.created', session: { id: 's1' } }, rawFrame('oops')];
 * ```
 */
export type ScriptValue = unknown;

/**
 * What the server sends after receiving one client message; may be empty.
 *
 * @example
 * ```ts
 * const afterSessionUpdate: ScriptBatch = [{ type: 'session.updated', session: { id: 's1' } }];
 * const afterText: ScriptBatch = [];
 * const server = await startScriptedServer([[afterSessionUpdate, afterText]]);
 * ```
 */
export type ScriptBatch = readonly ScriptValue[];

/**
 * The script of one connection, with the knobs a bare list of batches cannot express.
 *
 * @example
 * Refuse the first handshake, then end the second connection with 4000 after one reply
 * ```ts
 * const refused: ScriptedConnection = { batches: [], reject: { status: 401, body: 'bad key' } };
 * const ended: ScriptedConnection = { batches: [[{ type: 'session.updated' }]], closeCode: 4000, closeReason: 'bye' };
 * const server = await startScriptedServer([refused, ended]);
 * ```
 */
export interface ScriptedConnection {
  /** Batch `i` is sent after the client's message `i` is received. */
  batches: readonly ScriptBatch[];
  /** Keep the socket open after the last batch (default false: close it). */
  keepOpen?: boolean;
  /** Close code used after the last batch (default 1000). */
  closeCode?: number;
  /** Close reason used after the last batch (default ''). */
  closeReason?: string;
  /**
   * Wait this long before answering the upgrade request. The handshake is recorded only once it
   * is answered, and not at all if the client gives up first (as in Codex's harness).
   */
  acceptDelayMs?: number;
  /** Refuse the upgrade with this HTTP status and body; no WebSocket is opened. */
  reject?: {
    /** The HTTP status, e.g. 401. */
    status: number;
    /** The response body (default empty). */
    body?: string;
  };
  /** Extra headers on the 101 response (or on the rejection response). */
  responseHeaders?: Record<string, string>;
}

/**
 * Server-wide options of {@link startScriptedServer}.
 *
 * @example
 * ```ts
 * const options: ScriptedServerOptions = { perMessageDeflate: false, maxPayload: 1024 * 1024 };
 * const server = await startScriptedServer([[[]]], options);
 * ```
 */
export interface ScriptedServerOptions {
  /** Offer permessage-deflate (default true, like Codex's harness). */
  perMessageDeflate?: boolean;
  /** Largest client message accepted, in bytes; bigger ones close the socket with 1009. */
  maxPayload?: number;
}

/**
 * One upgrade request as the server saw it.
 *
 * @example
 * ```ts
 * const server = await startScriptedServer([{ batches: [[]], keepOpen: true }]);
 * const conversation = connectConversation({ url: server.url, apiKey: 'test-key' });
 * await server.waitForHandshakes(1, 1000);
 * const [handshake]: Handshake[] = server.handshakes();
 * expect(handshake?.path).toBe('/v1/realtime?model=gpt-realtime');
 * expect(handshake?.header('Authorization')).toBe('Bearer test-key');
 * ```
 */
export interface Handshake {
  /** Index of the script (and of `connections()` / `closes()`) this request consumed. */
  connection: number;
  /** Request target: path with query, e.g. `/v1/realtime?model=x`. */
  path: string;
  /** Request headers, names lower-cased; repeated headers are joined with `, `. */
  headers: Record<string, string>;
  /** A request header by case-insensitive name. */
  header(name: string): string | undefined;
}

/**
 * How a connection closed, as seen by the server.
 *
 * @example
 * ```ts
 * const server = await startScriptedServer([{ batches: [[]], keepOpen: true }]);
 * const conversation = connectConversation({ url: server.url });
 * await server.waitForMessages(0, 1, 1000);
 * conversation.close();
 * const close: ServerClose | undefined = await server.waitForClose(0, 1000);
 * expect(close?.code).toBe(1000);
 * ```
 */
export interface ServerClose {
  /** The code of the client's close frame, or 1006 when none was read. */
  code: number;
  /** The reason of the client's close frame. */
  reason: string;
}

/**
 * A running scripted server. Per-connection indices (`connections()[i]`, `closes()[i]`,
 * `send(i, ...)`, ...) are script indices: the `i`-th upgrade request uses script `i`.
 *
 * @example
 * ```ts
 * const server: ScriptedServer = await startScriptedServer([{ batches: [[]], keepOpen: true }]);
 * const conversation = connectConversation({ url: server.url });
 * await server.waitForMessages(0, 1, 1000); // the session message
 * server.send(0, { type: 'error', error: { type: 'server_error', message: 'boom' } });
 * await server.close();
 * ```
 */
export interface ScriptedServer {
  /** `ws://127.0.0.1:PORT`, without a path. */
  readonly url: string;
  /**
   * Client messages per connection, JSON-parsed. A non-JSON text frame is recorded as its raw
   * string, a binary frame as `{ binary: byteLength }`. Rejected requests keep an empty entry.
   */
  connections(): unknown[][];
  /** Answered upgrade requests in the order they were answered, rejected ones included. */
  handshakes(): Handshake[];
  /** Resolves true once `n` handshakes are recorded, false on timeout. */
  waitForHandshakes(n: number, timeoutMs: number): Promise<boolean>;
  /** Resolves true once `connection` has recorded `count` messages, false on timeout. */
  waitForMessages(connection: number, count: number, timeoutMs: number): Promise<boolean>;
  /**
   * Per connection: how it closed, or undefined while open (or if it never opened). The code is the
   * one in the client's close frame, 1006 if none was read (terminate, client vanished, or a
   * protocol error such as maxPayload, after which ws stops reading).
   */
  closes(): (ServerClose | undefined)[];
  /** Resolves with how `connection` closed, or undefined on timeout. */
  waitForClose(connection: number, timeoutMs: number): Promise<ServerClose | undefined>;
  /** Sends an unscripted value now; throws if the connection is not open. */
  send(connection: number, value: ScriptValue): void;
  /** Starts a close handshake (default 1000, ''); before the upgrade is answered, drops the socket. */
  closeConnection(connection: number, code?: number, reason?: string): void;
  /** Destroys the TCP socket without a close frame; the client sees 1006. */
  terminate(connection: number): void;
  /**
   * Stops reading the socket so the kernel buffers fill and the client's `bufferedAmount` rises.
   * Without an index: every connection, including ones accepted later, until `resumeReading()`.
   */
  pauseReading(connection?: number): void;
  /** Reads again; without an index: every connection. */
  resumeReading(connection?: number): void;
  /** Terminates every socket and closes the server, leaving no open handle. Idempotent. */
  close(): Promise<void>;
}

type OutFrame = { kind: 'text'; data: string } | { kind: 'binary'; data: Uint8Array };

interface CompiledScript {
  batches: OutFrame[][];
  keepOpen: boolean;
  closeCode: number;
  closeReason: string;
  acceptDelayMs: number;
  reject: { status: number; body: string } | undefined;
  responseHeaders: [string, string][];
}

interface ConnState {
  readonly index: number;
  readonly script: CompiledScript;
  readonly socket: Duplex;
  readonly messages: unknown[];
  ws: WebSocket | undefined;
  closed: Promise<void> | undefined;
  close: ServerClose | undefined;
  paused: boolean;
  delayTimer: ReturnType<typeof setTimeout> | undefined;
}

interface Waiter {
  check(): void;
  expire(): void;
}

const MAX_TIMER_MS = 2_147_483_647;
const CLOSE_GRACE_MS = 2_000;
const UNSCRIPTED: CompiledScript = {
  batches: [],
  keepOpen: true,
  closeCode: 1000,
  closeReason: '',
  acceptDelayMs: 0,
  reject: undefined,
  responseHeaders: [],
};

/**
 * Starts a real WebSocket server on 127.0.0.1 (random port) that plays a script: for connection
 * `i`, each client message `k` is recorded and answered with `batches[k]`; after the last batch the
 * socket is closed with 1000 unless `keepOpen`. Connections beyond the script stay open and reply
 * nothing. Invalid scripts reject the returned promise.
 *
 * @example
 * ```ts
 * const server = await startScriptedServer([
 *   [[{ type: 'session.updated', session: { id: 'sess_1' } }], []],
 * ]);
 * // point the client at `${server.url}/v1/realtime`, send two messages, then:
 * expect(server.connections()[0]).toHaveLength(2);
 * await server.close();
 * ```
 *
 * @param connections The script of each connection, in the order they are accepted: a list of batches,
 *   or a {@link ScriptedConnection}.
 * @param options Server-wide options.
 * @return The running server, once it listens.
 */
export async function startScriptedServer(
  connections: ReadonlyArray<ScriptBatch[] | ScriptedConnection>,
  options: ScriptedServerOptions = {},
): Promise<ScriptedServer> {
  const given: unknown = connections; // JavaScript callers may pass anything
  if (!Array.isArray(given)) throw new TypeError('startScriptedServer: connections must be an array');
  const scripts = connections.map((entry, i) => compileScript(entry, i));

  const conns: ConnState[] = [];
  const handshakeList: Handshake[] = [];
  const sockets = new Set<Socket>();
  const waiters = new Set<Waiter>();
  const extraHeaders = new WeakMap<IncomingMessage, [string, string][]>();
  let pauseAll = false;
  let closing: Promise<void> | undefined;

  const http = createServer((_req, res) => {
    // Plain HTTP (health checks, probes) is not part of any script.
    res.writeHead(426, { Connection: 'close', 'Content-Type': 'text/plain', Upgrade: 'websocket' });
    res.end('Upgrade Required');
  });
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: options.perMessageDeflate ?? true,
    ...(options.maxPayload !== undefined ? { maxPayload: options.maxPayload } : {}),
  });

  const notify = (): void => {
    for (const w of [...waiters]) w.check();
  };

  const waitUntil = <T>(probe: () => T | undefined, timeoutMs: number, fallback: T): Promise<T> => {
    const now = probe();
    if (now !== undefined) return Promise.resolve(now);
    if (closing) return Promise.resolve(fallback);
    return new Promise<T>((resolve) => {
      const finish = (value: T): void => {
        clearTimeout(timer);
        waiters.delete(waiter);
        resolve(value);
      };
      const waiter: Waiter = {
        check: () => {
          const v = probe();
          if (v !== undefined) finish(v);
        },
        expire: () => finish(fallback),
      };
      const timer = setTimeout(() => finish(fallback), clampMs(timeoutMs));
      waiters.add(waiter);
    });
  };

  const requireConn = (index: number): ConnState => {
    const conn = Number.isInteger(index) ? conns[index] : undefined;
    if (!conn) throw new RangeError(`no connection ${index} (have ${conns.length})`);
    return conn;
  };

  const onMessage = (conn: ConnState, ws: WebSocket, data: RawData, isBinary: boolean): void => {
    const k = conn.messages.length;
    conn.messages.push(decodeMessage(data, isBinary));
    const { batches, keepOpen, closeCode, closeReason } = conn.script;
    const batch = batches[k];
    if (batch) {
      for (const frame of batch) sendFrame(ws, frame);
      if (k === batches.length - 1 && !keepOpen && ws.readyState === WebSocket.OPEN) {
        ws.close(closeCode, closeReason);
      }
    }
    notify();
  };

  const onAccepted = (conn: ConnState, ws: WebSocket): void => {
    conn.ws = ws;
    // Protocol errors (oversized or invalid frames) close the socket; closes() shows the code.
    ws.on('error', () => undefined);
    conn.closed = new Promise<void>((resolve) => {
      ws.once('close', (code: number, reason: Buffer) => {
        conn.close = { code, reason: reason.toString('utf8') };
        resolve();
        notify();
      });
    });
    ws.on('message', (data, isBinary) => onMessage(conn, ws, data, isBinary));
    if (conn.paused) ws.pause();
    if (closing) ws.terminate();
    else if (conn.script.batches.length === 0 && !conn.script.keepOpen) {
      ws.close(conn.script.closeCode, conn.script.closeReason);
    }
  };

  const answer = (conn: ConnState, req: IncomingMessage, head: Buffer): void => {
    const { socket, script } = conn;
    if (closing || socket.destroyed) return;
    const headers = flattenHeaders(req);
    handshakeList.push(
      Object.freeze({
        connection: conn.index,
        path: req.url ?? '',
        headers,
        header: (name: string) => headers[name.toLowerCase()],
      }),
    );
    if (script.reject) {
      writeRejection(socket, script.reject, script.responseHeaders);
    } else {
      if (script.responseHeaders.length > 0) extraHeaders.set(req, script.responseHeaders);
      wss.handleUpgrade(req, socket, head, (ws) => onAccepted(conn, ws));
    }
    notify();
  };

  http.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined); // a client vanishing mid-handshake must not crash the test
    if (closing) {
      socket.destroy();
      return;
    }
    const index = conns.length;
    const conn: ConnState = {
      index,
      script: scripts[index] ?? UNSCRIPTED,
      socket,
      messages: [],
      ws: undefined,
      closed: undefined,
      close: undefined,
      paused: pauseAll,
      delayTimer: undefined,
    };
    conns.push(conn);
    if (conn.script.acceptDelayMs <= 0) {
      answer(conn, req, head);
      return;
    }
    // While waiting, read the socket so that a client giving up (FIN) is noticed; a conforming
    // client sends nothing before the 101, but anything early is kept and handed to ws.
    const early: Buffer[] = [head];
    const onData = (chunk: Buffer): void => {
      early.push(chunk);
    };
    const onEnd = (): void => {
      socket.destroy();
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    conn.delayTimer = setTimeout(() => {
      conn.delayTimer = undefined;
      socket.off('data', onData);
      socket.off('end', onEnd);
      // handleUpgrade attaches its own 'data' listener synchronously, so no chunk is lost.
      answer(conn, req, Buffer.concat(early));
    }, clampMs(conn.script.acceptDelayMs));
  });

  wss.on('headers', (headers: string[], req: IncomingMessage) => {
    for (const [name, value] of extraHeaders.get(req) ?? []) headers.push(`${name}: ${value}`);
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    http.once('error', onError);
    http.listen(0, '127.0.0.1', () => {
      http.off('error', onError);
      resolve();
    });
  });
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('scripted server has no TCP address');
  const url = `ws://127.0.0.1:${address.port}`;

  const close = (): Promise<void> => {
    closing ??= (async () => {
      for (const conn of conns) {
        if (conn.delayTimer !== undefined) clearTimeout(conn.delayTimer);
        conn.delayTimer = undefined;
        if (conn.ws) conn.ws.terminate();
        else conn.socket.destroy();
      }
      for (const socket of sockets) socket.destroy();
      wss.close();
      const serverClosed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      const wsClosed = Promise.all(conns.map((c) => c.closed ?? Promise.resolve()));
      let grace: ReturnType<typeof setTimeout> | undefined;
      const graceOver = new Promise<void>((resolve) => {
        grace = setTimeout(resolve, CLOSE_GRACE_MS);
      });
      await Promise.race([Promise.all([serverClosed, wsClosed]), graceOver]);
      clearTimeout(grace);
      for (const w of [...waiters]) w.check();
      for (const w of [...waiters]) w.expire();
    })();
    return closing;
  };

  return {
    url,
    connections: () => conns.map((c) => [...c.messages]),
    handshakes: () => [...handshakeList],
    waitForHandshakes: (n, timeoutMs) =>
      waitUntil(() => (handshakeList.length >= n ? true : undefined), timeoutMs, false),
    waitForMessages: (connection, count, timeoutMs) =>
      waitUntil(
        () => ((conns[connection]?.messages.length ?? -1) >= count ? true : undefined),
        timeoutMs,
        false,
      ),
    closes: () => conns.map((c) => (c.close ? { ...c.close } : undefined)),
    waitForClose: (connection, timeoutMs) =>
      waitUntil<ServerClose | undefined>(() => conns[connection]?.close, timeoutMs, undefined).then((c) =>
        c ? { ...c } : undefined,
      ),
    send: (connection, value) => {
      const conn = requireConn(connection);
      const frame = compileValue(value, `send(${connection})`);
      if (!conn.ws || conn.ws.readyState !== WebSocket.OPEN)
        throw new Error(`connection ${connection} is not open`);
      sendFrame(conn.ws, frame);
    },
    closeConnection: (connection, code = 1000, reason = '') => {
      const conn = requireConn(connection);
      if (conn.ws) conn.ws.close(code, reason);
      else conn.socket.destroy();
    },
    terminate: (connection) => {
      const conn = requireConn(connection);
      if (conn.ws) conn.ws.terminate();
      else conn.socket.destroy();
    },
    pauseReading: (connection) => {
      const targets = connection === undefined ? conns : [requireConn(connection)];
      if (connection === undefined) pauseAll = true;
      for (const conn of targets) {
        conn.paused = true;
        conn.ws?.pause();
      }
    },
    resumeReading: (connection) => {
      const targets = connection === undefined ? conns : [requireConn(connection)];
      if (connection === undefined) pauseAll = false;
      for (const conn of targets) {
        conn.paused = false;
        conn.ws?.resume();
      }
    },
    close,
  };
}

function compileScript(entry: ScriptBatch[] | ScriptedConnection, i: number): CompiledScript {
  const where = `connections[${i}]`;
  const spec: ScriptedConnection = Array.isArray(entry) ? { batches: entry } : entry;
  if (spec === null || typeof spec !== 'object' || !Array.isArray(spec.batches)) {
    throw new TypeError(`${where}: expected an array of batches or { batches: [...] }`);
  }
  const batches = spec.batches.map((batch, b) => {
    if (!Array.isArray(batch)) throw new TypeError(`${where}.batches[${b}]: a batch must be an array`);
    return batch.map((value, v) => compileValue(value, `${where}.batches[${b}][${v}]`));
  });
  const closeCode = spec.closeCode ?? 1000;
  if (!isValidCloseCode(closeCode)) throw new RangeError(`${where}.closeCode: ${closeCode} cannot be sent`);
  const closeReason = spec.closeReason ?? '';
  if (typeof closeReason !== 'string' || Buffer.byteLength(closeReason) > 123) {
    throw new RangeError(`${where}.closeReason: must be a string of at most 123 UTF-8 bytes`);
  }
  const acceptDelayMs = spec.acceptDelayMs ?? 0;
  if (typeof acceptDelayMs !== 'number' || !(acceptDelayMs >= 0) || !Number.isFinite(acceptDelayMs)) {
    throw new RangeError(`${where}.acceptDelayMs: must be a finite number >= 0`);
  }
  let reject: CompiledScript['reject'];
  if (spec.reject !== undefined) {
    const { status, body = '' } = spec.reject;
    if (!Number.isInteger(status) || status < 200 || status > 599) {
      throw new RangeError(`${where}.reject.status: must be an HTTP status 200-599`);
    }
    if (typeof body !== 'string') throw new TypeError(`${where}.reject.body: must be a string`);
    reject = { status, body };
  }
  const responseHeaders = Object.entries(spec.responseHeaders ?? {}).map(
    ([name, value]): [string, string] => {
      if (
        !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) ||
        typeof value !== 'string' ||
        /[\r\n\0]/.test(value)
      ) {
        throw new TypeError(`${where}.responseHeaders: invalid header ${JSON.stringify(name)}`);
      }
      return [name, value];
    },
  );
  return {
    batches,
    keepOpen: spec.keepOpen ?? false,
    closeCode,
    closeReason,
    acceptDelayMs,
    reject,
    responseHeaders,
  };
}

function compileValue(value: ScriptValue, where: string): OutFrame {
  if (value instanceof ScriptFrame) {
    return value.kind === 'text'
      ? { kind: 'text', data: value.data as string }
      : { kind: 'binary', data: value.data as Uint8Array };
  }
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`${where}: value is not JSON-serializable`);
  return { kind: 'text', data: json };
}

function sendFrame(ws: WebSocket, frame: OutFrame): void {
  if (ws.readyState !== WebSocket.OPEN) return;
  if (frame.kind === 'text') ws.send(frame.data);
  else ws.send(frame.data, { binary: true });
}

function decodeMessage(data: RawData, isBinary: boolean): unknown {
  const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  if (isBinary) return { binary: buf.byteLength };
  const text = buf.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function writeRejection(
  socket: Duplex,
  reject: { status: number; body: string },
  extra: [string, string][],
): void {
  const lines = [
    `HTTP/1.1 ${reject.status} ${STATUS_CODES[reject.status] ?? 'Unknown'}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(reject.body)}`,
    ...extra.map(([name, value]) => `${name}: ${value}`),
  ];
  // Destroy once flushed, as ws does, so a client that never closes its side leaves no socket behind.
  socket.once('finish', () => socket.destroy());
  socket.end(`${lines.join('\r\n')}\r\n\r\n${reject.body}`);
}

// The codes ws lets a peer send (RFC 6455 §7.4); anything else would throw inside an event handler.
function isValidCloseCode(code: number): boolean {
  return (
    Number.isInteger(code) &&
    ((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
      (code >= 3000 && code <= 4999))
  );
}

function clampMs(ms: number): number {
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_TIMER_MS) : ms > 0 ? MAX_TIMER_MS : 0;
}
