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
  /** Made with the first subscriber: a signal only followed (see `follow`), or never watched, has none. */
  private subscribers: Multicast<T> | undefined;
  private ended = false;
  /** Set to every change before the subscribers are told, directly (see `follow`). */
  private follower: SignalFollower<T> | undefined;

  constructor(private current: T) {
    // One function for every signal (RxJS calls it with the Observable as `this`): no closure each.
    super(joinSignal);
  }

  get value(): T {
    return this.current;
  }

  /** Changes the value and tells every subscriber; nothing when it is the same, or after the end. */
  set(value: T): void {
    if (value === this.current || this.ended) return;
    this.current = value;
    if (this.follower !== undefined) {
      this.follower.set(value);
      // The follower changed it again meanwhile (a send that filled the buffer): that newer value went out.
      if (this.current !== value) return;
    }
    this.subscribers?.nextLatest(value);
  }

  /**
   * Has `follower` set to every change from now on, before the subscribers hear of it, with no
   * subscription (a subscription holds some ten objects and arrays): one signal following another,
   * as the conversation's writability follows each socket's. One follower; a later one replaces it.
   */
  follow(follower: SignalFollower<T>): void {
    if (!this.ended) this.follower = follower;
  }

  /** The end: every subscriber completes, and later ones at once. */
  complete(): void {
    this.ended = true;
    this.follower = undefined;
    this.subscribers?.complete();
  }

  /** Forgets the subscribers and stops a change being handed over, without completing them. */
  release(): void {
    this.subscribers?.clear();
  }

  /** @internal A new subscriber (see `joinSignal`). */
  join(subscriber: Subscriber<T>): TeardownLogic {
    if (this.ended) return subscriber.complete();
    // Added before the value is given, so a change made while it is handed over reaches it too.
    const teardown = (this.subscribers ??= new Multicast<T>()).add(subscriber);
    subscriber.next(this.current);
    return teardown;
  }
}

function joinSignal<T>(this: Observable<T>, subscriber: Subscriber<T>): TeardownLogic {
  return (this as Signal<T>).join(subscriber);
}

/** What follows a {@link Signal} (another Signal, typically). @internal */
export interface SignalFollower<T> {
  set(value: T): void;
}
