import {
  connectConversation,
  type Conversation,
  pcm16ToBase64,
  floatToPcm16,
  type RealtimeAudioFrame,
} from '../../src/index';
import { startDevServer, type DevServer } from '../../src/server/devServer';
import { EnergyVad } from '../../src/server/vad';
import { record, statsOf, waitFor, closeConversation } from '../helpers';

let server: DevServer | undefined;
let conversation: Conversation | undefined;
afterEach(async () => {
  await closeConversation(conversation);
  conversation = undefined;
  await server?.close();
  server = undefined;
});

/** 20 ms frames at 24 kHz: `speechMs` of a 200 Hz tone, then `silenceMs` of silence. */
function utterance(speechMs: number, silenceMs: number): RealtimeAudioFrame[] {
  const frames: RealtimeAudioFrame[] = [];
  for (let t = 0; t < speechMs + silenceMs; t += 20) {
    const samples = new Float32Array(480);
    if (t < speechMs)
      for (let i = 0; i < 480; i++) samples[i] = 0.3 * Math.sin((2 * Math.PI * 200 * (t * 24 + i)) / 24_000);
    frames.push({
      data: pcm16ToBase64(floatToPcm16(samples)),
      sampleRate: 24_000,
      numChannels: 1,
      samplesPerChannel: 480,
    });
  }
  return frames;
}

describe('EnergyVad', () => {
  it('starts after 100 ms of speech, ends after 500 ms of silence, ignores short blips', () => {
    const vad = new EnergyVad();
    const loud = new Float32Array(480).fill(0.1);
    const quiet = new Float32Array(480);
    const events = [
      ...Array.from({ length: 3 }, () => vad.push(loud, 20)), // a 60 ms blip
      ...Array.from({ length: 5 }, () => vad.push(quiet, 20)),
      ...Array.from({ length: 10 }, () => vad.push(loud, 20)),
      ...Array.from({ length: 25 }, () => vad.push(quiet, 20)),
    ];
    expect(events.map((e, i) => (e ? `${i}:${e}` : '')).filter(Boolean)).toEqual([
      '12:speech-start',
      '42:speech-end',
    ]);
  });
});

describe('startDevServer', () => {
  it('answers the session, quotes a text, and echoes an utterance as real-time paced 20 ms frames', async () => {
    const lines: string[] = [];
    server = await startDevServer({ dialect: 'codex', log: (line) => lines.push(line) });
    conversation = connectConversation({ dialect: 'codex', url: server.url, prompt: 'hi' });
    const { values } = record(conversation.events$);
    await waitFor(values, (e) => e.type === 'session.updated');
    conversation.text.next('hello');
    for (const frame of utterance(400, 600)) conversation.audio.next(frame);
    const started = Date.now();
    const item = await waitFor(values, (e) => e.type === 'conversation.item.added');
    expect(item).toMatchObject({
      item: { role: 'assistant', content: [{ type: 'text', text: 'You said: "hello"' }] },
    });
    await waitFor(values, () => values.filter((e) => e.type === 'audio.out').length === 20, 5000);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(300); // 400 ms of audio, paced at real time
    const audio = values.filter((e) => e.type === 'audio.out');
    expect(
      audio.every(
        (e) => e.type === 'audio.out' && e.frame.samplesPerChannel === 480 && e.frame.sampleRate === 24_000,
      ),
    ).toBe(true);
    expect(values.slice(0, 2)).toEqual([
      { type: 'session.created', sessionId: 'sess_dev_1' },
      { type: 'session.updated', sessionId: 'sess_dev_1', instructions: 'hi' },
    ]);
    conversation.close();
    await waitFor(lines, (l) => l.includes('closed'));
    expect(lines).toEqual([
      '[serve] connection 1 /ws sess_dev_1: audio in 50 frames (1.00 s), texts in 1, replies 1 (20 frames, 0.40 s), closed 1000',
    ]);
  });

  it('--drop-after-ms: the client sees transport_closed with code 1006', async () => {
    server = await startDevServer({ dialect: 'codex', dropAfterMs: 200 });
    conversation = connectConversation({ dialect: 'codex', url: server.url });
    const events = await record(conversation.events$).done;
    expect(events.at(-1)).toMatchObject({ type: 'closed', reason: 'transport_closed', code: 1006 });
  });

  it('--error-after-ms: an error event, then closed{reason:error}', async () => {
    server = await startDevServer({ dialect: 'codex', errorAfterMs: 200 });
    conversation = connectConversation({ dialect: 'codex', url: server.url });
    const events = await record(conversation.events$).done;
    expect(events.slice(-2)).toEqual([
      { type: 'error', message: 'dev server: error injected after 200 ms' },
      { type: 'closed', reason: 'error', code: 1000, detail: 'dev server: error injected after 200 ms' },
    ]);
  });

  it('--stall-reads: audio beyond the buffer is dropped and counted, text survives the stall', async () => {
    server = await startDevServer({ dialect: 'codex', stallReads: 1500 });
    conversation = connectConversation({ dialect: 'codex', url: server.url, audioBufferFrames: 32 });
    const { values } = record(conversation.events$);
    await waitFor(values, (e) => e.type === 'session.updated');
    const big = utterance(0, 100 * 20)[0]; // silence: no echo to wait for
    const frame = { ...big, data: pcm16ToBase64(new Int16Array(24_000)), samplesPerChannel: 24_000 }; // 1 s frames, 64 KB of JSON
    for (let i = 0; i < 300; i++) conversation.audio.next(frame);
    conversation.text.next('still here');
    const stalled = await statsOf(conversation.stats$);
    expect(stalled.audioDropped).toBeGreaterThan(0);
    expect(stalled.textQueued).toBe(1);
    const item = await waitFor(values, (e) => e.type === 'conversation.item.added', 10_000);
    expect(item).toMatchObject({ item: { content: [{ text: 'You said: "still here"' }] } });
    const after = await statsOf(conversation.stats$);
    expect(after).toMatchObject({ textSent: 1, textQueued: 0, audioDropped: stalled.audioDropped });
    expect(after.audioSent + after.audioDropped).toBe(300);
  });

  it('--latency-ms delays every server frame', async () => {
    server = await startDevServer({ dialect: 'codex', latencyMs: 300 });
    conversation = connectConversation({ dialect: 'codex', url: server.url });
    const { values } = record(conversation.events$);
    const opened = record(conversation.state$).values;
    await waitFor(opened, (s) => s === 'open');
    const openAt = Date.now();
    await waitFor(values, (e) => e.type === 'session.created');
    expect(Date.now() - openAt).toBeGreaterThanOrEqual(280);
  });
});
