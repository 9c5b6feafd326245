// Every GA control of the client against the dev server, over real sockets on 127.0.0.1: what goes
// out is what the server acts on, and what comes back is on events$ (and serverEvents$).
import {
  connectConversation,
  pcm16ToBase64,
  pcm16ToG711,
  toAudioFrames,
  type Conversation,
  type ConversationOptions,
  type RealtimeAudioFrame,
  type RealtimeEvent,
} from '../../src/index';
import { startDevServer, type DevServer } from '../../src/server/devServer';
import { from } from 'rxjs';
import { record, statsOf, waitFor, closeConversation } from '../helpers';

let server: DevServer | undefined;
let conversation: Conversation | undefined;

afterEach(async () => {
  await closeConversation(conversation);
  conversation = undefined;
  await server?.close();
  server = undefined;
});

async function connect(options: Partial<ConversationOptions> = {}) {
  server = await startDevServer({ dialect: 'openai' });
  conversation = connectConversation({ url: server.url, ...options });
  const events = record(conversation.events$).values;
  const serverEvents = record(conversation.serverEvents$).values as { type: string }[];
  await waitFor(events, (e) => e.type === 'session.updated');
  return { conversation, events, serverEvents };
}

/** A 200 Hz tone of `ms` at 24 kHz, in 20 ms frames, then `silenceMs` of silence. */
function tone(ms: number, silenceMs = 0, rate = 24_000): Int16Array[] {
  const per = (rate * 20) / 1000;
  const chunks: Int16Array[] = [];
  for (let t = 0; t < ms + silenceMs; t += 20) {
    const pcm = new Int16Array(per);
    if (t < ms)
      for (let i = 0; i < per; i++)
        pcm[i] = Math.round(9000 * Math.sin((2 * Math.PI * 200 * ((t * rate) / 1000 + i)) / rate));
    chunks.push(pcm);
  }
  return chunks;
}
const frames = (chunks: Int16Array[]): RealtimeAudioFrame[] =>
  chunks.map((pcm) => ({ data: pcm16ToBase64(pcm), sampleRate: 24_000, numChannels: 1 }));
const typeOf = (type: string) => (e: { type: string }) => e.type === type;

describe('every control against the dev server', () => {
  it('push-to-talk: the frames, input.commit, response.create → committed item, spoken echo, completed with usage', async () => {
    const { conversation, events } = await connect({ session: { turnDetection: null } });
    conversation.control.next({ type: 'input.clear' });
    for (const frame of frames(tone(300))) conversation.audio.next(frame);
    conversation.control.next({ type: 'input.commit' });
    conversation.control.next({ type: 'response.create' });
    const done = await waitFor(events, typeOf('response.done'));
    expect(events.find(typeOf('input.cleared'))).toEqual({ type: 'input.cleared' });
    const committed = events.find(typeOf('input.committed')) as { itemId: string };
    expect(committed.itemId).toMatch(/^item_dev_/);
    expect(events.filter(typeOf('audio.out')).length).toBeGreaterThan(10);
    expect(done).toMatchObject({
      type: 'response.done',
      status: 'completed',
      usage: { totalTokens: expect.any(Number) },
    });
    expect((done as { usage: { totalTokens: number } }).usage.totalTokens).toBeGreaterThan(0);
    expect((await statsOf(conversation.stats$)).usage.totalTokens).toBe(
      (done as { usage: { totalTokens: number } }).usage.totalTokens,
    );
    expect(events.filter(typeOf('invalid'))).toEqual([]);
  });

  it('server VAD and transcription: speech.started/stopped, input.committed, the user transcript, rate limits', async () => {
    const { conversation, events } = await connect({
      session: { outputModalities: ['text'], inputTranscription: { model: 'gpt-4o-transcribe' } },
    });
    for (const frame of frames(tone(400, 600))) conversation.audio.next(frame);
    await waitFor(events, typeOf('response.done'));
    const types = events.map((e) => e.type);
    for (const type of [
      'speech.started',
      'speech.stopped',
      'input.committed',
      'transcript.done',
      'rate_limits',
    ])
      expect(types).toContain(type);
    const user = events.find((e) => e.type === 'transcript.done' && e.role === 'user');
    expect(user).toMatchObject({ text: '(0.40 s of audio)', itemId: expect.stringMatching(/^item_dev_/) });
    const limits = events.find(typeOf('rate_limits')) as { limits: { name: string }[] };
    expect(limits.limits.map((l) => l.name).sort()).toEqual(['requests', 'tokens']);
  });

  it('output.clear during a spoken reply: output_audio_buffer.cleared, then response.cancelled', async () => {
    const { conversation, events, serverEvents } = await connect({ session: { turnDetection: null } });
    for (const frame of frames(tone(1000))) conversation.audio.next(frame);
    conversation.control.next({ type: 'input.commit' });
    conversation.control.next({ type: 'response.create' });
    await waitFor(events, typeOf('audio.out'));
    conversation.control.next({ type: 'output.clear' });
    const cancelled = await waitFor(events, typeOf('response.cancelled'));
    expect(cancelled).toMatchObject({ status: 'cancelled', statusDetails: { reason: 'client_cancelled' } });
    expect(serverEvents.map((e) => e.type)).toContain('output_audio_buffer.cleared');
  });

  it('session.update mid-call: answered by session.updated with the new instructions', async () => {
    const { conversation, events } = await connect({ session: { outputModalities: ['text'] } });
    conversation.control.next({ type: 'session.update', session: { instructions: 'Be terse.' } });
    await waitFor(events, (e) => e.type === 'session.updated' && e.instructions === 'Be terse.');
  });

  it('item.create (system, image), item.retrieve, item.delete: each answered', async () => {
    const { conversation, events } = await connect({ session: { outputModalities: ['text'] } });
    conversation.control.next({
      type: 'item.create',
      item: {
        id: 'sys_1',
        type: 'message',
        role: 'system',
        content: [{ type: 'input_text', text: 'Be kind.' }],
      },
      previousItemId: 'root',
    });
    conversation.control.next({
      type: 'item.create',
      item: {
        id: 'img_1',
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' },
          { type: 'input_text', text: 'What is this?' },
        ],
      },
    });
    conversation.control.next({ type: 'response.create' });
    const reply = await waitFor(events, (e) => e.type === 'transcript.done' && e.role === 'assistant');
    expect((reply as { text: string }).text).toContain('image');
    conversation.control.next({ type: 'item.retrieve', itemId: 'sys_1' });
    const retrieved = await waitFor(events, typeOf('item.retrieved'));
    expect(retrieved).toMatchObject({ item: { id: 'sys_1', role: 'system' } });
    conversation.control.next({ type: 'item.delete', itemId: 'sys_1' });
    expect(await waitFor(events, typeOf('item.deleted'))).toEqual({ type: 'item.deleted', itemId: 'sys_1' });
  });

  it('item.truncate cuts a spoken reply where it was heard', async () => {
    const { conversation, events } = await connect({ session: { turnDetection: null } });
    for (const frame of frames(tone(600))) conversation.audio.next(frame);
    conversation.control.next({ type: 'input.commit' });
    conversation.control.next({ type: 'response.create' });
    const audio = (await waitFor(events, typeOf('audio.out'))) as { frame: { itemId: string } };
    await waitFor(events, typeOf('response.done'));
    conversation.control.next({ type: 'item.truncate', itemId: audio.frame.itemId, audioEndMs: 200 });
    expect(await waitFor(events, typeOf('item.truncated'))).toEqual({
      type: 'item.truncated',
      itemId: audio.frame.itemId,
      contentIndex: 0,
      audioEndMs: 200,
    });
  });

  it('an out-of-band response runs beside the conversation, recognised by its id and metadata', async () => {
    const { conversation, events } = await connect({ session: { outputModalities: ['text'] } });
    conversation.text.next('hello');
    conversation.control.next({
      type: 'response.create',
      response: {
        conversation: 'none',
        metadata: { purpose: 'topic' },
        input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'classify me' }] }],
      },
    });
    const created = await waitFor(
      events,
      (e) => e.type === 'response.created' && e.metadata?.purpose === 'topic',
    );
    const id = (created as { responseId: string }).responseId;
    const text = await waitFor(events, (e) => e.type === 'transcript.done' && e.responseId === id);
    expect((text as { text: string }).text).toContain('classify me');
    const done = await waitFor(events, (e) => e.type === 'response.done' && e.responseId === id);
    expect(done).toMatchObject({ status: 'completed', metadata: { purpose: 'topic' } });
    // The conversation's own reply to "hello" is there too, with its own response id.
    const own = await waitFor(
      events,
      (e) => e.type === 'transcript.done' && e.role === 'assistant' && e.responseId !== id,
    );
    expect((own as { text: string }).text).toContain('hello');
  });

  it('a scripted function call: tool.call with its ids, tool.output, then the reply that quotes it', async () => {
    const { conversation, events } = await connect({
      session: {
        outputModalities: ['text'],
        tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object' } }],
      },
    });
    conversation.text.next('call get_weather {"city":"Paris"}');
    const call = (await waitFor(events, typeOf('tool.call'))) as RealtimeEvent & { type: 'tool.call' };
    expect(call).toMatchObject({ name: 'get_weather', arguments: '{"city":"Paris"}' });
    expect(call.responseId).toMatch(/^resp_dev_/);
    expect(call.itemId).toMatch(/^item_dev_/);
    conversation.control.next({ type: 'tool.output', callId: call.callId, output: '{"celsius":21}' });
    const reply = await waitFor(
      events,
      (e) => e.type === 'transcript.done' && e.role === 'assistant' && e.text.includes('celsius'),
    );
    expect(reply).toBeDefined();
  });

  it('a scripted failure is response.done with status failed, and the conversation goes on', async () => {
    const { conversation, events } = await connect({ session: { outputModalities: ['text'] } });
    conversation.text.next('fail the model is down');
    const done = await waitFor(events, typeOf('response.done'));
    expect(done).toMatchObject({ status: 'failed', statusDetails: { error: { type: 'server_error' } } });
    conversation.text.next('hello again');
    await waitFor(events, (e) => e.type === 'transcript.done' && e.text.includes('hello again'));
  });

  it('client.event: any GA client event, sent as given and answered', async () => {
    const { conversation, events } = await connect({ session: { outputModalities: ['text'] } });
    conversation.control.next({
      type: 'client.event',
      event: {
        type: 'conversation.item.create',
        item: { id: 'note_1', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'raw' }] },
      },
    });
    conversation.control.next({
      type: 'client.event',
      event: { type: 'conversation.item.retrieve', item_id: 'note_1' },
    });
    expect(await waitFor(events, typeOf('item.retrieved'))).toMatchObject({ item: { id: 'note_1' } });
    conversation.control.next({
      type: 'client.event',
      event: { type: 'response.create', response: { metadata: { via: 'client.event' } } },
    });
    expect(await waitFor(events, typeOf('response.done'))).toMatchObject({
      metadata: { via: 'client.event' },
    });
  });

  it('response.cancel cancels the reply being spoken', async () => {
    const { conversation, events } = await connect({ session: { turnDetection: null } });
    for (const frame of frames(tone(1000))) conversation.audio.next(frame);
    conversation.control.next({ type: 'input.commit' });
    conversation.control.next({ type: 'response.create' });
    await waitFor(events, typeOf('audio.out'));
    conversation.control.next({ type: 'response.cancel' });
    expect(await waitFor(events, typeOf('response.cancelled'))).toMatchObject({
      statusDetails: { reason: 'client_cancelled' },
    });
  });

  it('a μ-law session: G.711 frames in, G.711 frames out', async () => {
    const ulaw = { type: 'audio/pcmu' } as const;
    const { conversation, events } = await connect({ session: { inputFormat: ulaw, outputFormat: ulaw } });
    from(tone(400, 600, 8000).map((pcm) => pcm16ToG711(pcm, 'ulaw')))
      .pipe(toAudioFrames({ sampleRate: 8000, numChannels: 1, frameMs: 20, encoding: 'g711_ulaw' }))
      .subscribe((frame) => conversation.audio.next(frame));
    await waitFor(events, typeOf('response.done'), 8000);
    const out = events.filter(typeOf('audio.out')) as { frame: RealtimeAudioFrame }[];
    expect(out.length).toBeGreaterThan(10);
    expect(out[0].frame).toMatchObject({
      sampleRate: 8000,
      numChannels: 1,
      encoding: 'g711_ulaw',
      samplesPerChannel: 160,
    });
    expect(events.filter(typeOf('invalid'))).toEqual([]);
  });
});
