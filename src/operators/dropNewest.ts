import { MonoTypeOperatorFunction, Observable, Subscription } from 'rxjs';
import { SourceObserver } from './sourceObserver.js';

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
    new Observable<T>((subscriber) => {
      // Ring buffer of held values, allocated on first use: `count` values starting at `head`.
      let ring: (T | undefined)[] | null = null;
      let head = 0;
      let count = 0;
      /** Latest known writability of the sink. */
      let writable = false;
      /** A flush loop is running further up the stack (re-entrancy guard). */
      let flushing = false;
      let sourceDone = false;

      /** Hands a dropped value to `onDrop`; false when `onDrop` threw (the result has then errored). */
      const drop = (value: T): boolean => {
        if (onDrop !== undefined) {
          try {
            onDrop(value);
          } catch (err) {
            subscriber.error(err);
            return false;
          }
        }
        return true;
      };

      /** Emits held values while the sink stays writable; completes when the source is done and nothing is held. */
      const flush = (): void => {
        if (flushing) {
          // An outer flush loop re-checks `writable` after each emission and carries on.
          return;
        }
        flushing = true;
        try {
          while (writable && count > 0 && !subscriber.closed) {
            const value = ring![head] as T;
            ring![head] = undefined;
            if (++head === capacity) head = 0;
            count--;
            subscriber.next(value);
          }
        } finally {
          flushing = false;
        }
        if (sourceDone && count === 0) subscriber.complete();
      };

      // Both inputs come through one object each, not a partial observer's wrappers (see SourceObserver).
      const writableSubscription: Subscription = writable$.subscribe(
        new SourceObserver<boolean>(
          (isWritable) => {
            writable = isWritable;
            if (isWritable && count > 0) flush();
          },
          (err: unknown) => subscriber.error(err),
          () => {
            // The sink is gone: everything still held is dropped, oldest first.
            writable = false;
            while (count > 0 && !subscriber.closed) {
              const value = ring![head] as T;
              ring![head] = undefined;
              if (++head === capacity) head = 0;
              count--;
              if (!drop(value)) return;
            }
            subscriber.complete();
          },
        ),
      );

      // `writable` may have completed or errored synchronously: then there is nothing to subscribe to.
      // The source's values come through one object, not a partial observer's wrappers (see SourceObserver).
      const sourceSubscription: Subscription | null = subscriber.closed
        ? null
        : source.subscribe(
            new SourceObserver<T>(
              (value) => {
                if (writable && count === 0) {
                  subscriber.next(value);
                } else if (count < capacity) {
                  if (ring === null) ring = new Array<T | undefined>(capacity);
                  let tail = head + count;
                  if (tail >= capacity) tail -= capacity;
                  ring[tail] = value;
                  count++;
                } else {
                  drop(value);
                }
              },
              (err) => subscriber.error(err),
              () => {
                sourceDone = true;
                if (count === 0) subscriber.complete();
                // else: the flush that empties the buffer completes the result.
              },
            ),
          );

      return () => {
        writableSubscription.unsubscribe();
        sourceSubscription?.unsubscribe();
        ring = null;
        head = 0;
        count = 0;
      };
    });
}
