import { Observable, Subscription } from 'rxjs';
import { Signal } from './signal.js';
import { SourceObserver } from './sourceObserver.js';

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

  return new Observable<H | L>((subscriber) => {
    /** Latest known writability of the sink. */
    let writable = false;

    // High FIFO: the live values are queue[qHead .. queue.length).
    let queue: (H | undefined)[] = [];
    let qHead = 0;
    /** A drain loop is running further up the stack (re-entrancy guard). */
    let draining = false;
    let highDone = false;
    let lowDone = false;

    /** True exactly when the sink is writable and no high value waits (see Signal: never stale). */
    const ready = new Signal(false);

    const maybeComplete = (): void => {
      if (highDone && lowDone && qHead === queue.length) subscriber.complete();
    };

    /** Drains the high queue while writable, then releases the low lane if still writable and empty. */
    const drain = (): void => {
      if (draining) {
        // An outer drain loop re-checks `writable` after each emission and carries on.
        return;
      }
      draining = true;
      try {
        while (writable && qHead < queue.length && !subscriber.closed) {
          const value = queue[qHead] as H;
          queue[qHead++] = undefined;
          if (qHead === queue.length) {
            queue.length = 0;
            qHead = 0;
          } else if (qHead >= 1024 && qHead * 2 >= queue.length) {
            queue.copyWithin(0, qHead);
            queue.length -= qHead;
            qHead = 0;
          }
          subscriber.next(value);
        }
      } finally {
        draining = false;
      }
      if (subscriber.closed) return;
      maybeComplete();
      if (subscriber.closed) return;
      ready.set(writable && qHead === queue.length);
    };

    const writableSubscription: Subscription = writable$.subscribe({
      next: (isWritable) => {
        writable = isWritable;
        if (isWritable) {
          drain();
        } else {
          ready.set(false);
        }
      },
      error: (err: unknown) => subscriber.error(err),
      complete: () => {
        // The sink is gone: queued high values are discarded, the low lane learns it through `ready`.
        writable = false;
        queue.length = 0;
        qHead = 0;
        ready.complete();
        subscriber.complete();
      },
    });

    // Both lanes come through one object each, not a partial observer's wrappers (see SourceObserver).
    const highSubscription: Subscription | null = subscriber.closed
      ? null
      : high$.subscribe(
          new SourceObserver<H>(
            (value) => {
              if (writable && qHead === queue.length && !draining) {
                subscriber.next(value);
              } else {
                queue.push(value);
                ready.set(false);
              }
            },
            (err) => subscriber.error(err),
            () => {
              highDone = true;
              maybeComplete();
            },
          ),
        );

    let lowSubscription: Subscription | null = null;
    if (!subscriber.closed) {
      let low$: Observable<L> | null = null;
      try {
        low$ = lowFactory(ready);
      } catch (err) {
        subscriber.error(err);
      }
      if (low$ !== null && !subscriber.closed) {
        lowSubscription = low$.subscribe(
          new SourceObserver<L>(
            (value) => subscriber.next(value),
            (err) => subscriber.error(err),
            () => {
              lowDone = true;
              maybeComplete();
            },
          ),
        );
      }
    }

    return () => {
      writableSubscription.unsubscribe();
      highSubscription?.unsubscribe();
      lowSubscription?.unsubscribe();
      queue = [];
      qHead = 0;
      ready.release();
    };
  });
}
