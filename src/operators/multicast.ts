import type { Subscriber, TeardownLogic } from 'rxjs';

const NONE: readonly never[] = Object.freeze([]);

/**
 * Subscribers, and each value handed to all of them: the one multicast behind `events$`,
 * `serverEvents$`, an input lane's `values$` and every {@link Signal}. Handing a value over allocates
 * nothing, where RxJS 7's `Subject.next` makes a closure and an iterator per value (its CommonJS
 * build), on the path of every audio frame sent and every audio delta received. As with a Subject, a
 * subscriber added while a value is handed over gets the next one; one that leaves stops at once; one
 * added after the end is completed at once.
 * @internal
 */
export class Multicast<T> {
  /**
   * The subscriber when there is exactly one (an input lane's reader, most `events$`): no list to
   * keep, and reached in one step instead of three (the list, its elements, the subscriber), which
   * counts on a hot path when a thousand conversations' objects are no longer in the processor's cache.
   */
  private only: Subscriber<T> | undefined;
  /** The subscribers when there are two or more: replaced, never changed, so a loop over it is never disturbed. */
  private many: readonly Subscriber<T>[] | undefined;
  /** Bumped by every `nextLatest`, the end and `clear`: a `nextLatest` loop stops when it no longer matches. */
  private round = 0;
  private ended = false;

  /** Adds a subscriber until the returned teardown runs; after the end, completes it instead. */
  add(subscriber: Subscriber<T>): TeardownLogic {
    if (this.ended) return subscriber.complete();
    this.replace([...this.list(), subscriber]);
    return new Membership(this, subscriber);
  }

  /** Forgets `subscriber` (its membership's teardown). */
  remove(subscriber: Subscriber<T>): void {
    this.replace(this.list().filter((s) => s !== subscriber));
  }

  /** Whether anyone listens. */
  get observed(): boolean {
    return this.only !== undefined || this.many !== undefined;
  }

  /** Whether it has ended (see `complete`). */
  get isEnded(): boolean {
    return this.ended;
  }

  /** Hands `value` to every subscriber. */
  next(value: T): void {
    const only = this.only;
    if (only !== undefined) return only.next(value);
    const many = this.many;
    if (many === undefined) return;
    for (let i = 0; i < many.length; i++) many[i].next(value);
  }

  /**
   * Hands `value` to every subscriber unless a newer value is handed over meanwhile (by one of them):
   * then the newer one has reached everyone, and this one goes no further. For a state, never a stream.
   */
  nextLatest(value: T): void {
    const round = ++this.round;
    const only = this.only;
    if (only !== undefined) return only.next(value);
    const many = this.many;
    if (many === undefined) return;
    for (let i = 0; i < many.length && this.round === round; i++) many[i].next(value);
  }

  /** Completes every subscriber; later ones are completed as they come. */
  complete(): void {
    if (this.ended) return;
    const subscribers = this.list();
    this.clear();
    this.ended = true;
    for (let i = 0; i < subscribers.length; i++) subscribers[i].complete();
  }

  /** Forgets every subscriber without a word (their source is being torn down), and stops a `nextLatest`. */
  clear(): void {
    this.round++;
    this.replace(NONE);
  }

  private list(): readonly Subscriber<T>[] {
    const only = this.only;
    return only !== undefined ? [only] : (this.many ?? NONE);
  }

  private replace(subscribers: readonly Subscriber<T>[]): void {
    const count = subscribers.length;
    this.only = count === 1 ? subscribers[0] : undefined;
    this.many = count > 1 ? subscribers : undefined;
  }
}

/** A subscriber's teardown: an object of two fields, not a closure and its context (one per subscriber). */
class Membership<T> {
  constructor(
    private readonly multicast: Multicast<T>,
    private readonly subscriber: Subscriber<T>,
  ) {}

  unsubscribe(): void {
    this.multicast.remove(this.subscriber);
  }
}
