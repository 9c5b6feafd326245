import {
  connectConversation,
  type Conversation,
  type ConversationStats,
  type RealtimeEvent,
} from '../../src/index';
import { binaryFrame, rawFrame, startScriptedServer, type ScriptedServer } from '../../src/testing';
import { pcmFrame, record, refusedPort, statsOf, waitFor } from '../helpers';

let server: ScriptedServer | undefined;
let conversation: Conversation | undefined;

afterEach(async () => {
  if (conversation) {
    const done = record(conversation.events$).done;
    conversation.close();
    server?.resumeReading();
    await done;
  }
  conversation = undefined;
  await server?.close();
  server = undefined;
});

const created = { type: 'session.created', session: { id: 'sess_1' } };

// The codex dialect: these specs script the seed's wire shapes. (openai.spec.ts covers the openai dialect.)
function connect(url: string, options: Partial<Parameters<typeof connectConversation>[0]> = {}) {
  conversation = connectConversation({ url, dialect: 'codex', ...options });
  return { conversation, ...record(conversation.events$), states: record(conversation.state$).values };
}

describe('connectConversation', () => {
  it('sends the session message first, then text queued before open, in order', async () => {
    server = await startScriptedServer([{ batches: [[created]], keepOpen: true }]);
    const { conversation, values } = connect(server.url, { prompt: 'p' });
    conversation.text.next('one');
    conversation.text.next('two');
    expect(await server.waitForMessages(0, 3, 3000)).toBe(true);
    expect(server.connections()[0]).toEqual([
      { type: 'session.create', session: { backend_prompt: 'p' } },
      {
        type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'text', text: 'one' }] },
      },
      {
        type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'text', text: 'two' }] },
      },
    ]);
    await waitFor(values, (e) => e.type === 'session.created');
    expect(await statsOf(conversation.stats$)).toMatchObject({ textSent: 2, textQueued: 0, events: 1 });
  });

  it('state$ goes connecting → open → closing → closed; close() is idempotent and ends with requested/1000', async () => {
    server = await startScriptedServer([{ batches: [[created]], keepOpen: true }]);
    const { conversation, values, done, states } = connect(server.url);
    await waitFor(values, (e) => e.type === 'session.created');
    conversation.close();
    conversation.close();
    await done;
    expect(values).toEqual([
      { type: 'session.created', sessionId: 'sess_1' },
      { type: 'closed', reason: 'requested', code: 1000 },
    ]);
    expect(states).toEqual(['connecting', 'open', 'closing', 'closed']);
    expect(await server.waitForClose(0, 1000)).toEqual({ code: 1000, reason: '' });
    // A late subscriber still learns why it ended.
    expect(await record(conversation.events$).done).toEqual([
      { type: 'closed', reason: 'requested', code: 1000 },
    ]);
  });

  it('close() while connecting ends with requested and never opens', async () => {
    server = await startScriptedServer([{ batches: [[created]], keepOpen: true, acceptDelayMs: 300 }]);
    const { conversation, done } = connect(server.url);
    conversation.close();
    expect(await done).toEqual([{ type: 'closed', reason: 'requested' }]);
  });

  it('malformed JSON, unknown types, binary frames and missing fields become invalid or skipped; the stream goes on', async () => {
    server = await startScriptedServer([
      {
        batches: [
          [
            rawFrame('{not json'),
            { type: 'mystery.event', x: 1 },
            binaryFrame(new Uint8Array([1, 2, 3])),
            { type: 'response.output_audio.delta', delta: 'AQID', num_channels: 1 },
            { no: 'type' },
            created,
          ],
        ],
        keepOpen: true,
      },
    ]);
    const { conversation, values } = connect(server.url);
    await waitFor(values, (e) => e.type === 'session.created');
    const [malformed, binary, missing, untyped, session] = values as Extract<
      RealtimeEvent,
      { type: 'invalid' }
    >[];
    expect(malformed).toMatchObject({ type: 'invalid' });
    expect(malformed.detail).toMatch(/malformed JSON/);
    expect(binary).toEqual({
      type: 'invalid',
      detail: 'unexpected binary frame (3 bytes): the codex dialect speaks JSON text',
    });
    expect(missing).toMatchObject({ type: 'invalid', messageType: 'response.output_audio.delta' });
    expect(missing.detail).toMatch(/sample_rate/);
    expect(untyped).toMatchObject({ type: 'invalid' });
    expect(session).toEqual({ type: 'session.created', sessionId: 'sess_1' });
    expect(values).toHaveLength(5);
    expect(await statsOf(conversation.stats$)).toMatchObject({ invalid: 4, unknown: 1, events: 5 });
  });

  it('invalid audio frames are not sent: counted and reported as invalid', async () => {
    server = await startScriptedServer([{ batches: [[created]], keepOpen: true }]);
    const { conversation, values } = connect(server.url);
    await waitFor(values, (e) => e.type === 'session.created');
    conversation.audio.next({ data: 'AQID', sampleRate: 24000, numChannels: 1 }); // 3 bytes: odd
    conversation.audio.next({ data: 'not base64!', sampleRate: 24000, numChannels: 1 });
    conversation.audio.next(pcmFrame(480));
    expect(await server.waitForMessages(0, 2, 2000)).toBe(true);
    expect(values.filter((e) => e.type === 'invalid')).toEqual([
      {
        type: 'invalid',
        messageType: 'audio',
        detail: 'audio frame not sent: data holds 3 bytes, not whole 16-bit samples for 1 channel(s)',
      },
      { type: 'invalid', messageType: 'audio', detail: 'audio frame not sent: data is not base64' },
    ]);
    expect(server.connections()[0].map((m) => (m as { type: string }).type)).toEqual([
      'session.create',
      'response.input_audio.delta',
    ]);
    expect(await statsOf(conversation.stats$)).toMatchObject({
      audioSent: 1,
      audioInvalid: 2,
      audioDropped: 0,
    });
  });

  it('completing or erroring an input lane ends that lane only; the conversation goes on', async () => {
    server = await startScriptedServer([{ batches: [[created]], keepOpen: true }]);
    const { conversation, values } = connect(server.url);
    await waitFor(values, (e) => e.type === 'session.created');
    conversation.audio.error(new Error('microphone unplugged'));
    conversation.text.next('still here');
    conversation.text.complete();
    expect(await server.waitForMessages(0, 2, 2000)).toBe(true);
    expect(values.at(-1)).toEqual({
      type: 'invalid',
      messageType: 'audio',
      detail: 'audio input failed: microphone unplugged',
    });
    expect(server.connections()[0][1]).toMatchObject({ type: 'conversation.item.create' });
    expect(await statsOf(conversation.stats$)).toMatchObject({ textSent: 1 });
    server.send(0, { type: 'session.updated', session: { backend_prompt: 'later' } });
    await waitFor(values, (e) => e.type === 'session.updated');
  });

  it('after the end, audio is counted as dropped and text throws a clear error', async () => {
    server = await startScriptedServer([[[created]]]);
    const { conversation, done } = connect(server.url);
    const events = await done;
    expect(events.at(-1)).toEqual({ type: 'closed', reason: 'transport_closed', code: 1000 });
    conversation.audio.next(pcmFrame(480));
    expect(() => conversation.text.next('late')).toThrow(
      'conversation is not running: the text was not sent',
    );
    expect(await statsOf(conversation.stats$)).toMatchObject({ audioDropped: 1, textSent: 0 });
  });

  it('a connection refused ends with closed{reason:error} and a detail, no unhandled rejection', async () => {
    const port = await refusedPort();
    const { done } = connect(`http://127.0.0.1:${port}`);
    const events = await done;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'closed', reason: 'error' });
    expect((events[0] as { detail: string }).detail).toMatch(/ECONNREFUSED/);
  });

  it('a handshake answered with 401 ends with closed{reason:error} naming the status and the body, never the key', async () => {
    server = await startScriptedServer([
      { batches: [], reject: { status: 401, body: 'bad key sk-live-abcdef123456' } },
    ]);
    const { done } = connect(server.url, { apiKey: 'sk-live-abcdef123456' });
    const events = await done;
    expect(events).toEqual([
      { type: 'closed', reason: 'error', detail: 'Unexpected server response: 401: bad key ***' },
    ]);
  });

  it('a bad URL scheme is a config error before any socket', () => {
    expect(() => connectConversation({ url: 'ftp://127.0.0.1:1' })).toThrow(
      expect.objectContaining({ name: 'RealtimeError', kind: 'config' }),
    );
    expect(() => connectConversation({ url: 'http://127.0.0.1:1', audioBufferFrames: -1 })).toThrow(
      /audioBufferFrames/,
    );
    expect(() => connectConversation({ url: 'http://127.0.0.1:1', dialect: 'nope' as 'codex' })).toThrow(
      'dialect "nope" is not available; available: codex, openai',
    );
  });
});

describe('connectConversation under a stalled socket', () => {
  // 100 ms of 48 kHz audio per frame (12.8 KB of JSON) fills the kernel's loopback buffers quickly.
  const bigFrame = pcmFrame(4800, 48_000, 1234);

  /** Pauses the server's reads and pushes audio until the conversation starts dropping (bounded). */
  async function stall(conversation: Conversation): Promise<ConversationStats> {
    server!.pauseReading(0);
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < 50; i++) conversation.audio.next(bigFrame);
      const stats = await statsOf(conversation.stats$);
      if (stats.audioDropped > 0) return stats;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error('the socket never stalled');
  }

  it('drop-newest: audio beyond the capacity is dropped and counted, text is kept and arrives in order after the server reads again', async () => {
    server = await startScriptedServer([{ batches: [[created]], keepOpen: true }]);
    const { conversation, values } = connect(server.url, { audioBufferFrames: 64 });
    await waitFor(values, (e) => e.type === 'session.created');
    const stalled = await stall(conversation);
    for (const text of ['first', 'second', 'third']) conversation.text.next(text);
    const before = await statsOf(conversation.stats$);
    expect(before.textQueued).toBe(3);
    const pushed = before.audioSent + before.audioDropped + 64;
    expect(stalled.audioDropped).toBeGreaterThan(0);

    server.resumeReading(0);
    const total = 1 + before.audioSent + 3 + 64;
    expect(await server.waitForMessages(0, total, 10_000)).toBe(true);
    const after = await statsOf(conversation.stats$);
    expect(after).toMatchObject({
      audioSent: before.audioSent + 64,
      audioDropped: before.audioDropped,
      textSent: 3,
      textQueued: 0,
    });
    expect(after.audioSent + after.audioDropped).toBe(pushed);
    const texts = server
      .connections()[0]
      .filter((m) => (m as { type: string }).type === 'conversation.item.create')
      .map((m) => (m as { item: { content: { text: string }[] } }).item.content[0].text);
    expect(texts).toEqual(['first', 'second', 'third']);
  });

  it('priority: with 256 audio frames queued, a text given last is the next frame the server receives', async () => {
    server = await startScriptedServer([{ batches: [[created]], keepOpen: true }]);
    const { conversation, values } = connect(server.url);
    await waitFor(values, (e) => e.type === 'session.created');
    await stall(conversation);
    conversation.text.next('urgent');
    const { audioSent } = await statsOf(conversation.stats$);

    server.resumeReading(0);
    expect(await server.waitForMessages(0, 1 + audioSent + 1 + 256, 10_000)).toBe(true);
    const types = server.connections()[0].map((m) => (m as { type: string }).type);
    // session.create, the frames already on the wire, then the text, then the 256 that were waiting.
    expect(types.indexOf('conversation.item.create')).toBe(1 + audioSent);
    expect(types.slice(2 + audioSent)).toEqual(Array(256).fill('response.input_audio.delta'));
  });
});

describe('connectConversation: the control lane', () => {
  it('a control the dialect cannot express is reported as invalid and nothing is sent', async () => {
    server = await startScriptedServer([{ batches: [[created]], keepOpen: true }]);
    const { conversation, values } = connect(server.url, { dialect: 'codex' });
    await waitFor(values, (e) => e.type === 'session.created');
    conversation.control.next({ type: 'response.cancel' });
    conversation.text.next('after');
    expect(await server.waitForMessages(0, 2, 2000)).toBe(true);
    expect(values.at(-1)).toEqual({
      type: 'invalid',
      messageType: 'control',
      detail: 'response.cancel not sent: the codex dialect has no wire form for response.cancel',
    });
    expect(server.connections()[0].map((m) => (m as { type: string }).type)).toEqual([
      'session.create',
      'conversation.item.create',
    ]);
    expect(await statsOf(conversation.stats$)).toMatchObject({
      controlSent: 0,
      controlQueued: 0,
      textSent: 1,
    });
  });

  it('a control after the end throws a clear error', async () => {
    server = await startScriptedServer([[[created]]]);
    const { conversation, done } = connect(server.url, { dialect: 'codex' });
    await done;
    expect(() => conversation.control.next({ type: 'response.create' })).toThrow(
      'conversation is not running: response.create was not sent',
    );
  });
});
