import { config, Subscription, type Observer, type TeardownLogic, type Unsubscribable } from 'rxjs';

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
 * On the audio path of a conversation (input lane -> dropNewest -> priorityMerge -> the socket) that
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
export class SourceObserver<T, S = undefined> extends Subscription implements Observer<T> {
  private stopped = false;
  /**
   * The source's teardown (a function, or an object to unsubscribe that is not a Subscription), kept
   * here: Subscription keeps its teardowns in an array, which the first one makes with room for 17.
   * More, or Subscriptions (which link back to their parent), go to that array.
   */
  private finalizer: (() => void) | Unsubscribable | undefined;
  private readonly handlers: SourceHandlers<T, S>;
  private readonly target: S | undefined;

  /**
   * @param handlers What to call, on `target` (`this`): an operator's per-subscription state can
   *   share one handlers object, made once, among all its subscriptions instead of three closures
   *   (or three fields) for each.
   */
  constructor(handlers: SourceHandlers<T, S>, target: S);
  constructor(
    onNext: (this: S, value: T) => void,
    onError: (this: S, error: unknown) => void,
    onComplete: (this: S) => void,
    target?: S,
  );
  constructor(
    handlersOrNext: SourceHandlers<T, S> | ((this: S, value: T) => void),
    targetOrError?: S | ((this: S, error: unknown) => void),
    onComplete?: (this: S) => void,
    target?: S,
  ) {
    super();
    if (typeof handlersOrNext === 'function') {
      this.handlers = {
        next: handlersOrNext,
        error: targetOrError as (this: S, error: unknown) => void,
        complete: onComplete!,
      };
      this.target = target;
    } else {
      this.handlers = handlersOrNext;
      this.target = targetOrError as S;
    }
  }

  next(value: T): void {
    if (this.stopped) return;
    try {
      this.handlers.next.call(this.target as S, value);
    } catch (error) {
      reportUnhandled(error);
    }
  }

  error(error: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    try {
      this.handlers.error.call(this.target as S, error);
    } catch (thrown) {
      reportUnhandled(thrown);
    }
    this.unsubscribe();
  }

  complete(): void {
    if (this.stopped) return;
    this.stopped = true;
    try {
      this.handlers.complete.call(this.target as S);
    } catch (thrown) {
      reportUnhandled(thrown);
    }
    this.unsubscribe();
  }

  override add(teardown: TeardownLogic): void {
    if (this.finalizer === undefined && !this.closed && isPlainTeardown(teardown)) {
      this.finalizer = teardown;
      return;
    }
    super.add(teardown);
  }

  override remove(teardown: Exclude<TeardownLogic, void>): void {
    if (teardown === this.finalizer) this.finalizer = undefined;
    else super.remove(teardown);
  }

  override unsubscribe(): void {
    this.stopped = true;
    if (this.closed) return;
    const finalizer = this.finalizer;
    this.finalizer = undefined;
    // The source's teardown first, as Subscription runs its teardowns in the order they came.
    try {
      if (typeof finalizer === 'function') finalizer();
      else finalizer?.unsubscribe();
    } finally {
      super.unsubscribe();
    }
  }
}

/**
 * A {@link SourceObserver}'s handlers, called with its target as `this`.
 * @internal
 */
export interface SourceHandlers<T, S> {
  next(this: S, value: T): void;
  error(this: S, error: unknown): void;
  complete(this: S): void;
}

/**
 * As RxJS reports an error thrown by an observer: to `config.onUnhandledError`, or thrown on its own.
 * @internal
 */
export function reportUnhandled(error: unknown): void {
  setTimeout(() => {
    const { onUnhandledError } = config;
    if (onUnhandledError) onUnhandledError(error);
    else throw error;
  });
}

/** A teardown that needs no Subscription bookkeeping: a function, or an Unsubscribable that is not a Subscription. */
function isPlainTeardown(teardown: TeardownLogic): teardown is (() => void) | Unsubscribable {
  if (typeof teardown === 'function') return true;
  return (
    typeof teardown === 'object' &&
    teardown !== null &&
    !(teardown instanceof Subscription) &&
    typeof teardown.unsubscribe === 'function'
  );
}
