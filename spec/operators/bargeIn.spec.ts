import fc from 'fast-check';
import { NEVER, Subject, defer, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { bargeIn } from '../../src/operators/bargeIn';
import type { RealtimeControl } from '../../src/protocol/control';
import type { RealtimeEvent } from '../../src/protocol/events';
import type { RealtimeAudioFrame } from '../../src/protocol/frame';

const RATE = 24_000;

/** `ms` of silent mono PCM16 at 24 kHz for `itemId`, with `samplesPerChannel` given. */
function audio(ms: number, itemId?: string): RealtimeEvent {
  const samples = (ms * RATE) / 1000;
  const frame: RealtimeAudioFrame = {
    data: Buffer.alloc(samples * 2).toString('base64'),
    sampleRate: RATE,
    numChannels: 1,
    samplesPerChannel: samples,
  };
  if (itemId !== undefined) frame.itemId = itemId;
  return { type: 'audio.out', frame };
}

const created: RealtimeEvent = { type: 'response.created', responseId: 'resp_1' };
const done: RealtimeEvent = { type: 'response.done', responseId: 'resp_1' };
const cancelled: RealtimeEvent = { type: 'response.cancelled', responseId: 'resp_1' };
const speech: RealtimeEvent = { type: 'speech.started', itemId: 'item_user' };
const closed: RealtimeEvent = { type: 'closed', reason: 'requested', code: 1000 };

const cancel: RealtimeControl = { type: 'response.cancel' };
const truncate = (itemId: string, audioEndMs: number, contentIndex = 0): RealtimeControl => ({
  type: 'item.truncate',
  itemId,
  contentIndex,
  audioEndMs,
});
const del = (itemId: string): RealtimeControl => ({ type: 'item.delete', itemId });

function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('bargeIn', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = newScheduler();
  });

  describe('options', () => {
    it.each([-1, 1.5, NaN, Infinity])(
      'throws a RangeError synchronously for contentIndex %p',
      (contentIndex) => {
        expect(() => bargeIn(NEVER, { contentIndex })).toThrow(RangeError);
      },
    );

    it('accepts no options, 0 and positive integers', () => {
      expect(() => bargeIn(NEVER)).not.toThrow();
      expect(() => bargeIn(NEVER, {})).not.toThrow();
      expect(() => bargeIn(NEVER, { contentIndex: 0 })).not.toThrow();
      expect(() => bargeIn(NEVER, { contentIndex: 2 })).not.toThrow();
    });

    it('puts contentIndex in the truncation', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const played = hot<number>('-p------', { p: 300 });
        const events = cold<RealtimeEvent>('r-a--s----|', { r: created, a: audio(1000, 'i1'), s: speech });
        expectObservable(events.pipe(bargeIn(played, { contentIndex: 1 }))).toBe('-----(ct)-|', {
          c: cancel,
          t: truncate('i1', 300, 1),
        });
      });
    });
  });

  describe('truncation', () => {
    it('cancels and truncates at the played position, rounded down (the doc diagram)', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const played = hot<number>('--------7----------', { 7: 700.6 });
        const events = cold<RealtimeEvent>('r-a-a-----s---s-d-|', {
          r: created,
          a: audio(500, 'i1'),
          s: speech,
          d: done,
        });
        expectObservable(events.pipe(bargeIn(played))).toBe('----------(ct)----|', {
          c: cancel,
          t: truncate('i1', 700),
        });
      });
    });

    it('sends an integer audioEndMs: played 1234.7 -> 1234', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const played = hot<number>('---p----', { p: 1234.7 });
        const events = cold<RealtimeEvent>('a-a--s-|', { a: audio(1000, 'i1'), s: speech });
        // no response active, but playback had not finished: truncate only
        expectObservable(events.pipe(bargeIn(played))).toBe('-----t-|', { t: truncate('i1', 1234) });
      });
    });

    it('emits response.cancel before item.truncate while a response is active', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const played = hot<number>('---p----', { p: 250 });
        const events = cold<RealtimeEvent>('r-a--s----|', { r: created, a: audio(500, 'i1'), s: speech });
        expectObservable(events.pipe(bargeIn(played))).toBe('-----(ct)-|', {
          c: cancel,
          t: truncate('i1', 250),
        });
      });
    });

    it('clamps audioEndMs to the audio received: played 900, received 600 -> 600', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const played = hot<number>('----p---', { p: 900 });
        const events = cold<RealtimeEvent>('r-a-a-s---|', { r: created, a: audio(300, 'i1'), s: speech });
        expectObservable(events.pipe(bargeIn(played))).toBe('------(ct)|', {
          c: cancel,
          t: truncate('i1', 600),
        });
      });
    });

    it('truncates while playback is 1 ms short of the end after the response is done', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const played = hot<number>('----p---', { p: 599 });
        const events = cold<RealtimeEvent>('r-a-d-s|', {
          r: created,
          a: audio(600, 'i1'),
          d: done,
          s: speech,
        });
        expectObservable(events.pipe(bargeIn(played))).toBe('------t|', { t: truncate('i1', 599) });
      });
    });
  });

  describe('delete', () => {
    it('deletes the item when 0 ms were played', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const played = hot<number>('---0----', { 0: 0 });
        const events = cold<RealtimeEvent>('r-a--s----|', { r: created, a: audio(500, 'i1'), s: speech });
        expectObservable(events.pipe(bargeIn(played))).toBe('-----(cd)-|', { c: cancel, d: del('i1') });
      });
    });

    it('takes the position as 0 until playedMs$ emits', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const played = hot<number>('--------');
        const events = cold<RealtimeEvent>('a-d-s-|', { a: audio(500, 'i1'), d: done, s: speech });
        expectObservable(events.pipe(bargeIn(played))).toBe('----d-|', { d: del('i1') });
      });
    });

    it('deletes when the player went back to 0 (a new item reached playback)', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const played = hot<number>('-p-0----', { p: 400, 0: 0 });
        const events = cold<RealtimeEvent>('r-a--s----|', { r: created, a: audio(500, 'i1'), s: speech });
        expectObservable(events.pipe(bargeIn(played))).toBe('-----(cd)-|', { c: cancel, d: del('i1') });
      });
    });
  });

  describe('nothing to do', () => {
    it('emits nothing once playback has finished (response done, played >= received)', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const played = hot<number>('----p---', { p: 600 });
        const events = cold<RealtimeEvent>('r-a-d-s|', {
          r: created,
          a: audio(600, 'i1'),
          d: done,
          s: speech,
        });
        expectObservable(events.pipe(bargeIn(played))).toBe('-------|');
      });
    });

    it('emits nothing when playback has finished after response.cancelled', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const played = hot<number>('----p---', { p: 800 });
        const events = cold<RealtimeEvent>('r-a-x-s|', {
          r: created,
          a: audio(600, 'i1'),
          x: cancelled,
          s: speech,
        });
        expectObservable(events.pipe(bargeIn(played))).toBe('-------|');
      });
    });

    it('emits nothing when no response is active and no audio came', () => {
      scheduler.run(({ cold, expectObservable }) => {
        const events = cold<RealtimeEvent>('r-d-s-|', { r: created, d: done, s: speech });
        expectObservable(events.pipe(bargeIn(NEVER))).toBe('------|');
      });
    });

    it('closed ends the active response: nothing to cancel after it', () => {
      scheduler.run(({ cold, expectObservable }) => {
        const events = cold<RealtimeEvent>('r-x-s-|', { r: created, x: closed, s: speech });
        expectObservable(events.pipe(bargeIn(NEVER))).toBe('------|');
      });
    });

    it('ignores the events it does not track', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const played = hot<number>('-p------', { p: 100 });
        const others: Record<string, RealtimeEvent> = {
          e: { type: 'error', message: 'boom' },
          i: { type: 'invalid', detail: 'bad frame' },
          t: { type: 'transcript.delta', role: 'assistant', delta: 'hi' },
          n: { type: 'conversation.item.done', itemId: 'i1' },
        };
        const events = cold<RealtimeEvent>('ra-eitn-s---|', {
          r: created,
          a: audio(500, 'i1'),
          s: speech,
          ...others,
        });
        expectObservable(events.pipe(bargeIn(played))).toBe('--------(ct)|', {
          c: cancel,
          t: truncate('i1', 100),
        });
      });
    });
  });

  describe('cancel only', () => {
    it('cancels when a response is active but no audio came yet', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const played = hot<number>('-p------', { p: 300 });
        const events = cold<RealtimeEvent>('r---s--|', { r: created, s: speech });
        expectObservable(events.pipe(bargeIn(played))).toBe('----c--|', { c: cancel });
      });
    });

    it('cancels only, for codex frames without itemId, while a response is active', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const played = hot<number>('---p----', { p: 250 });
        const events = cold<RealtimeEvent>('r-a--s----|', { r: created, a: audio(500), s: speech });
        expectObservable(events.pipe(bargeIn(played))).toBe('-----c----|', { c: cancel });
      });
    });

    it('emits nothing for codex frames without itemId when no response is active', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const played = hot<number>('---p----', { p: 0 });
        const events = cold<RealtimeEvent>('r-ad-s-|', { r: created, a: audio(500), d: done, s: speech });
        expectObservable(events.pipe(bargeIn(played))).toBe('-------|');
      });
    });
  });

  describe('items', () => {
    it('a new itemId starts a new item: its received audio starts at 0', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        // the player went back to 0 for i2 and played 800 ms of it; only 300 ms of i2 came
        const played = hot<number>('-----p---', { p: 800 });
        const events = cold<RealtimeEvent>('r-a-b--s---|', {
          r: created,
          a: audio(1000, 'i1'),
          b: audio(300, 'i2'),
          s: speech,
        });
        expectObservable(events.pipe(bargeIn(played))).toBe('-------(ct)|', {
          c: cancel,
          t: truncate('i2', 300),
        });
      });
    });

    it('sums the frames of the current item', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const played = hot<number>('-------p---', { p: 5000 });
        const events = cold<RealtimeEvent>('r-a-a-a--s---|', { r: created, a: audio(220, 'i1'), s: speech });
        expectObservable(events.pipe(bargeIn(played))).toBe('---------(ct)|', {
          c: cancel,
          t: truncate('i1', 660),
        });
      });
    });

    it('a second speech.started for the same interruption emits nothing', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const played = hot<number>('---p-------', { p: 250 });
        const events = cold<RealtimeEvent>('r-a--s-s--|', { r: created, a: audio(500, 'i1'), s: speech });
        expectObservable(events.pipe(bargeIn(played))).toBe('-----(ct)-|', {
          c: cancel,
          t: truncate('i1', 250),
        });
      });
    });

    it('late frames of the interrupted item do not make it truncatable again', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const played = hot<number>('---p-----q----', { p: 250, q: 40 });
        const events = cold<RealtimeEvent>('r-a--s-a---s-|', { r: created, a: audio(500, 'i1'), s: speech });
        expectObservable(events.pipe(bargeIn(played))).toBe('-----(ct)----|', {
          c: cancel,
          t: truncate('i1', 250),
        });
      });
    });

    it('the next item after an interruption starts afresh', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const played = hot<number>('---p---------q----', { p: 250, q: 9000 });
        const events = cold<RealtimeEvent>('r-a--s-xr-b-b--s---|', {
          r: created,
          a: audio(500, 'i1'),
          b: audio(100, 'i2'),
          x: cancelled,
          s: speech,
        });
        expectObservable(events.pipe(bargeIn(played))).toBe('-----(ct)------(cu)|', {
          c: cancel,
          t: truncate('i1', 250),
          u: truncate('i2', 200),
        });
      });
    });
  });

  describe('samples per channel', () => {
    it('is computed from the base64 length and padding when samplesPerChannel is absent', () => {
      // 1000 bytes = 250 stereo samples = 250 ms at 1 kHz; 1000 is not a multiple of 3, so the data ends in '=='
      const data = Buffer.alloc(1000).toString('base64');
      expect(data.endsWith('==')).toBe(true);
      const frame: RealtimeAudioFrame = { data, sampleRate: 1000, numChannels: 2, itemId: 'i1' };
      // 1001 bytes end in '=': 500.5 mono samples at 1 kHz (one byte short of whole samples, still counted)
      const data1 = Buffer.alloc(1001).toString('base64');
      expect(data1.endsWith('=') && !data1.endsWith('==')).toBe(true);
      const frame1: RealtimeAudioFrame = { data: data1, sampleRate: 1000, numChannels: 1, itemId: 'i2' };
      scheduler.run(({ cold, hot, expectObservable }) => {
        const played = hot<number>('---p------------', { p: 100_000 });
        const events = cold<RealtimeEvent>('r-aa-s-rb--s---|', {
          r: created,
          a: { type: 'audio.out', frame },
          b: { type: 'audio.out', frame: frame1 },
          s: speech,
        });
        expectObservable(events.pipe(bargeIn(played))).toBe('-----(ct)--(cu)|', {
          c: cancel,
          t: truncate('i1', 500),
          u: truncate('i2', 500),
        });
      });
    });

    it('takes samplesPerChannel when present', () => {
      const frame: RealtimeAudioFrame = {
        data: '',
        sampleRate: RATE,
        numChannels: 1,
        samplesPerChannel: 4800,
        itemId: 'i1',
      };
      scheduler.run(({ cold, hot, expectObservable }) => {
        const played = hot<number>('-p------', { p: 10_000 });
        const events = cold<RealtimeEvent>('r-a--s----|', {
          r: created,
          a: { type: 'audio.out', frame },
          s: speech,
        });
        expectObservable(events.pipe(bargeIn(played))).toBe('-----(ct)-|', {
          c: cancel,
          t: truncate('i1', 200),
        });
      });
    });
  });

  describe('completion, errors, teardown', () => {
    it('completes when the events complete, and releases playedMs$', () => {
      scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const played = hot<number>('-p--------', { p: 1 });
        const events = cold<RealtimeEvent>('----|');
        expectObservable(events.pipe(bargeIn(played))).toBe('----|');
        expectSubscriptions(played.subscriptions).toBe('^---!');
        expectSubscriptions(events.subscriptions).toBe('^---!');
      });
    });

    it('keeps the last position when playedMs$ completes', () => {
      scheduler.run(({ cold, hot, expectObservable }) => {
        const played = hot<number>('-p|', { p: 320 });
        const events = cold<RealtimeEvent>('r-a--s----|', { r: created, a: audio(500, 'i1'), s: speech });
        expectObservable(events.pipe(bargeIn(played))).toBe('-----(ct)-|', {
          c: cancel,
          t: truncate('i1', 320),
        });
      });
    });

    it('forwards an error of the events and releases playedMs$', () => {
      scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const played = hot<number>('-p--------', { p: 1 });
        const events = cold<RealtimeEvent>('--#', undefined, new Error('socket'));
        expectObservable(events.pipe(bargeIn(played))).toBe('--#', undefined, new Error('socket'));
        expectSubscriptions(played.subscriptions).toBe('^-!');
      });
    });

    it('forwards an error of playedMs$ and releases the events', () => {
      scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const played = hot<number>('---#', undefined, new Error('device'));
        const events = cold<RealtimeEvent>('r-------|', { r: created });
        expectObservable(events.pipe(bargeIn(played))).toBe('---#', undefined, new Error('device'));
        expectSubscriptions(events.subscriptions).toBe('^--!');
      });
    });

    it('does not subscribe the events when playedMs$ errors synchronously', () => {
      let subscribed = 0;
      const events = defer(() => {
        subscribed++;
        return NEVER;
      });
      const error = jest.fn();
      events.pipe(bargeIn(throwError(() => new Error('no worklet')))).subscribe({ error });
      expect(error).toHaveBeenCalledWith(new Error('no worklet'));
      expect(subscribed).toBe(0);
    });

    it('unsubscribing releases both inputs', () => {
      scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const played = hot<number>('-p--------', { p: 1 });
        const events = cold<RealtimeEvent>('r--------|', { r: created });
        expectObservable(events.pipe(bargeIn(played)), '^---!').toBe('-----');
        expectSubscriptions(played.subscriptions).toBe('^---!');
        expectSubscriptions(events.subscriptions).toBe('^---!');
      });
    });

    it('keeps separate state per subscription', () => {
      const played = new Subject<number>();
      const operator = bargeIn(played);
      const events1 = new Subject<RealtimeEvent>();
      const events2 = new Subject<RealtimeEvent>();
      const first: RealtimeControl[] = [];
      const second: RealtimeControl[] = [];
      events1.pipe(operator).subscribe((c) => first.push(c));
      events2.pipe(operator).subscribe((c) => second.push(c));
      events1.next(created);
      events1.next(audio(500, 'i1'));
      played.next(100);
      events2.next(speech); // the second conversation has no response and no audio
      expect(second).toEqual([]);
      events1.next(speech);
      expect(first).toEqual([cancel, truncate('i1', 100)]);
    });
  });

  describe('synchronous re-entrancy', () => {
    it('a control sink that answers synchronously sees the item already forgotten', () => {
      const events = new Subject<RealtimeEvent>();
      const played = new Subject<number>();
      const out: RealtimeControl[] = [];
      events.pipe(bargeIn(played)).subscribe((control) => {
        out.push(control);
        // a sink that feeds the server's answers straight back, and a user still talking
        if (control.type === 'response.cancel') {
          events.next(cancelled);
          events.next(speech);
        }
      });
      events.next(created);
      events.next(audio(500, 'i1'));
      played.next(120);
      events.next(speech);
      expect(out).toEqual([cancel, truncate('i1', 120)]);
    });
  });

  describe('properties', () => {
    const eventArb = fc.oneof(
      fc.constant<RealtimeEvent>(created),
      fc.constant<RealtimeEvent>(done),
      fc.constant<RealtimeEvent>(speech),
      fc
        .record({ ms: fc.integer({ min: 0, max: 2000 }), item: fc.constantFrom('i1', 'i2', 'i3', undefined) })
        .map(({ ms, item }) => audio(ms, item)),
    );
    const stepArb = fc.oneof(
      eventArb.map((event) => ({ event })),
      fc.double({ min: 0, max: 5000, noNaN: true }).map((played) => ({ played })),
    );

    it('audioEndMs is an integer within the audio received, the interrupted item is not cut again, cancel first and only while active', () => {
      fc.assert(
        fc.property(fc.array(stepArb, { maxLength: 60 }), (steps) => {
          const events = new Subject<RealtimeEvent>();
          const played = new Subject<number>();
          const out: RealtimeControl[] = [];
          events.pipe(bargeIn(played)).subscribe((c) => out.push(c));
          // what the operator should know
          let position = 0;
          let active = false;
          let hasItem = false;
          let item: string | undefined;
          let received = 0;
          let interrupted: string | undefined;
          for (const step of steps) {
            if ('played' in step) {
              position = step.played;
              played.next(step.played);
              continue;
            }
            const event = step.event;
            const before = out.length;
            events.next(event);
            const emitted = out.slice(before);
            if (event.type !== 'speech.started') {
              expect(emitted).toEqual([]);
              if (event.type === 'response.created') active = true;
              else if (event.type === 'response.done') active = false;
              else if (event.type === 'audio.out') {
                const id = event.frame.itemId;
                if (id !== undefined && id === interrupted) continue; // late audio of the interrupted item
                if (!hasItem || id !== item) received = 0;
                hasItem = true;
                item = id;
                received += (event.frame.samplesPerChannel! / RATE) * 1000;
              }
              continue;
            }
            const finished = !active && position >= received;
            const cuts = hasItem && item !== undefined && !finished;
            expect(emitted).toHaveLength((active ? 1 : 0) + (cuts ? 1 : 0));
            if (active) expect(emitted[0]).toEqual(cancel);
            if (cuts) {
              const control = emitted[emitted.length - 1];
              if (control.type === 'item.truncate') {
                expect(position).toBeGreaterThan(0);
                expect(Number.isInteger(control.audioEndMs)).toBe(true);
                expect(control.audioEndMs).toBe(Math.floor(Math.min(position, received)));
              } else {
                expect(control).toEqual(del(item!));
                expect(position).toBeLessThanOrEqual(0);
              }
              if (control.type === 'item.truncate' || control.type === 'item.delete') {
                expect(control.itemId).toBe(item);
                expect(control.itemId).not.toBe(interrupted);
              }
            }
            active = false;
            hasItem = false;
            if (item !== undefined) interrupted = item;
            item = undefined;
          }
        }),
      );
    });
  });
});
