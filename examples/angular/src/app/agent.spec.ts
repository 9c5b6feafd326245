import { TestBed } from '@angular/core/testing';
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createTestSocket, server, type ServerAction } from 'realtime-rx/testing';
import {
  provideRealtimeClientSecret,
  provideRealtimeConversation,
  provideRealtimeTools,
  RealtimeConversationService,
} from './realtime-conversation.service';
import { getWeather } from './weather.tool';

/** The model calls get_weather (the call is the item's `conversation.item.done`), then its output joins: wire messages. */
const call = { type: 'function_call' as const, name: 'get_weather', call_id: 'call_1', arguments: '{"city":"Paris"}' };
const wire: Record<string, ServerAction> = {
  o: server.open(),
  u: server.event('conversation.item.added', {
    item: { id: 'item_1', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'Weather in Paris?' }] },
  }),
  f: server.event('conversation.item.added', { item: { id: 'item_2', status: 'in_progress', ...call, arguments: '' } }),
  F: server.event('conversation.item.done', { item: { id: 'item_2', status: 'completed', ...call } }),
  d: server.event('response.done', { response: { id: 'resp_1', status: 'completed' } }),
  x: server.event('conversation.item.added', {
    item: {
      id: 'item_3',
      type: 'function_call_output',
      status: 'completed',
      call_id: 'call_1',
      output: '{"city":"Paris","sky":"sunny","celsius":21}',
    },
  }),
  s: server.event('input_audio_buffer.speech_started', { item_id: 'item_4', audio_start_ms: 0 }),
};

describe('RealtimeConversationService with tools', () => {
  let scheduler: TestScheduler;

  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('declares the tool, runs the call, answers it and lists the items as they change', () => {
    const sockets = createTestSocket({ scheduler });

    scheduler.run(({ hot, expectObservable }) => {
      // The call comes at 5 ms; the tool answers 300 ms later; the server adds the output item at 310 ms.
      hot('-o-ufFd 303ms x', wire).subscribe((action) => sockets.sockets[0]!.act(action));
      TestBed.configureTestingModule({
        providers: [
          RealtimeConversationService,
          provideRealtimeConversation({ url: 'ws://test', webSocket: sockets, scheduler }),
          provideRealtimeTools([getWeather]),
        ],
      });
      const service = TestBed.inject(RealtimeConversationService);
      service.start();

      const line = (list: readonly { role: string; kind: string; status: string; text: string }[]) =>
        list.map((item) => `${item.role} ${item.kind} (${item.status}) ${item.text}`);
      expectObservable(service.items$.pipe(map(line))).toBe('a--bcd 304ms e', {
        a: [],
        b: ['user message (completed) Weather in Paris?'],
        c: ['user message (completed) Weather in Paris?', 'assistant function_call (in_progress) get_weather()'],
        d: [
          'user message (completed) Weather in Paris?',
          'assistant function_call (completed) get_weather({"city":"Paris"})',
        ],
        e: [
          'user message (completed) Weather in Paris?',
          'assistant function_call (completed) get_weather({"city":"Paris"})',
          'tool function_call_output (completed) {"city":"Paris","sky":"sunny","celsius":21}',
        ],
      });
    });

    const sent = sockets.sockets[0]!.sent;
    const session = sent[0]!.json as { type: string; session: { tools: unknown[] } };
    expect(session.type).toBe('session.update');
    expect(session.session.tools).toEqual([
      {
        type: 'function',
        name: 'get_weather',
        description: 'The weather right now in a city.',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    ]);
    // The output at 5 + 300 ms, then a response for it.
    expect(sent.slice(1).map(({ time, json }) => [time, (json as { type: string }).type])).toEqual([
      [305, 'conversation.item.create'],
      [305, 'response.create'],
    ]);
    expect(sent[1]!.json).toMatchObject({
      item: { type: 'function_call_output', call_id: 'call_1', output: '{"city":"Paris","sky":"sunny","celsius":21}' },
    });
  });

  it('stops the tool when the user talks over it: nothing is answered', () => {
    const sockets = createTestSocket({ scheduler });

    scheduler.run(({ hot }) => {
      hot('-o-fF 50ms s', wire).subscribe((action) => sockets.sockets[0]!.act(action));
      TestBed.configureTestingModule({
        providers: [
          RealtimeConversationService,
          provideRealtimeConversation({ url: 'ws://test', webSocket: sockets, scheduler }),
          provideRealtimeTools([getWeather]),
        ],
      });
      TestBed.inject(RealtimeConversationService).start();
    });

    expect(sockets.sockets[0]!.sent.map(({ json }) => (json as { type: string }).type)).toEqual(['session.update']);
  });

  it('asks the app server for a key first, and connects with it where the server says', async () => {
    const sockets = createTestSocket();
    let minted = 0;
    TestBed.configureTestingModule({
      providers: [
        RealtimeConversationService,
        provideRealtimeConversation({ url: 'ws://127.0.0.1:8011', webSocket: sockets }),
        provideRealtimeClientSecret(async () => {
          minted++;
          return { value: 'ek_minted_for_this_conversation', url: 'ws://127.0.0.1:9011' };
        }),
      ],
    });
    const service = TestBed.inject(RealtimeConversationService);
    service.start();
    // Until the key comes: connecting, and no socket yet.
    expect(service.status()).toBe('connecting');
    expect(sockets.sockets).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 0));

    expect(minted).toBe(1);
    expect(sockets.sockets).toHaveLength(1);
    const socket = sockets.sockets[0]!;
    expect(socket.url).toMatch(/^ws:\/\/127\.0\.0\.1:9011\/v1\/realtime/);
    expect(JSON.stringify([socket.protocols, socket.headers])).toContain('ek_minted_for_this_conversation');
    service.stop();
  });

  it('shows why there is no key, and lets the user try again', async () => {
    const sockets = createTestSocket();
    TestBed.configureTestingModule({
      providers: [
        RealtimeConversationService,
        provideRealtimeConversation({ url: 'ws://127.0.0.1:8011', webSocket: sockets }),
        provideRealtimeClientSecret(() => Promise.reject(new Error('/realtime/client-secret answered 502'))),
      ],
    });
    const service = TestBed.inject(RealtimeConversationService);
    service.start();
    await new Promise((resolve) => setTimeout(resolve, 0));

    expect(sockets.sockets).toHaveLength(0);
    expect(service.problem()).toBe('no key: /realtime/client-secret answered 502');
    expect(service.running()).toBe(false);
  });
});
