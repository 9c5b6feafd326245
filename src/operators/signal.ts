import { Observable, type Subscriber, type TeardownLogic } from 'rxjs';
import { Multicast } from './multicast.js';

/**
 * A value that changes, as an Observable: each subscriber gets the current value, then every change.
 * The one "you may go on now" signal: a socket's `writable$`, the conversation's writability that
 * outlives sockets, and `priorityMerge`'s `ready`; also the conversation's `state$`.
 *
 * Unlike a BehaviorSubject it emits only on change, and never a stale value: when a subscriber
 * changes it while a change is being handed over, the newer value reaches everyone and the older
 * one goes no further (a drain loop told "writable" must not be told it again after "not writable").
 * @internal
 */
export class Signal<T> extends Observable<T> {
  private readonly subscribers = new Multicast<T>();

  constructor(private current: T) {
    super((subscriber) => this.join(subscriber));
  }

  get value(): T {
    return this.current;
  }

  /** Changes the value and tells every subscriber; nothing when it is the same, or after the end. */
  set(value: T): void {
    if (value === this.current || this.subscribers.isEnded) return;
    this.current = value;
    this.subscribers.nextLatest(value);
  }

  /** The end: every subscriber completes, and later ones at once. */
  complete(): void {
    this.subscribers.complete();
  }

  /** Forgets the subscribers and stops a change being handed over, without completing them. */
  release(): void {
    this.subscribers.clear();
  }

  private join(subscriber: Subscriber<T>): TeardownLogic {
    if (this.subscribers.isEnded) return subscriber.complete();
    // Added before the value is given, so a change made while it is handed over reaches it too.
    const teardown = this.subscribers.add(subscriber);
    subscriber.next(this.current);
    return teardown;
  }
}
