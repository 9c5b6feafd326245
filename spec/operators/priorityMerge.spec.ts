import {
  EMPTY,
  NEVER,
  Observable,
  Subject,
  Subscription,
  ignoreElements,
  interval,
  map,
  merge,
  take,
  tap,
} from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { dropNewest } from '../../src/operators/dropNewest.js';
import { priorityMerge } from '../../src/operators/priorityMerge.js';

/** Writability marbles: t = writable, f = not writable. */
const W = { t: true, f: false } as const;

function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/**
 * Marbles for many values emitted in one frame, e.g. `10001ms (<1256 keys>|)`. Each value gets its own
 * single-character key (CJK code units: never marble syntax), so every value is asserted exactly.
 */
function burstAt(
  frame: number,
  values: readonly string[],
  complete: boolean,
): { marbles: string; values: Record<string, string> } {
  const map: Record<string, string> = {};
  let keys = '';
  values.forEach((value, i) => {
    const key = String.fromCharCode(0x4e00 + i);
    map[key] = value;
    keys += key;
  });
  return { marbles: `${frame}ms (${keys}${complete ? '|' : ''})`, values: map };
}

const range = (n: number, prefix: string): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('priorityMerge', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = newScheduler();
  });

  describe('under TestScheduler', () => {
    it('emits high values at once while writable and none is queued', () => {
      scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const writable = hot('t-------', W);
        const high = cold('-a-b-|');
        expectObservable(priorityMerge({ writable, high, low: () => EMPTY })).toBe('-a-b-|');
        expectSubscriptions(high.subscriptions).toBe('^----!');
        expectSubscriptions(writable.subscriptions).toBe('^----!');
      });
    });

    it('queues high values (FIFO) while not writable and drains them when writable', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const writable = hot('f----t--', W);
        const high = cold('-abc----');
        expectObservable(priorityMerge({ writable, high, low: () => NEVER })).toBe('-----(abc)');
      });
    });

    it('ready: replays its value on subscription, false while high values wait, true once they are drained', () => {
      scheduler.run(({ hot, expectObservable }) => {
        const writable = hot('--t----f---t--', W);
        const high = hot('    -a-------b----');
        const values = { a: 'a', b: 'b', t: true, f: false };
        // the low lane is the ready signal itself
        expectObservable(priorityMerge({ writable, high, low: (ready) => ready })).toBe(
          'f-(at)-f---(bt)',
          values,
        );
      });
    });

    it('ready emits only on change', () => {
      scheduler.run(({ hot, expectObservable }) => {
        const writable = hot('--t--t--f--f--t', W);
        expectObservable(priorityMerge({ writable, high: NEVER, low: (ready) => ready })).toBe(
          'f-t-----f-----t',
          W,
        );
      });
    });

    it('releases the low lane only after the high queue is drained (the doc diagram)', () => {
      scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const onDrop = jest.fn();
        const high = cold('    ---------H--------|');
        const audio = cold('   -a--b--c----------|');
        const writable = hot(' f-----------t-------', W);
        const expected = '     ------------(Hab)-|';
        const out = priorityMerge({
          writable,
          high,
          low: (ready) => audio.pipe(dropNewest({ capacity: 2, writable: ready, onDrop })),
        });
        expectObservable(out).toBe(expected);
        expectSubscriptions(high.subscriptions).toBe('    ^-----------------!');
        expectSubscriptions(audio.subscriptions).toBe('   ^-----------------!');
        expectSubscriptions(writable.subscriptions).toBe('^-----------------!');
        scheduler.flush();
        expect(onDrop.mock.calls).toEqual([['c']]);
      });
    });

    it('text queued behind 200 audio frames goes out before any of them once the socket drains', () => {
      scheduler.run(({ hot, expectObservable }) => {
        const onDrop = jest.fn();
        const writable = hot('f 299ms t', W); // writable at frame 300
        const text = hot('250ms T|', { T: 'text' });
        // 200 frames at 1..200, all held by dropNewest while the socket is not writable
        const audio = interval(1).pipe(
          take(200),
          map((i) => `audio${i}`),
        );
        const out = priorityMerge({
          writable,
          high: text,
          low: (ready) => audio.pipe(dropNewest({ capacity: 256, writable: ready, onDrop })),
        });
        const expected = burstAt(300, ['text', ...range(200, 'audio')], true);
        expectObservable(out).toBe(expected.marbles, expected.values);
        scheduler.flush();
        expect(onDrop).not.toHaveBeenCalled();
      });
    });

    it('loses nothing from the text lane when the sink stalls for 10 000 frames', () => {
      scheduler.run(({ hot, expectObservable }) => {
        const dropped: string[] = [];
        const writable = hot('f 10000ms t', W); // writable again at frame 10 001
        // 1 000 text events at 10, 20, ... 10 000 (then the lane completes)
        const text = interval(10).pipe(
          take(1000),
          map((i) => `text${i}`),
        );
        // 4 000 audio frames at 2, 4, ... 8 000 (then the lane completes)
        const audio = interval(2).pipe(
          take(4000),
          map((i) => `audio${i}`),
        );
        const out = priorityMerge({
          writable,
          high: text,
          low: (ready) =>
            audio.pipe(dropNewest({ capacity: 256, writable: ready, onDrop: (v) => dropped.push(v) })),
        });
        // all text first, in order, then the 256 oldest frames; both lanes are done, so the output completes
        const expected = burstAt(10001, [...range(1000, 'text'), ...range(256, 'audio')], true);
        expectObservable(out).toBe(expected.marbles, expected.values);
        scheduler.flush();
        expect(dropped).toHaveLength(4000 - 256);
        expect(dropped).toEqual(range(4000, 'audio').slice(256));
      });
    });

    it('completes only when high has completed with its queue drained', () => {
      scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const writable = hot('f-----t---', W);
        const high = cold('-a|');
        const low = cold('--|');
        expectObservable(priorityMerge({ writable, high, low: () => low })).toBe('------(a|)');
        expectSubscriptions(high.subscriptions).toBe('^-!');
        expectSubscriptions(low.subscriptions).toBe('^-!');
        expectSubscriptions(writable.subscriptions).toBe('^-----!');
      });
    });

    it('does not complete while the low lane is running', () => {
      scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const writable = hot('t-------', W);
        const high = cold('-a|');
        const low = cold('---b----');
        expectObservable(priorityMerge({ writable, high, low: () => low })).toBe('-a-b----');
        expectSubscriptions(high.subscriptions).toBe('^-!');
        expectSubscriptions(low.subscriptions).toBe('^-------');
      });
    });

    it('does not complete while the high lane is running', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const writable = hot('t-------', W);
        const high = cold('---a----');
        const low = cold('-b|');
        expectObservable(priorityMerge({ writable, high, low: () => low })).toBe('-b-a----');
      });
    });

    it('writable completion completes the output; queued high values are discarded, held low values dropped', () => {
      scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const onDrop = jest.fn();
        const writable = hot('f----|', W);
        const high = cold('-h------');
        const audio = cold('--a-----');
        const out = priorityMerge({
          writable,
          high,
          low: (ready) => audio.pipe(dropNewest({ capacity: 4, writable: ready, onDrop })),
        });
        expectObservable(out).toBe('-----|');
        expectSubscriptions(high.subscriptions).toBe('^----!');
        expectSubscriptions(audio.subscriptions).toBe('^----!');
        expectSubscriptions(writable.subscriptions).toBe('^----!');
        scheduler.flush();
        expect(onDrop.mock.calls).toEqual([['a']]);
      });
    });

    it('a high error propagates and unsubscribes everything', () => {
      scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const writable = hot('f-------', W);
        const high = cold('-a-#', undefined, new Error('text'));
        const low = cold('--------');
        expectObservable(priorityMerge({ writable, high, low: () => low })).toBe(
          '---#',
          undefined,
          new Error('text'),
        );
        expectSubscriptions(low.subscriptions).toBe('^--!');
        expectSubscriptions(writable.subscriptions).toBe('^--!');
      });
    });

    it('a low error propagates and unsubscribes everything', () => {
      scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const writable = hot('t-------', W);
        const high = cold('--------');
        const low = cold('-b#', undefined, new Error('audio'));
        expectObservable(priorityMerge({ writable, high, low: () => low })).toBe(
          '-b#',
          undefined,
          new Error('audio'),
        );
        expectSubscriptions(high.subscriptions).toBe('^-!');
        expectSubscriptions(writable.subscriptions).toBe('^-!');
      });
    });

    it('a writable error propagates and unsubscribes everything', () => {
      scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const writable = hot('t--#', W, new Error('socket'));
        const high = cold('--------');
        const low = cold('--------');
        const out = priorityMerge({ writable, high, low: () => low });
        expectObservable(out).toBe('---#', undefined, new Error('socket'));
        expectSubscriptions(high.subscriptions).toBe('^--!');
        expectSubscriptions(low.subscriptions).toBe('^--!');
      });
    });

    it('unsubscribing tears down writable and both lanes', () => {
      scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const writable = hot('f-t-f-----', W);
        const high = cold('-a---b----');
        const audio = cold('---x--y---');
        const out = priorityMerge({
          writable,
          high,
          low: (ready) => audio.pipe(dropNewest({ capacity: 4, writable: ready })),
        });
        expectObservable(out, '^------!').toBe('--ax---');
        expectSubscriptions(writable.subscriptions).toBe('^------!');
        expectSubscriptions(high.subscriptions).toBe('^------!');
        expectSubscriptions(audio.subscriptions).toBe('^------!');
      });
    });
  });

  describe('synchronous re-entrancy (plain Subjects)', () => {
    function lanes(capacity = 16) {
      const writable = new Subject<boolean>();
      const high = new Subject<string>();
      const audio = new Subject<string>();
      const onDrop = jest.fn();
      const out = priorityMerge({
        writable,
        high,
        low: (ready) => audio.pipe(dropNewest({ capacity, writable: ready, onDrop })),
      });
      return { writable, high, audio, onDrop, out };
    }

    it('sink turns unwritable in the middle of draining high: low is not released; then the rest of high first', () => {
      const { writable, high, audio, out } = lanes();
      const received: string[] = [];
      out.subscribe((v) => {
        received.push(v);
        if (v === 'h2') writable.next(false);
      });
      audio.next('a1');
      audio.next('a2');
      ['h1', 'h2', 'h3', 'h4'].forEach((v) => high.next(v));
      writable.next(true);
      expect(received).toEqual(['h1', 'h2']);
      audio.next('a3');
      expect(received).toEqual(['h1', 'h2']);
      writable.next(true);
      expect(received).toEqual(['h1', 'h2', 'h3', 'h4', 'a1', 'a2', 'a3']);
    });

    it('sink turns unwritable in the middle of the low flush: the rest stays held, high goes first next time', () => {
      const { writable, high, audio, out } = lanes();
      const received: string[] = [];
      out.subscribe((v) => {
        received.push(v);
        if (v === 'a2') writable.next(false);
      });
      ['a1', 'a2', 'a3', 'a4'].forEach((v) => audio.next(v));
      writable.next(true);
      expect(received).toEqual(['a1', 'a2']);
      high.next('h1');
      writable.next(true);
      expect(received).toEqual(['a1', 'a2', 'h1', 'a3', 'a4']);
    });

    it('a false -> true flip inside the drain neither duplicates nor reorders', () => {
      const { writable, high, audio, out } = lanes();
      const received: string[] = [];
      let delivering = false;
      out.subscribe((v) => {
        // the loops in progress carry on: no value is delivered inside the delivery of another
        received.push(delivering ? `nested ${v}` : v);
        delivering = true;
        if (v === 'h1' || v === 'a1') {
          writable.next(false);
          writable.next(true);
        }
        delivering = false;
      });
      ['a1', 'a2'].forEach((v) => audio.next(v));
      ['h1', 'h2'].forEach((v) => high.next(v));
      writable.next(true);
      expect(received).toEqual(['h1', 'h2', 'a1', 'a2']);
    });

    it('a high value produced while a low value is being sent goes out before the next low value', () => {
      const { writable, high, audio, out } = lanes();
      const received: string[] = [];
      out.subscribe((v) => {
        received.push(v);
        if (v === 'a1') high.next('h1');
      });
      ['a1', 'a2'].forEach((v) => audio.next(v));
      writable.next(true);
      expect(received).toEqual(['a1', 'h1', 'a2']);
    });

    it('a high value produced while the high queue drains joins the end of the queue, before low', () => {
      const { writable, high, audio, out } = lanes();
      const received: string[] = [];
      out.subscribe((v) => {
        received.push(v);
        if (v === 'h1') high.next('h9');
      });
      audio.next('a1');
      ['h1', 'h2'].forEach((v) => high.next(v));
      writable.next(true);
      expect(received).toEqual(['h1', 'h2', 'h9', 'a1']);
    });

    it('the high FIFO survives compaction: 5 000 values in order across several stalls', () => {
      const { writable, high, out } = lanes();
      const received: string[] = [];
      let budget = 1500;
      out.subscribe((v) => {
        received.push(v);
        if (--budget === 0) writable.next(false);
      });
      const all = range(5000, 'h');
      all.slice(0, 3000).forEach((v) => high.next(v));
      writable.next(true); // 1500 out, stalls (compaction happens past 1024)
      all.slice(3000).forEach((v) => high.next(v));
      budget = 2000;
      writable.next(true);
      budget = -1;
      writable.next(true);
      expect(received).toEqual(all);
    });

    it('ready never delivers a stale value when it flips while being delivered', () => {
      const writable = new Subject<boolean>();
      const log: string[] = [];
      const out = priorityMerge({
        writable,
        high: NEVER,
        low: (ready) =>
          merge(
            ready.pipe(
              tap((r) => {
                log.push(`A:${r}`);
                if (r) writable.next(false); // the first low lane consumer fills the socket
              }),
            ),
            ready.pipe(tap((r) => log.push(`B:${r}`))),
          ).pipe(ignoreElements()),
      });
      out.subscribe();
      expect(log).toEqual(['A:false', 'B:false']);
      writable.next(true);
      // B must not see `true` after `false`
      expect(log).toEqual(['A:false', 'B:false', 'A:true', 'A:false', 'B:false']);
    });

    it('ready replays its current value to late subscribers and completes when writable completes', () => {
      const writable = new Subject<boolean>();
      let ready$: Observable<boolean> | undefined;
      const complete = jest.fn();
      priorityMerge({
        writable,
        high: NEVER,
        low: (ready) => {
          ready$ = ready;
          return NEVER;
        },
      }).subscribe({ complete });
      writable.next(true);
      const late: boolean[] = [];
      const lateComplete = jest.fn();
      ready$!.subscribe({ next: (r) => late.push(r), complete: lateComplete });
      expect(late).toEqual([true]);
      writable.next(false);
      expect(late).toEqual([true, false]);
      writable.complete();
      expect(lateComplete).toHaveBeenCalledTimes(1);
      expect(complete).toHaveBeenCalledTimes(1);
    });

    it('a ready subscriber leaving during a delivery does not make the others miss it', () => {
      const writable = new Subject<boolean>();
      let ready$: Observable<boolean> | undefined;
      priorityMerge({
        writable,
        high: NEVER,
        low: (ready) => {
          ready$ = ready;
          return NEVER;
        },
      }).subscribe();
      const log: string[] = [];
      let a: Subscription | undefined = undefined;
      a = ready$!.subscribe((r) => {
        log.push(`A:${r}`);
        if (r) a?.unsubscribe();
      });
      ready$!.subscribe((r) => log.push(`B:${r}`));
      ready$!.subscribe((r) => log.push(`C:${r}`));
      writable.next(true);
      writable.next(false);
      expect(log).toEqual([
        'A:false',
        'B:false',
        'C:false',
        'A:true',
        'B:true',
        'C:true',
        'B:false',
        'C:false',
      ]);
    });

    it('an error thrown by the low factory is forwarded', () => {
      const boom = new Error('no microphone');
      const error = jest.fn();
      const high = new Subject<string>();
      priorityMerge<string, string>({
        writable: new Subject<boolean>(),
        high,
        low: () => {
          throw boom;
        },
      }).subscribe({ error });
      expect(error).toHaveBeenCalledWith(boom);
      expect(high.observed).toBe(false);
    });

    it('a writable that completes synchronously completes the output without building the lanes', () => {
      const low = jest.fn(() => NEVER);
      const high = new Subject<string>();
      const complete = jest.fn();
      priorityMerge({ writable: EMPTY, high, low }).subscribe({ complete });
      expect(complete).toHaveBeenCalledTimes(1);
      expect(low).not.toHaveBeenCalled();
      expect(high.observed).toBe(false);
    });
  });
});
