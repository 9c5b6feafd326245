// The dev server serves the Codex CLI's realtime v1 (quicksilver): the CLI's own frames, replayed.
import { startDevServer, type DevServer } from '../../src/server/devServer';
import { audioFrame, connectAsCli, sendAll, sessionFrame, speechFrames, textFrames } from './codexCli';
import { closeAllClients, fromBase64, sleep, toneChunks } from './rawClient';

let server: DevServer | undefined;
afterEach(async () => {
  await closeAllClients();
  await server?.close();
  server = undefined;
});

describe('dev server, the Codex CLI v1 (quicksilver)', () => {
  it('holds a whole round: session, audio in, speech detected, transcripts and the echo back, texts of every role, speech, stop', async () => {
    const lines: string[] = [];
    server = await startDevServer({ log: (line) => lines.push(line) });
    const client = await connectAsCli(server.url, 'v1');
    client.send(sessionFrame('v1', 'be brief'));
    const session = {
      id: 'sess_dev_1',
      type: 'quicksilver',
      model: 'gpt-realtime-1.5',
      instructions: 'be brief',
      audio: { input: { format: { type: 'audio/pcm', rate: 24000 } }, output: { voice: 'cove' } },
    };
    await client.next('session.updated');
    expect(client.frames).toEqual([
      { type: 'session.created', session },
      { type: 'session.updated', session },
    ]);

    const tone = toneChunks(400, 600);
    for (const chunk of tone) client.send(audioFrame('v1', chunk));
    await client.next('response.output_audio_transcript.done');
    const turn = client.frames.slice(2);
    expect(turn.map((f) => f.type)).toEqual([
      'input_audio_buffer.speech_started',
      'input_audio_buffer.speech_stopped',
      'conversation.input_transcript.delta',
      'conversation.input_transcript.delta',
      'conversation.input_transcript.turn_marked',
      'conversation.item.added',
      'conversation.output_transcript.delta',
      ...Array<string>(20).fill('conversation.output_audio.delta'),
      'response.output_audio_transcript.done',
    ]);
    expect(turn[0]).toEqual({
      type: 'input_audio_buffer.speech_started',
      audio_start_ms: 0,
      item_id: 'item_dev_1',
    });
    expect(turn[1]).toEqual({
      type: 'input_audio_buffer.speech_stopped',
      audio_end_ms: 400,
      item_id: 'item_dev_1',
    });
    const transcript = '(0.40 s of audio)';
    expect(turn[2].delta + turn[3].delta).toBe(transcript);
    expect(turn[4]).toEqual({
      type: 'conversation.input_transcript.turn_marked',
      item_id: 'item_dev_1',
      transcript,
    });
    expect(turn[5]).toEqual({
      type: 'conversation.item.added',
      item: {
        id: 'item_dev_1',
        type: 'message',
        role: 'user',
        content: [{ type: 'input_audio', transcript }],
      },
    });
    expect(turn[6]).toEqual({
      type: 'conversation.output_transcript.delta',
      item_id: 'item_dev_2',
      delta: '(echo)',
    });
    // The echo: the utterance sample for sample, in the frame shape the CLI reads (rate and channels).
    turn.slice(7, 27).forEach((frame, i) => {
      expect(frame).toEqual({
        type: 'conversation.output_audio.delta',
        item_id: 'item_dev_2',
        delta: frame.delta,
        sample_rate: 24000,
        channels: 1,
        samples_per_channel: 480,
      });
      expect(fromBase64(frame.delta)).toEqual(tone[i]);
    });
    expect(turn[27]).toEqual({
      type: 'response.output_audio_transcript.done',
      item_id: 'item_dev_2',
      transcript: '(echo)',
    });

    const from = client.frames.length;
    sendAll(client, textFrames('v1', 'user', 'hello as user'));
    sendAll(client, textFrames('v1', 'developer', 'hello as developer'));
    sendAll(client, textFrames('v1', 'assistant', 'hello as assistant'));
    sendAll(client, speechFrames('v1', 'speak this please'));
    await client.next(
      (f) => f.type === 'response.output_audio_transcript.done' && f.transcript === 'speak this please',
    );
    await sleep(30); // nothing more comes
    const texts = client.frames.slice(from);
    const message = (id: string, role: string, type: string, text: string) => ({
      type: 'conversation.item.added',
      item: { id, type: 'message', role, content: [{ type, text }] },
    });
    const quoted = 'You said: "hello as user"';
    expect(texts).toEqual([
      message('item_dev_3', 'user', 'input_text', 'hello as user'),
      message('item_dev_4', 'developer', 'input_text', 'hello as developer'),
      message('item_dev_5', 'assistant', 'output_text', 'hello as assistant'),
      { type: 'conversation.output_transcript.delta', item_id: 'item_dev_6', delta: 'You said: "hello' },
      { type: 'conversation.output_transcript.delta', item_id: 'item_dev_6', delta: ' as user"' },
      { type: 'response.output_audio_transcript.done', item_id: 'item_dev_6', transcript: quoted },
      { type: 'conversation.output_transcript.delta', item_id: 'item_dev_7', delta: 'speak this' },
      { type: 'conversation.output_transcript.delta', item_id: 'item_dev_7', delta: ' please' },
      {
        type: 'response.output_audio_transcript.done',
        item_id: 'item_dev_7',
        transcript: 'speak this please',
      },
    ]);

    // Stop: the CLI drops the socket without a close frame.
    client.socket.terminate();
    await client.closed;
    await sleep(20);
    expect(lines).toEqual([
      '[serve] connection 1 /v1/realtime?intent=quicksilver&model=gpt-realtime-1.5 sess_dev_1: audio in 50 frames (1.00 s), texts in 2, replies 1 (20 frames, 0.40 s), closed 1006',
    ]);
  });

  it('refuses what v1 does not have with an error the CLI reads (error.message), and goes on', async () => {
    server = await startDevServer();
    const client = await connectAsCli(server.url, 'v1');
    client.send(sessionFrame('v1', ''));
    await client.next('session.updated');
    const from = client.frames.length;
    client.send({ type: 'response.create' });
    client.send({ type: 'session.update', session: { type: 'realtime' } });
    client.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'x' }] },
    });
    client.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'output_text', text: 'x' }] },
    });
    client.send({ type: 'input_audio_buffer.append' });
    client.sendRaw('{not json');
    client.sendRaw(Buffer.from([1, 2, 3]));
    client.send({
      type: 'session.update',
      session: { audio: { input: { format: { type: 'audio/pcm', rate: 7 } } } },
    });
    await client.next(() => client.frames.length === from + 8);
    const errors = client.frames.slice(from);
    expect(errors.map((f) => [f.type, f.error.type, f.error.code])).toEqual([
      ...Array(6).fill(['error', 'invalid_request_error', expect.any(String)]),
      ['error', 'invalid_request_error', 'invalid_json'],
      ['error', 'invalid_request_error', 'invalid_value'],
    ]);
    expect(errors.map((f) => f.error.message)).toEqual([
      "Invalid value: 'response.create'. Supported values are: 'session.update', 'input_audio_buffer.append', 'conversation.item.create', 'conversation.handoff.append'.",
      "Invalid 'session.type': \"realtime\"; a quicksilver connection runs 'quicksilver' sessions.",
      "Invalid 'item.role': \"system\"; expected 'user', 'developer' or 'assistant'.",
      "Invalid 'item.content[0]': expected a part of type 'input_text'.",
      "Missing required parameter: 'audio'.",
      'The server failed to parse the message: it is not valid JSON.',
      'Binary frames are not part of the protocol.',
      "Invalid 'session.audio.input.format.rate': 7; expected an integer from 8000 to 48000.",
    ]);
    // still serving: a later session message is acknowledged
    client.send({ type: 'session.update', session: { instructions: 'again' } });
    const updated = await client.next('session.updated', 3000, from + 8);
    expect(updated.session).toMatchObject({ id: 'sess_dev_1', instructions: 'again' });
    expect(client.ofType('session.created')).toHaveLength(1);
  });

  it('hears the rate the session declares, and its fault switches work (an injected error in the shape the CLI reads)', async () => {
    server = await startDevServer({ errorAfterMs: 300 });
    const client = await connectAsCli(server.url, 'v1');
    client.send({
      ...sessionFrame('v1', ''),
      session: { audio: { input: { format: { type: 'audio/pcm', rate: 16000 } } } },
    });
    for (const chunk of toneChunks(400, 600, 16_000)) client.send(audioFrame('v1', chunk));
    const marked = await client.next('conversation.input_transcript.turn_marked');
    expect(marked.transcript).toBe('(0.40 s of audio)');
    const error = await client.next('error');
    expect(error).toEqual({
      type: 'error',
      error: { type: 'server_error', code: 'injected', message: 'dev server: error injected after 300 ms' },
    });
  });
});
