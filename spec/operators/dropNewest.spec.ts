import { EMPTY, NEVER, Observable, Subject, of, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { dropNewest } from '../../src/operators/dropNewest.js';

/** Writability marbles: t = writable, f = not writable. */
const W = { t: true, f: false } as const;

function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('dropNewest', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = newScheduler();
  });

  describe('capacity validation', () => {
    it.each([-1, 1.5, Infinity, -Infinity, NaN])(
      'throws a RangeError synchronously for capacity %p',
      (capacity) => {
        expect(() => dropNewest<number>({ capacity, writable: NEVER })).toThrow(RangeError);
      },
    );

    it('accepts 0 and positive integers', () => {
      expect(() => dropNewest<number>({ capacity: 0, writable: NEVER })).not.toThrow();
      expect(() => dropNewest<number>({ capacity: 3, writable: NEVER })).not.toThrow();
    });
  });

  describe('under TestScheduler', () => {
    it('passes values straight through while writable', () => {
      scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const writable = hot('t---------', W);
        const source = cold('-a-b-c-|');
        const onDrop = jest.fn();
        expectObservable(source.pipe(dropNewest({ capacity: 2, writable, onDrop }))).toBe('-a-b-c-|');
        expectSubscriptions(source.subscriptions).toBe('^------!');
        expectSubscriptions(writable.subscriptions).toBe('^------!');
        scheduler.flush();
        expect(onDrop).not.toHaveBeenCalled();
      });
    });

    it('is not writable until writable first emits true', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const writable = hot('-----t----', W);
        const source = cold('-a-b------');
        expectObservable(source.pipe(dropNewest({ capacity: 5, writable }))).toBe('-----(ab)-');
      });
    });

    it('holds while not writable and flushes in order on writable (the doc diagram)', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const onDrop = jest.fn();
        const writable = hot('t--f---------t-------', W);
        const source = cold('-a--b--c--d-------e-|');
        const expected = '   -a-----------(bc)-e-|';
        expectObservable(source.pipe(dropNewest({ capacity: 2, writable, onDrop }))).toBe(expected);
        scheduler.flush();
        expect(onDrop.mock.calls).toEqual([['d']]);
      });
    });

    it('a full buffer drops the newest and keeps the held ones in order', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const onDrop = jest.fn();
        const writable = hot('f-----------t---', W);
        const source = cold('abcdefg---------');
        expectObservable(source.pipe(dropNewest({ capacity: 3, writable, onDrop }))).toBe(
          '------------(abc)',
        );
        scheduler.flush();
        expect(onDrop.mock.calls).toEqual([['d'], ['e'], ['f'], ['g']]);
      });
    });

    it('resumes holding after a flush and passes through again once empty', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const onDrop = jest.fn();
        const writable = hot('f---t-------f----t--------', W);
        const source = cold('-ab------c----def------g-');
        const expected = '   ----(ab)-c-------(de)--g-';
        // a b held until 4; c passes; d e held after 12, f dropped (capacity 2); (de) at 17; g passes
        expectObservable(source.pipe(dropNewest({ capacity: 2, writable, onDrop }))).toBe(expected);
        scheduler.flush();
        expect(onDrop.mock.calls).toEqual([['f']]);
      });
    });

    it('capacity 0 never holds: every value seen while not writable is dropped', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const onDrop = jest.fn();
        const writable = hot('f---t--f---', W);
        const source = cold('-ab--c--d-|');
        expectObservable(source.pipe(dropNewest({ capacity: 0, writable, onDrop }))).toBe('-----c----|');
        scheduler.flush();
        expect(onDrop.mock.calls).toEqual([['a'], ['b'], ['d']]);
      });
    });

    it('source completion waits for the held values to be flushed', () => {
      scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const writable = hot('f-------t---', W);
        const source = cold('-a-b-|');
        expectObservable(source.pipe(dropNewest({ capacity: 4, writable }))).toBe('--------(ab|)');
        expectSubscriptions(source.subscriptions).toBe('^----!');
        expectSubscriptions(writable.subscriptions).toBe('^-------!');
      });
    });

    it('source completion with nothing held completes at once', () => {
      scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const writable = hot('f-------', W);
        const source = cold('---|');
        expectObservable(source.pipe(dropNewest({ capacity: 4, writable }))).toBe('---|');
        expectSubscriptions(writable.subscriptions).toBe('^--!');
      });
    });

    it('writable completion drops the held values to onDrop (oldest first) and completes', () => {
      scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const onDrop = jest.fn();
        const writable = hot('f------|', W);
        const source = cold('-abcd-----');
        expectObservable(source.pipe(dropNewest({ capacity: 3, writable, onDrop }))).toBe('-------|');
        expectSubscriptions(source.subscriptions).toBe('^------!');
        scheduler.flush();
        // d dropped because the buffer was full, then a b c because the sink is gone
        expect(onDrop.mock.calls).toEqual([['d'], ['a'], ['b'], ['c']]);
      });
    });

    it('a source error propagates and discards the held values', () => {
      scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const onDrop = jest.fn();
        const writable = hot('f-------t-', W);
        const source = cold('-ab-#', undefined, new Error('mic'));
        expectObservable(source.pipe(dropNewest({ capacity: 3, writable, onDrop }))).toBe(
          '----#',
          undefined,
          new Error('mic'),
        );
        expectSubscriptions(writable.subscriptions).toBe('^---!');
        scheduler.flush();
        expect(onDrop).not.toHaveBeenCalled();
      });
    });

    it('a writable error propagates and discards the held values', () => {
      scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const onDrop = jest.fn();
        const writable = hot('f--#', W, new Error('socket'));
        const source = cold('-ab-----');
        expectObservable(source.pipe(dropNewest({ capacity: 3, writable, onDrop }))).toBe(
          '---#',
          undefined,
          new Error('socket'),
        );
        expectSubscriptions(source.subscriptions).toBe('^--!');
        scheduler.flush();
        expect(onDrop).not.toHaveBeenCalled();
      });
    });

    it('unsubscribing tears down both inputs', () => {
      scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const writable = hot('f-t-f-----', W);
        const source = cold('-a---b-c--');
        expectObservable(source.pipe(dropNewest({ capacity: 3, writable })), '^------!').toBe('--a---');
        expectSubscriptions(source.subscriptions).toBe('^------!');
        expectSubscriptions(writable.subscriptions).toBe('^------!');
      });
    });
  });

  describe('synchronous re-entrancy (plain Subjects)', () => {
    /** A sink that turns the socket unwritable, synchronously, when it has received `after` values. */
    function stallingSink(writable: Subject<boolean>, after: number) {
      const received: string[] = [];
      let budget = after;
      return {
        received,
        refill(n: number) {
          budget = n;
        },
        next(value: string) {
          received.push(value);
          if (--budget === 0) writable.next(false);
        },
      };
    }

    it('stops mid-flush when the sink turns unwritable while receiving a value, resumes in order', () => {
      const writable = new Subject<boolean>();
      const source = new Subject<string>();
      const onDrop = jest.fn();
      const sink = stallingSink(writable, 2);
      source.pipe(dropNewest({ capacity: 4, writable, onDrop })).subscribe(sink);

      for (const v of ['a', 'b', 'c', 'd', 'e']) source.next(v);
      expect(onDrop.mock.calls).toEqual([['e']]);
      writable.next(true);
      expect(sink.received).toEqual(['a', 'b']);

      // held: c d; two more fit, the next is dropped
      source.next('f');
      source.next('g');
      source.next('h');
      expect(onDrop.mock.calls).toEqual([['e'], ['h']]);
      expect(sink.received).toEqual(['a', 'b']);

      sink.refill(3);
      writable.next(true);
      expect(sink.received).toEqual(['a', 'b', 'c', 'd', 'f']);

      writable.next(true);
      expect(sink.received).toEqual(['a', 'b', 'c', 'd', 'f', 'g']);
      // empty and writable: pass-through
      source.next('i');
      expect(sink.received).toEqual(['a', 'b', 'c', 'd', 'f', 'g', 'i']);
    });

    it('stops when the very first pass-through value makes the sink unwritable', () => {
      const writable = new Subject<boolean>();
      const source = new Subject<string>();
      const sink = stallingSink(writable, 1);
      source.pipe(dropNewest({ capacity: 2, writable })).subscribe(sink);
      writable.next(true);
      source.next('a');
      source.next('b');
      expect(sink.received).toEqual(['a']);
      writable.next(true);
      expect(sink.received).toEqual(['a', 'b']);
    });

    it('keeps order across ring-buffer wrap-around', () => {
      const writable = new Subject<boolean>();
      const source = new Subject<string>();
      const onDrop = jest.fn();
      const sink = stallingSink(writable, 2);
      source.pipe(dropNewest({ capacity: 3, writable, onDrop })).subscribe(sink);

      ['a', 'b', 'c'].forEach((v) => source.next(v)); // ring: a b c
      writable.next(true); // a b out, stalls; ring: c
      ['d', 'e', 'f'].forEach((v) => source.next(v)); // d e held (wrapping), f dropped
      expect(onDrop.mock.calls).toEqual([['f']]);
      sink.refill(2);
      writable.next(true); // c d out
      ['g', 'h'].forEach((v) => source.next(v)); // ring: e g h (wrapping again)
      sink.refill(-1);
      writable.next(true);
      expect(sink.received).toEqual(['a', 'b', 'c', 'd', 'e', 'g', 'h']);
    });

    it('a re-entrant false -> true flip inside the flush neither duplicates nor reorders', () => {
      const writable = new Subject<boolean>();
      const source = new Subject<string>();
      const received: string[] = [];
      let delivering = false;
      source.pipe(dropNewest({ capacity: 4, writable })).subscribe((v) => {
        // the flush in progress carries on: no value is delivered inside the delivery of another
        received.push(delivering ? `nested ${v}` : v);
        delivering = true;
        if (v === 'b') {
          writable.next(false);
          writable.next(true);
        }
        delivering = false;
      });
      ['a', 'b', 'c', 'd'].forEach((v) => source.next(v));
      writable.next(true);
      expect(received).toEqual(['a', 'b', 'c', 'd']);
    });

    it('a value the source emits re-entrantly during a flush queues behind the held ones', () => {
      const writable = new Subject<boolean>();
      const source = new Subject<string>();
      const received: string[] = [];
      source.pipe(dropNewest({ capacity: 4, writable })).subscribe((v) => {
        received.push(v);
        if (v === 'a') source.next('z');
      });
      ['a', 'b'].forEach((v) => source.next(v));
      writable.next(true);
      expect(received).toEqual(['a', 'b', 'z']);
    });

    it('source completion waits for a flush interrupted by the sink', () => {
      const writable = new Subject<boolean>();
      const source = new Subject<string>();
      const s = stallingSink(writable, 1);
      const complete = jest.fn();
      source.pipe(dropNewest({ capacity: 4, writable })).subscribe({ next: (v) => s.next(v), complete });
      source.next('a');
      source.next('b');
      source.complete();
      writable.next(true);
      expect(s.received).toEqual(['a']);
      expect(complete).not.toHaveBeenCalled();
      s.refill(-1);
      writable.next(true);
      expect(s.received).toEqual(['a', 'b']);
      expect(complete).toHaveBeenCalledTimes(1);
    });

    it('stops flushing when the consumer unsubscribes mid-flush', () => {
      const writable = new Subject<boolean>();
      const source = new Subject<string>();
      const received: string[] = [];
      const complete = jest.fn();
      source
        .pipe(dropNewest({ capacity: 4, writable }), take(2))
        .subscribe({ next: (v) => received.push(v), complete });
      ['a', 'b', 'c'].forEach((v) => source.next(v));
      writable.next(true);
      expect(received).toEqual(['a', 'b']);
      expect(complete).toHaveBeenCalledTimes(1);
      expect(source.observed).toBe(false);
      expect(writable.observed).toBe(false);
    });

    it('an error thrown by onDrop is forwarded', () => {
      const writable = new Subject<boolean>();
      const source = new Subject<string>();
      const boom = new Error('counter broke');
      const error = jest.fn();
      source
        .pipe(
          dropNewest({
            capacity: 0,
            writable,
            onDrop: () => {
              throw boom;
            },
          }),
        )
        .subscribe({ error });
      source.next('a');
      expect(error).toHaveBeenCalledWith(boom);
      expect(source.observed).toBe(false);
    });

    it('a writable that completes synchronously completes the result without subscribing the source', () => {
      let subscribed = false;
      const source = new Observable<string>(() => {
        subscribed = true;
      });
      const complete = jest.fn();
      source.pipe(dropNewest({ capacity: 2, writable: EMPTY })).subscribe({ complete });
      expect(complete).toHaveBeenCalledTimes(1);
      expect(subscribed).toBe(false);
    });

    it('a synchronous source passes through a synchronously writable sink', () => {
      const received: number[] = [];
      const complete = jest.fn();
      of(1, 2, 3)
        .pipe(dropNewest({ capacity: 0, writable: new Observable<boolean>((s) => s.next(true)) }))
        .subscribe({ next: (v) => received.push(v), complete });
      expect(received).toEqual([1, 2, 3]);
      expect(complete).toHaveBeenCalledTimes(1);
    });
  });
});
