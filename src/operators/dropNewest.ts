import { MonoTypeOperatorFunction, Observable, Subscriber, Subscription } from 'rxjs';
import { SourceObserver, type SourceHandlers } from './sourceObserver.js';

/**
 * Configuration of {@link dropNewest}: the buffer's capacity, the sink's writability, and the drop counter.
 *
 * @example
 * ```ts
 * const config: DropNewestConfig<RealtimeAudioFrame> = {
 *   capacity: 50,
 *   writable: socket.writable$,
 *   onDrop: () => dropped++,
 * };
 * frames$.pipe(dropNewest(config));
 * ```
 */
export interface DropNewestConfig<T> {
  /** Values held while the sink is not writable; beyond this the newest are dropped. >= 0 (0: never hold). */
  capacity: number;
  /** true when the sink can take more. Not writable until it first emits true. */
  writable: Observable<boolean>;
  /** Called once per value dropped because the buffer was full: the drop counter. */
  onDrop?: (value: T) => void;
}

/**
 * Passes values through while the sink is writable, holds up to `capacity` of them while it is not,
 * and drops the newest ones beyond that.
 *
 * <span class="informal">A bounded, order-preserving, drop-newest buffer in front of a sink that
 * signals back-pressure with a boolean `writable` stream.</span>
 *
 * ```
 * capacity: 2
 * source:   -a--b--c--d-------e-|
 * writable: t--f---------t-------
 * result:   -a-----------(bc)-e-|
 * onDrop:             d
 * ```
 *
 * A source value is emitted immediately when the sink is writable and nothing is held. Otherwise it
 * is held in a fixed ring buffer if fewer than `capacity` values are held, else it is dropped and
 * handed to `onDrop`: the held values keep their place and their order (drop-NEWEST). Every time
 * `writable` emits `true`, the held values are emitted oldest first for as long as the sink stays
 * writable; the latest writability is re-checked after every single emission, so a sink that turns
 * unwritable synchronously while receiving a value (e.g. `socket.send` crossing its high-water mark)
 * stops the flush right there.
 *
 * The sink is not writable until `writable` first emits `true`.
 *
 * - Source completes: the result completes once the held values are flushed (at once if none is held).
 * - `writable` completes: the sink is gone; the held values go to `onDrop`, then the result completes.
 * - An error from either input is forwarded; the held values are discarded (not reported as drops).
 *   An error thrown by `onDrop` is forwarded as the result's error.
 * - Unsubscribing releases both inputs and the buffer.
 *
 * Hot path: a value in causes no allocation, no copy and no scheduling. The ring buffer is
 * allocated once, the first time a value has to be held.
 *
 * @example
 * Keep at most 50 microphone frames (1 s at 20 ms) while the socket is congested, count the rest
 * ```ts
 * import { dropNewest } from 'realtime-rx';
 *
 * let dropped = 0;
 * const outbound$ = microphone$.pipe(
 *   dropNewest({ capacity: 50, writable: socketWritable$, onDrop: () => dropped++ }),
 * );
 * outbound$.subscribe((frame) => socket.send(encode(frame)));
 * ```
 *
 * @see {@link priorityMerge}
 *
 * @param config The capacity, the sink's writability, and the drop counter.
 * @return A function that returns an Observable of the source values, minus the dropped ones.
 * @throws {RangeError} synchronously, when `capacity` is negative or not an integer (`Infinity` included).
 */
export function dropNewest<T>(config: DropNewestConfig<T>): MonoTypeOperatorFunction<T> {
  const { capacity, writable: writable$, onDrop } = config;
  if (!Number.isInteger(capacity) || capacity < 0) {
    throw new RangeError(`dropNewest: capacity must be a non-negative integer, got ${String(capacity)}`);
  }

  return (source) =>
    new Observable<T>(
      (subscriber) => new DropNewestSubscription(source, subscriber, capacity, writable$, onDrop),
    );
}

/**
 * One subscription's state, in one object: its inputs' observers call shared handlers on it, and
 * it is its own teardown (a conversation keeps one of these open for its whole life).
 */
class DropNewestSubscription<T> {
  /** Ring buffer of held values, allocated on first use: `count` values starting at `head`. */
  private ring: (T | undefined)[] | null = null;
  private head = 0;
  private count = 0;
  /** Latest known writability of the sink. */
  private writable = false;
  /** A flush loop is running further up the stack (re-entrancy guard). */
  private flushing = false;
  private sourceDone = false;
  private readonly writableSubscription: Subscription;
  private readonly sourceSubscription: Subscription | null;

  constructor(
    source: Observable<T>,
    private readonly subscriber: Subscriber<T>,
    private readonly capacity: number,
    writable$: Observable<boolean>,
    private readonly onDrop: ((value: T) => void) | undefined,
  ) {
    // Both inputs come through one object each, not a partial observer's wrappers, whose handlers
    // are functions shared by every subscription, called on this state (see SourceObserver).
    this.writableSubscription = writable$.subscribe(
      new SourceObserver<boolean, DropNewestSubscription<T>>(
        WRITABLE as SourceHandlers<boolean, DropNewestSubscription<T>>,
        this,
      ),
    );
    // `writable` may have completed or errored synchronously: then there is nothing to subscribe to.
    this.sourceSubscription = subscriber.closed
      ? null
      : source.subscribe(
          new SourceObserver<T, DropNewestSubscription<T>>(
            SOURCE as SourceHandlers<T, DropNewestSubscription<T>>,
            this,
          ),
        );
  }

  onWritable(isWritable: boolean): void {
    this.writable = isWritable;
    if (isWritable && this.count > 0) this.flush();
  }

  /** The sink is gone: everything still held is dropped, oldest first. */
  onWritableEnd(): void {
    this.writable = false;
    const subscriber = this.subscriber;
    while (this.count > 0 && !subscriber.closed) {
      if (!this.drop(this.take())) return;
    }
    subscriber.complete();
  }

  onValue(value: T): void {
    const count = this.count;
    if (this.writable && count === 0) {
      this.subscriber.next(value);
    } else if (count < this.capacity) {
      const capacity = this.capacity;
      const ring = (this.ring ??= new Array<T | undefined>(capacity));
      let tail = this.head + count;
      if (tail >= capacity) tail -= capacity;
      ring[tail] = value;
      this.count = count + 1;
    } else {
      this.drop(value);
    }
  }

  error(err: unknown): void {
    this.subscriber.error(err);
  }

  onSourceEnd(): void {
    this.sourceDone = true;
    if (this.count === 0) this.subscriber.complete();
    // else: the flush that empties the buffer completes the result.
  }

  unsubscribe(): void {
    this.writableSubscription.unsubscribe();
    this.sourceSubscription?.unsubscribe();
    this.ring = null;
    this.head = 0;
    this.count = 0;
  }

  /** The oldest held value, out of the buffer. */
  private take(): T {
    const ring = this.ring!;
    const value = ring[this.head] as T;
    ring[this.head] = undefined;
    if (++this.head === this.capacity) this.head = 0;
    this.count--;
    return value;
  }

  /** Hands a dropped value to `onDrop`; false when `onDrop` threw (the result has then errored). */
  private drop(value: T): boolean {
    const onDrop = this.onDrop;
    if (onDrop !== undefined) {
      try {
        onDrop(value);
      } catch (err) {
        this.subscriber.error(err);
        return false;
      }
    }
    return true;
  }

  /** Emits held values while the sink stays writable; completes when the source is done and nothing is held. */
  private flush(): void {
    if (this.flushing) {
      // An outer flush loop re-checks `writable` after each emission and carries on.
      return;
    }
    this.flushing = true;
    const subscriber = this.subscriber;
    try {
      while (this.writable && this.count > 0 && !subscriber.closed) subscriber.next(this.take());
    } finally {
      this.flushing = false;
    }
    if (this.sourceDone && this.count === 0) subscriber.complete();
  }
}

function writableNext<T>(this: DropNewestSubscription<T>, isWritable: boolean): void {
  this.onWritable(isWritable);
}
function writableEnd<T>(this: DropNewestSubscription<T>): void {
  this.onWritableEnd();
}
function sourceNext<T>(this: DropNewestSubscription<T>, value: T): void {
  this.onValue(value);
}
function sourceEnd<T>(this: DropNewestSubscription<T>): void {
  this.onSourceEnd();
}
function forwardError<T>(this: DropNewestSubscription<T>, error: unknown): void {
  this.error(error);
}

// Each input's handlers, one object for every subscription (see SourceObserver).
const WRITABLE: SourceHandlers<boolean, DropNewestSubscription<unknown>> = {
  next: writableNext,
  error: forwardError,
  complete: writableEnd,
};
const SOURCE: SourceHandlers<unknown, DropNewestSubscription<unknown>> = {
  next: sourceNext,
  error: forwardError,
  complete: sourceEnd,
};
