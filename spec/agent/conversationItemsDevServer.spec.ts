// conversationItems over a real socket to the dev server: a text turn, a scripted function call and
// its output, a spoken turn transcribed, its reply truncated where the user stopped listening, then deleted.
import { BehaviorSubject } from 'rxjs';
import { conversationItems, type ConversationItemView } from '../../src/agent/conversationItems';
import {
  bargeIn,
  connectConversation,
  pcm16ToBase64,
  type Conversation,
  type ConversationOptions,
  type RealtimeAudioFrame,
} from '../../src/index';
import { startDevServer, type DevServer } from '../../src/testing';
import { closeConversation, record, waitFor } from '../helpers';

let server: DevServer | undefined;
let conversation: Conversation | undefined;

afterEach(async () => {
  await closeConversation(conversation);
  conversation = undefined;
  await server?.close();
  server = undefined;
});

const getWeather = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

async function connect(session: ConversationOptions['session']) {
  server = await startDevServer();
  conversation = connectConversation({ url: server.url, session });
  const lists = record(conversation.events$.pipe(conversationItems())).values;
  const events = record(conversation.events$).values;
  await waitFor(events, (e) => e.type === 'session.updated');
  return { conversation, lists, events };
}

const latest = (lists: (readonly ConversationItemView[])[]) => lists.at(-1) ?? [];
const settled = (lists: (readonly ConversationItemView[])[], count: number) =>
  waitFor(lists, (list) => list.length === count && list.every((item) => item.status !== 'in_progress'));

describe('conversationItems against the dev server', () => {
  it('a text turn, then a function call, its output and the reply to it', async () => {
    const { conversation, lists, events } = await connect({
      outputModalities: ['text'],
      tools: [getWeather],
    });

    conversation.text.next('hello');
    await settled(lists, 2);
    const [user, reply] = latest(lists);
    expect(user).toMatchObject({ role: 'user', kind: 'message', text: 'hello', status: 'completed' });
    expect(reply).toMatchObject({ role: 'assistant', kind: 'message', status: 'completed' });
    expect(reply.text).toContain('hello');
    // what the server said last is what the list shows
    const transcript = events.find((e) => e.type === 'transcript.done' && e.role === 'assistant');
    expect(reply.text).toBe((transcript as { text: string }).text);

    conversation.text.next('call get_weather {"city":"Paris"}');
    const call = await waitFor(events, (e) => e.type === 'tool.call');
    if (call.type !== 'tool.call') throw new Error('not a tool call');
    await waitFor(events, (e) => e.type === 'response.done' && e.responseId === call.responseId);
    expect(latest(lists).slice(2)).toEqual([
      expect.objectContaining({ role: 'user', text: 'call get_weather {"city":"Paris"}' }),
      {
        id: call.itemId,
        role: 'assistant',
        kind: 'function_call',
        text: 'get_weather({"city":"Paris"})',
        status: 'completed',
      },
    ]);

    conversation.control.next({ type: 'tool.output', callId: call.callId, output: '{"temperature":21}' });
    await settled(lists, 6);
    const [output, answer] = latest(lists).slice(4);
    expect(output).toMatchObject({ role: 'tool', kind: 'function_call_output', text: '{"temperature":21}' });
    expect(answer).toMatchObject({ role: 'assistant', kind: 'message', status: 'completed' });
    expect(answer.text).toContain(call.callId);

    // the items that did not change kept their identity all along
    const first = latest(lists)[0];
    expect(lists.filter((list) => list.length > 0).every((list) => list[0] === first)).toBe(true);
  });

  it('a spoken turn: the user transcript fills in, the reply is cut where its audio was truncated', async () => {
    const { conversation, lists, events } = await connect({
      turnDetection: null,
      inputTranscription: { model: 'gpt-4o-transcribe' },
    });
    for (const frame of tone(1500)) conversation.audio.next(frame);
    conversation.control.next({ type: 'input.commit' });
    conversation.control.next({ type: 'response.create' });
    await waitFor(events, (e) => e.type === 'response.done');
    await waitFor(events, (e) => e.type === 'transcript.done' && e.role === 'user');
    const [user, reply] = latest(lists);
    expect(user).toMatchObject({ role: 'user', text: '(1.50 s of audio)', status: 'completed' });
    expect(reply).toMatchObject({ role: 'assistant', text: '(echo)', status: 'completed' });
    let receivedMs = 0;
    for (const e of events)
      if (e.type === 'audio.out' && e.frame.itemId === reply.id)
        receivedMs += (e.frame.samplesPerChannel! / e.frame.sampleRate) * 1000;
    expect(receivedMs).toBe(1500);

    // the user heard half of it
    conversation.control.next({ type: 'item.truncate', itemId: reply.id, contentIndex: 0, audioEndMs: 750 });
    await waitFor(events, (e) => e.type === 'item.truncated');
    expect(latest(lists)).toEqual([user, { ...reply, text: '(ec', status: 'incomplete' }]);
    expect(latest(lists)[0]).toBe(user);

    conversation.control.next({ type: 'item.delete', itemId: reply.id });
    await waitFor(events, (e) => e.type === 'item.deleted');
    expect(latest(lists)).toEqual([user]);
  });

  it('barge-in: talking over the spoken reply cuts it where playback was (bargeIn → item.truncate)', async () => {
    const { conversation, lists, events } = await connect({});
    const played = new BehaviorSubject(0);
    conversation.events$.pipe(bargeIn(played)).subscribe(conversation.control);
    for (const frame of [...tone(1000), ...silence(800)]) conversation.audio.next(frame);
    const first = await waitFor(events, (e) => e.type === 'audio.out');
    if (first.type !== 'audio.out') throw new Error('not audio');
    await waitFor(
      events,
      () => events.filter((e) => e.type === 'audio.out').length >= 10, // 200 ms of the reply received
    );
    played.next(120); // the user heard 120 ms, then talks
    for (const frame of tone(600)) conversation.audio.next(frame);
    const truncation = await waitFor(events, (e) => e.type === 'item.truncated');
    expect(truncation).toMatchObject({ itemId: first.frame.itemId, audioEndMs: 120 });

    // the share of '(echo)' heard: 120 ms of the audio received for it before the truncation
    let receivedMs = 0;
    for (const e of events.slice(0, events.indexOf(truncation)))
      if (e.type === 'audio.out' && e.frame.itemId === first.frame.itemId)
        receivedMs += (e.frame.samplesPerChannel! / e.frame.sampleRate) * 1000;
    const heard = '(echo)'.slice(0, Math.round((6 * 120) / receivedMs));
    await waitFor(lists, (list) =>
      list.some((item) => item.id === first.frame.itemId && item.status === 'incomplete'),
    );
    const reply = latest(lists).find((item) => item.id === first.frame.itemId);
    expect(reply).toEqual({
      id: first.frame.itemId,
      role: 'assistant',
      kind: 'message',
      text: heard,
      status: 'incomplete',
    });
    expect(heard.length).toBeLessThan(6);
  });
});

/** `ms` of silence at 24 kHz, in 20 ms frames. */
function silence(ms: number): RealtimeAudioFrame[] {
  const data = pcm16ToBase64(new Int16Array(480));
  return Array.from({ length: ms / 20 }, () => ({ data, sampleRate: 24_000, numChannels: 1 }));
}

/** A 200 Hz tone of `ms` at 24 kHz, in 20 ms frames. */
function tone(ms: number): RealtimeAudioFrame[] {
  const frames: RealtimeAudioFrame[] = [];
  for (let t = 0; t < ms; t += 20) {
    const pcm = new Int16Array(480);
    for (let i = 0; i < 480; i++)
      pcm[i] = Math.round(9000 * Math.sin((2 * Math.PI * 200 * (t * 24 + i)) / 24_000));
    frames.push({ data: pcm16ToBase64(pcm), sampleRate: 24_000, numChannels: 1 });
  }
  return frames;
}
