import { config, Subscription, type Observer } from 'rxjs';

/**
 * What an operator subscribes to its source with, on a hot path: its `next`, `error` and `complete`
 * in one object that is also the subscription, with a Subscriber's guarantees (nothing after the
 * end; the end, or an unsubscribe, tears down what the source added) and a partial observer's
 * (a handler that throws is reported, as RxJS reports it, and does not reach the producer).
 *
 * Why not `source.subscribe({ next, error, complete })`: RxJS 7 wraps a partial observer in two
 * objects of its own (a SafeSubscriber and its ConsumerObserver), and every value then goes through
 * three calls and three objects before it reaches the handler. An object that is an Observer and a
 * Subscription, as this one is, is taken for a Subscriber and used as it is (`Observable.subscribe`).
 * On the audio path of a conversation (input lane → dropNewest → priorityMerge → the socket) that
 * was three such hops per frame, and with a thousand conversations (their objects no longer in the
 * processor's cache) the wrappers were a large share of the cost of a frame (docs/performance.md).
 * Should a later RxJS wrap it anyway, it still works: only slower.
 *
 * @example
 * ```ts
 * const inner = new SourceObserver<number>(
 *   (value) => subscriber.next(value * 2),
 *   (error) => subscriber.error(error),
 *   () => subscriber.complete(),
 * );
 * source.subscribe(inner);
 * return () => inner.unsubscribe();
 * ```
 * @internal
 */
export class SourceObserver<T> extends Subscription implements Observer<T> {
  private stopped = false;

  constructor(
    private readonly onNext: (value: T) => void,
    private readonly onError: (error: unknown) => void,
    private readonly onComplete: () => void,
  ) {
    super();
  }

  next(value: T): void {
    if (this.stopped) return;
    try {
      this.onNext(value);
    } catch (error) {
      reportUnhandled(error);
    }
  }

  error(error: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    try {
      this.onError(error);
    } catch (thrown) {
      reportUnhandled(thrown);
    }
    this.unsubscribe();
  }

  complete(): void {
    if (this.stopped) return;
    this.stopped = true;
    try {
      this.onComplete();
    } catch (thrown) {
      reportUnhandled(thrown);
    }
    this.unsubscribe();
  }

  override unsubscribe(): void {
    this.stopped = true;
    super.unsubscribe();
  }
}

/** As RxJS reports an error thrown by an observer: to `config.onUnhandledError`, or thrown on its own. */
function reportUnhandled(error: unknown): void {
  setTimeout(() => {
    const { onUnhandledError } = config;
    if (onUnhandledError) onUnhandledError(error);
    else throw error;
  });
}
