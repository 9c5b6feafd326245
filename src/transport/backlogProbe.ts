/**
 * How the uplink's queueing delay is measured, by WebSocket ping→pong time minus the path's base round
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
  /** While sending, at most one probe ping per this many ms (default 50). */
  probeIntervalMs: number;
}

/** The defaults of {@link CongestionConfig}. */
export const DEFAULT_CONGESTION: CongestionConfig = Object.freeze({ maxDelayMs: 100, probeIntervalMs: 50 });

/** Base RTT samples are kept over two windows of this length, so a changed route is learnt. */
const BASE_WINDOW_MS = 10_000;

/**
 * Measures the whole uplink's backlog with WebSocket pings: a peer answers a ping only after it has
 * read everything sent before it, so ping→pong time minus the path's base round trip is how long a
 * frame sent now waits in buffers — the operating system's included, where `bufferedAmount` never
 * looks (loopback and TCP buffers hold tens of seconds of audio).
 *
 * One ping is in flight at a time, sent on the send path (at most one per `probeIntervalMs`), so an
 * idle socket is never probed and nothing is scheduled per frame: a send costs one clock read.
 *
 * - Congested: a pong came back late, or the ping in flight is already older than base RTT +
 *   `maxDelayMs` when the next frame is sent.
 * - Clear again: a pong comes back for a ping after which nothing was sent, i.e. the pipe is empty.
 *   When frames were sent after it, another ping goes out at once and its pong decides.
 *
 * Not public API: {@link WebSocketSubject} owns one per socket that can ping (`ws` on Node).
 * @internal
 */
export class BacklogProbe {
  /** Whether the uplink is congested now. */
  congested = false;
  /** The last measured queueing delay (ms): ping→pong time minus the base round trip. */
  delayMs = 0;
  /** When the ping in flight was sent, or -1 when none is. */
  private pingAt = -1;
  private sentSincePing = false;
  private lastPongAt = -Infinity;
  /** Base RTT: the least ping→pong time of this window and of the previous one. */
  private minThisWindow = Infinity;
  private minLastWindow = Infinity;
  private windowStart = -Infinity;

  constructor(
    private readonly ping: () => void,
    private readonly now: () => number,
    private readonly config: CongestionConfig,
  ) {}

  /** The base round trip of the path (ms), 0 before the first pong. */
  get baseRttMs(): number {
    const base = Math.min(this.minThisWindow, this.minLastWindow);
    return base === Infinity ? 0 : base;
  }

  /** Call after every send. Returns true when the socket has just turned congested. */
  afterSend(): boolean {
    const now = this.now();
    if (this.pingAt < 0) {
      if (now - this.lastPongAt >= this.config.probeIntervalMs) this.sendPing(now);
      return false;
    }
    this.sentSincePing = true;
    if (this.congested || now - this.pingAt <= this.baseRttMs + this.config.maxDelayMs) return false;
    this.congested = true;
    this.delayMs = now - this.pingAt - this.baseRttMs;
    return true;
  }

  /** Call on every pong. Returns true when the socket has just stopped being congested. */
  onPong(): boolean {
    if (this.pingAt < 0) return false; // an unsolicited pong
    const now = this.now();
    const rtt = now - this.pingAt;
    this.learnBase(now, rtt);
    this.delayMs = rtt - this.baseRttMs;
    this.lastPongAt = now;
    this.pingAt = -1;
    if (!this.sentSincePing) {
      // Everything sent before the ping has been read and nothing after it: the pipe is empty.
      const was = this.congested;
      this.congested = false;
      return was;
    }
    if (this.congested || this.delayMs > this.config.maxDelayMs) {
      // What was sent after that ping still waits: measure it (a congested socket sends nothing
      // more, so only a pong can end the congestion).
      this.congested = true;
      this.sendPing(now);
    }
    return false;
  }

  /** Whether a probe ping is in flight (the keepalive need not send its own). */
  get pinging(): boolean {
    return this.pingAt >= 0;
  }

  /** Sends a ping now if none is in flight (the keepalive's ping, measured like any other). */
  pingNow(): void {
    if (this.pingAt < 0) this.sendPing(this.now());
  }

  private sendPing(now: number): void {
    this.pingAt = now;
    this.sentSincePing = false;
    try {
      this.ping();
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
