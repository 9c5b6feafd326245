import type { Subscriber, TeardownLogic } from 'rxjs';

const NONE: readonly never[] = Object.freeze([]);

/**
 * Subscribers, and each value handed to all of them: the one multicast behind `events$`,
 * `serverEvents$`, an input lane's `values$` and every {@link Signal}. A copy-on-write list: handing a
 * value over allocates nothing, where RxJS 7's `Subject.next` makes a closure and an iterator per
 * value (its CommonJS build), on the path of every audio frame sent and every audio delta received.
 * As with a Subject, a subscriber added while a value is handed over gets the next one; one that
 * leaves stops at once; one added after the end is completed at once.
 * @internal
 */
export class Multicast<T> {
  /** Replaced, never changed, when a subscriber comes or goes: a loop over it is never disturbed. */
  private subscribers: readonly Subscriber<T>[] = NONE;
  /**
   * The subscriber when there is exactly one (an input lane's reader, most `events$`): reached in one
   * step instead of three (the list, its elements, the subscriber), which counts on a hot path when a
   * thousand conversations' objects are no longer in the processor's cache.
   */
  private only: Subscriber<T> | undefined;
  private ended = false;

  /** Adds a subscriber until the returned teardown runs; after the end, completes it instead. */
  add(subscriber: Subscriber<T>): TeardownLogic {
    if (this.ended) return subscriber.complete();
    this.replace([...this.subscribers, subscriber]);
    return () => this.replace(this.subscribers.filter((s) => s !== subscriber));
  }

  /** Whether anyone listens. */
  get observed(): boolean {
    return this.subscribers.length > 0;
  }

  /** The subscribers now, for a loop that stops early (see Signal); never changed, only replaced. */
  get current(): readonly Subscriber<T>[] {
    return this.subscribers;
  }

  next(value: T): void {
    const only = this.only;
    if (only !== undefined) return only.next(value);
    const subscribers = this.subscribers;
    for (let i = 0; i < subscribers.length; i++) subscribers[i].next(value);
  }

  /** Completes every subscriber; later ones are completed as they come. */
  complete(): void {
    const subscribers = this.subscribers;
    this.replace(NONE);
    this.ended = true;
    for (let i = 0; i < subscribers.length; i++) subscribers[i].complete();
  }

  /** Forgets every subscriber without a word (their source is being torn down anyway). */
  clear(): void {
    this.replace(NONE);
  }

  private replace(subscribers: readonly Subscriber<T>[]): void {
    this.subscribers = subscribers;
    this.only = subscribers.length === 1 ? subscribers[0] : undefined;
  }
}
