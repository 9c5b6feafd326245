// The GA control lane end to end, in virtual time: push-to-talk, out-of-band responses, mid-call
// session changes, any item, any client event, and what is refused; serverEvents$ and usage.
import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  connectConversation,
  type CodexServerEvent,
  type OpenAIClientEvent,
  type OpenAIServerEvent,
  type OpenAIConversationItem,
  type RealtimeAudioFrame,
  type RealtimeControl,
  type RealtimeEvent,
} from '../../src/index';
import { createTestSocket, server, type ServerAction, type TestSocketFactory } from '../../src/testing';

const frame = (sample: number): RealtimeAudioFrame => ({
  data: Buffer.from(new Int16Array([sample]).buffer).toString('base64'),
  sampleRate: 24000,
  numChannels: 1,
});

const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** What the client sent on socket `i` after its session message: [virtual time, wire type]. */
const sentTypes = (sockets: TestSocketFactory, i = 0) =>
  sockets.sockets[i].sent.slice(1).map(({ time, json }) => [time, (json as { type: string }).type]);
const sentJson = (sockets: TestSocketFactory, i = 0) =>
  sockets.sockets[i].sent.slice(1).map(({ json }) => json);

describe('push-to-talk: input.commit', () => {
  it('waits for the audio given before it, and what is given after it waits for it; a text still goes first', () => {
    const scheduler = newScheduler();
    const sockets = createTestSocket();
    scheduler.run(({ hot, cold }) => {
      hot('o-s---d', { o: server.open(), s: server.stall(), d: server.drain() }).subscribe((action) =>
        sockets.sockets[0].act(action),
      );
      const conversation = connectConversation({
        url: 'ws://test',
        webSocket: sockets,
        scheduler,
        audioBufferFrames: 4,
        sendHighWaterMark: 1,
        respondToText: false,
        session: { turnDetection: null },
      });
      // Frame 1 fills the stalled socket's buffer; 2 and 3 wait in the lane.
      cold('---(abc)', { a: 1, b: 2, c: 3 }).subscribe((n) => conversation.audio.next(frame(n)));
      cold('----u').subscribe(() => {
        conversation.text.next('a note');
        conversation.control.next({ type: 'input.commit' });
        conversation.control.next({ type: 'response.create' });
      });
      cold('-----f').subscribe(() => conversation.audio.next(frame(4))); // after the commit
      cold('--------x').subscribe(() => conversation.close());
    });
    const appended = sentJson(sockets)
      .filter((json) => (json as { type: string }).type === 'input_audio_buffer.append')
      .map((json) => Buffer.from((json as { audio: string }).audio, 'base64').readInt16LE(0));
    expect(appended).toEqual([1, 2, 3, 4]);
    expect(sentTypes(sockets)).toEqual([
      [3, 'input_audio_buffer.append'],
      [6, 'conversation.item.create'], // the text: lossless lanes go before waiting audio...
      [6, 'input_audio_buffer.append'], // ...but the commit waits for frames 2 and 3
      [6, 'input_audio_buffer.append'],
      [6, 'input_audio_buffer.commit'],
      [6, 'response.create'], // given after the commit: after it
      [6, 'input_audio_buffer.append'], // frame 4, given after the commit
    ]);
  });

  it('goes at once, in order with the other controls, when no audio waits; frames dropped after it do not release it early', () => {
    const scheduler = newScheduler();
    const sockets = createTestSocket();
    const events: RealtimeEvent[] = [];
    scheduler.run(({ hot, cold }) => {
      hot('o-s----d', { o: server.open(), s: server.stall(), d: server.drain() }).subscribe((action) =>
        sockets.sockets[0].act(action),
      );
      const conversation = connectConversation({
        url: 'ws://test',
        webSocket: sockets,
        scheduler,
        audioBufferFrames: 1,
        sendHighWaterMark: 1,
        session: { turnDetection: null },
      });
      conversation.events$.subscribe((event) => events.push(event));
      cold('-c').subscribe(() => {
        conversation.control.next({ type: 'input.clear' });
        conversation.control.next({ type: 'input.commit' }); // nothing waits: straight out
        conversation.control.next({ type: 'output.clear' });
      });
      cold('---(ab)', { a: 1, b: 2 }).subscribe((n) => conversation.audio.next(frame(n))); // 1 sent, 2 waits
      cold('----c').subscribe(() => conversation.control.next({ type: 'input.commit' }));
      cold('-----d').subscribe(() => conversation.audio.next(frame(3))); // dropped: the lane is full
      cold('---------x').subscribe(() => conversation.close());
    });
    expect(sentTypes(sockets)).toEqual([
      [1, 'input_audio_buffer.clear'],
      [1, 'input_audio_buffer.commit'],
      [1, 'output_audio_buffer.clear'],
      [3, 'input_audio_buffer.append'],
      [7, 'input_audio_buffer.append'], // frame 2, then the commit that waited for it
      [7, 'input_audio_buffer.commit'],
    ]);
    expect(events.filter((e) => e.type === 'invalid')).toEqual([]);
  });
  it('input.clear also waits for the audio given before it: no frame of the old turn arrives after the clear', () => {
    const scheduler = newScheduler();
    const sockets = createTestSocket();
    scheduler.run(({ hot, cold }) => {
      hot('o-s---d', { o: server.open(), s: server.stall(), d: server.drain() }).subscribe((action) =>
        sockets.sockets[0].act(action),
      );
      const conversation = connectConversation({
        url: 'ws://test',
        webSocket: sockets,
        scheduler,
        audioBufferFrames: 4,
        sendHighWaterMark: 1,
        session: { turnDetection: null },
      });
      cold('---(abc)', { a: 1, b: 2, c: 3 }).subscribe((n) => conversation.audio.next(frame(n)));
      cold('----c').subscribe(() => conversation.control.next({ type: 'input.clear' }));
      cold('-----f').subscribe(() => conversation.audio.next(frame(4)));
      cold('--------x').subscribe(() => conversation.close());
    });
    const order = sentJson(sockets).map((json) => {
      const { type, audio } = json as { type: string; audio?: string };
      return audio === undefined ? type : Buffer.from(audio, 'base64').readInt16LE(0);
    });
    expect(order).toEqual([1, 2, 3, 'input_audio_buffer.clear', 4]);
  });
});

describe('out-of-band responses', () => {
  it('go out at once while a response is active, are recognised by response id and metadata, and move no gating', () => {
    const scheduler = newScheduler();
    const events: RealtimeEvent[] = [];
    const metadata = { purpose: 'classify' };
    const script: Record<string, ServerAction> = {
      o: server.open(),
      r: server.event('response.created', { response: { id: 'resp_1', status: 'in_progress' } }),
      b: server.message({
        type: 'response.created',
        event_id: 'event_oob',
        response: { id: 'resp_oob', conversation_id: null, status: 'in_progress', metadata },
      }),
      t: server.event('response.output_text.done', {
        response_id: 'resp_oob',
        item_id: 'item_oob',
        text: 'positive',
      }),
      e: server.event('response.done', { response: { id: 'resp_oob', status: 'completed', metadata } }),
      d: server.event('response.done', { response: { id: 'resp_1', status: 'completed' } }),
    };
    const sockets = createTestSocket();
    scheduler.run(({ hot, cold }) => {
      hot('o-r--b-t-e--d', script).subscribe((action) => sockets.sockets[0].act(action));
      const conversation = connectConversation({ url: 'ws://test', webSocket: sockets, scheduler });
      conversation.events$.subscribe((event) => events.push(event));
      cold('-a').subscribe(() => conversation.text.next('first')); // its response: resp_1
      cold('---o').subscribe(() =>
        conversation.control.next({
          type: 'response.create',
          response: { conversation: 'none', metadata, output_modalities: ['text'], input: [] },
        }),
      );
      cold('----s').subscribe(() => conversation.text.next('second')); // held behind resp_1
      cold('---------------x').subscribe(() => conversation.close());
    });
    expect(sentTypes(sockets)).toEqual([
      [1, 'conversation.item.create'],
      [1, 'response.create'],
      [3, 'response.create'], // out of band: not held although resp_1 is active
      [4, 'conversation.item.create'],
      [12, 'response.create'], // the held one, released by resp_1's end, not by resp_oob's (at 9)
    ]);
    expect(sentJson(sockets)[2]).toEqual({
      type: 'response.create',
      response: { conversation: 'none', metadata, output_modalities: ['text'], input: [] },
    });
    const oob = events.filter(
      (e) => ('responseId' in e && e.responseId === 'resp_oob') || e.type === 'response.created',
    );
    expect(oob).toEqual([
      { type: 'response.created', responseId: 'resp_1' },
      { type: 'response.created', responseId: 'resp_oob', metadata },
      {
        type: 'transcript.done',
        role: 'assistant',
        text: 'positive',
        itemId: 'item_oob',
        responseId: 'resp_oob',
      },
      { type: 'response.done', responseId: 'resp_oob', status: 'completed', metadata },
    ]);
  });
});

describe('session.update mid-conversation', () => {
  it('sends only what changes, and a socket opened later (reconnect) starts with the changes', () => {
    const scheduler = newScheduler();
    const sockets = createTestSocket({ server: undefined });
    scheduler.run(({ hot, cold }) => {
      hot('o---x', { o: server.open(), x: server.drop() }).subscribe((action) =>
        sockets.sockets[0].act(action),
      );
      hot('--------o', { o: server.open() }).subscribe((action) => sockets.sockets[1]?.act(action));
      const conversation = connectConversation({
        url: 'ws://test',
        webSocket: sockets,
        scheduler,
        prompt: 'Be brief.',
        session: { voice: 'cedar' },
        reconnect: { maxAttempts: 1, initialDelayMs: 2, maxDelayMs: 2, jitter: 0 },
      });
      cold('-u').subscribe(() =>
        conversation.control.next({
          type: 'session.update',
          session: { instructions: 'Be verbose.', turnDetection: null, inputTranscription: null },
        }),
      );
      cold('----------x').subscribe(() => conversation.close());
    });
    expect(sentJson(sockets)[0]).toEqual({
      type: 'session.update',
      session: {
        type: 'realtime',
        instructions: 'Be verbose.',
        audio: { input: { transcription: null, turn_detection: null } },
      },
    });
    const second = sockets.sockets[1].sent[0].json as { session: Record<string, unknown> };
    expect(second.session).toMatchObject({
      instructions: 'Be verbose.',
      audio: { input: { turn_detection: null }, output: { voice: 'cedar' } },
    });
  });

  it('switches the audio checks to the new format: a frame of the old one is refused after it', () => {
    const scheduler = newScheduler();
    const sockets = createTestSocket();
    const events: RealtimeEvent[] = [];
    const ulaw: RealtimeAudioFrame = {
      data: 'AAAA',
      sampleRate: 8000,
      numChannels: 1,
      encoding: 'g711_ulaw',
    };
    scheduler.run(({ hot, cold }) => {
      hot('o', { o: server.open() }).subscribe((action) => sockets.sockets[0].act(action));
      const conversation = connectConversation({ url: 'ws://test', webSocket: sockets, scheduler });
      conversation.events$.subscribe((event) => events.push(event));
      cold('-a').subscribe(() => conversation.audio.next(ulaw)); // refused: the session takes PCM16
      cold('--u').subscribe(() =>
        conversation.control.next({
          type: 'session.update',
          session: { inputFormat: { type: 'audio/pcmu' }, outputFormat: { type: 'audio/pcmu' } },
        }),
      );
      cold('---a').subscribe(() => {
        conversation.audio.next(ulaw);
        conversation.audio.next(frame(1)); // refused: PCM16 in a μ-law session
      });
      cold('-----x').subscribe(() => conversation.close());
    });
    expect(sentTypes(sockets)).toEqual([
      [2, 'session.update'],
      [3, 'input_audio_buffer.append'],
    ]);
    expect(events.filter((e) => e.type === 'invalid').map((e) => (e as { detail: string }).detail)).toEqual([
      "audio frame not sent: the openai session takes PCM16 at 24000 Hz, mono, got g711_ulaw frames: decode it (fromG711) or set the session's inputFormat",
      "audio frame not sent: the openai session takes G.711 μ-law (g711_ulaw) at 8000 Hz, mono, got pcm16 frames: encode it with toG711('ulaw')",
    ]);
  });
});

describe('items and client events', () => {
  it('item.create takes any GA item after previousItemId; item.retrieve; client.event is sent as given', () => {
    const scheduler = newScheduler();
    const sockets = createTestSocket();
    const system: OpenAIConversationItem = {
      type: 'message',
      role: 'system',
      content: [{ type: 'input_text', text: 'Speak French.' }],
    };
    const image: OpenAIConversationItem = {
      type: 'message',
      role: 'user',
      content: [{ type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' }],
    };
    const call: OpenAIConversationItem = {
      type: 'function_call',
      call_id: 'call_1',
      name: 'lookup',
      arguments: '{}',
    };
    const clientEvent: OpenAIClientEvent = {
      type: 'conversation.item.truncate',
      item_id: 'item_1',
      content_index: 0,
      audio_end_ms: 10,
      event_id: 'mine',
    };
    scheduler.run(({ hot, cold }) => {
      hot('o', { o: server.open() }).subscribe((action) => sockets.sockets[0].act(action));
      const conversation = connectConversation({ url: 'ws://test', webSocket: sockets, scheduler });
      cold('-a').subscribe(() => {
        conversation.control.next({ type: 'item.create', item: system, previousItemId: 'root' });
        conversation.control.next({ type: 'item.create', item: image });
        conversation.control.next({ type: 'item.create', item: call });
        conversation.control.next({ type: 'item.retrieve', itemId: 'item_1' });
        conversation.control.next({ type: 'client.event', event: clientEvent });
      });
      cold('---x').subscribe(() => conversation.close());
    });
    expect(sentJson(sockets)).toEqual([
      { type: 'conversation.item.create', previous_item_id: 'root', item: system },
      { type: 'conversation.item.create', item: image },
      { type: 'conversation.item.create', item: call },
      { type: 'conversation.item.retrieve', item_id: 'item_1' },
      clientEvent,
    ]);
  });

  it.each<[string, RealtimeControl, string]>([
    [
      'an item of an unknown type',
      { type: 'item.create', item: { type: 'reasoning' } as never },
      'item.create not sent: item.create item: type: expected ',
    ],
    [
      'a message with a bad part',
      {
        type: 'item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 5 }] } as never,
      },
      'item.create not sent: item.create item: content.0.text: expected string, got 5',
    ],
    [
      'an empty item id',
      { type: 'item.retrieve', itemId: '' },
      'item.retrieve not sent: item.retrieve itemId must be a non-empty string',
    ],
    [
      'a bad voice',
      { type: 'session.update', session: { voice: 'robot' as never } },
      'session.update not sent: voice "robot" is not supported',
    ],
    [
      'the provider',
      { type: 'session.update', session: { provider: 'azure' } },
      'session.update not sent: provider cannot change mid-conversation',
    ],
    [
      'a client event of no GA type',
      { type: 'client.event', event: { type: 'session.create' } as never },
      'client.event not sent: client.event type "session.create" is not a GA client event',
    ],
    [
      'a malformed client event',
      { type: 'client.event', event: { type: 'conversation.item.delete' } as never },
      'client.event not sent: client.event conversation.item.delete: item_id: expected string, got undefined',
    ],
    [
      'a client event out of range',
      {
        type: 'client.event',
        event: { type: 'conversation.item.truncate', item_id: 'i', content_index: 0, audio_end_ms: 1.5 },
      },
      'client.event not sent: client.event conversation.item.truncate: audio_end_ms must be a non-negative integer, got 1.5',
    ],
    [
      'a session out of range',
      {
        type: 'client.event',
        event: { type: 'session.update', session: { type: 'realtime', audio: { output: { speed: 3 } } } },
      },
      'client.event not sent: client.event session.update: session.audio.output.speed must be from 0.25 to 1.5, got 3',
    ],
  ])(
    'refuses %s: an invalid event naming why, nothing sent, the conversation goes on',
    (_name, control, detail) => {
      const scheduler = newScheduler();
      const sockets = createTestSocket();
      const events: RealtimeEvent[] = [];
      scheduler.run(({ hot, cold }) => {
        hot('o', { o: server.open() }).subscribe((action) => sockets.sockets[0].act(action));
        const conversation = connectConversation({ url: 'ws://test', webSocket: sockets, scheduler });
        conversation.events$.subscribe((event) => events.push(event));
        cold('-a').subscribe(() => {
          conversation.control.next(control);
          conversation.control.next({ type: 'input.clear' });
        });
        cold('---x').subscribe(() => conversation.close());
      });
      expect(sentTypes(sockets)).toEqual([[1, 'input_audio_buffer.clear']]);
      const invalid = events.filter((e) => e.type === 'invalid') as { messageType: string; detail: string }[];
      expect(invalid).toHaveLength(1);
      expect(invalid[0].messageType).toBe('control');
      expect(invalid[0].detail.startsWith(detail)).toBe(true);
    },
  );

  it('the codex dialect has no wire form for any GA control: each is an invalid event, nothing sent', () => {
    const scheduler = newScheduler();
    const sockets = createTestSocket();
    const events: RealtimeEvent[] = [];
    const controls: RealtimeControl[] = [
      { type: 'input.commit' },
      { type: 'input.clear' },
      { type: 'output.clear' },
      { type: 'session.update', session: { voice: 'cedar' } },
      { type: 'item.create', item: { type: 'function_call_output', call_id: 'c', output: 'o' } },
      { type: 'item.retrieve', itemId: 'i' },
      { type: 'response.create', response: { conversation: 'none' } },
      { type: 'client.event', event: { type: 'input_audio_buffer.clear' } },
    ];
    scheduler.run(({ hot, cold }) => {
      hot('o', { o: server.open() }).subscribe((action) => sockets.sockets[0].act(action));
      const conversation = connectConversation({
        url: 'ws://test',
        dialect: 'codex',
        webSocket: sockets,
        scheduler,
      });
      conversation.events$.subscribe((event) => events.push(event));
      cold('-a').subscribe(() => controls.forEach((control) => conversation.control.next(control)));
      cold('---x').subscribe(() => conversation.close());
    });
    expect(sentTypes(sockets)).toEqual([]);
    expect(events.filter((e) => e.type === 'invalid').map((e) => (e as { detail: string }).detail)).toEqual(
      controls.map((c) => `${c.type} not sent: the codex dialect has no wire form for ${c.type}`),
    );
  });
});

describe('serverEvents$ and usage', () => {
  it('emits every valid server event in its wire shape, never a malformed one, and ends with events$', () => {
    const scheduler = newScheduler();
    const sockets = createTestSocket();
    const part = server.event('response.content_part.added', { part: { type: 'text', text: '' } });
    const usage = { total_tokens: 7, input_tokens: 5, output_tokens: 2 };
    let serverEvents: unknown[] = [];
    let stats: unknown;
    let completed = false;
    scheduler.run(({ hot, cold }) => {
      hot('o-abcd', {
        o: server.open(),
        a: part,
        b: server.raw('{"type":"input_audio_buffer.cleared"}'), // no event_id: malformed
        c: server.event('response.done', { response: { id: 'r1', status: 'completed', usage } }),
        d: server.event('response.done', { response: { id: 'r2', status: 'cancelled', usage } }),
      }).subscribe((action) => sockets.sockets[0].act(action));
      const conversation = connectConversation({ url: 'ws://test', webSocket: sockets, scheduler });
      conversation.serverEvents$.subscribe({
        next: (event) => serverEvents.push(event),
        complete: () => (completed = true),
      });
      cold('-------x').subscribe(() => {
        conversation.stats$.subscribe((s) => (stats = s)).unsubscribe();
        conversation.close();
      });
    });
    serverEvents = serverEvents.map((e) => (e as { type: string }).type);
    expect(serverEvents).toEqual(['response.content_part.added', 'response.done', 'response.done']);
    expect(completed).toBe(true);
    expect(stats).toMatchObject({ usage: { inputTokens: 10, outputTokens: 4, totalTokens: 14 }, invalid: 1 });
  });

  it('hands out the parsed object itself, with fields the types do not name', () => {
    const scheduler = newScheduler();
    const sockets = createTestSocket();
    const seen: unknown[] = [];
    scheduler.run(({ hot, cold }) => {
      hot('o-a', {
        o: server.open(),
        a: server.message({ type: 'input_audio_buffer.cleared', event_id: 'e1', brand_new: { x: 1 } }),
      }).subscribe((action) => sockets.sockets[0].act(action));
      const conversation = connectConversation({ url: 'ws://test', webSocket: sockets, scheduler });
      conversation.serverEvents$.subscribe((event) => seen.push(event));
      cold('----x').subscribe(() => conversation.close());
    });
    expect(seen).toEqual([{ type: 'input_audio_buffer.cleared', event_id: 'e1', brand_new: { x: 1 } }]);
  });

  it('the codex dialect emits its own wire events, validated (a delta of half a sample is not one)', () => {
    const scheduler = newScheduler();
    const sockets = createTestSocket();
    const seen: unknown[] = [];
    scheduler.run(({ hot, cold }) => {
      hot('o-ab', {
        o: server.open(),
        a: server.message({ type: 'session.created', session: { id: 'c1' } }),
        b: server.message({
          type: 'response.output_audio.delta',
          delta: 'AA==',
          sample_rate: 24000,
          num_channels: 1,
        }),
      }).subscribe((action) => sockets.sockets[0].act(action));
      const conversation = connectConversation({
        url: 'ws://test',
        dialect: 'codex',
        webSocket: sockets,
        scheduler,
      });
      conversation.serverEvents$.subscribe((event) => seen.push(event));
      cold('-----x').subscribe(() => conversation.close());
    });
    expect(seen).toEqual([{ type: 'session.created', session: { id: 'c1' } }]);
  });

  it('is typed by the dialect: OpenAIServerEvent by default, CodexServerEvent for codex', () => {
    const openai = connectConversation({ url: 'ws://test', webSocket: createTestSocket() });
    const codex = connectConversation({ url: 'ws://test', dialect: 'codex', webSocket: createTestSocket() });
    const ga: Observable<OpenAIServerEvent> = openai.serverEvents$;
    const own: Observable<CodexServerEvent> = codex.serverEvents$;
    // @ts-expect-error a codex conversation's server events are not OpenAI's
    const wrong: Observable<OpenAIServerEvent> = codex.serverEvents$;
    expect([ga, own, wrong].every((events$) => typeof events$.subscribe === 'function')).toBe(true);
    openai.close();
    codex.close();
  });
});
