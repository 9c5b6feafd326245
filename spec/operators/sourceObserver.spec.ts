import { config, Observable, Subject, Subscriber } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { SourceObserver } from '../../src/operators/sourceObserver.js';

/** A SourceObserver recording what reaches its handlers. */
function recorder<T>() {
  const seen: string[] = [];
  const inner = new SourceObserver<T>(
    (value) => seen.push(`next ${String(value)}`),
    (error) => seen.push(`error ${String(error)}`),
    () => seen.push('complete'),
  );
  return { inner, seen };
}

/** Waits for RxJS-style unhandled-error reports (config.onUnhandledError) during `run`. */
async function unhandledDuring(run: () => void): Promise<unknown[]> {
  const reported: unknown[] = [];
  const previous = config.onUnhandledError;
  config.onUnhandledError = (error) => reported.push(error);
  try {
    run();
    await new Promise((resolve) => setTimeout(resolve, 5));
  } finally {
    config.onUnhandledError = previous;
  }
  return reported;
}

describe('SourceObserver', () => {
  it('is subscribed as it is: the source gets this object, not a wrapper around it', () => {
    let received: Subscriber<number> | undefined;
    const source = new Observable<number>((subscriber) => {
      received = subscriber;
    });
    const { inner } = recorder<number>();
    const subscription = source.subscribe(inner);
    expect(received).toBe(inner);
    expect(subscription).toBe(inner);
    inner.unsubscribe();
  });

  it('delivers values and the end in order, under TestScheduler, and releases the source at the end', () => {
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(
      ({ cold, flush, expectSubscriptions }) => {
        const source = cold('-a-b-|');
        const { inner, seen } = recorder<string>();
        source.subscribe(inner);
        flush();
        expect(seen).toEqual(['next a', 'next b', 'complete']);
        expectSubscriptions(source.subscriptions).toBe('^----!');
        expect(inner.closed).toBe(true);
      },
    );
  });

  it('ignores what a misbehaving source sends after its end', () => {
    const { inner, seen } = recorder<number>();
    new Observable<number>((subscriber) => {
      subscriber.next(1);
      subscriber.error('boom');
      subscriber.next(2);
      subscriber.complete();
      subscriber.error('again');
    }).subscribe(inner);
    expect(seen).toEqual(['next 1', 'error boom']);
  });

  it.each(['complete', 'error', 'unsubscribe'] as const)('runs the source teardown once on %s', (end) => {
    const subject = new Subject<number>();
    const teardown = jest.fn();
    const { inner, seen } = recorder<number>();
    new Observable<number>((subscriber) => {
      const link = subject.subscribe(subscriber);
      return () => {
        teardown();
        link.unsubscribe();
      };
    }).subscribe(inner);
    subject.next(1);
    if (end === 'complete') subject.complete();
    else if (end === 'error') subject.error('x');
    else inner.unsubscribe();
    inner.unsubscribe();
    subject.next(2); // nobody listens any more
    expect(teardown).toHaveBeenCalledTimes(1);
    expect(subject.observed).toBe(false);
    expect(seen[0]).toBe('next 1');
    expect(seen).toHaveLength(end === 'unsubscribe' ? 1 : 2);
  });

  it.each(['complete', 'unsubscribe'] as const)(
    'unsubscribes a teardown object the source returns, once, on %s',
    (end) => {
      const teardown = { unsubscribe: jest.fn() };
      let source: Subscriber<number> | undefined;
      const { inner } = recorder<number>();
      new Observable<number>((subscriber) => {
        source = subscriber;
        return teardown;
      }).subscribe(inner);
      expect(teardown.unsubscribe).not.toHaveBeenCalled();
      if (end === 'complete') source!.complete();
      inner.unsubscribe();
      inner.unsubscribe();
      expect(teardown.unsubscribe).toHaveBeenCalledTimes(1);
    },
  );

  it('calls handlers given a target on that target', () => {
    const target = { seen: [] as string[] };
    const inner = new SourceObserver<number, typeof target>(
      function (value) {
        this.seen.push(`next ${value}`);
      },
      function (error) {
        this.seen.push(`error ${String(error)}`);
      },
      function () {
        this.seen.push('complete');
      },
      target,
    );
    const subject = new Subject<number>();
    subject.subscribe(inner);
    subject.next(1);
    subject.complete();
    expect(target.seen).toEqual(['next 1', 'complete']);
  });

  it('runs a teardown added after the end at once, as a Subscription does', () => {
    const { inner } = recorder<number>();
    inner.complete();
    const teardown = jest.fn();
    inner.add(teardown);
    expect(teardown).toHaveBeenCalledTimes(1);
  });

  it('reports a handler that throws as RxJS does, without the producer seeing it, and goes on', async () => {
    const seen: number[] = [];
    const inner = new SourceObserver<number>(
      (value) => {
        if (value === 2) throw new Error('handler failed');
        seen.push(value);
      },
      () => undefined,
      () => {
        throw new Error('complete failed');
      },
    );
    const subject = new Subject<number>();
    subject.subscribe(inner);
    const reported = await unhandledDuring(() => {
      for (const value of [1, 2, 3]) expect(() => subject.next(value)).not.toThrow();
      expect(() => subject.complete()).not.toThrow();
    });
    expect(seen).toEqual([1, 3]);
    expect(reported.map((error) => (error as Error).message)).toEqual(['handler failed', 'complete failed']);
    expect(inner.closed).toBe(true);
  });
});
