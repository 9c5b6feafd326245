// Reconnect, connect timeout and limits of connectConversation, under TestScheduler with scripted sockets.
import { TestScheduler } from 'rxjs/testing';
import type { Observable } from 'rxjs';
import {
  connectConversation,
  type Conversation,
  type ConversationStats,
  type RealtimeAudioFrame,
  type RealtimeEvent,
} from '../../src/index';
import { createTestSocket, server, type ServerAction, type TestSocketFactory } from '../../src/testing';

const created = server.message({ type: 'session.created', session: { id: 's' } });
const audio = (n: number): RealtimeAudioFrame => ({
  data: Buffer.from(new Int16Array([n]).buffer).toString('base64'),
  sampleRate: 24000,
  numChannels: 1,
});
const reconnect = { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 400, jitter: 0 };

function statsNow(conversation: Conversation): ConversationStats {
  let stats!: ConversationStats;
  conversation.stats$.subscribe((s) => (stats = s)).unsubscribe();
  return stats;
}
const wire = (sockets: TestSocketFactory, i: number) =>
  sockets.sockets[i].sent.map(({ time, json }) => {
    const j = json as { type: string; item?: { content: { text: string }[] }; delta?: string };
    if (j.type === 'conversation.item.create') return `${time} text ${j.item!.content[0].text}`;
    if (j.type === 'response.input_audio.delta')
      return `${time} audio ${Buffer.from(j.delta!, 'base64').readInt16LE(0)}`;
    return `${time} ${j.type}`;
  });

let ts: TestScheduler;
beforeEach(() => (ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected))));

describe('reconnect (opt-in)', () => {
  it('a lost socket is replaced after the backoff; what was not written goes out on the new one, once, in order', () => {
    let sockets!: TestSocketFactory;
    let conversation!: Conversation;
    const events: [number, RealtimeEvent][] = [];
    ts.run(({ cold }) => {
      const scripts: Observable<ServerAction>[] = [
        cold('oa---x', { o: server.open(), a: created, x: server.drop() }),
        cold('oa', { o: server.open(), a: created }),
      ];
      sockets = createTestSocket({ server: (i) => scripts[i] });
      conversation = connectConversation({
        url: 'ws://t',
        dialect: 'codex',
        webSocket: sockets,
        scheduler: ts,
        reconnect,
        audioBufferFrames: 2,
      });
      conversation.events$.subscribe((event) => events.push([ts.now(), event]));
      cold('--t').subscribe(() => conversation.text.next('before'));
      // During the outage (frames 5..105): texts wait losslessly, audio waits in the drop-newest buffer.
      cold('10ms (xyz)', { x: 1, y: 2, z: 3 }).subscribe((n) => conversation.audio.next(audio(n)));
      cold('20ms (ab)', { a: 'during 1', b: 'during 2' }).subscribe((text) => conversation.text.next(text));
      cold('200ms c').subscribe(() => conversation.close());
    });
    expect(events).toEqual([
      [1, { type: 'session.created', sessionId: 's' }],
      // codex has no acknowledgement: the text written to the lost socket may be lost, and is named.
      [5, { type: 'texts.unconfirmed', texts: ['before'] }],
      [5, { type: 'reconnecting', attempt: 1, delayMs: 100, cause: 'closed with 1006' }],
      [105, { type: 'reconnected', attempt: 1 }],
      [106, { type: 'session.created', sessionId: 's' }],
      [200, { type: 'closed', reason: 'requested', code: 1000 }],
    ]);
    expect(wire(sockets, 0)).toEqual(['0 session.create', '2 text before']);
    expect(wire(sockets, 1)).toEqual([
      '105 session.create',
      '105 text during 1',
      '105 text during 2',
      '105 audio 1',
      '105 audio 2',
    ]);
    expect(statsNow(conversation)).toMatchObject({
      textSent: 3,
      textQueued: 0,
      audioSent: 2,
      audioDropped: 1,
      reconnects: 1,
    });
  });

  it('backs off exponentially up to maxDelayMs, then gives up after maxAttempts with transport_closed', () => {
    const events: [number, RealtimeEvent][] = [];
    ts.run(({ cold }) => {
      const sockets = createTestSocket({
        server: (i) =>
          i === 0
            ? cold('o--x', { o: server.open(), x: server.drop() })
            : cold('-r', { r: server.refuse('connect ECONNREFUSED 127.0.0.1:9') }),
      });
      const conversation = connectConversation({
        url: 'ws://t',
        dialect: 'codex',
        webSocket: sockets,
        scheduler: ts,
        reconnect: { ...reconnect, maxDelayMs: 150 },
      });
      conversation.events$.subscribe((event) => events.push([ts.now(), event]));
    });
    expect(events).toEqual([
      [3, { type: 'reconnecting', attempt: 1, delayMs: 100, cause: 'closed with 1006' }],
      [104, { type: 'reconnecting', attempt: 2, delayMs: 150, cause: 'connect ECONNREFUSED 127.0.0.1:9' }],
      [255, { type: 'reconnecting', attempt: 3, delayMs: 150, cause: 'connect ECONNREFUSED 127.0.0.1:9' }],
      [
        406,
        {
          type: 'closed',
          reason: 'transport_closed',
          detail: 'gave up after 3 reconnect attempts: connect ECONNREFUSED 127.0.0.1:9',
        },
      ],
    ]);
  });

  it('a socket lost soon after it opened does not start the attempts again: a server that accepts and closes 1013 each time gets maxAttempts more sockets, each after a longer wait', () => {
    let sockets!: TestSocketFactory;
    const events: [number, RealtimeEvent][] = [];
    ts.run(({ cold }) => {
      sockets = createTestSocket({
        server: () =>
          cold('oa-x', { o: server.open(), a: created, x: server.close(1013, 'try again later') }),
      });
      const conversation = connectConversation({
        url: 'ws://t',
        dialect: 'codex',
        webSocket: sockets,
        scheduler: ts,
        reconnect,
      });
      conversation.events$.subscribe((event) => events.push([ts.now(), event]));
    });
    const cause = 'closed with 1013: try again later';
    expect(events.filter(([, e]) => e.type !== 'session.created')).toEqual([
      [3, { type: 'reconnecting', attempt: 1, delayMs: 100, cause }],
      [103, { type: 'reconnected', attempt: 1 }],
      [106, { type: 'reconnecting', attempt: 2, delayMs: 200, cause }],
      [306, { type: 'reconnected', attempt: 2 }],
      [309, { type: 'reconnecting', attempt: 3, delayMs: 400, cause }],
      [709, { type: 'reconnected', attempt: 3 }],
      [
        712,
        {
          type: 'closed',
          reason: 'transport_closed',
          code: 1013,
          detail: `gave up after 3 reconnect attempts: ${cause}`,
        },
      ],
    ]);
    expect(sockets.sockets).toHaveLength(1 + reconnect.maxAttempts);
  });

  it('a socket that stayed open for STABLE_AFTER_MS (5 s) starts the attempts again from 1', () => {
    const events: [number, RealtimeEvent][] = [];
    ts.run(({ cold }) => {
      const scripts: Observable<ServerAction>[] = [
        cold('oa-x', { o: server.open(), a: created, x: server.drop() }),
        cold('oa 4997ms x', { o: server.open(), a: created, x: server.drop() }), // lost 4999 ms after opening
        cold('oa 4998ms x', { o: server.open(), a: created, x: server.drop() }), // lost 5000 ms after opening
        cold('oa', { o: server.open(), a: created }),
      ];
      const sockets = createTestSocket({ server: (i) => scripts[i] });
      const conversation = connectConversation({
        url: 'ws://t',
        dialect: 'codex',
        webSocket: sockets,
        scheduler: ts,
        reconnect,
      });
      conversation.events$.subscribe((event) => events.push([ts.now(), event]));
      cold('20s c').subscribe(() => conversation.close());
    });
    expect(events.filter(([, e]) => e.type === 'reconnecting' || e.type === 'reconnected')).toEqual([
      [3, { type: 'reconnecting', attempt: 1, delayMs: 100, cause: 'closed with 1006' }],
      [103, { type: 'reconnected', attempt: 1 }],
      [5102, { type: 'reconnecting', attempt: 2, delayMs: 200, cause: 'closed with 1006' }],
      [5302, { type: 'reconnected', attempt: 2 }],
      [10302, { type: 'reconnecting', attempt: 1, delayMs: 100, cause: 'closed with 1006' }],
      [10402, { type: 'reconnected', attempt: 1 }],
    ]);
  });

  it('is never retried for a handshake 401, a close 4000, a close 1000, or without the option', () => {
    const run = (script: string, action: ServerAction, withReconnect = true) => {
      let sockets!: TestSocketFactory;
      const events: RealtimeEvent[] = [];
      ts = new TestScheduler((a, e) => expect(a).toEqual(e));
      ts.run(({ cold }) => {
        sockets = createTestSocket({ server: cold(script, { o: server.open(), x: action }) });
        const conversation = connectConversation({
          url: 'ws://t',
          dialect: 'codex',
          webSocket: sockets,
          scheduler: ts,
          ...(withReconnect ? { reconnect } : {}),
        });
        conversation.events$.subscribe((event) => events.push(event));
      });
      return { events, sockets: sockets.sockets.length };
    };
    expect(run('-x', server.refuse({ status: 401 }))).toEqual({
      events: [{ type: 'closed', reason: 'error', detail: 'Unexpected server response: 401' }],
      sockets: 1,
    });
    expect(run('o-x', server.close(4000, 'beta_api_shape_disabled'))).toEqual({
      events: [{ type: 'closed', reason: 'transport_closed', code: 4000, detail: 'beta_api_shape_disabled' }],
      sockets: 1,
    });
    expect(run('o-x', server.close(1000))).toEqual({
      events: [{ type: 'closed', reason: 'transport_closed', code: 1000 }],
      sockets: 1,
    });
    expect(run('o-x', server.drop(), false)).toEqual({
      events: [{ type: 'closed', reason: 'transport_closed', code: 1006 }],
      sockets: 1,
    });
  });

  it('close() while waiting to reconnect ends at once with requested, and no new socket', () => {
    let sockets!: TestSocketFactory;
    const events: [number, RealtimeEvent][] = [];
    ts.run(({ cold }) => {
      sockets = createTestSocket({ server: cold('o-x', { o: server.open(), x: server.drop() }) });
      const conversation = connectConversation({
        url: 'ws://t',
        dialect: 'codex',
        webSocket: sockets,
        scheduler: ts,
        reconnect,
      });
      conversation.events$.subscribe((event) => events.push([ts.now(), event]));
      cold('50ms c').subscribe(() => conversation.close());
    });
    expect(events).toEqual([
      [2, { type: 'reconnecting', attempt: 1, delayMs: 100, cause: 'closed with 1006' }],
      [50, { type: 'closed', reason: 'requested' }],
    ]);
    expect(sockets.sockets).toHaveLength(1);
  });

  it('jitter takes up to its fraction off the delay', () => {
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.5);
    try {
      const events: RealtimeEvent[] = [];
      ts.run(({ cold }) => {
        const sockets = createTestSocket({
          server: (i) =>
            i === 0 ? cold('o-x', { o: server.open(), x: server.drop() }) : cold('o', { o: server.open() }),
        });
        const conversation = connectConversation({
          url: 'ws://t',
          dialect: 'codex',
          webSocket: sockets,
          scheduler: ts,
          reconnect: { ...reconnect, jitter: 0.2 },
        });
        conversation.events$.subscribe((event) => events.push(event));
        cold('300ms c').subscribe(() => conversation.close());
      });
      expect(events[0]).toEqual({ type: 'reconnecting', attempt: 1, delayMs: 90, cause: 'closed with 1006' });
    } finally {
      random.mockRestore();
    }
  });
});

describe('connect timeout', () => {
  it('a handshake that never completes ends the attempt after connectTimeoutMs', () => {
    ts.run(({ expectObservable }) => {
      const sockets = createTestSocket();
      const conversation = connectConversation({
        url: 'ws://t',
        dialect: 'codex',
        webSocket: sockets,
        scheduler: ts,
        connectTimeoutMs: 500,
      });
      expectObservable(conversation.events$).toBe('500ms (c|)', {
        c: {
          type: 'closed',
          reason: 'transport_closed',
          detail: 'the handshake did not complete within 500 ms',
        },
      });
    });
  });

  it('with reconnect, a timed-out handshake is retried', () => {
    const events: [number, RealtimeEvent][] = [];
    ts.run(({ cold }) => {
      const sockets = createTestSocket({
        server: (i) => (i === 0 ? cold('-') : cold('o', { o: server.open() })),
      });
      const conversation = connectConversation({
        url: 'ws://t',
        dialect: 'codex',
        webSocket: sockets,
        scheduler: ts,
        connectTimeoutMs: 500,
        reconnect,
      });
      conversation.events$.subscribe((event) => events.push([ts.now(), event]));
      cold('700ms c').subscribe(() => conversation.close());
    });
    expect(events.slice(0, 2)).toEqual([
      [
        500,
        {
          type: 'reconnecting',
          attempt: 1,
          delayMs: 100,
          cause: 'the handshake did not complete within 500 ms',
        },
      ],
      [600, { type: 'reconnected', attempt: 1 }],
    ]);
  });
});
