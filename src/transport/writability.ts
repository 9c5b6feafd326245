import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import type { Signal } from '../operators/signal.js';
import { BacklogProbe, DEFAULT_CONGESTION, type CongestionConfig, type ProbeLink } from './backlogProbe.js';
import type { FrameWriter, WriterEvents } from './frameWriter.js';
import { watchLoopLag, type LoopLag } from './loopLag.js';
import { SocketState, type WebSocketLike } from './webSocketLike.js';

/** The limits a {@link Writability} keeps (from the subject's config, defaults applied). */
export interface WritabilityLimits {
  /** Not writable once this many bytes wait in the send buffer. */
  readonly highWaterMark: number;
  /** Writable again at or below this many. */
  readonly lowWaterMark: number;
  /** How often to look at `bufferedAmount` while blocked (ms). */
  readonly drainPollMs: number;
  /** The backlog probe's limits, `false` for none. */
  readonly congestion: CongestionConfig | false | undefined;
  readonly scheduler: SchedulerLike;
}

/**
 * Whether one socket can take more frames now: the `writable` subject a {@link WebSocketSubject}
 * shows as `writable$`. True while the socket is open, its send buffer is below the high-water mark
 * and, where the socket can ping, the backlog probe measures no more than `maxDelayMs` of queueing.
 * Turned false by a send that crosses a limit; turned true again by the buffer draining (the
 * writer's callbacks, or a poll for platforms without them) or by the probe's pong.
 * @internal
 */
export class Writability implements WriterEvents, ProbeLink {
  /** The in-band backlog measure, while a socket that can ping is open. */
  probe: BacklogProbe | undefined;
  /** Told of every ping written (set by the connection). */
  pings: { pinged(): void } = NO_ONE;
  private drainPoll: Subscription | undefined;
  /** A close was asked for: never writable again. */
  private closing = false;
  /** The probe's watch of the event loop's lag (see `startProbe`), released at the end. */
  private loopLag: LoopLag | undefined;
  /** `limits.highWaterMark`, read by every send: kept here, one step nearer. */
  private readonly highWaterMark: number;

  constructor(
    private readonly socket: WebSocketLike,
    private readonly writer: FrameWriter,
    private readonly writable: Signal<boolean>,
    private readonly limits: WritabilityLimits,
  ) {
    writer.events = this;
    this.highWaterMark = limits.highWaterMark;
  }

  /** The handshake is done: the probe starts, where the socket can ping. */
  open(): void {
    this.probe = this.startProbe();
  }

  /**
   * After the subscriber's open handler (which sends the session message) has run: writable, unless
   * that filled the buffer already.
   */
  afterOpen(): void {
    const socket = this.socket;
    if (socket.readyState !== SocketState.OPEN || this.closing) return;
    if (socket.bufferedAmount < this.highWaterMark) this.writable.set(true);
    else this.pollUntilDrained();
  }

  /** After a frame of `chars` characters was written or queued: the high-water mark and the probe. */
  sent(chars: number): void {
    const buffered = this.writer.buffered();
    if (this.writable.value) {
      if (buffered >= this.highWaterMark) {
        this.writable.set(false);
        // Written at once: poll until drained. Batched: the flush looks again once it is written.
        if (!this.writer.batching) this.pollUntilDrained();
      } else if (this.probe?.afterSend(chars) === true) this.writable.set(false); // its pong turns it back
    } else this.probe?.afterSend(chars);
  }

  /** A pong: the probe may say the path is clear again, or (a late pong) that it is congested. */
  pong(): void {
    const probe = this.probe;
    if (probe === undefined) return;
    if (probe.onPong()) {
      this.checkDrained();
      if (!this.writable.value) this.pollUntilDrained();
    } else if (probe.congested && this.writable.value) this.writable.set(false);
  }

  /** A close was asked for: not writable, for good. */
  close(): void {
    this.closing = true;
    this.setUnwritable();
  }

  /** The socket ended. */
  finish(): void {
    this.probe = undefined;
    this.loopLag?.release();
    this.loopLag = undefined;
    this.setUnwritable();
  }

  /** Not writable (a refused send, a close, the end); the drain poll stops. */
  setUnwritable(): void {
    this.drainPoll?.unsubscribe();
    this.drainPoll = undefined;
    if (this.writable.value) this.writable.set(false);
  }

  frameSent(): void {
    this.checkDrained();
  }

  flushed(): void {
    if (this.writable.value) return;
    // Held back for what was pending: look again now that it is in the socket's buffer.
    this.checkDrained();
    if (!this.writable.value) this.pollUntilDrained();
  }

  pingWritten(): void {
    this.probe?.pingWritten();
  }

  pingSent(): void {
    this.pings.pinged();
  }

  private checkDrained(): void {
    if (this.writable.value || this.closing) return;
    if (this.probe?.congested === true) return; // the probe's pong decides
    const buffered = this.writer.measure();
    if (this.socket.readyState === SocketState.OPEN && buffered <= this.limits.lowWaterMark) {
      this.drainPoll?.unsubscribe();
      this.drainPoll = undefined;
      this.writable.set(true);
    }
  }

  /** Browsers have no "drained" event: look again every few ms, only while blocked. */
  private pollUntilDrained(): void {
    if (this.drainPoll !== undefined) return;
    const every = this.limits.drainPollMs;
    const stillBlocked = () => {
      if (this.probe?.congested === true) {
        this.drainPoll = undefined; // the probe's pong takes over
        return false;
      }
      this.checkDrained();
      return !this.writable.value && this.drainPoll !== undefined;
    };
    // A recursive action (`this` is the action): one timer, rescheduled while blocked.
    this.drainPoll = this.limits.scheduler.schedule(function () {
      if (stillBlocked()) this.schedule(undefined, every);
    }, every);
  }

  private startProbe(): BacklogProbe | undefined {
    const { congestion = DEFAULT_CONGESTION, scheduler } = this.limits;
    if (congestion === false || this.socket.ping === undefined) return undefined;
    // Our own event-loop lag is real time: only subtracted when the probe's clock is real time too.
    const lag = (this.loopLag = watchLoopLag());
    return new BacklogProbe(this, congestion, scheduler === asyncScheduler ? lag : undefined);
  }

  /** The probe's ping (see ProbeLink). */
  ping(): boolean {
    const writer = this.writer;
    if (writer.batching) {
      // After this job's frames, in the same write: see FrameWriter.
      writer.pingAfterFrames();
      return false;
    }
    this.socket.ping!();
    this.pings.pinged();
    return true;
  }

  /** The probe's clock (see ProbeLink). */
  now(): number {
    return this.limits.scheduler.now();
  }
}

const NO_ONE = { pinged: (): void => undefined };
