// Texts across a dropped socket (TextLedger through connectConversation), under TestScheduler with
// scripted sockets: which texts go again, which are named by `texts.unconfirmed`, and when.
import { TestScheduler } from 'rxjs/testing';
import type { Observable } from 'rxjs';
import {
  connectConversation,
  type Conversation,
  type ConversationOptions,
  type ConversationStats,
  type RealtimeEvent,
} from '../../src/index';
import { createTestSocket, server, type ServerAction, type TestSocketFactory } from '../../src/testing';

const reconnect = { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 400, jitter: 0 };
const ack = (id: string, text: string) =>
  server.event('conversation.item.added', {
    item: { id, type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
  });

/** What a socket was sent: `time text id` for texts, `time type` for the rest. */
const wire = (sockets: TestSocketFactory, i: number) =>
  sockets.sockets[i].sent.map(({ time, json }) => {
    const j = json as { type: string; item?: { id?: string; content: { text: string }[] } };
    if (j.type === 'conversation.item.create') return `${time} ${j.item!.content[0].text} ${j.item!.id}`;
    return `${time} ${j.type}`;
  });

function statsNow(conversation: Conversation): ConversationStats {
  let stats!: ConversationStats;
  conversation.stats$.subscribe((s) => (stats = s)).unsubscribe();
  return stats;
}

let ts: TestScheduler;
beforeEach(() => (ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected))));

/** Runs a conversation on scripted sockets; `drive` gives its inputs. */
function run(
  scripts: (cold: TestScheduler['createColdObservable']) => Observable<ServerAction>[],
  options: Partial<ConversationOptions> & { dialect: 'openai' | 'codex' },
  drive: (conversation: Conversation, cold: TestScheduler['createColdObservable']) => void,
) {
  let sockets!: TestSocketFactory;
  let conversation!: Conversation;
  const events: [number, RealtimeEvent][] = [];
  ts.run(({ cold }) => {
    const list = scripts(cold);
    sockets = createTestSocket({ server: (i) => list[i] });
    conversation = connectConversation({
      url: 'ws://t',
      webSocket: sockets,
      scheduler: ts,
      respondToText: false,
      ...options,
    });
    conversation.events$.subscribe((event) => events.push([ts.now(), event]));
    drive(conversation, cold);
  });
  // What these specs are about: the socket's life and the texts' fate.
  const kept = events.filter(([, e]) => e.type !== 'session.created' && e.type !== 'conversation.item.added');
  return { sockets, conversation, events: kept };
}

describe('texts across a dropped socket: openai (acknowledged by item id)', () => {
  it('the unacknowledged text goes again first on the next socket, with its id; the acknowledged one never', () => {
    const { sockets, conversation, events } = run(
      (cold) => [
        cold('o---k-x', { o: server.open(), k: ack('rx_t1', 'one'), x: server.drop() }),
        cold('o', { o: server.open() }),
      ],
      { dialect: 'openai', reconnect },
      (c, cold) => {
        cold('-a-b', { a: 'one', b: 'two' }).subscribe((t) => c.text.next(t));
        cold('50ms t').subscribe(() => c.text.next('three'));
        cold('200ms c').subscribe(() => c.close());
      },
    );
    expect(wire(sockets, 0)).toEqual(['0 session.update', '1 one rx_t1', '3 two rx_t2']);
    expect(wire(sockets, 1)).toEqual(['106 session.update', '106 two rx_t2', '106 three rx_t3']);
    expect(events).toEqual([
      [6, { type: 'reconnecting', attempt: 1, delayMs: 100, cause: 'closed with 1006' }],
      [106, { type: 'reconnected', attempt: 1 }],
      // Our close was answered: the server read everything; nothing is named.
      [200, { type: 'closed', reason: 'requested', code: 1000 }],
    ]);
    expect(statsNow(conversation)).toMatchObject({ textSent: 3, textQueued: 0, reconnects: 1 });
  });

  it('a text waiting to go again counts as queued, and is named if no socket takes it', () => {
    const refused = server.refuse('connect ECONNREFUSED 127.0.0.1:9');
    const { conversation, events } = run(
      (cold) => [
        cold('o--x', { o: server.open(), x: server.drop() }),
        ...[1, 2, 3].map(() => cold('r', { r: refused })),
      ],
      { dialect: 'openai', reconnect },
      (c, cold) => cold('-a', { a: 'one' }).subscribe((t) => c.text.next(t)),
    );
    expect(events.map(([, e]) => e.type)).toEqual([
      'reconnecting',
      'reconnecting',
      'reconnecting',
      'texts.unconfirmed',
      'closed',
    ]);
    expect(events.at(-2)![1]).toEqual({ type: 'texts.unconfirmed', texts: ['one'] });
    expect(statsNow(conversation)).toMatchObject({ textSent: 0, textQueued: 1 });
  });

  it("an acknowledgement of a later text confirms the earlier ones (a server reads a socket's events in order)", () => {
    const { sockets, events } = run(
      (cold) => [
        cold('o---k-x', { o: server.open(), k: ack('rx_t2', 'two'), x: server.drop() }),
        cold('o', { o: server.open() }),
      ],
      { dialect: 'openai', reconnect },
      (c, cold) => {
        cold('-(ab)', { a: 'one', b: 'two' }).subscribe((t) => c.text.next(t));
        cold('200ms c').subscribe(() => c.close());
      },
    );
    expect(wire(sockets, 1)).toEqual(['106 session.update']);
    expect(events.map(([, e]) => e.type)).toEqual(['reconnecting', 'reconnected', 'closed']);
  });

  it('an id not ours (the server’s, an app item’s) confirms nothing', () => {
    const { sockets } = run(
      (cold) => [
        cold('o--k-x', { o: server.open(), k: ack('item_1', 'one'), x: server.drop() }),
        cold('o', { o: server.open() }),
      ],
      { dialect: 'openai', reconnect },
      (c, cold) => {
        cold('-a', { a: 'one' }).subscribe((t) => c.text.next(t));
        cold('200ms c').subscribe(() => c.close());
      },
    );
    expect(wire(sockets, 1)).toEqual(['105 session.update', '105 one rx_t1']);
  });

  it('the end without reconnect names every text not confirmed: written and unacknowledged, then never written', () => {
    const { events, conversation } = run(
      (cold) => [
        cold('o-k-s----x', { o: server.open(), k: ack('rx_t1', 'one'), s: server.stall(), x: server.drop() }),
      ],
      // The stalled socket takes one frame past the mark, then nothing: 'three' and 'four' never leave the lane.
      { dialect: 'openai', sendHighWaterMark: 1 },
      (c, cold) => {
        cold('-a---(bc)', { a: 'one', b: 'two', c: 'three' }).subscribe((t) => c.text.next(t));
        cold('-------d', { d: 'four' }).subscribe((t) => c.text.next(t));
      },
    );
    expect(events).toEqual([
      [9, { type: 'texts.unconfirmed', texts: ['two', 'three', 'four'] }],
      [9, { type: 'closed', reason: 'transport_closed', code: 1006 }],
    ]);
    expect(statsNow(conversation)).toMatchObject({ textSent: 2, textQueued: 2 });
  });

  it('a requested close that the server never answers (the close timeout) names what was not acknowledged', () => {
    const { events } = run(
      (cold) => [cold('o--s', { o: server.open(), s: server.stall() })],
      { dialect: 'openai', closeTimeoutMs: 50 },
      (c, cold) => {
        cold('-a', { a: 'one' }).subscribe((t) => c.text.next(t));
        cold('10ms c').subscribe(() => c.close());
      },
    );
    expect(events.map(([time, e]) => [time, e.type])).toEqual([
      [60, 'texts.unconfirmed'],
      [60, 'closed'],
    ]);
    expect(events[0][1]).toEqual({ type: 'texts.unconfirmed', texts: ['one'] });
  });
});

describe('texts across a dropped socket: codex (no acknowledgement)', () => {
  it('the texts written to a lost socket are named just before `reconnecting`, and not sent again', () => {
    const { sockets, events } = run(
      (cold) => [cold('o---x', { o: server.open(), x: server.drop() }), cold('o', { o: server.open() })],
      { dialect: 'codex', reconnect },
      (c, cold) => {
        cold('-a-b', { a: 'one', b: 'two' }).subscribe((t) => c.text.next(t));
        cold('50ms t').subscribe(() => c.text.next('three'));
        cold('200ms c').subscribe(() => c.close());
      },
    );
    expect(events).toEqual([
      [4, { type: 'texts.unconfirmed', texts: ['one', 'two'] }],
      [4, { type: 'reconnecting', attempt: 1, delayMs: 100, cause: 'closed with 1006' }],
      [104, { type: 'reconnected', attempt: 1 }],
      [200, { type: 'closed', reason: 'requested', code: 1000 }],
    ]);
    expect(wire(sockets, 1)).toEqual(['104 session.create', '104 three undefined']);
  });

  it('a text that quotes the API key is named with the key hidden, as every string that leaves is', () => {
    const apiKey = 'sk-unconfirmed-0123456789abcdef';
    const { events } = run(
      (cold) => [cold('o---x', { o: server.open(), x: server.drop() })],
      { dialect: 'codex', apiKey },
      (c, cold) => cold('-a', { a: `my key is ${apiKey}` }).subscribe((t) => c.text.next(t)),
    );
    expect(events[0]).toEqual([4, { type: 'texts.unconfirmed', texts: ['my key is ***'] }]);
  });

  it('close() in reaction to texts.unconfirmed ends the conversation there: no reconnecting after it', () => {
    const { events } = run(
      (cold) => [cold('o--x', { o: server.open(), x: server.drop() })],
      { dialect: 'codex', reconnect },
      (c, cold) => {
        cold('-a', { a: 'one' }).subscribe((t) => c.text.next(t));
        c.events$.subscribe((e) => {
          if (e.type === 'texts.unconfirmed') c.close();
        });
      },
    );
    expect(events).toEqual([
      [3, { type: 'texts.unconfirmed', texts: ['one'] }],
      [3, { type: 'closed', reason: 'requested' }],
    ]);
  });
});
