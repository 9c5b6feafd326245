import { TestScheduler } from 'rxjs/testing';
import {
  connectConversation,
  type Conversation,
  type ConversationStats,
  type RealtimeAudioFrame,
} from '../../src/index';
import { createTestSocket, server, type TestSocketFactory } from '../../src/testing';

const created = server.message({ type: 'session.created', session: { id: 's1' } });
const audio = (n: number): RealtimeAudioFrame => ({
  data: Buffer.from(new Int16Array([n]).buffer).toString('base64'),
  sampleRate: 24000,
  numChannels: 1,
});
const sentAt = (sockets: TestSocketFactory, i = 0) =>
  sockets.sockets[i].sent.map((s) => {
    const json = s.json as { type: string; delta?: string; item?: { content: { text: string }[] } };
    return [
      s.time,
      json.type === 'response.input_audio.delta'
        ? `audio ${Buffer.from(json.delta!, 'base64').readInt16LE(0)}`
        : json.type === 'conversation.item.create'
          ? `text ${json.item!.content[0].text}`
          : json.type,
    ];
  });
function statsNow(conversation: Conversation): ConversationStats {
  let stats!: ConversationStats;
  conversation.stats$.subscribe((s) => (stats = s)).unsubscribe();
  return stats;
}

let ts: TestScheduler;
beforeEach(() => (ts = new TestScheduler((actual, expected) => expect(actual).toEqual(expected))));

describe('createTestSocket: a conversation under TestScheduler', () => {
  it('delivers scripted frames at their virtual times and records what the client sent', () => {
    let sockets!: TestSocketFactory;
    ts.run(({ hot, cold, expectObservable }) => {
      sockets = createTestSocket({
        server: hot('-o-a--c', { o: server.open(), a: created, c: server.close(1000) }),
      });
      const conversation = connectConversation({
        url: 'ws://test',
        dialect: 'codex',
        webSocket: sockets,
        scheduler: ts,
        prompt: 'p',
      });
      cold('--t').subscribe(() => conversation.text.next('hi'));
      // The server closed first: codex has no acknowledgement, so the text may not have been read.
      expectObservable(conversation.events$).toBe('---a--(uc|)', {
        a: { type: 'session.created', sessionId: 's1' },
        u: { type: 'texts.unconfirmed', texts: ['hi'] },
        c: { type: 'closed', reason: 'transport_closed', code: 1000 },
      });
      expectObservable(conversation.state$).toBe('co----(x|)', { c: 'connecting', o: 'open', x: 'closed' });
    });
    expect(sockets.sockets[0].url).toBe('ws://test/ws');
    expect(sentAt(sockets)).toEqual([
      [1, 'session.create'],
      [2, 'text hi'],
    ]);
  });

  it('a stalled send buffer: audio beyond the capacity is dropped, text goes first once it drains', () => {
    let sockets!: TestSocketFactory;
    let conversation!: Conversation;
    ts.run(({ hot, cold, expectObservable }) => {
      sockets = createTestSocket({
        server: hot('o-s-----d', { o: server.open(), s: server.stall(), d: server.drain() }),
      });
      conversation = connectConversation({
        url: 'ws://test',
        dialect: 'codex',
        webSocket: sockets,
        scheduler: ts,
        audioBufferFrames: 2,
        sendHighWaterMark: 1,
      });
      // Frame 3: audio 1 goes out and fills the buffer past the mark; 2 and 3 wait; 4 and 5 are dropped.
      cold('---(abcde)', { a: 1, b: 2, c: 3, d: 4, e: 5 }).subscribe((n) =>
        conversation.audio.next(audio(n)),
      );
      cold('-----t').subscribe(() => conversation.text.next('urgent'));
      cold('----------x').subscribe(() => conversation.close());
      expectObservable(conversation.events$).toBe('----------(c|)', {
        c: { type: 'closed', reason: 'requested', code: 1000 },
      });
    });
    expect(sentAt(sockets)).toEqual([
      [0, 'session.create'],
      [3, 'audio 1'],
      [8, 'text urgent'],
      [8, 'audio 2'],
      [8, 'audio 3'],
    ]);
    expect(statsNow(conversation)).toMatchObject({
      audioSent: 3,
      audioDropped: 2,
      textSent: 1,
      textQueued: 0,
    });
    expect(sockets.sockets[0].clientClose).toEqual({ time: 10, code: 1000, reason: '' });
  });

  it('a dropped connection ends with transport_closed, code 1006 and the error as detail', () => {
    ts.run(({ hot, expectObservable }) => {
      const sockets = createTestSocket({
        server: hot('o-a-x', { o: server.open(), a: created, x: server.drop('read ECONNRESET') }),
      });
      const conversation = connectConversation({
        url: 'ws://test',
        dialect: 'codex',
        webSocket: sockets,
        scheduler: ts,
      });
      expectObservable(conversation.events$).toBe('--a-(c|)', {
        a: { type: 'session.created', sessionId: 's1' },
        c: { type: 'closed', reason: 'transport_closed', code: 1006, detail: 'read ECONNRESET' },
      });
    });
  });

  it('a refused handshake ends with closed{reason:error} and never sends', () => {
    let sockets!: TestSocketFactory;
    ts.run(({ hot, expectObservable }) => {
      sockets = createTestSocket({
        server: hot('--r', { r: server.refuse('Unexpected server response: 401') }),
      });
      const conversation = connectConversation({
        url: 'ws://test',
        dialect: 'codex',
        webSocket: sockets,
        scheduler: ts,
        apiKey: 'sk-secret-abcdef',
      });
      conversation.text.next('queued');
      expectObservable(conversation.events$).toBe('--(uc|)', {
        u: { type: 'texts.unconfirmed', texts: ['queued'] },
        c: { type: 'closed', reason: 'error', detail: 'Unexpected server response: 401' },
      });
    });
    expect(sockets.sockets[0].sent).toEqual([]);
    expect(sockets.sockets[0].headers).toEqual({ Authorization: 'Bearer sk-secret-abcdef' });
  });

  it('a close that the server never answers is cut after closeTimeoutMs', () => {
    ts.run(({ hot, cold, expectObservable }) => {
      const sockets = createTestSocket({ server: hot('os', { o: server.open(), s: server.stall() }) });
      const conversation = connectConversation({
        url: 'ws://test',
        dialect: 'codex',
        webSocket: sockets,
        scheduler: ts,
        closeTimeoutMs: 100,
      });
      cold('--x').subscribe(() => conversation.close());
      expectObservable(conversation.events$).toBe('-- 100ms (c|)', {
        c: { type: 'closed', reason: 'requested', code: 1006 },
      });
    });
  });
});
