// A client nobody here wrote: the official `openai` SDK's OpenAIRealtimeWS against our dev server. Its
// client events are typed by the SDK; every server event it receives must pass the strict GA check.
import { connect as netConnect } from 'node:net';
import OpenAI from 'openai';
import type { RealtimeClientEvent, RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import type { ClientOptions } from 'ws';
import { startDevServer, type DevServer } from '../../src/server/devServer';
import { gaProblem } from '../server/gaEvents';

let server: DevServer | undefined;
let rt: OpenAIRealtimeWS | undefined;

afterEach(async () => {
  const socket = rt?.socket;
  if (socket !== undefined && socket.readyState !== socket.CLOSED) {
    const closed = new Promise((resolve) => socket.once('close', resolve));
    rt!.close({ code: 1000, reason: 'done' });
    await closed;
  }
  rt = undefined;
  await server?.close();
  server = undefined;
});

/** The SDK connected to the dev server (plain TCP: its URL is always wss://), and what it receives. */
async function sdkClient() {
  server = await startDevServer({ dialect: 'openai' });
  const { hostname, port } = new URL(server.url);
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: `http://${hostname}:${port}/v1` });
  const options = {
    createConnection: () => netConnect({ host: hostname, port: Number(port) }),
  } as unknown as ClientOptions;
  const ws = (rt = new OpenAIRealtimeWS({ model: 'gpt-realtime', options }, client));
  const received: RealtimeServerEvent[] = [];
  ws.on('event', (event) => received.push(event));
  await new Promise<void>((resolve, reject) => {
    ws.socket.once('open', resolve);
    ws.socket.once('error', reject);
  });
  const send = (event: RealtimeClientEvent) => ws.send(event);
  const next = (match: (e: RealtimeServerEvent) => boolean, ms = 5000) =>
    new Promise<RealtimeServerEvent>((resolve, reject) => {
      const found = received.find(match);
      if (found !== undefined) return resolve(found);
      const timer = setTimeout(
        () => reject(new Error(`timed out; saw ${received.map((e) => e.type).join(', ')}`)),
        ms,
      );
      ws.on('event', (event) => {
        if (!match(event)) return;
        clearTimeout(timer);
        resolve(event);
      });
    });
  return { send, next, received };
}

const problems = (events: RealtimeServerEvent[]) =>
  events.map((e) => gaProblem(e as unknown as Record<string, unknown>)).filter((p) => p !== undefined);

describe('the official openai SDK as a client of the dev server', () => {
  it('a session, a text item, an out-of-band response and the conversation one: every server event valid GA', async () => {
    const { send, next, received } = await sdkClient();
    send({
      type: 'session.update',
      session: { type: 'realtime', output_modalities: ['text'], instructions: 'Be brief.' },
    });
    await next((e) => e.type === 'session.updated');
    send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] },
    });
    send({ type: 'response.create', response: { conversation: 'none', metadata: { purpose: 'topic' } } });
    const oob = await next((e) => e.type === 'response.done' && e.response.metadata?.purpose === 'topic');
    expect(oob.type === 'response.done' && oob.response.status).toBe('completed');
    send({ type: 'response.create' });
    const done = await next((e) => e.type === 'response.done' && e.response.metadata?.purpose !== 'topic');
    expect(done.type === 'response.done' && done.response.usage?.total_tokens).toBeGreaterThan(0);
    const text = received.find((e) => e.type === 'response.output_text.done');
    expect(text?.type === 'response.output_text.done' && text.text).toContain('hello');
    expect(problems(received)).toEqual([]);
  });

  it('manual turns: append, commit, retrieve, clear, output_audio_buffer.clear: every server event valid GA', async () => {
    const { send, next, received } = await sdkClient();
    send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { turn_detection: null } } },
    });
    await next((e) => e.type === 'session.updated');
    const tone = new Int16Array(24_000 * 0.3).map((_, i) =>
      Math.round(8000 * Math.sin((2 * Math.PI * 200 * i) / 24_000)),
    );
    send({ type: 'input_audio_buffer.append', audio: Buffer.from(tone.buffer).toString('base64') });
    send({ type: 'input_audio_buffer.commit' });
    const committed = await next((e) => e.type === 'input_audio_buffer.committed');
    const itemId = committed.type === 'input_audio_buffer.committed' ? committed.item_id : '';
    send({ type: 'conversation.item.retrieve', item_id: itemId });
    await next((e) => e.type === 'conversation.item.retrieved');
    send({ type: 'response.create' });
    await next((e) => e.type === 'response.output_audio.delta');
    send({ type: 'output_audio_buffer.clear' });
    await next((e) => e.type === 'output_audio_buffer.cleared');
    const cancelled = await next((e) => e.type === 'response.done');
    expect(cancelled.type === 'response.done' && cancelled.response.status).toBe('cancelled');
    send({ type: 'input_audio_buffer.clear' });
    await next((e) => e.type === 'input_audio_buffer.cleared');
    expect(problems(received)).toEqual([]);
  });
});
