// The openai dialect end to end: connectConversation against the scripted server on 127.0.0.1.
import { TestScheduler } from 'rxjs/testing';
import { bargeIn, browserWebSocketFactory, connectConversation, type Conversation } from '../../src/index';
import { createTestSocket, server, startScriptedServer, type ScriptedServer } from '../../src/testing';
import { pcmFrame, record, statsOf, waitFor, closeConversation } from '../helpers';

let scripted: ScriptedServer | undefined;
let conversation: Conversation | undefined;

afterEach(async () => {
  await closeConversation(conversation);
  conversation = undefined;
  await scripted?.close();
  scripted = undefined;
});

const created = { type: 'session.created', event_id: 'e1', session: { id: 'sess_1', type: 'realtime' } };
const types = (s: ScriptedServer, i = 0) => s.connections()[i].map((m) => (m as { type: string }).type);

function connect(url: string, options: Partial<Parameters<typeof connectConversation>[0]> = {}) {
  conversation = connectConversation({ url, ...options });
  return { conversation, ...record(conversation.events$) };
}

describe('openai dialect: the handshake', () => {
  it('is the default dialect: /v1/realtime?model=…, Bearer key, x-session-id, no subprotocol for a server key, never OpenAI-Beta', async () => {
    scripted = await startScriptedServer([{ batches: [[created]], keepOpen: true }]);
    const { values } = connect(scripted.url, {
      apiKey: 'sk-live-secret-1234567',
      sessionId: 'conv_9',
      model: 'gpt-realtime-mini',
    });
    await waitFor(values, (e) => e.type === 'session.created');
    const [handshake] = scripted.handshakes();
    expect(handshake.path).toBe('/v1/realtime?model=gpt-realtime-mini');
    expect(handshake.header('authorization')).toBe('Bearer sk-live-secret-1234567');
    expect(handshake.header('x-session-id')).toBe('conv_9');
    expect(handshake.header('openai-beta')).toBeUndefined();
    expect(handshake.header('sec-websocket-protocol')).toBeUndefined();
    expect(JSON.stringify(await statsOf(conversation!.stats$))).not.toContain('sk-live');
  });

  it('Azure: /openai/v1/realtime?model=<deployment> with an api-key header', async () => {
    scripted = await startScriptedServer([{ batches: [[created]], keepOpen: true }]);
    const { values } = connect(scripted.url, {
      apiKey: 'azure-key-abcdef',
      model: 'my-deployment',
      session: { provider: 'azure' },
    });
    await waitFor(values, (e) => e.type === 'session.created');
    const [handshake] = scripted.handshakes();
    expect(handshake.path).toBe('/openai/v1/realtime?model=my-deployment');
    expect(handshake.header('api-key')).toBe('azure-key-abcdef');
    expect(handshake.header('authorization')).toBeUndefined();
  });

  it('an ephemeral key travels as a subprotocol for browsers, and never in the URL', () => {
    const sockets = createTestSocket();
    conversation = connectConversation({
      url: 'http://127.0.0.1:9',
      apiKey: 'ek_abc123456',
      webSocket: sockets,
    });
    const [socket] = sockets.sockets;
    expect(socket.protocols).toEqual(['realtime', 'openai-insecure-api-key.ek_abc123456']);
    expect(socket.url).not.toContain('ek_abc');
  });

  it('the browser factory hands the ephemeral key to the platform WebSocket as subprotocols', () => {
    const opened: { url: string; protocols: string[] | undefined }[] = [];
    class FakeBrowserWebSocket {
      readyState = 0;
      bufferedAmount = 0;
      binaryType = 'blob';
      onopen = null;
      onmessage = null;
      onclose: ((event: { code: number; reason: string }) => void) | null = null;
      onerror = null;
      constructor(url: string, protocols?: string[]) {
        opened.push({ url, protocols });
      }
      send(): void {}
      close(code = 1000, reason = ''): void {
        this.readyState = 3;
        this.onclose?.({ code, reason });
      }
    }
    const original = (globalThis as { WebSocket?: unknown }).WebSocket;
    (globalThis as { WebSocket?: unknown }).WebSocket = FakeBrowserWebSocket;
    try {
      conversation = connectConversation({
        url: 'https://api.openai.com/v1',
        apiKey: 'ek_browser_789',
        webSocket: browserWebSocketFactory,
      });
      conversation.close();
      conversation = undefined;
    } finally {
      (globalThis as { WebSocket?: unknown }).WebSocket = original;
    }
    expect(opened).toEqual([
      {
        url: 'wss://api.openai.com/v1/realtime?model=gpt-realtime',
        protocols: ['realtime', 'openai-insecure-api-key.ek_browser_789'],
      },
    ]);
  });

  it('a refused handshake never shows the key, even when the server echoes it', async () => {
    scripted = await startScriptedServer([
      { batches: [], reject: { status: 401, body: 'Incorrect API key provided: sk-live-secret-1234567' } },
    ]);
    const { done } = connect(scripted.url, { apiKey: 'sk-live-secret-1234567' });
    const events = await done;
    expect(events).toEqual([
      {
        type: 'closed',
        reason: 'error',
        detail: 'Unexpected server response: 401: Incorrect API key provided: ***',
      },
    ]);
  });

  it('bad session options are a config error before any socket', () => {
    const sockets = createTestSocket();
    expect(() =>
      connectConversation({
        url: 'http://127.0.0.1:9',
        webSocket: sockets,
        session: { voice: 'bogus' as 'marin' },
      }),
    ).toThrow(expect.objectContaining({ name: 'RealtimeError', kind: 'config' }));
    expect(sockets.sockets).toHaveLength(0);
  });
});

describe('openai dialect: the session and the lanes', () => {
  it('session.update is the first frame; audio is input_audio_buffer.append; a text asks for a response', async () => {
    scripted = await startScriptedServer([{ batches: [[created]], keepOpen: true }]);
    const { conversation, values } = connect(scripted.url, { prompt: 'Be brief.' });
    await waitFor(values, (e) => e.type === 'session.created');
    conversation.audio.next(pcmFrame(480));
    conversation.text.next('hello');
    expect(await scripted.waitForMessages(0, 4, 2000)).toBe(true);
    const [session, audio, item, response] = scripted.connections()[0];
    expect(JSON.stringify(session)).toBe(
      '{"type":"session.update","session":{"type":"realtime","instructions":"Be brief.","output_modalities":["audio"],"audio":{"input":{"format":{"type":"audio/pcm","rate":24000},"turn_detection":{"type":"server_vad"}},"output":{"format":{"type":"audio/pcm","rate":24000},"voice":"marin"}}}}',
    );
    expect(audio).toEqual({ type: 'input_audio_buffer.append', audio: pcmFrame(480).data });
    expect(item).toEqual({
      type: 'conversation.item.create',
      item: { id: 'rx_t1', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] },
    });
    expect(response).toEqual({ type: 'response.create' });
  });

  it('audio the GA API cannot take (not 24 kHz mono) is refused as invalid, not sent', async () => {
    scripted = await startScriptedServer([{ batches: [[created]], keepOpen: true }]);
    const { conversation, values } = connect(scripted.url);
    await waitFor(values, (e) => e.type === 'session.created');
    conversation.audio.next(pcmFrame(960, 48_000));
    const invalid = await waitFor(values, (e) => e.type === 'invalid');
    expect(invalid).toMatchObject({ type: 'invalid', messageType: 'audio' });
    expect(await statsOf(conversation.stats$)).toMatchObject({ audioSent: 0, audioInvalid: 1 });
  });

  it('response.create is never sent while a response is active; two requests during one coalesce into one after response.done', async () => {
    scripted = await startScriptedServer([
      {
        batches: [
          [
            created,
            { type: 'response.created', event_id: 'e2', response: { id: 'resp_1', status: 'in_progress' } },
          ],
          [],
          [{ type: 'response.done', event_id: 'e3', response: { id: 'resp_1', status: 'completed' } }],
        ],
        keepOpen: true,
      },
    ]);
    const { conversation, values } = connect(scripted.url);
    await waitFor(values, (e) => e.type === 'response.created');
    conversation.text.next('one');
    conversation.text.next('two');
    await waitFor(values, (e) => e.type === 'response.done');
    expect(await scripted.waitForMessages(0, 4, 2000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100)); // nothing more may follow
    expect(types(scripted)).toEqual([
      'session.update',
      'conversation.item.create',
      'conversation.item.create',
      'response.create',
    ]);
  });

  it('a tool round trip: tool.call in, function_call_output out, then response.create', async () => {
    const call = {
      type: 'conversation.item.done',
      event_id: 'e4',
      item: {
        id: 'item_7',
        type: 'function_call',
        call_id: 'call_1',
        name: 'get_time',
        arguments: '{"zone":"UTC"}',
      },
    };
    scripted = await startScriptedServer([{ batches: [[created, call]], keepOpen: true }]);
    const { conversation, values } = connect(scripted.url, {
      session: {
        tools: [
          {
            type: 'function',
            name: 'get_time',
            description: 'now',
            parameters: { type: 'object', properties: { zone: { type: 'string' } } },
          },
        ],
      },
    });
    const toolCall = await waitFor(values, (e) => e.type === 'tool.call');
    expect(toolCall).toEqual({
      type: 'tool.call',
      itemId: 'item_7',
      callId: 'call_1',
      name: 'get_time',
      arguments: '{"zone":"UTC"}',
    });
    conversation.control.next({ type: 'tool.output', callId: 'call_1', output: '12:00' });
    expect(await scripted.waitForMessages(0, 3, 2000)).toBe(true);
    const [, output, response] = scripted.connections()[0];
    expect(output).toEqual({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: 'call_1', output: '12:00' },
    });
    expect(response).toEqual({ type: 'response.create' });
    expect(await statsOf(conversation.stats$)).toMatchObject({ controlSent: 1, controlQueued: 0 });
  });

  it('a recoverable server error does not end the conversation; a fatal one does', async () => {
    const busy = {
      type: 'error',
      event_id: 'e5',
      error: {
        type: 'invalid_request_error',
        code: 'conversation_already_has_active_response',
        message: 'busy',
      },
    };
    const fatal = {
      type: 'error',
      event_id: 'e6',
      error: { type: 'server_error', code: 'internal', message: 'boom' },
    };
    scripted = await startScriptedServer([{ batches: [[created, busy], [fatal]], keepOpen: true }]);
    const { conversation, values, done } = connect(scripted.url);
    await waitFor(values, (e) => e.type === 'invalid');
    conversation.text.next('go on');
    const events = await done;
    expect(events.map((e) => e.type)).toEqual(['session.created', 'invalid', 'error', 'closed']);
    expect(events.at(-2)).toEqual({ type: 'error', message: 'boom', code: 'internal' });
    expect(events.at(-1)).toMatchObject({ type: 'closed', reason: 'error', detail: 'boom' });
  });
});

describe('openai dialect: barge-in end to end (TestScheduler)', () => {
  const delta = (item: string) =>
    server.event('response.output_audio.delta', {
      response_id: 'resp_1',
      item_id: item,
      delta: pcmFrame(480).data,
    });

  function run(playedMarble: string, played: Record<string, number>, script: string) {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    let sent: unknown[] = [];
    const seen: string[] = [];
    scheduler.run(({ hot, cold }) => {
      const sockets = createTestSocket({
        server: cold(script, {
          o: server.open(),
          r: server.event('response.created', { response: { id: 'resp_1' } }),
          a: delta('item_1'),
          d: server.event('response.done', { response: { id: 'resp_1', status: 'completed' } }),
          s: server.event('input_audio_buffer.speech_started', { item_id: 'item_user', audio_start_ms: 900 }),
        }),
      });
      const conversation = connectConversation({ url: 'ws://test', webSocket: sockets, scheduler });
      conversation.events$.subscribe((event) => seen.push(event.type));
      conversation.events$.pipe(bargeIn(hot(playedMarble, played))).subscribe(conversation.control);
      cold('-----------------x').subscribe(() => {
        sent = sockets.sockets[0].sent.slice(1).map((frame) => frame.json); // after session.update
        conversation.close();
      });
    });
    return { sent, seen };
  }

  it('truncates at the played position, as an integer, after cancelling the active response', () => {
    expect(run('----p', { p: 33.7 }, 'ora-a-a--s').sent).toEqual([
      { type: 'response.cancel' },
      { type: 'conversation.item.truncate', item_id: 'item_1', content_index: 0, audio_end_ms: 33 },
    ]);
  });

  it('deletes the item when nothing was played yet', () => {
    expect(run('-', {}, 'ora-a--s').sent).toEqual([
      { type: 'response.cancel' },
      { type: 'conversation.item.delete', item_id: 'item_1' },
    ]);
  });

  it('sends nothing when playback had finished', () => {
    const { sent, seen } = run('------p', { p: 40 }, 'ora-a-d--s');
    expect(seen).toEqual([
      'response.created',
      'audio.out',
      'audio.out',
      'response.done',
      'speech.started',
      'closed',
    ]);
    expect(sent).toEqual([]);
  });
});
