// The dev server serves the Codex CLI's realtime v3 ("frameless", /v1/live): the CLI's own frames, replayed.
import { startDevServer, type DevServer } from '../../src/server/devServer';
import {
  audioFrame,
  connectAsCli,
  sendAll,
  sessionFrame,
  speechFrames,
  splitContext,
  textFrames,
} from './codexCli';
import { closeAllClients, fromBase64, sleep, toneChunks } from './rawClient';

let server: DevServer | undefined;
afterEach(async () => {
  await closeAllClients();
  await server?.close();
  server = undefined;
});

const said = (role: string, transcript: string) => ({ type: 'turn.done', turn: { role, transcript } });

describe('dev server, the Codex CLI v3 (/v1/live)', () => {
  it('holds a whole round: session.started, audio in, the transcripts and the echo back, texts, speech, stop', async () => {
    const lines: string[] = [];
    server = await startDevServer({ log: (line) => lines.push(line) });
    const client = await connectAsCli(server.url, 'v3');
    client.send(sessionFrame('v3', 'be brief'));
    // The CLI waits for session.started (with a string session.id) before anything else.
    await client.next('session.started');
    expect(client.frames).toEqual([
      {
        type: 'session.started',
        session: {
          id: 'sess_dev_1',
          model: 'gpt-live-1.1-codex',
          instructions: 'be brief',
          audio: { output: { voice: 'marin' } },
          delegation: { type: 'client' },
        },
      },
    ]);

    const tone = toneChunks(400, 600);
    for (const chunk of tone) client.send(audioFrame('v3', chunk));
    await client.next((f) => f.type === 'turn.done' && f.turn.role === 'assistant');
    const turn = client.frames.slice(1);
    const transcript = '(0.40 s of audio)';
    expect(turn.map((f) => f.type)).toEqual([
      'input_transcript.added',
      'input_transcript.added',
      'turn.done',
      'output_transcript.added',
      ...Array<string>(20).fill('output_audio.delta'),
      'turn.done',
    ]);
    expect(turn[0].item.text + turn[1].item.text).toBe(transcript);
    expect(turn[2]).toEqual(said('user', transcript));
    expect(turn[3]).toEqual({ type: 'output_transcript.added', item: { text: '(echo)' } });
    turn.slice(4, 24).forEach((frame, i) => {
      expect(frame).toEqual({ type: 'output_audio.delta', audio: frame.audio });
      expect(fromBase64(frame.audio)).toEqual(tone[i]);
    });
    expect(turn[24]).toEqual(said('assistant', '(echo)'));

    // The protocol has no roles: every text without a channel is quoted back; speakable is said.
    const from = client.frames.length;
    sendAll(client, textFrames('v3', 'user', 'hello as user'));
    sendAll(client, textFrames('v3', 'developer', 'hello as developer'));
    sendAll(client, speechFrames('v3', 'speak this please'));
    await client.next((f) => f.type === 'turn.done' && f.turn.transcript === 'speak this please');
    await sleep(50); // nothing more comes
    const texts = client.frames.slice(from);
    expect(texts.filter((f) => f.type === 'turn.done')).toEqual([
      said('assistant', 'You said: "hello as user"'),
      said('assistant', 'You said: "hello as developer"'),
      said('assistant', 'speak this please'),
    ]);
    expect(texts.filter((f) => f.type === 'output_transcript.added').map((f) => f.item.text)).toEqual([
      'You said: "hello',
      ' as user"',
      'You said: "hello',
      ' as developer"',
      'speak this',
      ' please',
    ]);

    client.socket.terminate();
    await client.closed;
    await sleep(20);
    expect(lines).toEqual([
      '[serve] connection 1 /v1/live?model=gpt-live-1.1-codex sess_dev_1: audio in 50 frames (1.00 s), texts in 3, replies 1 (20 frames, 0.40 s), closed 1006',
    ]);
  });

  it('takes a long text cut into 500-byte frames as one text, and commentary as context only', async () => {
    server = await startDevServer();
    const client = await connectAsCli(server.url, 'v3');
    client.send(sessionFrame('v3', ''));
    await client.next('session.started');
    const long = 'é'.repeat(300) + 'x'.repeat(600); // 1 200 bytes: frames of 500, 500 and 200
    const frames = textFrames('v3', 'user', long);
    expect(frames.map((f) => Buffer.byteLength(f.content[0].text))).toEqual([500, 500, 200]);
    expect(splitContext(long).join('')).toBe(long);
    sendAll(client, frames);
    client.send({
      type: 'session.context.append',
      channel: 'commentary',
      content: [{ type: 'input_text', text: 'working' }],
    });
    sendAll(client, textFrames('v3', 'user', 'short'));
    await client.next((f) => f.type === 'turn.done' && f.turn.transcript === 'You said: "short"');
    await sleep(60);
    expect(client.ofType('turn.done').map((f) => f.turn.transcript)).toEqual([
      `You said: "${long}"`,
      'You said: "short"',
    ]);
    expect(server.connections()[0].textsIn).toBe(3);
  });

  it('refuses what v3 does not have with an error the CLI reads (error.message), and goes on', async () => {
    server = await startDevServer({ dialect: 'codex' });
    const client = await connectAsCli(server.url, 'v3');
    client.send(sessionFrame('v3', ''));
    await client.next('session.started');
    const from = client.frames.length;
    client.send({ type: 'input_audio_buffer.append', audio: '' });
    client.send({
      type: 'delegation.context.append',
      delegation_item_id: 'd1',
      content: [{ type: 'input_text', text: 'x' }],
    });
    client.send({
      type: 'session.context.append',
      channel: 'loud',
      content: [{ type: 'input_text', text: 'x' }],
    });
    client.send({ type: 'session.context.append', content: 'x' });
    client.send({ type: 'input_audio.append', audio: 'AAA' }); // 2 bytes and a half: no whole PCM16 sample count
    client.send({ type: 'session.close' }); // taken: the client's close follows
    client.send({ type: 'session.update', session: { instructions: 'again' } });
    await client.next('session.updated', 3000, from);
    const errors = client.ofType('error');
    expect(errors.map((f) => [f.error.type, f.error.code])).toEqual([
      ['invalid_request_error', 'invalid_value'],
      ['invalid_request_error', 'invalid_value'],
      ['invalid_request_error', 'invalid_value'],
      ['invalid_request_error', 'invalid_type'],
      ['invalid_request_error', 'invalid_value'],
    ]);
    expect(errors.map((f) => f.error.message).slice(0, 4)).toEqual([
      "Invalid value: 'input_audio_buffer.append'. Supported values are: 'session.update', 'input_audio.append', 'session.context.append', 'delegation.context.append', 'session.close'.",
      'Invalid \'delegation_item_id\': "d1"; the dev server has started no delegation.',
      "Invalid 'channel': \"loud\"; expected 'speakable' or 'commentary'.",
      "Invalid type for 'content': expected an array.",
    ]);
    expect(client.frames.slice(from).map((f) => f.type)).toEqual([
      ...Array(5).fill('error'),
      'session.updated',
    ]);
    expect(client.frames.at(-1)!.session).toMatchObject({ id: 'sess_dev_1', instructions: 'again' });
  });
});
