import type { Subscriber } from 'rxjs';

/**
 * The subscribers of `events$`, and each event handed to all of them. A copy-on-write list: handing an
 * event over allocates nothing, where RxJS 7's `Subject.next` makes a closure and an iterator per
 * value (its CommonJS build), on the path of every inbound audio delta. As with a Subject, a
 * subscriber added while an event is handed over gets the next one; one that leaves stops at once.
 *
 * No teardown per subscriber (RxJS would keep it in an array of the subscriber's own): one that has
 * left is passed over, and dropped from the list by the next event or the next subscriber.
 */
export class Broadcast<T> {
  private subscribers: readonly Subscriber<T>[] = [];

  /** Adds a subscriber until it unsubscribes. */
  add(subscriber: Subscriber<T>): void {
    this.subscribers = [...this.subscribers.filter(isOpen), subscriber];
  }

  /** Whether anyone listens (or left since the last event). */
  get observed(): boolean {
    return this.subscribers.length > 0;
  }

  next(value: T): void {
    const subscribers = this.subscribers;
    let left = false;
    for (let i = 0; i < subscribers.length; i++) {
      const subscriber = subscribers[i];
      if (subscriber.closed) left = true;
      else subscriber.next(value);
    }
    if (left) this.subscribers = this.subscribers.filter(isOpen);
  }

  complete(): void {
    const subscribers = this.subscribers;
    this.subscribers = [];
    for (let i = 0; i < subscribers.length; i++) subscribers[i].complete();
  }
}

function isOpen(subscriber: Subscriber<unknown>): boolean {
  return !subscriber.closed;
}
