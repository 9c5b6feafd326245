import { Observable, Subscriber, Subscription } from 'rxjs';
import { Signal } from './signal.js';
import { SourceObserver, type SourceHandlers } from './sourceObserver.js';

/**
 * Configuration of {@link priorityMerge}: the sink's writability, the lossless high lane, and the factory
 * of the back-pressured low lane.
 *
 * @example
 * ```ts
 * const config: PriorityMergeConfig<string, RealtimeAudioFrame> = {
 *   writable: socket.writable$,
 *   high: texts$,
 *   low: (ready) => frames$.pipe(dropNewest({ capacity: 50, writable: ready })),
 * };
 * priorityMerge(config).subscribe((value) => send(value));
 * ```
 */
export interface PriorityMergeConfig<H, L> {
  /** true when the sink can take more */
  writable: Observable<boolean>;
  /** lossless lane: every value is held (unbounded FIFO) until the sink is writable, and always goes before `low` */
  high: Observable<H>;
  /** the low lane, built from a readiness signal that is true exactly when the sink is writable AND no high value waits; typically `ready => audio$.pipe(dropNewest({ capacity, writable: ready }))` */
  low: (ready: Observable<boolean>) => Observable<L>;
}

/**
 * Merges a lossless high-priority lane and a back-pressured low-priority lane into one sink: pending
 * high values always go out before pending low values, whenever the sink can take more.
 *
 * <span class="informal">Text before audio: the text lane is queued without loss while the socket
 * is congested and drained first; the audio lane is only released once no text waits.</span>
 *
 * ```
 * low:      ready => audio$.pipe(dropNewest({ capacity: 2, writable: ready, onDrop }))
 * high:     ---------H--------|
 * audio$:   -a--b--c----------|
 * writable: f-----------t-------
 * ready:    f-----------t-------
 * result:   ------------(Hab)-|
 * onDrop:          c
 * ```
 *
 * - A `high` value is emitted at once when the sink is writable and no high value is queued;
 *   otherwise it is appended to an unbounded FIFO (nothing is ever lost from this lane).
 * - When `writable` emits `true`, the queue is drained oldest first while the sink stays writable;
 *   writability is re-checked after every single emission, so a sink that turns unwritable
 *   synchronously while receiving a value stops the drain right there.
 * - `ready` (handed to `low`) is `true` exactly when the sink is writable and no high value is
 *   queued: it turns `false` when `writable` turns false or a high value gets queued, and `true` once
 *   the queue has drained and the sink is still writable. `ready` is owned by the subscription: it
 *   replays its current value to each new subscriber, emits only on change, and never delivers a
 *   stale value (a delivery loop stops as soon as the value changes underneath it).
 * - Low values are forwarded as they come: honouring `ready` is the low lane's job.
 * - The result completes when `high` has completed with its queue drained AND the low lane has
 *   completed. When `writable` completes the sink is gone: queued high values are discarded, `ready`
 *   completes (so a `dropNewest` low lane reports its held values to `onDrop`), and the result
 *   completes. Errors from any input are forwarded. Unsubscribing releases every input.
 *
 * Hot path: a value in causes no scheduling and no per-value array copy (the queue is an array with
 * a head index, compacted only when its consumed prefix is large).
 *
 * @example
 * Send text events before audio frames, keep at most 50 frames while the socket is congested
 * ```ts
 * import { dropNewest, priorityMerge } from 'realtime-rx';
 *
 * const outbound$ = priorityMerge({
 *   writable: socketWritable$,
 *   high: textEvents$,
 *   low: (ready) => audioFrames$.pipe(dropNewest({ capacity: 50, writable: ready, onDrop: countDrop })),
 * });
 * outbound$.subscribe((message) => socket.send(encode(message)));
 * ```
 *
 * @see {@link dropNewest}
 *
 * @param config The sink's writability, the high lane, and the factory of the low lane.
 * @return An Observable of the values of both lanes, high values first whenever both wait.
 */
export function priorityMerge<H, L>(config: PriorityMergeConfig<H, L>): Observable<H | L> {
  const { writable: writable$, high: high$, low: lowFactory } = config;
  return new Observable<H | L>(
    (subscriber) => new PriorityMergeSubscription(subscriber, writable$, high$, lowFactory),
  );
}

/**
 * One subscription's state, in one object: its inputs' observers call shared handlers on it, and
 * it is its own teardown (a conversation keeps one of these open for its whole life).
 */
class PriorityMergeSubscription<H, L> {
  /** Latest known writability of the sink. */
  private writable = false;
  /** High FIFO: the live values are queue[qHead .. queue.length). */
  private queue: (H | undefined)[] = [];
  private qHead = 0;
  /** A drain loop is running further up the stack (re-entrancy guard). */
  private draining = false;
  private highDone = false;
  private lowDone = false;
  /** True exactly when the sink is writable and no high value waits (see Signal: never stale). */
  private readonly ready = new Signal(false);
  private readonly writableSubscription: Subscription;
  private readonly highSubscription: Subscription | null = null;
  private readonly lowSubscription: Subscription | null = null;

  constructor(
    private readonly subscriber: Subscriber<H | L>,
    writable$: Observable<boolean>,
    high$: Observable<H>,
    lowFactory: (ready: Observable<boolean>) => Observable<L>,
  ) {
    // Every input comes through one object, not a partial observer's wrappers, whose handlers are
    // functions shared by every subscription, called on this state (see SourceObserver).
    this.writableSubscription = writable$.subscribe(
      new SourceObserver<boolean, PriorityMergeSubscription<H, L>>(WRITABLE, this),
    );
    if (subscriber.closed) return;
    this.highSubscription = high$.subscribe(
      new SourceObserver<H, PriorityMergeSubscription<H, L>>(HIGH, this),
    );
    if (subscriber.closed) return;
    let low$: Observable<L> | null = null;
    try {
      low$ = lowFactory(this.ready);
    } catch (err) {
      subscriber.error(err);
    }
    if (low$ !== null && !subscriber.closed) {
      this.lowSubscription = low$.subscribe(
        new SourceObserver<L, PriorityMergeSubscription<H, L>>(LOW, this),
      );
    }
  }

  onWritable(isWritable: boolean): void {
    this.writable = isWritable;
    if (isWritable) {
      this.drain();
    } else {
      this.ready.set(false);
    }
  }

  /** The sink is gone: queued high values are discarded, the low lane learns it through `ready`. */
  onWritableEnd(): void {
    this.writable = false;
    this.queue.length = 0;
    this.qHead = 0;
    this.ready.complete();
    this.subscriber.complete();
  }

  onHigh(value: H): void {
    if (this.writable && this.qHead === this.queue.length && !this.draining) {
      this.subscriber.next(value);
    } else {
      this.queue.push(value);
      this.ready.set(false);
    }
  }

  onHighEnd(): void {
    this.highDone = true;
    this.maybeComplete();
  }

  onLow(value: L): void {
    this.subscriber.next(value);
  }

  onLowEnd(): void {
    this.lowDone = true;
    this.maybeComplete();
  }

  error(err: unknown): void {
    this.subscriber.error(err);
  }

  unsubscribe(): void {
    this.writableSubscription.unsubscribe();
    this.highSubscription?.unsubscribe();
    this.lowSubscription?.unsubscribe();
    this.queue = [];
    this.qHead = 0;
    this.ready.release();
  }

  private maybeComplete(): void {
    if (this.highDone && this.lowDone && this.qHead === this.queue.length) this.subscriber.complete();
  }

  /** Drains the high queue while writable, then releases the low lane if still writable and empty. */
  private drain(): void {
    if (this.draining) {
      // An outer drain loop re-checks `writable` after each emission and carries on.
      return;
    }
    this.draining = true;
    const subscriber = this.subscriber;
    try {
      while (this.writable && this.qHead < this.queue.length && !subscriber.closed) {
        const queue = this.queue;
        const value = queue[this.qHead] as H;
        queue[this.qHead++] = undefined;
        if (this.qHead === queue.length) {
          queue.length = 0;
          this.qHead = 0;
        } else if (this.qHead >= 1024 && this.qHead * 2 >= queue.length) {
          queue.copyWithin(0, this.qHead);
          queue.length -= this.qHead;
          this.qHead = 0;
        }
        subscriber.next(value);
      }
    } finally {
      this.draining = false;
    }
    if (subscriber.closed) return;
    this.maybeComplete();
    if (subscriber.closed) return;
    this.ready.set(this.writable && this.qHead === this.queue.length);
  }
}

type State<H, L> = PriorityMergeSubscription<H, L>;

function writableNext<H, L>(this: State<H, L>, isWritable: boolean): void {
  this.onWritable(isWritable);
}
function writableEnd<H, L>(this: State<H, L>): void {
  this.onWritableEnd();
}
function highNext<H, L>(this: State<H, L>, value: H): void {
  this.onHigh(value);
}
function highEnd<H, L>(this: State<H, L>): void {
  this.onHighEnd();
}
function lowNext<H, L>(this: State<H, L>, value: L): void {
  this.onLow(value);
}
function lowEnd<H, L>(this: State<H, L>): void {
  this.onLowEnd();
}
function forwardError<H, L>(this: State<H, L>, error: unknown): void {
  this.error(error);
}

// Each input's handlers, one object for every subscription (see SourceObserver).
const WRITABLE: SourceHandlers<boolean, State<unknown, unknown>> = {
  next: writableNext,
  error: forwardError,
  complete: writableEnd,
};
const HIGH: SourceHandlers<unknown, State<unknown, unknown>> = {
  next: highNext,
  error: forwardError,
  complete: highEnd,
};
const LOW: SourceHandlers<unknown, State<unknown, unknown>> = {
  next: lowNext,
  error: forwardError,
  complete: lowEnd,
};
