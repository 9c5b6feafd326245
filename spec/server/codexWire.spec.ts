// The codex dialect of the dev server, frame by frame over a raw `ws` client: these pin the wire
// behaviour so restructuring the server cannot change it (devServer.spec.ts covers it end to end).
import { startDevServer, type DevServer } from '../../src/server/devServer';
import { closeAllClients, fromBase64, rawClient, sleep, toBase64, toneChunks } from './rawClient';

let server: DevServer | undefined;
afterEach(async () => {
  await closeAllClients();
  await server?.close();
  server = undefined;
});

const audio = (pcm: Int16Array, rate = 24_000) => ({
  type: 'response.input_audio.delta',
  delta: toBase64(pcm),
  sample_rate: rate,
  num_channels: 1,
  samples_per_channel: pcm.length,
});

describe('dev server, codex dialect, on the wire', () => {
  it('answers session.create, quotes texts, ignores unknown types, echoes an utterance sample for sample', async () => {
    const lines: string[] = [];
    server = await startDevServer({ dialect: 'codex', log: (line) => lines.push(line) });
    const client = await rawClient(`${server.url}/ws`);
    client.send({ type: 'session.create', session: { backend_prompt: 'be brief' } });
    client.send({ type: 'mystery.event' });
    client.send({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [
          { type: 'text', text: 'hel' },
          { type: 'text', text: 'lo' },
        ],
      },
    });
    const tone = toneChunks(400, 600);
    for (const chunk of tone) client.send(audio(chunk));
    await client.next(() => client.ofType('response.output_audio.delta').length === 20);
    await sleep(60); // nothing more comes
    expect(client.frames.slice(0, 3)).toEqual([
      { type: 'session.created', session: { id: 'sess_dev_1' } },
      { type: 'session.updated', session: { id: 'sess_dev_1', backend_prompt: 'be brief' } },
      {
        type: 'conversation.item.added',
        item: {
          id: 'item_text_1',
          type: 'message',
          role: 'assistant',
          content: [{ type: 'text', text: 'You said: "hello"' }],
        },
      },
    ]);
    const deltas = client.frames.slice(3);
    expect(deltas).toHaveLength(20);
    deltas.forEach((frame, i) => {
      expect(Object.keys(frame).sort()).toEqual([
        'delta',
        'num_channels',
        'sample_rate',
        'samples_per_channel',
        'type',
      ]);
      expect(frame).toMatchObject({
        type: 'response.output_audio.delta',
        sample_rate: 24_000,
        num_channels: 1,
        samples_per_channel: 480,
      });
      expect(fromBase64(frame.delta)).toEqual(tone[i]);
    });
    // paced at real time: the 20th frame is due 380 ms after the first
    expect(deltas[19].at - deltas[0].at).toBeGreaterThanOrEqual(360);
    await client.close();
    await sleep(20);
    expect(lines).toEqual([
      '[serve] connection 1 /ws sess_dev_1: audio in 50 frames (1.00 s), texts in 1, replies 1 (20 frames, 0.40 s), closed 1000',
    ]);
  });

  it('resamples 16 kHz input to 24 kHz replies and queues back-to-back utterances', async () => {
    server = await startDevServer({ dialect: 'codex' });
    const client = await rawClient(`${server.url}/ws`);
    client.send({ type: 'session.create', session: {} });
    for (const chunk of [...toneChunks(200, 600, 16_000), ...toneChunks(200, 600, 16_000)])
      client.send(audio(chunk, 16_000));
    await client.next(() => client.ofType('response.output_audio.delta').length >= 20);
    await sleep(60);
    const deltas = client.ofType('response.output_audio.delta');
    expect(deltas.every((f) => f.sample_rate === 24_000 && f.num_channels === 1)).toBe(true);
    const samples = deltas.map((f) => f.samples_per_channel as number);
    // 200 ms each; the first is 81 samples short: the resampler's emission lag at the start of the stream
    expect(samples).toEqual([...Array(9).fill(480), 399, ...Array(10).fill(480)]);
    // the second reply starts only after the first one ends (~200 ms later; overlapping replies would
    // be ~20 ms apart); the slack is for a first delta that a busy machine delivered late
    expect(deltas[10].at - deltas[0].at).toBeGreaterThanOrEqual(150);
    expect(client.frames[1]).toEqual({
      type: 'session.updated',
      session: { id: 'sess_dev_1', backend_prompt: '' },
    });
  });

  it('reports bad JSON, binary frames and bad audio as {type:error,message} and goes on', async () => {
    server = await startDevServer({ dialect: 'codex' });
    const client = await rawClient(`${server.url}/ws`);
    client.sendRaw('{not json');
    client.sendRaw(Buffer.from([1, 2, 3]));
    client.sendRaw('[1]');
    client.send({ type: 'response.input_audio.delta', delta: '@@@', sample_rate: 24_000, num_channels: 1 });
    client.send({ type: 'session.create', session: { backend_prompt: 'p' } });
    await client.next('session.updated');
    const errors = client.ofType('error');
    expect(errors).toHaveLength(4);
    expect(
      errors.every((e) => Object.keys(e).join() === 'type,message' && typeof e.message === 'string'),
    ).toBe(true);
    expect(errors[0].message).toMatch(/^could not parse client message: /);
    expect(errors[1]).toEqual({ type: 'error', message: 'binary frames are not part of the protocol' });
    expect(errors[2]).toEqual({
      type: 'error',
      message: 'could not parse client message: not a realtime message',
    });
    expect(errors[3].message).not.toMatch(/^could not parse/);
  });

  it('injects {type:error,message} after errorAfterMs', async () => {
    server = await startDevServer({ dialect: 'codex', errorAfterMs: 100 });
    const client = await rawClient(`${server.url}/ws`);
    const error = await client.next('error');
    expect(error).toEqual({ type: 'error', message: 'dev server: error injected after 100 ms' });
    expect(error.at).toBeGreaterThanOrEqual(90);
  });
});
