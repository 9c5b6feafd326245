import { Observable, Subject } from 'rxjs';
import { Multicast } from '../operators/multicast.js';

/** What an {@link InputLane} does with values it cannot pass on, and with a producer's failure. */
export interface InputLaneHandlers<T> {
  /** A value given after the conversation ended: count it (audio) or throw (text, controls). */
  afterEnd: (value: T) => void;
  /** Checks a value before it enters the lane; false: it is not passed on (the check reported why). */
  accept?: (value: T) => boolean;
  /** The producer failed (`error()` was called): report it. The lane then completes; the conversation goes on. */
  failed: (error: unknown) => void;
  /** Where accepted values go (the conversation): called directly, with no subscription in between. */
  deliver?: (value: T) => void;
}

/**
 * The Subject behind `conversation.audio`, `text` and `control`. Once the conversation has ended, a
 * plain Subject would swallow values silently; this one hands them to `afterEnd` instead, which
 * counts them (audio) or throws (text), so nothing is lost without a trace. It checks each value as
 * it comes (`accept`), and a producer's error ends the lane only (`failed`), not the conversation.
 *
 * The conversation takes the lane's values through `deliver`, which this Subject calls directly: RxJS 7's
 * `Subject.next` allocates a closure and an iterator per value (its CommonJS build), which adds up on
 * the audio path of a thousand conversations. Anyone else who subscribes gets every value too.
 */
export class InputLane<T> extends Subject<T> {
  private ended = false;
  private stopped = false;
  /** The readers of `values$`: made with the first (the conversation takes values through `deliver`). */
  private readers: Multicast<T> | undefined;

  constructor(private readonly handlers: InputLaneHandlers<T>) {
    super();
  }

  /**
   * The accepted values, in order. A multicast: a second subscriber gets every value from then on,
   * beside the first (neither replaces the other, nor is refused); each completes when the lane ends
   * (its producer completes or fails), or at once if it already has. A new Observable each time, not
   * kept: its one user (the conversation) subscribes once, and the lane holds only its readers.
   */
  get values$(): Observable<T> {
    return new Observable<T>((subscriber) => {
      if (this.stopped) return subscriber.complete();
      return (this.readers ??= new Multicast<T>()).add(subscriber);
    });
  }

  override next(value: T): void {
    if (this.ended) return this.handlers.afterEnd(value);
    if (this.stopped) return; // completed by its producer: as a Subject, ignore
    const handlers = this.handlers;
    if (handlers.accept !== undefined && !handlers.accept(value)) return;
    handlers.deliver?.(value);
    this.readers?.next(value);
    if (this.observed) super.next(value);
  }

  override error(error: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    if (!this.ended) this.handlers.failed(error);
    this.readers?.complete();
    super.error(error); // other subscribers see the producer's error, as from any Subject
  }

  override complete(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.readers?.complete();
    super.complete();
  }

  /** From now on, values go to `afterEnd`. */
  end(): void {
    this.ended = true;
  }
}
