/**
 * How the uplink's queueing delay is measured, by WebSocket ping->pong time minus the path's base round
 * trip (Node only: browsers cannot ping). Given as {@link ConversationOptions.congestion}.
 *
 * @example
 * ```ts
 * const config: CongestionConfig = { maxDelayMs: 150, probeIntervalMs: 50 };
 * ```
 */
export interface CongestionConfig {
  /** The socket counts as congested while the queueing delay is above this (ms, default 100). */
  maxDelayMs: number;
  /**
   * While sending, at most one probe ping per this many ms (default 100). While the path stays clear
   * the gap doubles, up to 10 times this, and it falls back as soon as a pong shows queueing.
   */
  probeIntervalMs: number;
}

/** The defaults of {@link CongestionConfig}. */
export const DEFAULT_CONGESTION: CongestionConfig = Object.freeze({ maxDelayMs: 100, probeIntervalMs: 100 });

/** Base RTT samples are kept over two windows of this length, so a changed route is learnt. */
const BASE_WINDOW_MS = 10_000;
/** The least byte window: a few 20 ms audio frames, whatever the measured drain rate. */
const MIN_WINDOW_BYTES = 4096;

/**
 * How late this process's event loop has run (Node: `loopLag.ts`): told when a ping goes out (`mark`),
 * asked for the longest stall of the last `ms` milliseconds (`during`), and told when its pong has
 * been read (`answered`): nothing needs watching until the next ping.
 * @internal
 */
export interface OwnLag {
  mark(): void;
  during(ms: number): number;
  answered(): void;
}

/**
 * What a probe pings and times with: its owner (one object, no closures of its own).
 * @internal
 */
export interface ProbeLink {
  /**
   * Sends a ping: true when it was written now, false when it was queued behind this job's frames,
   * in which case the owner calls {@link BacklogProbe.pingWritten} once it is written.
   */
  ping(): boolean;
  /** The probe's clock (ms). */
  now(): number;
}

const noLag: OwnLag = { mark: () => undefined, during: () => 0, answered: () => undefined };

/**
 * Measures the whole uplink's backlog with WebSocket pings: a peer answers a ping only after it has
 * read everything sent before it, so ping->pong time minus the path's base round trip is how long a
 * frame sent now waits in buffers - the operating system's included, where `bufferedAmount` never
 * looks (loopback and TCP buffers hold tens of seconds of audio).
 *
 * One ping is in flight at a time, sent on the send path (at most one per `probeIntervalMs`, backing
 * off to 10 × that while pongs come back with no queueing: a ping and its pong cost two system
 * calls, as much as several frames' sends), so an idle socket is never probed and nothing is
 * scheduled per frame: a send costs one clock read.
 *
 * - Congested: a pong came back late, or the ping in flight is already older than base RTT +
 *   `maxDelayMs` when the next frame is sent, or more bytes were sent after it than the window.
 * - Clear again: a pong comes back for a ping after which nothing was sent, i.e. the pipe is empty.
 *   When frames were sent after it, another ping goes out at once and its pong decides.
 * - The window: time alone cannot stop a burst (a buffer flushed after a congestion goes out within
 *   a millisecond, and the OS takes it all), so bytes sent while a ping is in flight are capped at
 *   drain rate × `maxDelayMs`. The drain rate is measured when a congestion ends: the bytes that were
 *   in flight behind the answered ping, over the time the next pong took. Unbounded until then, and
 *   doubled by every pong that shows at most half the bound of queueing (the path had room).
 * - Our own lag is not queueing: a busy process reads its pongs late (with many conversations on one
 *   core, often later than the bound), and holding audio back for that would only add latency (and
 *   load: held frames outlive the young generation, so the garbage collector copies each one). The
 *   round trip minus the longest stall of this process's event loop while the ping was out
 *   (`ownLag`) is what counts; a stall before the ping (a garbage collection, another workload) is
 *   not subtracted.
 *
 * Not public API: {@link WebSocketSubject} owns one per socket that can ping (`ws` on Node).
 * @internal
 */
export class BacklogProbe {
  /** Whether the uplink is congested now. */
  congested = false;
  /** The last measured queueing delay (ms): ping->pong time minus the base round trip. */
  delayMs = 0;
  /** When the ping in flight was sent, or -1 when none is. */
  private pingAt = -1;
  /** A ping was asked for and waits for the end of the job to be written (see `pingWritten`). */
  private pingQueued = false;
  private sentSincePing = false;
  /** Bytes sent after the ping in flight (or since the last pong, while none is). */
  private bytesSincePing = 0;
  /** Bytes sent after the ping in flight may not exceed this: drain rate × maxDelayMs. */
  private windowBytes = Infinity;
  /** A drain being timed: bytes in flight behind the ping just answered, and since when. */
  private drainBytes = 0;
  private drainFrom = -1;
  private lastPongAt = -Infinity;
  /** The current gap between probes: `probeIntervalMs`, doubled per clear pong up to 10×. */
  private intervalMs: number;
  /** Base RTT: the least ping->pong time of this window and of the previous one. */
  private minThisWindow = Infinity;
  private minLastWindow = Infinity;
  private windowStart = -Infinity;

  /**
   * @param link The owner, which pings and tells the time (see {@link ProbeLink}).
   * @param ownLag How late this process's event loop ran while a ping was out: that much of its
   *   round trip may be this process reading the pong late, not queueing in the path.
   */
  constructor(
    private readonly link: ProbeLink,
    private readonly config: CongestionConfig,
    private readonly ownLag: OwnLag = noLag,
  ) {
    this.intervalMs = config.probeIntervalMs;
  }

  /** The base round trip of the path (ms), 0 before the first pong. */
  get baseRttMs(): number {
    const base = Math.min(this.minThisWindow, this.minLastWindow);
    return base === Infinity ? 0 : base;
  }

  /** Call after every send of `bytes`. Returns true when the socket has just turned congested. */
  afterSend(bytes: number): boolean {
    if (this.pingQueued) {
      // Written before the queued ping, so its pong accounts for them; still at most a window of
      // them (a flush of held audio after a congestion is one job).
      this.bytesSincePing += bytes;
      if (this.congested || this.bytesSincePing <= this.windowBytes) return false;
      this.congested = true;
      return true;
    }
    const now = this.link.now();
    if (this.pingAt < 0) {
      this.bytesSincePing += bytes;
      // Sent before the ping, so the ping's pong accounts for these bytes too.
      if (now - this.lastPongAt >= this.intervalMs || this.bytesSincePing > this.windowBytes) {
        this.sendPing(now);
        if (this.pingQueued) this.bytesSincePing = bytes; // this frame goes out before its ping too
      }
      return false;
    }
    this.sentSincePing = true;
    this.bytesSincePing += bytes;
    if (this.congested) return false;
    let waited = now - this.pingAt - this.baseRttMs;
    // Our own lag is only looked at when it could matter.
    if (waited > this.config.maxDelayMs) waited -= this.ownLag.during(now - this.pingAt);
    if (waited <= this.config.maxDelayMs && this.bytesSincePing <= this.windowBytes) return false;
    this.congested = true;
    this.delayMs = waited;
    return true;
  }

  /**
   * Call on every pong. Returns true when the socket has just stopped being congested; a late pong
   * may also make it congested (read `congested` after the call).
   */
  onPong(): boolean {
    if (this.pingAt < 0) return false; // an unsolicited pong
    const now = this.link.now();
    const rtt = now - this.pingAt;
    this.learnBase(now, rtt);
    const lag = this.ownLag.during(rtt);
    this.ownLag.answered();
    // What this process's own lateness explains is not queueing (never below 0).
    this.delayMs = Math.max(0, rtt - this.baseRttMs - lag);
    this.lastPongAt = now;
    this.pingAt = -1;
    // Clear (at most half the bound): probe less often. Filling up (over three quarters of it): probe
    // at every send until it drains or turns congested. In between: the configured pace.
    const { maxDelayMs, probeIntervalMs } = this.config;
    if (this.delayMs <= maxDelayMs / 2) {
      this.intervalMs = Math.min(this.intervalMs * 2, probeIntervalMs * 10);
      // The path drained with room to spare: the window is too small (a drain rate measured while
      // the sender, not the path, was the limit, e.g. a busy event loop read the pongs late). Left
      // as it was, it would ping every few frames for good.
      this.windowBytes *= 2;
    } else {
      this.intervalMs = probeIntervalMs;
      if (this.delayMs > (maxDelayMs * 3) / 4) this.lastPongAt = -Infinity;
    }
    if (!this.sentSincePing) {
      // Everything sent before the ping has been read and nothing after it: the pipe is empty.
      // Timed without our own lag: a drain timed by a late reader looks slow, and its window small.
      const drainMs = now - this.drainFrom - lag;
      if (this.drainFrom >= 0 && drainMs > 0) {
        const bytesPerMs = this.drainBytes / drainMs;
        this.windowBytes = Math.max(MIN_WINDOW_BYTES, bytesPerMs * this.config.maxDelayMs);
      }
      this.drainFrom = -1;
      const was = this.congested;
      this.congested = false;
      if (was) this.lastPongAt = -Infinity; // the next send pings at once: a held buffer is about to flush
      return was;
    }
    if (this.congested || this.delayMs > this.config.maxDelayMs) {
      // What was sent after that ping still waits: measure it (a congested socket sends nothing
      // more, so only a pong can end the congestion), and time how fast it drains.
      this.congested = true;
      this.drainBytes = this.bytesSincePing;
      this.drainFrom = now;
      this.sendPing(now);
    }
    return false;
  }

  /** Whether a probe ping is in flight or queued (the keepalive need not send its own). */
  get pinging(): boolean {
    return this.pingAt >= 0 || this.pingQueued;
  }

  /** Sends a ping now if none is in flight (the keepalive's ping, measured like any other). */
  pingNow(): void {
    if (!this.pinging) this.sendPing(this.link.now());
  }

  /**
   * The queued ping has just been written, after the frames sent before it: its round trip starts
   * now, so the rest of the job that asked for it is not counted as queueing.
   */
  pingWritten(): void {
    if (!this.pingQueued) return;
    this.pingQueued = false;
    this.pingAt = this.link.now();
    this.ownLag.mark();
    this.sentSincePing = false;
    this.bytesSincePing = 0;
  }

  private sendPing(now: number): void {
    this.sentSincePing = false;
    this.bytesSincePing = 0;
    try {
      if (this.link.ping()) {
        this.pingAt = now;
        this.ownLag.mark();
      } else this.pingQueued = true;
    } catch {
      this.pingAt = -1; // not open any more: the close event follows
    }
  }

  private learnBase(now: number, rtt: number): void {
    if (now - this.windowStart >= BASE_WINDOW_MS) {
      this.minLastWindow = this.minThisWindow;
      this.minThisWindow = Infinity;
      this.windowStart = now;
    }
    if (rtt < this.minThisWindow) this.minThisWindow = rtt;
  }
}
