import { createEnvironmentInjector, EnvironmentInjector } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { distinctUntilChanged, map, takeWhile } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { RealtimeAudioFrame, RealtimeEvent } from 'realtime-rx';
import { createTestSocket, server, type ServerAction } from 'realtime-rx/testing';
import {
  provideRealtimeConversation,
  RealtimeConversationService,
  type ConversationStatus,
  type TranscriptLine,
} from './realtime-conversation.service';

/** One 24 kHz mono frame holding a single PCM16LE sample. */
const frame = (sample: number): RealtimeAudioFrame => ({
  data: btoa(String.fromCharCode(sample & 0xff, (sample >> 8) & 0xff)),
  sampleRate: 24_000,
  numChannels: 1,
});

/** What the server says in the first test, as wire messages of the openai dialect. */
const wire: Record<string, ServerAction> = {
  o: server.open(),
  c: server.event('session.created', { session: { type: 'realtime', id: 'sess_1' } }),
  u: server.event('session.updated', { session: { type: 'realtime', id: 'sess_1', instructions: 'Be brief.' } }),
  s: server.event('conversation.item.input_audio_transcription.delta', { item_id: 'item_1', delta: 'Hel' }),
  t: server.event('conversation.item.input_audio_transcription.completed', { item_id: 'item_1', transcript: 'Hello?' }),
  T: server.event('response.output_audio_transcript.delta', { item_id: 'item_2', delta: 'Hi' }),
  A: server.event('response.output_audio.delta', { item_id: 'item_2', delta: frame(7).data }),
  x: server.event('response.output_audio_transcript.delta', { item_id: 'item_2', delta: ' there' }),
  y: server.event('response.output_audio_transcript.done', { item_id: 'item_2', transcript: 'Hi there.' }),
  d: server.event('response.done', { response: { id: 'resp_1', status: 'completed' } }),
};

const user = (text: string, done = true): TranscriptLine => ({ role: 'user', text, done });
const assistant = (text: string, done = true): TranscriptLine => ({ role: 'assistant', text, done });

describe('RealtimeConversationService', () => {
  let scheduler: TestScheduler;

  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('plays a whole conversation: text sent first, live transcript, close reason last', () => {
    const sockets = createTestSocket({ scheduler });
    const played: RealtimeAudioFrame[] = [];
    const samples: unknown[] = [];
    let service!: RealtimeConversationService;

    scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      // The server opens at 3 ms and answers; the user speaks at 0 and 2 ms, types at 1 ms, stops at 20 ms.
      hot('---o-cu-stTAxyd', wire).subscribe((action) => sockets.sockets[0]!.act(action));
      TestBed.configureTestingModule({
        providers: [
          RealtimeConversationService,
          provideRealtimeConversation({
            url: 'ws://test',
            prompt: 'Be brief.',
            webSocket: sockets,
            scheduler,
          }),
        ],
      });
      service = TestBed.inject(RealtimeConversationService);
      expect(service.status()).toBe<ConversationStatus>('idle');

      const microphone = cold('a-b', { a: frame(1), b: frame(2) });
      service.start({ audio: microphone, playback: { next: (f) => played.push(f) } });
      cold('-t').subscribe(() => service.say('hello'));
      cold('20ms s').subscribe(() => service.stop());
      // The signals, read at two quiet moments: after the session is up, and after the answer.
      cold('7ms a 8ms b').subscribe(() =>
        samples.push([service.status(), service.transcript().length, service.closeReason()]),
      );

      const view$ = service.view$;
      expectObservable(
        view$.pipe(
          map((v) => v.status),
          distinctUntilChanged(),
        ),
      ).toBe('c--o 16ms (xz)', {
        c: 'connecting',
        o: 'open',
        x: 'closing',
        z: 'closed',
      });
      expectObservable(
        view$.pipe(
          map((v) => v.transcript),
          distinctUntilChanged(),
        ),
      ).toBe('eh------stT-xy', {
        e: [],
        h: [user('hello')],
        s: [user('hello'), user('Hel', false)],
        t: [user('hello'), user('Hello?')],
        T: [user('hello'), user('Hello?'), assistant('Hi', false)],
        x: [user('hello'), user('Hello?'), assistant('Hi there', false)],
        y: [user('hello'), user('Hello?'), assistant('Hi there.')],
      });
      expectObservable(
        view$.pipe(
          map((v) => v.closeReason),
          distinctUntilChanged(),
        ),
      ).toBe('u 19ms c', {
        u: undefined,
        c: { type: 'closed', reason: 'requested', code: 1000 },
      });
      // Every event of the conversation, `closed` last.
      expectObservable(service.events$.pipe(takeWhile((e) => e.type !== 'closed', true))).toBe(
        '-----cu-stTAxyd 5ms (z|)',
        {
          c: { type: 'session.created', sessionId: 'sess_1' },
          u: { type: 'session.updated', sessionId: 'sess_1', instructions: 'Be brief.' },
          s: { type: 'transcript.delta', role: 'user', delta: 'Hel', itemId: 'item_1' },
          t: { type: 'transcript.done', role: 'user', text: 'Hello?', itemId: 'item_1' },
          T: { type: 'transcript.delta', role: 'assistant', delta: 'Hi', itemId: 'item_2', responseId: 'resp_1' },
          A: { type: 'audio.out', frame: { ...frame(7), samplesPerChannel: 1, itemId: 'item_2' } },
          x: { type: 'transcript.delta', role: 'assistant', delta: ' there', itemId: 'item_2', responseId: 'resp_1' },
          y: { type: 'transcript.done', role: 'assistant', text: 'Hi there.', itemId: 'item_2', responseId: 'resp_1' },
          d: { type: 'response.done', responseId: 'resp_1', status: 'completed' },
          z: { type: 'closed', reason: 'requested', code: 1000 },
        } satisfies Record<string, RealtimeEvent>,
      );
      // The microphone is released when the user stops.
      expectSubscriptions(microphone.subscriptions).toBe('^ 19ms !');
    });

    // Nothing went out before the handshake; then the session, the text (given after the first audio
    // frame, sent before both), and the audio.
    const sent = sockets.sockets[0]!.sent.map(({ time, json }) => [time, (json as { type: string }).type]);
    expect(sent).toEqual([
      [3, 'session.update'],
      [3, 'conversation.item.create'],
      [3, 'response.create'],
      [3, 'input_audio_buffer.append'],
      [3, 'input_audio_buffer.append'],
    ]);
    expect(sockets.sockets[0]!.sent[1]!.json).toMatchObject({ item: { content: [{ text: 'hello' }] } });
    expect(sockets.sockets[0]!.clientClose).toMatchObject({ time: 20, code: 1000 });
    expect(played).toEqual([{ ...frame(7), samplesPerChannel: 1, itemId: 'item_2' }]);
    expect(samples).toEqual([
      ['open', 1, undefined],
      ['open', 3, undefined],
    ]);
    // The signals at the end: the close reason, and every event counted.
    expect(service.status()).toBe('closed');
    expect(service.running()).toBe(false);
    expect(service.closeReason()).toEqual({ type: 'closed', reason: 'requested', code: 1000 });
    expect(service.eventCount()).toBe(10);
    expect(() => service.say('too late')).toThrow(/not running/);
  });

  it('closes the conversation and releases the microphone when its injector is destroyed', () => {
    const sockets = createTestSocket({ scheduler });

    scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      hot('-o', wire).subscribe((action) => sockets.sockets[0]!.act(action));
      TestBed.configureTestingModule({
        providers: [provideRealtimeConversation({ url: 'ws://test', webSocket: sockets, scheduler })],
      });
      // As a component's injector would be: the service lives and dies with it.
      const injector = createEnvironmentInjector(
        [RealtimeConversationService],
        TestBed.inject(EnvironmentInjector),
      );
      const service = injector.get(RealtimeConversationService);
      const microphone = cold('a-a-a-a-a-a-a', { a: frame(1) });
      service.start({ audio: microphone });
      cold('-----d').subscribe(() => injector.destroy());

      // events$ completes after the last conversation's `closed`: nothing of the service is left running.
      expectObservable(service.events$).toBe('-----(z|)', {
        z: { type: 'closed', reason: 'requested', code: 1000 },
      });
      expectSubscriptions(microphone.subscriptions).toBe('^----!');
    });

    expect(sockets.sockets).toHaveLength(1);
    expect(sockets.sockets[0]!.clientClose).toMatchObject({ time: 5, code: 1000 });
    // The frames of 0, 2 and 4 ms were sent (the first once the socket opened); the microphone was
    // released at 5 ms, before its next frame.
    expect(sockets.sockets[0]!.sent.map((f) => (f.json as { type: string }).type)).toEqual([
      'session.update',
      'input_audio_buffer.append',
      'input_audio_buffer.append',
      'input_audio_buffer.append',
    ]);
  });

  it('starts again after the server dropped the connection', () => {
    const sockets = createTestSocket({
      scheduler,
      server: (index) =>
        index === 0
          ? scheduler.createColdObservable('-o--x', { o: server.open(), x: server.drop('read ECONNRESET') })
          : scheduler.createColdObservable('-oc', wire),
    });

    scheduler.run(({ cold, expectObservable }) => {
      TestBed.configureTestingModule({
        providers: [
          RealtimeConversationService,
          provideRealtimeConversation({ url: 'ws://test', webSocket: sockets, scheduler }),
        ],
      });
      const service = TestBed.inject(RealtimeConversationService);
      service.start();
      cold('10ms r').subscribe(() => service.start());

      const status$ = service.view$.pipe(
        map((v) => ({ status: v.status, closeReason: v.closeReason })),
        distinctUntilChanged((a, b) => a.status === b.status),
      );
      expectObservable(status$).toBe('co--l 5ms ko', {
        c: { status: 'connecting', closeReason: undefined },
        o: { status: 'open', closeReason: undefined },
        l: {
          status: 'closed',
          closeReason: { type: 'closed', reason: 'transport_closed', code: 1006, detail: 'read ECONNRESET' },
        },
        // A new conversation: a fresh view.
        k: { status: 'connecting', closeReason: undefined },
      });
    });

    expect(sockets.sockets).toHaveLength(2);
    expect(sockets.sockets[1]!.clientClose).toBeUndefined();
  });
});
