import {
  asyncScheduler,
  BehaviorSubject,
  noop,
  Observable,
  type Observer,
  type SchedulerLike,
  type Subscriber,
  type Subscription,
} from 'rxjs';
import { errorText, RealtimeError } from '../protocol/errors.js';
import { SocketState, type WebSocketFactory, type WebSocketLike } from './webSocketLike.js';
import { BacklogProbe, DEFAULT_CONGESTION, type CongestionConfig } from './backlogProbe.js';
import { joinWriteBatch, type BatchedWriter } from './writeBatch.js';
import { watchLoopLag } from './loopLag.js';

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

  private readonly writable = new BehaviorSubject(false);
  private socket: WebSocketLike | undefined;
  private readonly highWaterMark: number;
  private readonly lowWaterMark: number;
  private readonly scheduler: SchedulerLike;
  private drainPoll: Subscription | undefined;
  /** The in-band backlog measure, while a socket that can ping is open. */
  private probe: BacklogProbe | undefined;
  private closeTimer: Subscription | undefined;
  /** Drops the socket and ends the subject now (the close timeout). */
  private forceClose: () => void = noop;
  /** Called by `ws` when a frame has been written out: the moment to look at the buffer again. */
  private readonly onSent = (): void => {
    if (this.socket !== undefined) this.bufferedAfterFlush = this.socket.bufferedAmount;
    this.checkDrained();
  };
  /**
   * Frames given in this job, written at its end; undefined for sockets that cannot cork (browsers,
   * test sockets), whose frames are written at once. Framed already where the socket can (`frameText`):
   * then what waits is a small view of bytes outside the heap, not the text (see `send`).
   */
  private pending: (string | Uint8Array | undefined)[] | undefined;
  /**
   * Frames in `pending`: its slots are emptied, never the array shortened (an array's `length = 0`
   * is a call into V8's runtime, and the next push grows a fresh backing store: both per frame).
   */
  private pendingCount = 0;
  /** Characters in `pending` (a lower bound of its bytes), counted as buffered for the high-water mark. */
  private pendingChars = 0;
  /** In this job's write batch. */
  private batched = false;
  /** What the write batch calls (not public API, so not methods of the subject). */
  private readonly batchMember: BatchedWriter = {
    flushWrites: () => this.flushWrites(),
    batchWritten: () => this.batchWritten(),
  };
  /** `bufferedAmount` after the last batch (or look at it): it can only have shrunk since. */
  private bufferedAfterFlush = 0;
  /** The probe asked for a ping, written after this job's frames, in the same system call. */
  private pingPending = false;
  /** Stops watching the event loop's lag for the probe (see `startProbe`). */
  private releaseLoopLag: () => void = noop;

  constructor(private readonly config: WebSocketSubjectConfig) {
    super((subscriber) => this.connect(subscriber));
    this.highWaterMark = config.highWaterMark ?? 64 * 1024;
    this.lowWaterMark = config.lowWaterMark ?? this.highWaterMark / 2;
    this.scheduler = config.scheduler ?? asyncScheduler;
    this.writable$ = this.writable.asObservable();
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
    const socket = this.openSocket();
    if (socket === undefined) return false;
    if (this.pending === undefined) this.write(socket, data, socket.bufferedAmount > 0);
    // Framed now, written at the end of the job: the text (and the audio it holds) is garbage at
    // once instead of living through the rest of the job, where a thousand of them would outlive
    // the young generation whenever the garbage collector runs mid-job and be copied.
    else this.queue(socket.frameText?.(data) ?? data, data.length);
    this.sent(socket, data.length);
    return true;
  }

  /**
   * {@link send} of the text `head + body + tail`, where the socket can frame the three parts without
   * joining them (our `ws` sockets: an audio frame's JSON around its base64, with no string built and
   * copied per frame); elsewhere the same as `send` of the joined text.
   */
  sendJoined(head: string, body: string, tail: string): boolean {
    const socket = this.socket;
    const frame =
      this.pending !== undefined && socket?.readyState === SocketState.OPEN
        ? socket.frameText?.(body, head, tail)
        : undefined;
    if (frame === undefined) return this.send(head + body + tail);
    const chars = head.length + body.length + tail.length;
    this.queue(frame, chars);
    this.sent(socket!, chars);
    return true;
  }

  /** The socket, if it is open; otherwise marks the subject unwritable (what a refused send does). */
  private openSocket(): WebSocketLike | undefined {
    const socket = this.socket;
    if (socket !== undefined && socket.readyState === SocketState.OPEN) return socket;
    this.setUnwritable();
    return undefined;
  }

  /** Holds a frame for the end of the job. */
  private queue(frame: string | Uint8Array, chars: number): void {
    this.pending![this.pendingCount++] = frame;
    this.pendingChars += chars;
    this.joinBatch();
  }

  /** After a frame of `chars` characters was written or queued: the high-water mark and the probe. */
  private sent(socket: WebSocketLike, chars: number): void {
    // Queued: only the batch writes to this socket, so it holds at most what it held after the last one.
    const buffered =
      this.pending === undefined ? socket.bufferedAmount : this.bufferedAfterFlush + this.pendingChars;
    if (this.writable.value) {
      if (buffered >= this.highWaterMark) {
        this.writable.next(false);
        // Written at once: poll until drained. Pending: the flush looks again once it is written.
        if (this.pending === undefined) this.pollUntilDrained();
      } else if (this.probe?.afterSend(chars) === true) this.writable.next(false); // its pong turns it back
    } else this.probe?.afterSend(chars);
  }

  /** Has this job's write batch write to this socket at its end (once per job). */
  private joinBatch(): void {
    if (this.batched) return;
    this.batched = true;
    joinWriteBatch(this.batchMember);
  }

  /** Writes the frames of this job and the ping it asked for (the end of the job's write batch). */
  private flushWrites(): boolean {
    this.batched = false;
    const wrote = this.writePending();
    if (wrote !== 'nothing' && !this.writable.value) {
      // Held back for what was pending: look again now that it is in the socket's buffer.
      this.checkDrained();
      if (!this.writable.value) this.pollUntilDrained();
    }
    return wrote === 'pinged';
  }

  /** The batch with this socket's ping is written: its round trip starts now. */
  private batchWritten(): void {
    this.probe?.pingWritten();
  }

  /**
   * Writes what is pending, and the probe's ping after it, in one system call when there is more
   * than one (corked: the ping then costs the peer no wake-up and the path no packet of its own).
   */
  private writePending(): 'nothing' | 'frames' | 'pinged' {
    const pending = this.pending;
    const socket = this.socket;
    if (pending === undefined || socket === undefined) return 'nothing';
    const count = this.pendingCount;
    let ping = this.pingPending;
    if (count === 0 && !ping) return 'nothing';
    this.pingPending = false;
    if (socket.readyState === SocketState.OPEN) {
      const corked = count + (ping ? 1 : 0) > 1;
      if (corked) socket.cork!();
      // Corked, every frame after the first waits behind it (until the uncork).
      const waiting = this.bufferedAfterFlush > 0;
      for (let i = 0; i < count; i++) {
        const frame = pending[i]!;
        pending[i] = undefined;
        this.write(socket, frame, waiting || i > 0);
      }
      if (ping) ping = this.writePing(socket);
      if (corked) socket.uncork!();
      this.bufferedAfterFlush = socket.bufferedAmount;
    } else {
      ping = false;
      pending.fill(undefined, 0, count);
    }
    this.pendingCount = 0;
    this.pendingChars = 0;
    return ping ? 'pinged' : 'frames';
  }

  /** False when the socket refused it (not open any more: the close event follows). */
  private writePing(socket: WebSocketLike): boolean {
    try {
      socket.ping!();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Writes one frame (a text, or one framed by `frameText`); `behindOthers`: something is already in
   * the socket's buffer ahead of it.
   */
  private write(socket: WebSocketLike, data: string | Uint8Array, behindOthers: boolean): void {
    // The write callback only matters for a frame that may be left waiting in the buffer: one sent
    // behind others, or one big enough to cross the high-water mark alone (its callback is then the
    // moment the buffer has drained). The common case, an empty buffer, saves Node's per-write
    // callback bookkeeping.
    const size = typeof data === 'string' ? data.length : data.byteLength;
    const done = behindOthers || size >= this.highWaterMark ? this.onSent : undefined;
    if (typeof data === 'string') socket.send(data, done);
    else socket.sendFrame!(data, done);
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
    if (this.writePending() === 'pinged') this.probe?.pingWritten(); // what this job gave goes out before the close frame
    this.setUnwritable();
    // The timer first: a socket may report its close synchronously, and the end must then cancel it.
    this.closeTimer = this.scheduler.schedule(() => this.forceClose(), this.config.closeTimeoutMs ?? 3000);
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
    if (socket.cork !== undefined && socket.uncork !== undefined) this.pending = [];
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
      this.finish();
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
    const connectTimer = this.scheduler.schedule(
      () => drop(`the handshake did not complete within ${connectMs} ms`),
      connectMs,
    );
    /** `heard`: something arrived since the keepalive last looked (a store per message, no clock read). */
    const liveness = { heard: true, silentMs: 0 };
    let keepalive: Subscription | undefined;
    const maxChars = this.config.maxMessageChars ?? Infinity;

    socket.onopen = () => {
      if (ended) return;
      opened = true;
      connectTimer.unsubscribe();
      this.probe = this.startProbe(socket);
      keepalive = this.startKeepalive(socket, liveness, drop);
      subscriber.next(OPEN);
      // Only after the subscriber's open handler (which sends the session message) has run.
      if (socket.readyState !== SocketState.OPEN || this.closeTimer !== undefined) return;
      if (socket.bufferedAmount < this.highWaterMark) this.writable.next(true);
      else this.pollUntilDrained();
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
      const probe = this.probe;
      if (probe === undefined) return;
      if (probe.onPong()) {
        this.checkDrained();
        if (!this.writable.value) this.pollUntilDrained();
      } else if (probe.congested && this.writable.value) this.writable.next(false); // a late pong
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

  /** Pings after `intervalMs` of silence; drops the socket after `deadMs` of it. Off where the socket cannot ping. */
  private startKeepalive(
    socket: WebSocketLike,
    liveness: { heard: boolean; silentMs: number },
    drop: (why: string) => void,
  ): Subscription | undefined {
    const options = this.config.keepalive ?? { intervalMs: 15_000, deadMs: 30_000 };
    if (options === false || socket.ping === undefined) return undefined;
    const { intervalMs, deadMs } = options;
    const probe = this.probe; // one ping in flight at a time, so each pong is matched to its ping
    return this.scheduler.schedule(function () {
      if (liveness.heard) {
        liveness.heard = false;
        liveness.silentMs = 0;
      } else {
        liveness.silentMs += intervalMs;
        if (liveness.silentMs >= deadMs)
          return drop(`no answer from the server for ${liveness.silentMs} ms (keepalive)`);
        try {
          if (probe !== undefined) probe.pingNow();
          else socket.ping!(); // answered after everything sent before it has been read
        } catch {
          // not open any more: the close event follows
        }
      }
      this.schedule(undefined, intervalMs);
    }, intervalMs);
  }

  private startProbe(socket: WebSocketLike): BacklogProbe | undefined {
    const config = this.config.congestion ?? DEFAULT_CONGESTION;
    if (config === false || socket.ping === undefined) return undefined;
    const scheduler = this.scheduler;
    const ping =
      this.pending === undefined
        ? () => (socket.ping!(), true)
        : () => {
            // After this job's frames, in the same write: see writePending.
            this.pingPending = true;
            this.joinBatch();
            return false;
          };
    // Our own event-loop lag is real time: only subtracted when the probe's clock is real time too.
    const lag = watchLoopLag();
    this.releaseLoopLag = lag.release;
    return new BacklogProbe(
      ping,
      () => scheduler.now(),
      config,
      scheduler === asyncScheduler ? lag : undefined,
    );
  }

  private finish(): void {
    this.probe = undefined;
    this.releaseLoopLag();
    this.releaseLoopLag = noop;
    // Dropped or closed by the peer: nothing more can be written.
    this.pending?.fill(undefined, 0, this.pendingCount);
    this.pendingCount = 0;
    this.pendingChars = 0;
    this.pingPending = false;
    this.setUnwritable();
    this.closeTimer?.unsubscribe();
    this.writable.complete();
  }

  private setUnwritable(): void {
    this.drainPoll?.unsubscribe();
    this.drainPoll = undefined;
    if (this.writable.value) this.writable.next(false);
  }

  private checkDrained(): void {
    const socket = this.socket;
    if (this.writable.value || socket === undefined || this.closeTimer !== undefined) return;
    if (this.probe?.congested === true) return; // the probe's pong decides
    const buffered = (this.bufferedAfterFlush = socket.bufferedAmount);
    if (socket.readyState === SocketState.OPEN && buffered <= this.lowWaterMark) {
      this.drainPoll?.unsubscribe();
      this.drainPoll = undefined;
      this.writable.next(true);
    }
  }

  /** Browsers have no "drained" event: look again every few ms, only while blocked. */
  private pollUntilDrained(): void {
    if (this.drainPoll !== undefined) return;
    const every = this.config.drainPollMs ?? 10;
    const stillBlocked = () => {
      if (this.probe?.congested === true) {
        this.drainPoll = undefined; // the probe's pong takes over
        return false;
      }
      this.checkDrained();
      return !this.writable.value && this.drainPoll !== undefined;
    };
    // A recursive action (`this` is the action): one timer, rescheduled while blocked.
    this.drainPoll = this.scheduler.schedule(function () {
      if (stillBlocked()) this.schedule(undefined, every);
    }, every);
  }
}

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
