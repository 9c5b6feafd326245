import { asyncScheduler, Observable, Subject, type SchedulerLike, type Subscription } from 'rxjs';
import type { OpenAIServerEvent } from '../protocol/openai/wire/index.js';
import type { WebSocketFactory, WebSocketLike } from '../transport/webSocketLike.js';
import { openaiServerEvent, type OpenAIServerEventFields } from './openaiServerEvent.js';

/**
 * One thing the fake server does to a {@link TestSocket}, at the virtual time it is emitted. Build them
 * with {@link server}.
 *
 * @example
 * ```ts
 * const actions: Record<string, ServerAction> = { o: server.open(), s: server.stall(), d: server.drain() };
 * const sockets = createTestSocket({ server: hot('o-s---d', actions) });
 * ```
 */
export type ServerAction =
  | { readonly type: 'open' }
  | { readonly type: 'message'; readonly data: string }
  | { readonly type: 'binary'; readonly bytes: Uint8Array }
  | { readonly type: 'close'; readonly code: number; readonly reason: string }
  | { readonly type: 'drop'; readonly error: string | undefined }
  | {
      readonly type: 'refuse';
      readonly error: string;
      /** The HTTP answer, for a handshake the server refused with a status. */
      readonly response?: { readonly status: number; readonly body: string };
    }
  | { readonly type: 'stall' }
  | { readonly type: 'drain' };

/**
 * Builders for {@link ServerAction}s, to use as marble values.
 *
 * @example
 * ```ts
 * testScheduler.run(({ hot }) => {
 *   const sockets = createTestSocket({
 *     server: hot('o-m-x', {
 *       o: server.open(),
 *       m: server.event('session.created', { session: { type: 'realtime', id: 's1' } }),
 *       x: server.close(4000, 'bye'),
 *     }),
 *   });
 * });
 * ```
 */
export const server = {
  /** The handshake succeeds. */
  open: (): ServerAction => ({ type: 'open' }),
  /** A text frame holding `value` as JSON (a string is sent as JSON too; use `raw` for verbatim text). */
  message: (value: unknown): ServerAction => ({ type: 'message', data: JSON.stringify(value) }),
  /**
   * A complete, valid OpenAI GA server event of `type` as a text frame: `fields` over defaults for
   * every required field (see {@link openaiServerEvent}).
   */
  event: <T extends OpenAIServerEvent['type']>(
    type: T,
    fields?: OpenAIServerEventFields<T>,
  ): ServerAction => ({
    type: 'message',
    data: JSON.stringify(openaiServerEvent(type, fields)),
  }),
  /** A text frame sent verbatim, e.g. malformed JSON. */
  raw: (text: string): ServerAction => ({ type: 'message', data: text }),
  /** A binary frame. */
  binary: (bytes: Uint8Array): ServerAction => ({ type: 'binary', bytes }),
  /** The server closes cleanly with `code` (default 1000). */
  close: (code = 1000, reason = ''): ServerAction => ({ type: 'close', code, reason }),
  /** The connection is lost: close 1006 without a close frame, after an error event when `error` is given (e.g. 'read ECONNRESET'). */
  drop: (error?: string): ServerAction => ({ type: 'drop', error }),
  /**
   * The handshake fails: an error, then close 1006, without ever opening. Given a status (and a body),
   * the server answered with it, as a `ws` socket reports it (`handshakeResponse`; a 401 by default):
   * the close carries the status, which decides whether a reconnect is tried. Given a message, it
   * failed below HTTP, e.g. `'connect ECONNREFUSED 127.0.0.1:9'`.
   */
  refuse: (how: string | { status: number; body?: string } = { status: 401 }): ServerAction =>
    typeof how === 'string'
      ? { type: 'refuse', error: how }
      : {
          type: 'refuse',
          error: `Unexpected server response: ${how.status}`,
          response: { status: how.status, body: how.body ?? '' },
        },
  /** The server stops reading: what the client sends stays in its send buffer. */
  stall: (): ServerAction => ({ type: 'stall' }),
  /** The server reads again: the send buffer empties. */
  drain: (): ServerAction => ({ type: 'drain' }),
};

/**
 * A frame the client sent, with the virtual time it was sent at.
 *
 * @example
 * ```ts
 * const first: SentFrame = sockets.sockets[0]!.sent[0]!;
 * expect(first.json).toMatchObject({ type: 'session.update' });
 * ```
 */
export interface SentFrame {
  /** When it was sent, on the socket's scheduler (virtual ms inside `TestScheduler.run`). */
  readonly time: number;
  /** The text frame as sent. */
  readonly data: string;
  /** `data` parsed as JSON, or `undefined` if it is not JSON. */
  readonly json: unknown;
}

/**
 * What the factory was called with, and everything the socket saw.
 *
 * @example
 * ```ts
 * const socket: TestSocket = sockets.sockets[0]!;
 * expect(socket.url).toBe('ws://test/v1/realtime?model=gpt-realtime');
 * socket.act(server.message({ type: 'session.created', session: { id: 's1' } }));
 * expect(socket.clientClose).toBeUndefined();
 * ```
 */
export interface TestSocket extends WebSocketLike {
  /** The URL the client opened. */
  readonly url: string;
  /** The subprotocols the client offered. */
  readonly protocols: string[] | undefined;
  /** The handshake headers the client asked for. */
  readonly headers: Record<string, string> | undefined;
  /** Every frame the client sent, in order. */
  readonly sent: readonly SentFrame[];
  /** The JSON of every frame the client sends, emitted when it is sent (for `expectObservable`). */
  readonly sent$: Observable<unknown>;
  /** The close the client asked for, if it did. */
  readonly clientClose:
    | {
        /** When the client called `close`. */
        readonly time: number;
        /** The code it gave (1000 when none). */
        readonly code: number;
        /** The reason it gave. */
        readonly reason: string;
      }
    | undefined;
  /** Applies one server action now (the marble script calls this; tests may too). */
  act(action: ServerAction): void;
}

/**
 * Options of {@link createTestSocket}: the fake server's script and the clock.
 *
 * @example
 * A new script per socket: the first connection drops, the second opens
 * ```ts
 * const options: TestSocketOptions = {
 *   server: (index) => (index === 0 ? cold('-x', { x: server.drop('read ECONNRESET') }) : cold('-o', { o: server.open() })),
 *   scheduler: testScheduler,
 * };
 * const sockets = createTestSocket(options);
 * ```
 */
export interface TestSocketOptions {
  /**
   * The server's script for each socket the client opens: a (hot) observable of actions, or a function
   * of the socket's index giving one. Without it, drive the sockets by hand with `act`.
   */
  server?: Observable<ServerAction> | ((index: number, socket: TestSocket) => Observable<ServerAction>);
  /** Clock for `sent` timestamps and close delivery (default `asyncScheduler`, virtual inside `TestScheduler.run`). */
  scheduler?: SchedulerLike;
}

/**
 * A WebSocket factory that records the sockets it made: what {@link createTestSocket} returns.
 *
 * @example
 * ```ts
 * const sockets: TestSocketFactory = createTestSocket();
 * const conversation = connectConversation({ url: 'ws://test', webSocket: sockets });
 * sockets.sockets[0]!.act(server.open());
 * ```
 */
export interface TestSocketFactory extends WebSocketFactory {
  /** Every socket the client opened, in order. */
  readonly sockets: readonly TestSocket[];
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/**
 * A WebSocket factory whose sockets are played by a script under `TestScheduler`, so a whole
 * conversation can be marble-tested without a network: the server's frames are a hot observable of
 * {@link ServerAction}s, and what the client sent is recorded with virtual timestamps.
 *
 * @example
 * ```ts
 * testScheduler.run(({ hot, expectObservable }) => {
 *   const sockets = createTestSocket({
 *     server: hot('-o-a', { o: server.open(), a: server.message({ type: 'session.created', session: { id: 's1' } }) }),
 *   });
 *   const conversation = connectConversation({ url: 'ws://test', webSocket: sockets, scheduler: testScheduler });
 *   expectObservable(conversation.events$).toBe('---a', { a: { type: 'session.created', sessionId: 's1' } });
 * });
 * ```
 */
export function createTestSocket(options: TestSocketOptions = {}): TestSocketFactory {
  const sockets: FakeSocket[] = [];
  const scheduler = options.scheduler ?? asyncScheduler;
  const factory: WebSocketFactory = (url, protocols, headers) => {
    const socket = new FakeSocket(url, protocols, headers, scheduler);
    const index = sockets.push(socket) - 1;
    const script =
      typeof options.server === 'function'
        ? options.server(index, socket)
        : index === 0
          ? options.server
          : undefined;
    if (script !== undefined) socket.play(script);
    return socket;
  };
  return Object.assign(factory, { sockets: sockets });
}

class FakeSocket implements TestSocket {
  readyState = CONNECTING;
  bufferedAmount = 0;
  binaryType = 'blob';
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  readonly sent: SentFrame[] = [];
  clientClose: TestSocket['clientClose'];
  handshakeResponse: WebSocketLike['handshakeResponse'];

  private readonly sentSubject = new Subject<unknown>();
  readonly sent$ = this.sentSubject.asObservable();
  private stalled = false;
  /** Send callbacks waiting for a stalled buffer to drain, as `ws` calls them once data is written. */
  private pendingDone: ((error?: Error) => void)[] = [];
  private script: Subscription | undefined;

  constructor(
    readonly url: string,
    readonly protocols: string[] | undefined,
    readonly headers: Record<string, string> | undefined,
    private readonly scheduler: SchedulerLike,
  ) {}

  play(script: Observable<ServerAction>): void {
    this.script = script.subscribe((action) => this.act(action));
  }

  send(data: string, done?: (error?: Error) => void): void {
    if (this.readyState !== OPEN) throw new Error(`WebSocket is not open: readyState ${this.readyState}`);
    this.sent.push({ time: this.scheduler.now(), data, json: parseJson(data) });
    if (this.stalled) {
      this.bufferedAmount += data.length;
      if (done) this.pendingDone.push(done);
    }
    this.sentSubject.next(parseJson(data));
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState === CLOSING || this.readyState === CLOSED) return;
    this.clientClose = { time: this.scheduler.now(), code, reason };
    if (this.readyState === CONNECTING) {
      // As browsers and ws do: closing before the handshake fails the connection.
      this.readyState = CLOSING;
      this.scheduler.schedule(() =>
        this.finish(1006, '', 'WebSocket was closed before the connection was established'),
      );
      return;
    }
    this.readyState = CLOSING;
    // The server answers the close frame at once, unless it is not reading.
    if (!this.stalled) this.scheduler.schedule(() => this.finish(code, reason));
  }

  act(action: ServerAction): void {
    if (this.readyState === CLOSED) return;
    switch (action.type) {
      case 'open':
        if (this.readyState !== CONNECTING) return;
        this.readyState = OPEN;
        this.onopen?.({});
        return;
      case 'message':
        if (this.readyState === OPEN) this.onmessage?.({ data: action.data });
        return;
      case 'binary':
        if (this.readyState === OPEN)
          this.onmessage?.({
            data: action.bytes.buffer.slice(
              action.bytes.byteOffset,
              action.bytes.byteOffset + action.bytes.byteLength,
            ),
          });
        return;
      case 'close':
        return this.finish(action.code, action.reason);
      case 'drop':
        return this.finish(1006, '', action.error);
      case 'refuse':
        if (this.readyState !== CONNECTING) return;
        this.handshakeResponse = action.response;
        this.finish(1006, '', action.error);
        return;
      case 'stall':
        this.stalled = true;
        return;
      case 'drain': {
        this.stalled = false;
        this.bufferedAmount = 0;
        const done = this.pendingDone;
        this.pendingDone = [];
        for (const callback of done) callback();
        if (this.readyState === CLOSING && this.clientClose)
          this.finish(this.clientClose.code, this.clientClose.reason);
        return;
      }
    }
  }

  terminate(): void {
    this.finish(1006, '');
  }

  private finish(code: number, reason: string, error?: string): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.script?.unsubscribe();
    this.pendingDone = [];
    if (error !== undefined) this.onerror?.({ message: error });
    this.onclose?.({ code, reason });
    this.sentSubject.complete();
  }
}

function parseJson(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}
