import * as t from 'io-ts';
import { Observable, Subject, type ObservableInput } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { defineTool, type RealtimeTool } from '../../src/agent/defineTool';
import { runTools } from '../../src/agent/runTools';
import type { RealtimeControl } from '../../src/protocol/control';
import { RealtimeError } from '../../src/protocol/errors';
import type { RealtimeEvent } from '../../src/protocol/events';

const call = (callId: string, args: string, responseId = 'resp_1', name = 'get_weather'): RealtimeEvent => ({
  type: 'tool.call',
  callId,
  name,
  arguments: args,
  itemId: `item_${callId}`,
  responseId,
});
const paris = (callId = 'call_1', responseId = 'resp_1') => call(callId, '{"city":"Paris"}', responseId);
const out = (callId: string, output: string, respond = true): RealtimeControl => ({
  type: 'tool.output',
  callId,
  output,
  respond,
});
const cancelled = (responseId = 'resp_1'): RealtimeEvent => ({ type: 'response.cancelled', responseId });
const done = (responseId = 'resp_1'): RealtimeEvent => ({ type: 'response.done', responseId });
const speech: RealtimeEvent = { type: 'speech.started', itemId: 'item_user' };
const closed: RealtimeEvent = { type: 'closed', reason: 'requested', code: 1000 };

const City = t.type({ city: t.string });

/** A weather tool whose `run` is `answer`, recording what it was called with. */
function weather(answer: (city: string) => ObservableInput<string> | string) {
  const calls: { city: string; callId: string; signal: AbortSignal }[] = [];
  const tool = defineTool({
    name: 'get_weather',
    args: City,
    run: ({ city }, { callId, signal }) => {
      calls.push({ city, callId, signal });
      return answer(city);
    },
  });
  return { tool, calls, signals: () => calls.map((c) => c.signal.aborted) };
}

function newScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('runTools', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = newScheduler();
  });

  describe('options', () => {
    it.each([0, -1, NaN, Infinity])('throws a RangeError synchronously for timeoutMs %p', (timeoutMs) => {
      expect(() => runTools([], { timeoutMs })).toThrow(RangeError);
    });

    it('throws RealtimeError(config) synchronously for two tools of one name', () => {
      const { tool } = weather(() => 'x');
      expect(() => runTools([tool, tool])).toThrow(RealtimeError);
      expect(() => runTools([tool, tool])).toThrow(/two tools are named get_weather/);
    });
  });

  it('the doc diagram: a answers after 3 frames; b is stopped by barge-in and answers nothing', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = cold<string>('---o|');
      const b = cold<string>('--------o|');
      const tool = defineTool({
        name: 'get_weather',
        args: City,
        run: ({ city }) => (city === 'Paris' ? a : b),
      });
      const events = cold<RealtimeEvent>('-a---b----s---x|', {
        a: paris('call_a', 'resp_1'),
        b: call('call_b', '{"city":"Rome"}', 'resp_2'),
        s: speech,
        x: closed,
      });
      expectObservable(events.pipe(runTools([tool]))).toBe('----o----------|', { o: out('call_a', 'o') });
      expectSubscriptions(a.subscriptions).toBe('-^--!');
      expectSubscriptions(b.subscriptions).toBe('-----^----!');
    });
  });

  describe('a valid call', () => {
    it('runs the tool with the decoded arguments and answers at once (a string): the output asks for a response', () => {
      const { tool, calls } = weather((city) => `{"city":"${city}","celsius":21}`);
      scheduler.run(({ cold, expectObservable }) => {
        const events = cold<RealtimeEvent>('-c-d-|', { c: paris(), d: done() });
        expectObservable(events.pipe(runTools([tool]))).toBe('-o---|', {
          o: out('call_1', '{"city":"Paris","celsius":21}'),
        });
      });
      expect(calls.map(({ city, callId }) => ({ city, callId }))).toEqual([
        { city: 'Paris', callId: 'call_1' },
      ]);
    });

    it('an Observable tool answers with its first value, then is unsubscribed', () => {
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const answer = cold<string>('--ab|');
        const { tool } = weather(() => answer);
        const events = cold<RealtimeEvent>('-c------|', { c: paris() });
        expectObservable(events.pipe(runTools([tool]))).toBe('---a----|', { a: out('call_1', 'a') });
        expectSubscriptions(answer.subscriptions).toBe('-^-!');
      });
    });

    it('an array is an ObservableInput too: its first value answers', () => {
      const { tool } = weather(() => ['first', 'second']);
      scheduler.run(({ cold, expectObservable }) => {
        const events = cold<RealtimeEvent>('-c-|', { c: paris() });
        expectObservable(events.pipe(runTools([tool]))).toBe('-o-|', { o: out('call_1', 'first') });
      });
    });

    it('with respond: false the output does not ask for a response', () => {
      const { tool } = weather(() => 'sunny');
      scheduler.run(({ cold, expectObservable }) => {
        const events = cold<RealtimeEvent>('-c-|', { c: paris() });
        expectObservable(events.pipe(runTools([tool], { respond: false }))).toBe('-o-|', {
          o: out('call_1', 'sunny', false),
        });
      });
    });

    it('empty arguments are {}', () => {
      const time = defineTool({ name: 'get_time', args: t.type({}), run: () => 'noon' });
      scheduler.run(({ cold, expectObservable }) => {
        const events = cold<RealtimeEvent>('-c-|', { c: call('call_1', '', 'resp_1', 'get_time') });
        expectObservable(events.pipe(runTools([time]))).toBe('-o-|', { o: out('call_1', 'noon') });
      });
    });

    it('passes the decoded value: an exact codec strips what it does not know', () => {
      const seen: unknown[] = [];
      const tool = defineTool({
        name: 'get_weather',
        args: t.exact(City),
        run: (args) => {
          seen.push(args);
          return 'ok';
        },
      });
      scheduler.run(({ cold, expectObservable }) => {
        const events = cold<RealtimeEvent>('-c-|', { c: call('call_1', '{"city":"Paris","extra":1}') });
        expectObservable(events.pipe(runTools([tool]))).toBe('-o-|', { o: out('call_1', 'ok') });
      });
      expect(seen).toEqual([{ city: 'Paris' }]);
    });
  });

  describe('calls that are not run', () => {
    it('bad arguments are answered with the decode error naming the path; the tool never runs', () => {
      const { tool, calls } = weather(() => 'never');
      scheduler.run(({ cold, expectObservable }) => {
        const events = cold<RealtimeEvent>('-a-b-c-|', {
          a: call('call_1', '{"city":42}'),
          b: call('call_2', '{"town":"Paris"}'),
          c: call('call_3', '{"city":'),
        });
        expectObservable(events.pipe(runTools([tool]))).toBe('-a-b-c-|', {
          a: out('call_1', 'Invalid arguments for get_weather: city: expected string, got 42'),
          b: out('call_2', 'Invalid arguments for get_weather: city: expected string, got undefined'),
          c: out('call_3', expect.stringMatching(/^Invalid arguments for get_weather: not JSON \(.+\)$/)),
        });
      });
      expect(calls).toEqual([]);
    });

    it('a tool not in the list is answered with an output saying so', () => {
      const { tool, calls } = weather(() => 'never');
      scheduler.run(({ cold, expectObservable }) => {
        const events = cold<RealtimeEvent>('-c-|', { c: call('call_1', '{}', 'resp_1', 'get_time') });
        expectObservable(events.pipe(runTools([tool]))).toBe('-o-|', {
          o: out('call_1', 'There is no tool named get_time'),
        });
      });
      expect(calls).toEqual([]);
    });

    it('a repeated call id is ignored: answered once, run once', () => {
      const { tool, calls } = weather(() => 'sunny');
      scheduler.run(({ cold, expectObservable }) => {
        const events = cold<RealtimeEvent>('-c-c-b-b-|', { c: paris(), b: call('call_2', '{"city":1}') });
        expectObservable(events.pipe(runTools([tool]))).toBe('-c---b---|', {
          c: out('call_1', 'sunny'),
          b: out('call_2', 'Invalid arguments for get_weather: city: expected string, got 1'),
        });
      });
      expect(calls.length).toBe(1);
    });

    it('a call stopped by a cancel is not run again when it comes again', () => {
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const answer = cold<string>('------o|');
        const { tool } = weather(() => answer);
        const events = cold<RealtimeEvent>('-c-x-c-----|', { c: paris(), x: cancelled() });
        expectObservable(events.pipe(runTools([tool]))).toBe('-----------|');
        expectSubscriptions(answer.subscriptions).toBe('-^-!');
      });
    });
  });

  describe('stopping a running tool: its signal aborted, its Observable unsubscribed, nothing sent', () => {
    it('when the response that made the call is cancelled', () => {
      let signals: () => boolean[] = () => [];
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const answer = cold<string>('-------o|');
        const w = weather(() => answer);
        signals = w.signals;
        const events = cold<RealtimeEvent>('-c--x------|', { c: paris(), x: cancelled('resp_1') });
        expectObservable(events.pipe(runTools([w.tool]))).toBe('-----------|');
        expectSubscriptions(answer.subscriptions).toBe('-^--!');
      });
      expect(signals()).toEqual([true]);
    });

    it('not when another response is cancelled', () => {
      let signals: () => boolean[] = () => [];
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const answer = cold<string>('-----o|');
        const w = weather(() => answer);
        signals = w.signals;
        const events = cold<RealtimeEvent>('-c--x------|', { c: paris(), x: cancelled('resp_2') });
        expectObservable(events.pipe(runTools([w.tool]))).toBe('------o----|', { o: out('call_1', 'o') });
        expectSubscriptions(answer.subscriptions).toBe('-^----!');
      });
      expect(signals()).toEqual([false]);
    });

    it('on barge-in: speech.started while it runs (every running tool)', () => {
      let signals: () => boolean[] = () => [];
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const answer = cold<string>('--------o|');
        const w = weather(() => answer);
        signals = w.signals;
        const events = cold<RealtimeEvent>('-a-b-s-----|', {
          a: paris('call_1', 'resp_1'),
          b: paris('call_2', 'resp_2'),
          s: speech,
        });
        expectObservable(events.pipe(runTools([w.tool]))).toBe('-----------|');
        expectSubscriptions(answer.subscriptions).toBe(['-^---!', '---^-!']);
      });
      expect(signals()).toEqual([true, true]);
    });

    it('when the socket is lost (reconnecting): the next socket is a new server session', () => {
      let signals: () => boolean[] = () => [];
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const answer = cold<string>('------o|');
        const w = weather(() => answer);
        signals = w.signals;
        const events = cold<RealtimeEvent>('-c-r--n------|', {
          c: paris(),
          r: { type: 'reconnecting', attempt: 1, delayMs: 2, cause: 'closed with 1006' },
          n: { type: 'reconnected', attempt: 1 },
        });
        expectObservable(events.pipe(runTools([w.tool]))).toBe('-------------|');
        expectSubscriptions(answer.subscriptions).toBe('-^-!');
      });
      expect(signals()).toEqual([true]);
    });

    it('speech.started with nothing running changes nothing for the next call', () => {
      const { tool, signals } = weather(() => 'sunny');
      scheduler.run(({ cold, expectObservable }) => {
        const events = cold<RealtimeEvent>('-s-c-|', { s: speech, c: paris() });
        expectObservable(events.pipe(runTools([tool]))).toBe('---o-|', { o: out('call_1', 'sunny') });
      });
      expect(signals()).toEqual([false]);
    });

    it('when the conversation closes; a call after closed is not run', () => {
      let w: ReturnType<typeof weather> | undefined;
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const answer = cold<string>('-----o|');
        w = weather(() => answer);
        const events = cold<RealtimeEvent>('-c--x-b-|', { c: paris(), x: closed, b: paris('call_2') });
        expectObservable(events.pipe(runTools([w.tool]))).toBe('--------|');
        expectSubscriptions(answer.subscriptions).toBe('-^--!');
      });
      expect(w!.signals()).toEqual([true]);
    });

    it('when the events complete (the result completes) or error (the error is forwarded)', () => {
      const tools: ReturnType<typeof weather>[] = [];
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const answer = cold<string>('-----o|');
        tools.push(
          weather(() => answer),
          weather(() => answer),
        );
        const [w1, w2] = tools;
        expectObservable(cold<RealtimeEvent>('-c-|', { c: paris() }).pipe(runTools([w1.tool]))).toBe('---|');
        expectObservable(cold<RealtimeEvent>('-c-#', { c: paris() }).pipe(runTools([w2.tool]))).toBe('---#');
        expectSubscriptions(answer.subscriptions).toBe(['-^-!', '-^-!']);
      });
      expect(tools.map((w) => w.signals())).toEqual([[true], [true]]);
    });

    it('when the result is unsubscribed', () => {
      let signals: () => boolean[] = () => [];
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const answer = cold<string>('-----o|');
        const w = weather(() => answer);
        signals = w.signals;
        const events = cold<RealtimeEvent>('-c------|', { c: paris() });
        expectObservable(events.pipe(runTools([w.tool])), '^--!').toBe('----');
        expectSubscriptions(answer.subscriptions).toBe('-^-!');
      });
      expect(signals()).toEqual([true]);
    });

    it('a tool that reacts to the abort at once is not listened to any more', () => {
      const tool = defineTool({
        name: 'get_weather',
        args: City,
        run: (_args, { signal }) =>
          new Observable<string>((subscriber) => {
            signal.addEventListener('abort', () => subscriber.error(new Error('aborted')));
          }),
      });
      scheduler.run(({ cold, expectObservable }) => {
        const events = cold<RealtimeEvent>('-c-s-|', { c: paris(), s: speech });
        expectObservable(events.pipe(runTools([tool]))).toBe('-----|');
      });
    });
  });

  describe('timeout', () => {
    it('stops the tool after timeoutMs and answers that it timed out (asking for a response)', () => {
      let signals: () => boolean[] = () => [];
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const answer = cold<string>('----------o|');
        const w = weather(() => answer);
        signals = w.signals;
        const events = cold<RealtimeEvent>('-c-d-----------|', { c: paris(), d: done() });
        expectObservable(events.pipe(runTools([w.tool], { timeoutMs: 5 }))).toBe('------o--------|', {
          o: out('call_1', 'get_weather timed out after 5 ms'),
        });
        expectSubscriptions(answer.subscriptions).toBe('-^----!');
      });
      expect(signals()).toEqual([true]);
    });

    it('a tool that answers in time is not stopped, and its timer is released', () => {
      let signals: () => boolean[] = () => [];
      scheduler.run(({ cold, expectObservable }) => {
        const answer = cold<string>('--o|');
        const w = weather(() => answer);
        signals = w.signals;
        const events = cold<RealtimeEvent>('-c-----------|', { c: paris() });
        expectObservable(events.pipe(runTools([w.tool], { timeoutMs: 5 }))).toBe('---o---------|', {
          o: out('call_1', 'o'),
        });
      });
      expect(signals()).toEqual([false]);
    });

    it('takes a scheduler', () => {
      scheduler.run(({ cold, expectObservable }) => {
        const { tool } = weather(() => cold<string>('---------o|'));
        const events = cold<RealtimeEvent>('-c------|', { c: paris() });
        expectObservable(events.pipe(runTools([tool], { timeoutMs: 3, scheduler }))).toBe('----o---|', {
          o: out('call_1', 'get_weather timed out after 3 ms'),
        });
      });
    });
  });

  describe('concurrent calls', () => {
    it('run concurrently; of one response, only the last answered asks for the response', () => {
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const slow = cold<string>('----s|');
        const fast = cold<string>('-f|');
        const tool = defineTool({
          name: 'get_weather',
          args: City,
          run: ({ city }) => (city === 'Paris' ? slow : fast),
        });
        const events = cold<RealtimeEvent>('-a-b-d----|', {
          a: call('call_1', '{"city":"Paris"}'),
          b: call('call_2', '{"city":"Rome"}'),
          d: done(),
        });
        expectObservable(events.pipe(runTools([tool]))).toBe('----ba----|', {
          b: out('call_2', 'f', false),
          a: out('call_1', 's', true),
        });
        expectSubscriptions(slow.subscriptions).toBe('-^---!');
        expectSubscriptions(fast.subscriptions).toBe('---^!');
      });
    });

    it('calls of different responses each ask for a response', () => {
      scheduler.run(({ cold, expectObservable }) => {
        const tool = defineTool({
          name: 'get_weather',
          args: City,
          run: ({ city }) => cold<string>(city === 'Paris' ? '----s|' : '-f|'),
        });
        const events = cold<RealtimeEvent>('-a-b------|', {
          a: call('call_1', '{"city":"Paris"}', 'resp_1'),
          b: call('call_2', '{"city":"Rome"}', 'resp_2'),
        });
        expectObservable(events.pipe(runTools([tool]))).toBe('----ba----|', {
          b: out('call_2', 'f', true),
          a: out('call_1', 's', true),
        });
      });
    });

    it('cancelling one response stops only its calls', () => {
      scheduler.run(({ cold, expectObservable }) => {
        const tool = defineTool({ name: 'get_weather', args: City, run: () => cold<string>('-----o|') });
        const events = cold<RealtimeEvent>('-a-b-x-----|', {
          a: paris('call_1', 'resp_1'),
          b: paris('call_2', 'resp_2'),
          x: cancelled('resp_1'),
        });
        expectObservable(events.pipe(runTools([tool]))).toBe('--------o--|', { o: out('call_2', 'o') });
      });
    });
  });

  describe('a tool that fails is answered, and the operator goes on', () => {
    it('throws, errors, completes without a value, gives a non-string: each answered with a failure, never a stack', () => {
      const boom = new Error('the weather service is down');
      const answers: Record<string, () => ObservableInput<string> | string> = {
        Throws: () => {
          throw boom;
        },
        Errors: () => new Observable<string>((subscriber) => subscriber.error(boom)),
        Empty: () => [],
        NotString: () => [42 as unknown as string],
        Thing: () => {
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- what a careless tool does
          throw 'a plain string';
        },
      };
      const tool = defineTool({ name: 'get_weather', args: City, run: ({ city }) => answers[city]() });
      scheduler.run(({ cold, expectObservable }) => {
        const events = cold<RealtimeEvent>('-a-b-c-d-e-f-|', {
          a: call('c1', '{"city":"Throws"}'),
          b: call('c2', '{"city":"Errors"}'),
          c: call('c3', '{"city":"Empty"}'),
          d: call('c4', '{"city":"NotString"}'),
          e: call('c5', '{"city":"Thing"}'),
          f: call('c6', '{"city":"Paris"}', 'resp_1', 'get_time'),
        });
        expectObservable(events.pipe(runTools([tool]))).toBe('-a-b-c-d-e-f-|', {
          a: out('c1', 'get_weather failed: the weather service is down'),
          b: out('c2', 'get_weather failed: the weather service is down'),
          c: out('c3', 'get_weather failed: it completed without an output'),
          d: out('c4', 'get_weather failed: its output is not a string'),
          e: out('c5', 'get_weather failed: a plain string'),
          f: out('c6', 'There is no tool named get_time'),
        });
      });
    });
  });

  it('a codec that throws is answered as a failure of the tool', () => {
    const Throwing = new t.Type<string, string, unknown>(
      'Throwing',
      (u): u is string => typeof u === 'string',
      () => {
        throw new Error('the codec broke');
      },
      (s) => s,
    );
    const tool = defineTool({
      name: 'get_weather',
      args: Throwing,
      parameters: { type: 'object' },
      run: () => 'x',
    });
    scheduler.run(({ cold, expectObservable }) => {
      const events = cold<RealtimeEvent>('-c-|', { c: paris() });
      expectObservable(events.pipe(runTools([tool]))).toBe('-o-|', {
        o: out('call_1', 'get_weather failed: the codec broke'),
      });
    });
  });

  describe('Promise tools (microtasks, outside virtual time)', () => {
    const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

    function harness(tools: RealtimeTool[]) {
      const events = new Subject<RealtimeEvent>();
      const outputs: RealtimeControl[] = [];
      let completed = false;
      const subscription = events.pipe(runTools(tools)).subscribe({
        next: (c) => outputs.push(c),
        complete: () => (completed = true),
      });
      return { events, outputs, subscription, completed: () => completed };
    }

    it('a resolved Promise answers; a rejected one is answered with its message', async () => {
      const { tool } = weather(async (city) => {
        await settle();
        if (city === 'Atlantis') throw new Error('no such city');
        return `sunny in ${city}`;
      });
      const h = harness([tool]);
      h.events.next(paris('call_1', 'resp_1'));
      h.events.next(call('call_2', '{"city":"Atlantis"}', 'resp_2'));
      expect(h.outputs).toEqual([]);
      await settle();
      await settle();
      expect(h.outputs).toEqual([
        out('call_1', 'sunny in Paris'),
        out('call_2', 'get_weather failed: no such city'),
      ]);
      h.subscription.unsubscribe();
    });

    it('a pending Promise stopped by barge-in: its signal aborts, its late value is not sent', async () => {
      let resolve: (value: string) => void = () => undefined;
      const w = weather(() => new Promise<string>((r) => (resolve = r)));
      const h = harness([w.tool]);
      h.events.next(paris());
      h.events.next(speech);
      expect(w.signals()).toEqual([true]);
      resolve('too late');
      await settle();
      expect(h.outputs).toEqual([]);
      h.events.complete();
      expect(h.completed()).toBe(true);
    });

    it('a Promise that rejects because of the abort (fetch does) sends nothing', async () => {
      const w = weather(
        () =>
          new Promise<string>((_, reject) => {
            const signal = w.calls[w.calls.length - 1].signal;
            signal.addEventListener('abort', () => reject(signal.reason as Error));
          }),
      );
      const h = harness([w.tool]);
      h.events.next(paris());
      h.events.next(cancelled());
      await settle();
      expect(w.signals()).toEqual([true]);
      expect(h.outputs).toEqual([]);
      h.subscription.unsubscribe();
    });
  });
});
