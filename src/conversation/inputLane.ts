import { Subject } from 'rxjs';

/**
 * The Subject behind `conversation.audio` / `conversation.text`. Once the conversation has ended, a
 * plain Subject would swallow values silently; this one hands them to `afterEnd` instead, which
 * counts them (audio) or throws (text), so nothing is lost without a trace.
 */
export class InputLane<T> extends Subject<T> {
  private ended = false;

  constructor(private readonly afterEnd: (value: T) => void) {
    super();
  }

  override next(value: T): void {
    if (this.ended) this.afterEnd(value);
    else super.next(value);
  }

  /** From now on, values go to `afterEnd`. */
  end(): void {
    this.ended = true;
  }
}
