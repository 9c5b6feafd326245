import { reportUnhandled } from '../operators/sourceObserver.js';

/** Where an {@link Outbound} hands its values: the conversation. */
export interface OutboundTarget<H, L> {
  /** A value leaves (the socket was writable when it was handed over). */
  sendOutbound(value: H | L): void;
  /** A low value that found the buffer full. */
  lowDropped(value: L): void;
}

/**
 * What waits for the socket: a lossless high lane (texts, controls, dialect frames), always sent
 * first, and a low lane (audio) held in a ring of `capacity` values while the socket cannot take
 * more, the newest dropped beyond it. The policy of `priorityMerge` with a `dropNewest` low lane,
 * as one object instead of a chain of subscriptions: an idle conversation holds a few fields here
 * (the queue and the ring are made the first time something waits), where the operators' chain,
 * fed by Subjects, held some thirty closures, subscribers and arrays.
 *
 * Whenever it turns writable, the high queue is drained oldest first, then the ring; writability is
 * looked at again after every value handed over, so a send that makes the socket unwritable stops
 * the drain right there. A value handed over while a drain runs further up the stack waits its turn.
 */
export class Outbound<H, L> {
  private writable = false;
  /** Writable, and no high value waits: the low lane may send. */
  private ready = false;
  /** The high lane's FIFO, `high[highHead ..]`; made the first time a value waits. */
  private high: (H | undefined)[] | undefined;
  private highHead = 0;
  /** The low lane's ring, `count` values from `head`; made the first time a value waits. */
  private ring: (L | undefined)[] | undefined;
  private head = 0;
  private count = 0;
  private draining = false;
  private flushing = false;
  private ended = false;

  constructor(
    private readonly target: OutboundTarget<H, L>,
    private readonly capacity: number,
  ) {}

  /** A high value: sent now if the socket can take it and nothing waits before it, else queued. */
  pushHigh(value: H): void {
    if (this.ended) return;
    if (this.writable && !this.draining && this.highWaiting() === 0) return this.hand(value);
    (this.high ??= []).push(value);
    this.ready = false;
  }

  /** A low value: sent now if the lane may send and nothing is held, else held, or dropped when the ring is full. */
  pushLow(value: L): void {
    if (this.ended) return;
    if (this.ready && this.count === 0) return this.hand(value);
    const capacity = this.capacity;
    if (this.count < capacity) {
      const ring = (this.ring ??= new Array<L | undefined>(capacity));
      let tail = this.head + this.count;
      if (tail >= capacity) tail -= capacity;
      ring[tail] = value;
      this.count++;
    } else this.target.lowDropped(value);
  }

  /** The socket's writability changed. */
  setWritable(writable: boolean): void {
    this.writable = writable;
    if (!writable) {
      this.ready = false;
      return;
    }
    this.drainHigh();
    if (this.ended || !this.writable || this.highWaiting() > 0 || this.ready) return;
    this.ready = true;
    this.flushLow();
  }

  /** The conversation is over: what waits is let go (not counted as dropped), and nothing more is taken. */
  end(): void {
    this.ended = true;
    this.writable = this.ready = false;
    this.high = this.ring = undefined;
    this.highHead = this.head = this.count = 0;
  }

  private highWaiting(): number {
    return this.high === undefined ? 0 : this.high.length - this.highHead;
  }

  /** Sends queued high values while writable (once: a drain further up the stack carries on). */
  private drainHigh(): void {
    const high = this.high;
    if (this.draining || high === undefined) return;
    this.draining = true;
    try {
      while (this.writable && !this.ended && this.highHead < high.length) {
        const value = high[this.highHead] as H;
        high[this.highHead++] = undefined;
        if (this.highHead === high.length) {
          high.length = 0;
          this.highHead = 0;
        } else if (this.highHead >= 1024 && this.highHead * 2 >= high.length) {
          high.copyWithin(0, this.highHead);
          high.length -= this.highHead;
          this.highHead = 0;
        }
        this.hand(value);
      }
    } finally {
      this.draining = false;
    }
  }

  /** Sends held low values while the lane may send (once: a flush further up the stack carries on). */
  private flushLow(): void {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.ready && this.count > 0) {
        const ring = this.ring!;
        const value = ring[this.head] as L;
        ring[this.head] = undefined;
        if (++this.head === this.capacity) this.head = 0;
        this.count--;
        this.hand(value);
      }
    } finally {
      this.flushing = false;
    }
  }

  /** A failure of the target is reported as RxJS reports one nobody handles, never thrown at the producer. */
  private hand(value: H | L): void {
    try {
      this.target.sendOutbound(value);
    } catch (error) {
      reportUnhandled(error);
    }
  }
}
