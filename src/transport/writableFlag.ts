import { BehaviorSubject, type Observable } from 'rxjs';

/** Who is told directly when a socket's writability changes (the conversation's outbound). */
export interface WritabilityListener {
  setWritable(writable: boolean): void;
}

/**
 * Whether a socket can take more, as a {@link WebSocketSubject} keeps it: a boolean that tells one
 * listener directly and, through a BehaviorSubject made only when `writable$` is first asked for,
 * anyone else. A conversation listens directly: a subscription to a Subject would hold some ten
 * objects and arrays per socket (subscriber wrappers, the observer lists, the teardown).
 * @internal
 */
export class WritableFlag {
  value = false;
  private listener: WritabilityListener | undefined;
  private subject: BehaviorSubject<boolean> | undefined;
  private ended = false;

  /** Tells `listener` of every change from now on (one listener: a later one replaces it). */
  listen(listener: WritabilityListener): void {
    if (!this.ended) this.listener = listener;
  }

  next(value: boolean): void {
    this.value = value;
    this.listener?.setWritable(value);
    // The listener may have changed it again (a send that filled the buffer): that news went out.
    if (this.value === value) this.subject?.next(value);
  }

  /** The socket ended: no more changes. */
  complete(): void {
    this.ended = true;
    this.listener = undefined;
    this.subject?.complete();
  }

  /** The value and its changes, until the end, as `writable$` shows them. */
  asObservable(): Observable<boolean> {
    if (this.subject === undefined) {
      this.subject = new BehaviorSubject(this.value);
      if (this.ended) this.subject.complete();
    }
    return this.subject.asObservable();
  }
}
