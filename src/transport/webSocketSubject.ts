import {
  asyncScheduler,
  noop,
  Observable,
  type Observer,
  type SchedulerLike,
  type Subscriber,
  type TeardownLogic,
} from 'rxjs';
import { errorText, RealtimeError } from '../protocol/errors.js';
import { Signal, type SignalFollower } from '../operators/signal.js';
import type { CongestionConfig } from './backlogProbe.js';
import { Connection, handlersCalling, type ConnectionSettings } from './connection.js';
import type { CorkableSocket } from './corkableSocket.js';
import { FrameWriter } from './frameWriter.js';
import type { TransportEvent, TransportListener } from './transportEvent.js';
import { Writability, type WritabilityLimits } from './writability.js';
import { SocketState, type WebSocketFactory, type WebSocketLike } from './webSocketLike.js';

export type {
  TransportBinary,
  TransportClose,
  TransportEvent,
  TransportListener,
  TransportOpen,
} from './transportEvent.js';

/**
 * Configuration of a {@link WebSocketSubject}: where to connect, how to open the socket, and the limits
 * of its send buffer, timeouts and keepalive.
 *
 * @example
 * ```ts
 * const config: WebSocketSubjectConfig = {
 *   url: 'ws://127.0.0.1:8011/ws',
 *   factory: nodeWebSocketFactory(),
 *   highWaterMark: 128 * 1024,
 *   keepalive: { intervalMs: 10_000, deadMs: 20_000 },
 * };
 * const socket = new WebSocketSubject(config);
 * ```
 */
export interface WebSocketSubjectConfig {
  /** The WebSocket URL (`ws://` or `wss://`), path and query included. */
  url: string;
  /** WebSocket subprotocols to offer. */
  protocols?: string[];
  /** Handshake headers, sent where the factory can send them (Node). */
  headers?: Record<string, string>;
  /** Opens the socket, e.g. {@link nodeWebSocketFactory} or {@link browserWebSocketFactory}. */
  factory: WebSocketFactory;
  /** Not writable once this many bytes wait in the send buffer (default 64 KiB). */
  highWaterMark?: number;
  /** Writable again at or below this many (default: half the high-water mark). */
  lowWaterMark?: number;
  /** How often to look at `bufferedAmount` while blocked, for platforms without a send callback (ms, default 10). */
  drainPollMs?: number;
  /** How long a requested close may take before the socket is dropped (ms, default 3000). */
  closeTimeoutMs?: number;
  /** How long the handshake may take before the attempt is abandoned (ms, default 10 000). */
  connectTimeoutMs?: number;
  /**
   * Keepalive, where the socket can ping (`ws` on Node): after `intervalMs` with nothing heard, a ping;
   * after `deadMs` with nothing heard (no pong, no message), the peer is dead and the socket is dropped.
   * Default 15 000 / 30 000; `false` turns it off.
   */
  keepalive?: { intervalMs: number; deadMs: number } | false;
  /**
   * Largest inbound text frame, in UTF-16 code units (a lower bound of its bytes). Bigger frames end the
   * socket with 1009. The platform's own limit (`maxPayload` on Node) refuses them before they are read.
   */
  maxMessageChars?: number;
  /**
   * Congestion of the whole uplink, where the socket can ping (`ws` on Node): the socket is not writable
   * while the queueing delay measured by ping->pong (see {@link CongestionConfig}) is above
   * `maxDelayMs`, so audio is held and dropped here instead of piling up unseen in the operating
   * system's buffers. Default `{ maxDelayMs: 100, probeIntervalMs: 100 }`; `false` turns it off
   * (browsers cannot ping: there only `bufferedAmount` counts).
   */
  congestion?: CongestionConfig | false;
  /** For the timers (connect, close, keepalive, drain polling) and the clock; default `asyncScheduler`. */
  scheduler?: SchedulerLike;
}

/**
 * Our WebSocket Subject: an Observable of socket events and an Observer of outbound text frames.
 *
 * Unlike `rxjs/webSocket` it never buffers (sending on a socket that is not open throws), never
 * errors (every ending is a final `close` event carrying the code, the reason and what failed, then
 * completion), survives bad frames (it does not parse them), can send handshake headers through its
 * factory, and tells its writer when to hold back: `writable$` is true while the socket is open and
 * its send buffer is below the high-water mark.
 *
 * Subscribing opens the socket; one socket per subscription, and one subscription at a time.
 * Unsubscribing closes it with 1000.
 *
 * @example
 * Send a frame once the socket is open, log what comes back
 * ```ts
 * import { defaultWebSocketFactory, WebSocketSubject } from 'realtime-rx';
 *
 * const socket = new WebSocketSubject({ url: 'ws://127.0.0.1:8011/ws', factory: defaultWebSocketFactory });
 * socket.subscribe((event) => {
 *   if (typeof event === 'string') console.log('received', event);
 *   else if (event.type === 'open') socket.next(JSON.stringify({ type: 'session.create', session: {} }));
 *   else if (event.type === 'close') console.log('closed with', event.code);
 * });
 * socket.writable$.subscribe((writable) => console.log(writable ? 'can send' : 'hold back'));
 * ```
 *
 * @see {@link WebSocketSubjectConfig}
 * @see {@link TransportEvent}
 */
export class WebSocketSubject extends Observable<TransportEvent> implements Observer<string> {
  /**
   * True while frames can be sent without growing the send buffer past the high-water mark and,
   * where the socket can ping, without queueing behind more than `congestion.maxDelayMs` of backlog.
   */
  readonly writable$: Observable<boolean>;

  private readonly writable = new Signal(false);
  private socket: WebSocketLike | undefined;
  /** Writes the socket's frames (see FrameWriter); made with the socket. */
  private writer: FrameWriter | undefined;
  /** Whether the socket can take more (see Writability); made with the socket. */
  private flow: Writability | undefined;
  /** The socket's life (see Connection); made with the socket. */
  private connection: Connection | undefined;
  /** The config's limits and timeouts, defaults applied: what the writability and the connection read. */
  private readonly limits: WritabilityLimits & ConnectionSettings;

  constructor(private readonly config: WebSocketSubjectConfig) {
    // One function for every subject (RxJS calls it with the Observable as `this`): no closure each.
    super(subscribeSubject);
    const highWaterMark = config.highWaterMark ?? 64 * 1024;
    this.limits = {
      highWaterMark,
      lowWaterMark: config.lowWaterMark ?? highWaterMark / 2,
      drainPollMs: config.drainPollMs ?? 10,
      congestion: config.congestion,
      scheduler: config.scheduler ?? asyncScheduler,
      connectTimeoutMs: config.connectTimeoutMs ?? 10_000,
      closeTimeoutMs: config.closeTimeoutMs ?? 3000,
      keepalive: config.keepalive ?? DEFAULT_KEEPALIVE,
      maxMessageChars: config.maxMessageChars ?? Infinity,
    };
    this.writable$ = this.writable;
  }

  /**
   * @internal Has `follower` set to every change of `writable$` from now on, directly, without a
   * subscription (one follower; a later one replaces it): the conversation's writability, which
   * outlives sockets, follows each socket's this way.
   */
  watchWritable(follower: SignalFollower<boolean>): void {
    this.writable.follow(follower);
  }

  /**
   * Sends one text frame and returns true; returns false and sends nothing when the socket is not
   * open (still connecting, or closing - the peer may have started closing before we heard of it),
   * after marking it unwritable.
   *
   * On sockets that can cork (`ws` on Node), the frame is written at the end of the current job,
   * together with every other frame given to any socket in it, in order, and before a `close`.
   */
  send(data: string): boolean {
    if (!this.isOpen()) return false;
    this.writer!.send(data);
    this.flow!.sent(data.length);
    return true;
  }

  /**
   * {@link send} of the text `head + body + tail`, where the socket can frame the three parts without
   * joining them (our `ws` sockets: an audio frame's JSON around its base64, with no string built and
   * copied per frame); elsewhere the same as `send` of the joined text.
   */
  sendJoined(head: string, body: string, tail: string): boolean {
    if (this.writer?.sendParts(head, body, tail) !== true) return this.send(head + body + tail);
    this.flow!.sent(head.length + body.length + tail.length);
    return true;
  }

  /**
   * @internal Asks for a ping on the open socket, where it can ping and none is out already (see
   * `TransportListener.pinged`): its pong proves the peer read what was sent before it.
   */
  pingSoon(): void {
    this.connection?.requestPing();
  }

  /** Whether the socket is open; if not, marks the subject unwritable (what a refused send does). */
  private isOpen(): boolean {
    if (this.socket?.readyState === SocketState.OPEN) return true;
    this.flow?.setUnwritable();
    return false;
  }

  /** Sends one text frame. Throws a `RealtimeError` (`not_running`) when the socket is not open. */
  next(data: string): void {
    if (!this.send(data)) throw new RealtimeError('not_running', 'the WebSocket is not open');
  }

  /** An upstream failure: close the socket with 1011 (internal error). */
  error(): void {
    this.close(1011, 'client error');
  }

  /** Upstream is done: close the socket normally. */
  complete(): void {
    this.close(1000);
  }

  /**
   * Starts the closing handshake. If it has not finished after `closeTimeoutMs`, the socket is dropped
   * and the subject ends with code 1006. Idempotent.
   */
  close(code = 1000, reason = ''): void {
    this.connection?.close(code, reason);
  }

  /**
   * @internal Opens the socket for `listener` without a subscription (and so without the subscriber
   * objects RxJS makes for one): what a conversation does. The same events as a subscriber gets;
   * `close()` ends it.
   */
  open(listener: TransportListener): TeardownLogic {
    return this.connect(listener);
  }

  private connect(subscriber: TransportListener): TeardownLogic {
    if (this.socket !== undefined) {
      subscriber.next({
        type: 'close',
        code: 1006,
        reason: '',
        opened: false,
        error: 'this WebSocketSubject is already connected',
      });
      subscriber.complete();
      return noop;
    }
    const { url, protocols, headers, factory } = this.config;
    let socket: WebSocketLike;
    try {
      socket = factory(url, protocols, headers);
    } catch (e) {
      subscriber.next({ type: 'close', code: 1006, reason: '', opened: false, error: errorText(e) });
      subscriber.complete();
      return noop;
    }
    this.socket = socket;
    socket.binaryType = 'arraybuffer';
    const writer = (this.writer = new FrameWriter(socket, this.limits.highWaterMark));
    const flow = (this.flow = new Writability(socket, writer, this.writable, this.limits));
    const connection = (this.connection = new Connection(
      socket,
      writer,
      flow,
      this.writable,
      this.limits,
      subscriber,
    ));
    const direct = socket as Partial<CorkableSocket>;
    if (typeof direct.listen === 'function') direct.listen(connection);
    else handlersCalling(socket, connection);
    return connection;
  }
}

function subscribeSubject(
  this: Observable<TransportEvent>,
  subscriber: Subscriber<TransportEvent>,
): TeardownLogic {
  return (this as WebSocketSubject).open(subscriber);
}

const DEFAULT_KEEPALIVE = Object.freeze({ intervalMs: 15_000, deadMs: 30_000 });
