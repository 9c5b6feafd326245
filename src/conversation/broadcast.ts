import type { Subscriber, TeardownLogic } from 'rxjs';

/**
 * The subscribers of `events$`, and each event handed to all of them. A copy-on-write list: handing an
 * event over allocates nothing, where RxJS 7's `Subject.next` makes a closure and an iterator per
 * value (its CommonJS build), on the path of every inbound audio delta. As with a Subject, a
 * subscriber added while an event is handed over gets the next one; one that leaves stops at once.
 */
export class Broadcast<T> {
  private subscribers: readonly Subscriber<T>[] = [];

  /** Adds a subscriber until the returned teardown runs. */
  add(subscriber: Subscriber<T>): TeardownLogic {
    this.subscribers = [...this.subscribers, subscriber];
    return () => {
      this.subscribers = this.subscribers.filter((s) => s !== subscriber);
    };
  }

  /** Whether anyone listens. */
  get observed(): boolean {
    return this.subscribers.length > 0;
  }

  next(value: T): void {
    const subscribers = this.subscribers;
    for (let i = 0; i < subscribers.length; i++) subscribers[i].next(value);
  }

  complete(): void {
    const subscribers = this.subscribers;
    this.subscribers = [];
    for (let i = 0; i < subscribers.length; i++) subscribers[i].complete();
  }
}
