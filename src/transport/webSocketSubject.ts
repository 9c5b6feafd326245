import {
  asyncScheduler,
  noop,
  Observable,
  type Observer,
  type SchedulerLike,
  type Subscriber,
  type Subscription,
} from 'rxjs';
import { errorText, RealtimeError } from '../protocol/errors.js';
import { Signal } from '../operators/signal.js';
import type { CongestionConfig } from './backlogProbe.js';
import { FrameWriter } from './frameWriter.js';
import { startKeepalive, type Liveness } from './keepalive.js';
import { Writability, type WritabilityLimits } from './writability.js';
import { SocketState, type WebSocketFactory, type WebSocketLike } from './webSocketLike.js';

/**
 * The socket finished its handshake: the first event of a {@link WebSocketSubject} that connects.
 *
 * @example
 * ```ts
 * socket.pipe(filter((event): event is TransportOpen => typeof event !== 'string' && event.type === 'open'));
 * ```
 */
export interface TransportOpen {
  /** Always `'open'`. */
  readonly type: 'open';
}
/**
 * A binary frame arrived (realtime dialects speak JSON text, so this is reported, not decoded).
 *
 * @example
 * ```ts
 * socket.subscribe((event) => {
 *   if (typeof event !== 'string' && event.type === 'binary') console.warn(`ignored ${event.byteLength} bytes`);
 * });
 * ```
 */
export interface TransportBinary {
  /** Always `'binary'`. */
  readonly type: 'binary';
  /** The frame's size in bytes. */
  readonly byteLength: number;
}
/**
 * The socket is closed; always the last event of a {@link WebSocketSubject}, which never errors.
 *
 * @example
 * ```ts
 * socket.subscribe((event) => {
 *   if (typeof event !== 'string' && event.type === 'close') {
 *     console.log(`closed ${event.code}`, event.error ?? event.reason, event.timedOut ? '(timed out)' : '');
 *   }
 * });
 * ```
 */
export interface TransportClose {
  /** Always `'close'`. */
  readonly type: 'close';
  /** The close code (1006 when the connection dropped without a close frame). */
  readonly code: number;
  /** The close reason text (empty when none was given). */
  readonly reason: string;
  /** Whether the handshake had completed. */
  readonly opened: boolean;
  /**
   * What failed, when something did (a refused connection, a reset, a handshake answered with a status:
   * `Unexpected server response: 401: <the first 200 bytes of the body>` on Node).
   */
  readonly error?: string;
  /**
   * The HTTP status of a handshake the server refused instead of switching protocols (401, 503...).
   * Known where the socket can see it (`ws` on Node, through our factory); browsers cannot.
   */
  readonly status?: number;
  /** The socket was given up by a timeout of ours (connect, keepalive or close), not by the peer. */
  readonly timedOut?: true;
}
/**
 * What a {@link WebSocketSubject} emits. A text frame is the string itself: the inbound hot path
 * allocates no wrapper per message.
 *
 * @example
 * ```ts
 * function describe(event: TransportEvent): string {
 *   if (typeof event === 'string') return `text: ${event}`;
 *   switch (event.type) {
 *     case 'open':
 *       return 'open';
 *     case 'binary':
 *       return `binary: ${event.byteLength} bytes`;
 *     case 'close':
 *       return `closed: ${event.code}`;
 *   }
 * }
 * ```
 */
export type TransportEvent = string | TransportOpen | TransportBinary | TransportClose;

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
   * while the queueing delay measured by ping→pong (see {@link CongestionConfig}) is above
   * `maxDelayMs`, so audio is held and dropped here instead of piling up unseen in the operating
   * system's buffers. Default `{ maxDelayMs: 100, probeIntervalMs: 100 }`; `false` turns it off
   * (browsers cannot ping: there only `bufferedAmount` counts).
   */
  congestion?: CongestionConfig | false;
  /** For the timers (connect, close, keepalive, drain polling) and the clock; default `asyncScheduler`. */
  scheduler?: SchedulerLike;
}

const OPEN: TransportOpen = Object.freeze({ type: 'open' });

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
  private readonly limits: WritabilityLimits;
  private closeTimer: Subscription | undefined;
  /** Drops the socket and ends the subject now (the close timeout). */
  private forceClose: () => void = noop;

  constructor(private readonly config: WebSocketSubjectConfig) {
    super((subscriber) => this.connect(subscriber));
    const highWaterMark = config.highWaterMark ?? 64 * 1024;
    this.limits = {
      highWaterMark,
      lowWaterMark: config.lowWaterMark ?? highWaterMark / 2,
      drainPollMs: config.drainPollMs ?? 10,
      congestion: config.congestion,
      scheduler: config.scheduler ?? asyncScheduler,
    };
    this.writable$ = this.writable;
  }

  /**
   * Sends one text frame and returns true; returns false and sends nothing when the socket is not
   * open (still connecting, or closing — the peer may have started closing before we heard of it),
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
    const socket = this.socket;
    if (socket === undefined || this.closeTimer !== undefined) return;
    if (socket.readyState === SocketState.CLOSED) return;
    // What this job gave goes out before the close frame.
    if (this.writer!.writeNow()) this.flow!.pingWritten();
    this.flow!.close();
    // The timer first: a socket may report its close synchronously, and the end must then cancel it.
    this.closeTimer = this.limits.scheduler.schedule(
      () => this.forceClose(),
      this.config.closeTimeoutMs ?? 3000,
    );
    socket.close(code, reason);
  }

  private connect(subscriber: Subscriber<TransportEvent>): () => void {
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
    const scheduler = this.limits.scheduler;
    const writer = (this.writer = new FrameWriter(socket, this.limits.highWaterMark));
    const flow = (this.flow = new Writability(socket, writer, this.writable, this.limits));
    let opened = false;
    let ended = false;
    let failure: string | undefined;
    /** `ws` refused an inbound frame over `maxPayload`: it closes with 1009 but reports 1006 (it stops reading). */
    let oversize = false;
    let timedOut = false;

    const end = (code: number, reason: string): void => {
      if (ended) return;
      ended = true;
      connectTimer.unsubscribe();
      keepalive?.unsubscribe();
      writer.discard(); // dropped or closed by the peer: nothing more can be written
      flow.finish();
      this.closeTimer?.unsubscribe();
      this.writable.complete();
      if (oversize) code = 1009;
      const close: { -readonly [K in keyof TransportClose]: TransportClose[K] } = {
        type: 'close',
        code,
        reason,
        opened,
      };
      const refused = opened ? undefined : socket.handshakeResponse;
      if (refused !== undefined) {
        close.status = refused.status;
        // The refusal says more than the error the platform made of it; our own timeout stays the cause.
        if (!timedOut) failure = refusalText(refused);
      }
      if (failure !== undefined) close.error = failure;
      if (timedOut) close.timedOut = true;
      subscriber.next(close);
      subscriber.complete();
    };
    const drop = (why: string, code = 1006, timeout = true): void => {
      failure ??= why;
      timedOut ||= timeout;
      socket.terminate?.();
      if (socket.terminate === undefined) socket.close(code === 1006 ? 1000 : code);
      end(code, '');
    };
    this.forceClose = () => drop('the closing handshake timed out');
    const connectMs = this.config.connectTimeoutMs ?? 10_000;
    const connectTimer = scheduler.schedule(
      () => drop(`the handshake did not complete within ${connectMs} ms`),
      connectMs,
    );
    const liveness: Liveness = { heard: true, silentMs: 0 };
    let keepalive: Subscription | undefined;
    const maxChars = this.config.maxMessageChars ?? Infinity;

    socket.onopen = () => {
      if (ended) return;
      opened = true;
      connectTimer.unsubscribe();
      flow.open();
      const options = this.config.keepalive ?? DEFAULT_KEEPALIVE;
      if (options !== false)
        keepalive = startKeepalive(socket, options, scheduler, liveness, flow.probe, drop);
      subscriber.next(OPEN);
      flow.afterOpen();
    };
    socket.onmessage = (event) => {
      if (ended) return;
      liveness.heard = true;
      const data = event.data;
      if (typeof data !== 'string')
        return subscriber.next({ type: 'binary', byteLength: byteLengthOf(data) });
      if (data.length > maxChars)
        return drop(`an inbound frame of ${data.length} characters exceeds the limit`, 1009, false);
      subscriber.next(data);
    };
    socket.onpong = () => {
      liveness.heard = true;
      flow.pong();
    };
    // Kept (never nulled) even after the end: `ws` throws an 'error' that has no listener.
    socket.onerror = (event) => {
      if ((event.error as { code?: unknown } | undefined)?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')
        oversize = true;
      failure ??= event.message || (event.error === undefined ? 'WebSocket error' : errorText(event.error));
    };
    socket.onclose = (event) => end(event.code, event.reason);

    return () => {
      if (!ended) this.close(1000);
    };
  }
}

const DEFAULT_KEEPALIVE = Object.freeze({ intervalMs: 15_000, deadMs: 30_000 });

function byteLengthOf(data: unknown): number {
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  if (typeof Blob !== 'undefined' && data instanceof Blob) return data.size;
  return 0;
}

/** A refused handshake in words: its status and, when there is one, the start of its body. */
function refusalText({ status, body }: { status: number; body: string }): string {
  return `Unexpected server response: ${status}${body === '' ? '' : `: ${body}`}`;
}
