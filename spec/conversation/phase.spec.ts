// The conversation's phases as the caller sees them (state$), at the edges between them.
import { TestScheduler } from 'rxjs/testing';
import { stateOf, type Phase } from '../../src/conversation/phase';
import {
  connectConversation,
  type ConversationState,
  type RealtimeEvent,
  type WebSocketLike,
} from '../../src/index';
import { createTestSocket, server, type TestSocketFactory } from '../../src/testing';
import type { WebSocketSubject } from '../../src/transport/webSocketSubject';
import { Subscription } from 'rxjs';

const created = server.message({ type: 'session.created', session: { id: 's' } });
const reconnect = { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 400, jitter: 0 };

describe('stateOf', () => {
  const socket = {} as WebSocketSubject;
  it.each<[Phase, ConversationState]>([
    [{ name: 'connecting', socket, attempt: 0 }, 'connecting'],
    [{ name: 'connecting', socket, attempt: 2 }, 'connecting'],
    [{ name: 'open', socket, session: {} as never, attempt: 0, openedAt: 0 }, 'open'],
    [{ name: 'waiting', attempt: 1, timer: Subscription.EMPTY }, 'connecting'],
    [{ name: 'closing', cause: { reason: 'requested' }, socket }, 'closing'],
    [{ name: 'closing', cause: { reason: 'requested' }, socket: undefined }, 'closing'],
    [{ name: 'closed', event: { type: 'closed', reason: 'requested' } }, 'closed'],
  ])('%o is %s', (phase, state) => {
    expect(stateOf(phase)).toBe(state);
  });
});

describe('state$ follows the phase', () => {
  let ts: TestScheduler;
  beforeEach(() => (ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected))));

  /** A codex conversation on scripted sockets; its states and events, each with the virtual time. */
  function run(
    scripts: (i: number) => string,
    act: (
      conversation: ReturnType<typeof connectConversation>,
      cold: TestScheduler['createColdObservable'],
    ) => void,
  ) {
    let sockets!: TestSocketFactory;
    const states: [number, ConversationState][] = [];
    const events: [number, RealtimeEvent][] = [];
    ts.run(({ cold }) => {
      sockets = createTestSocket({
        server: (i) =>
          cold(scripts(i), {
            o: server.open(),
            a: created,
            x: server.drop(),
            r: server.refuse('connect ECONNREFUSED 127.0.0.1:9'),
          }),
      });
      const conversation = connectConversation({
        url: 'ws://t',
        dialect: 'codex',
        webSocket: sockets,
        scheduler: ts,
        reconnect,
      });
      conversation.state$.subscribe((state) => states.push([ts.now(), state]));
      conversation.events$.subscribe((event) => events.push([ts.now(), event]));
      act(conversation, cold);
    });
    return { states, events, sockets: sockets.sockets };
  }

  it('says connecting once while handshakes fail and are retried, then open', () => {
    const { states, events } = run(
      (i) => (i < 2 ? '-r' : 'oa'),
      (conversation, cold) => cold('500ms c').subscribe(() => conversation.close()),
    );
    expect(states).toEqual([
      [0, 'connecting'],
      [302, 'open'],
      [500, 'closing'],
      [500, 'closed'],
    ]);
    expect(events.map(([time, event]) => [time, event.type])).toEqual([
      [1, 'reconnecting'],
      [102, 'reconnecting'],
      [302, 'reconnected'],
      [303, 'session.created'],
      [500, 'closed'],
    ]);
  });

  it('goes back to connecting when an open socket is lost, and to open with the next', () => {
    const { states } = run(
      (i) => (i === 0 ? 'oa-x' : 'oa'),
      (conversation, cold) => cold('300ms c').subscribe(() => conversation.close()),
    );
    expect(states).toEqual([
      [0, 'connecting'],
      [0, 'open'],
      [3, 'connecting'],
      [103, 'open'],
      [300, 'closing'],
      [300, 'closed'],
    ]);
  });

  it('close() in reaction to reconnecting ends at once: the timer is cancelled, no socket opens', () => {
    const { states, events, sockets } = run(
      () => 'oa-x',
      (conversation) =>
        conversation.events$.subscribe((event) => {
          if (event.type === 'reconnecting') conversation.close();
        }),
    );
    expect(states).toEqual([
      [0, 'connecting'],
      [0, 'open'],
      [3, 'connecting'],
      [3, 'closing'],
      [3, 'closed'],
    ]);
    expect(events.at(-1)).toEqual([3, { type: 'closed', reason: 'requested' }]);
    expect(sockets).toHaveLength(1);
  });

  it('close() in reaction to the state going back to connecting ends at once too', () => {
    const { states, events, sockets } = run(
      () => 'oa-x',
      (conversation) =>
        conversation.state$.subscribe((state) => {
          if (state === 'connecting' && ts.now() > 0) conversation.close();
        }),
    );
    expect(states.map(([, state]) => state)).toEqual([
      'connecting',
      'open',
      'connecting',
      'closing',
      'closed',
    ]);
    // `closed` is the last event: the reconnecting that was on its way is not told.
    expect(events.map(([, event]) => event.type)).toEqual(['session.created', 'closed']);
    expect(events.at(-1)).toEqual([3, { type: 'closed', reason: 'requested' }]);
    expect(sockets).toHaveLength(1);
  });

  it('a socket that opens after close() was called while connecting stays closing: no open, no session', () => {
    const opened: FakeSocket[] = [];
    const conversation = connectConversation({
      url: 'ws://t',
      dialect: 'codex',
      webSocket: () => {
        const socket = new FakeSocket();
        opened.push(socket);
        return socket;
      },
      keepalive: false,
      congestion: false,
    });
    const states: ConversationState[] = [];
    const events: RealtimeEvent[] = [];
    conversation.state$.subscribe((state) => states.push(state));
    conversation.events$.subscribe((event) => events.push(event));
    conversation.close();
    expect(opened[0].closedWith).toBe(1000);
    opened[0].open(); // this socket finishes its handshake anyway
    expect(states).toEqual(['connecting', 'closing']);
    opened[0].finish(1000);
    expect(states).toEqual(['connecting', 'closing', 'closed']);
    expect(opened[0].sent).toEqual([]);
    expect(events).toEqual([{ type: 'closed', reason: 'requested', code: 1000 }]);
  });
});

describe('state$ with several subscribers', () => {
  it('never tells a later subscriber of a state already left: the first one closes as it hears of open', () => {
    const opened: FakeSocket[] = [];
    const conversation = connectConversation({
      url: 'ws://t',
      dialect: 'codex',
      webSocket: () => {
        const socket = new FakeSocket();
        opened.push(socket);
        return socket;
      },
      keepalive: false,
      congestion: false,
    });
    const first: ConversationState[] = [];
    const second: ConversationState[] = [];
    conversation.state$.subscribe((state) => {
      first.push(state);
      if (state === 'open') conversation.close();
    });
    conversation.state$.subscribe((state) => second.push(state));
    opened[0].open();
    expect(first).toEqual(['connecting', 'open', 'closing']);
    expect(second).toEqual(['connecting', 'closing']);
    opened[0].finish(1000);
    expect(first.at(-1)).toBe('closed');
    expect(second.at(-1)).toBe('closed');
  });
});

/** A socket whose handshake and close the test drives by hand, even out of the usual order. */
class FakeSocket implements WebSocketLike {
  readyState = 0;
  bufferedAmount = 0;
  binaryType = 'blob';
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  readonly sent: string[] = [];
  closedWith: number | undefined;

  send(data: string): void {
    this.sent.push(data);
  }

  close(code?: number): void {
    this.closedWith = code;
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  finish(code: number): void {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
}
