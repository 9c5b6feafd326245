// The dev server serves the Codex CLI's realtime v2 (its default, the GA protocol) with the openai
// dialect: the CLI's own frames, replayed, and every frame back still valid GA (openaiHarness).
import {
  cliHeaders,
  HANDSHAKE,
  audioFrame,
  sendAll,
  sessionFrame,
  speechFrames,
  textFrames,
} from './codexCli';
import { openaiHarness, typesFrom } from './openaiHarness';
import { fromBase64, sleep, toneChunks } from './rawClient';

const { start, open } = openaiHarness();

describe('dev server, the Codex CLI v2 (the openai dialect)', () => {
  it('holds a whole round: session, audio in, speech detected, the user transcript and the echo back, texts of every role (developer taken as system), speech, stop', async () => {
    const lines: string[] = [];
    const server = await start({ log: (line) => lines.push(line) });
    const client = await open(`${server.url}${HANDSHAKE.v2.path}`, undefined, cliHeaders('v2'));
    client.send(sessionFrame('v2', 'be brief'));
    await client.next('session.updated');
    expect(client.types()).toEqual(['session.created', 'session.updated']);
    const session = client.frames[1].session;
    expect(session).toMatchObject({
      id: 'sess_dev_1',
      model: 'gpt-realtime-1.5',
      instructions: 'be brief',
      tool_choice: 'auto',
    });
    expect(session.tools.map((tool: { name: string }) => tool.name)).toEqual([
      'background_agent',
      'remain_silent',
    ]);
    expect(session.audio.input.transcription).toEqual({ model: 'gpt-4o-mini-transcribe' });

    const tone = toneChunks(400, 600);
    for (const chunk of tone) client.send(audioFrame('v2', chunk));
    await client.next('response.done');
    expect(typesFrom(client, 2)).toEqual([
      'input_audio_buffer.speech_started',
      'input_audio_buffer.speech_stopped',
      'input_audio_buffer.committed',
      'conversation.item.added',
      'conversation.item.done',
      'conversation.item.input_audio_transcription.delta',
      'conversation.item.input_audio_transcription.delta',
      'conversation.item.input_audio_transcription.completed',
      'response.created',
      'rate_limits.updated',
      'response.output_item.added',
      'conversation.item.added',
      'response.content_part.added',
      'response.output_audio_transcript.delta',
      ...Array<string>(20).fill('response.output_audio.delta'),
      'response.output_audio.done',
      'response.output_audio_transcript.done',
      'response.content_part.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
    ]);
    // What the CLI reads: the user's transcript, and the echo with its item id.
    expect(client.ofType('conversation.item.input_audio_transcription.completed')[0]).toMatchObject({
      item_id: 'item_dev_1',
      transcript: '(0.40 s of audio)',
    });
    client.ofType('response.output_audio.delta').forEach((frame, i) => {
      expect(frame.item_id).toBe('item_dev_2');
      expect(fromBase64(frame.delta)).toEqual(tone[i]);
    });

    // Texts: added to the conversation, no response (the CLI asks for none after a text).
    let from = client.frames.length;
    sendAll(client, textFrames('v2', 'user', 'hello as user'));
    sendAll(client, textFrames('v2', 'developer', 'hello as developer'));
    sendAll(client, textFrames('v2', 'assistant', 'hello as assistant'));
    // What the CLI answers a remain_silent call with.
    client.send({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: 'call_silent', output: '' },
    });
    await client.next(() => client.ofType('conversation.item.done').length === 6);
    await sleep(30);
    const added = client.frames.slice(from).filter((f) => f.type === 'conversation.item.added');
    expect(typesFrom(client, from)).toEqual(
      Array(4).fill(['conversation.item.added', 'conversation.item.done']).flat(),
    );
    expect(added.map((f) => [f.item.type, f.item.role, f.item.content?.[0].text ?? f.item.output])).toEqual([
      ['message', 'user', '[USER] hello as user'],
      ['message', 'system', 'hello as developer'],
      ['message', 'assistant', 'hello as assistant'],
      ['function_call_output', undefined, ''],
    ]);

    // Speech: a [BACKEND] text, then response.create.
    from = client.frames.length;
    sendAll(client, speechFrames('v2', 'speak this please'));
    await client.next('response.done', 3000, from);
    expect(client.ofType('response.output_text.done').at(-1)!.text).toBe(
      'You said: "[BACKEND] speak this please"',
    );
    expect(client.ofType('error')).toEqual([]);

    client.socket.terminate();
    await client.closed;
    await sleep(20);
    expect(lines).toEqual([
      '[serve] connection 1 /v1/realtime?model=gpt-realtime-1.5 sess_dev_1: audio in 50 frames (1.00 s), texts in 3, replies 1 (20 frames, 0.40 s), closed 1006',
    ]);
  });

  it('takes a developer message in response.create input as a system message too', async () => {
    const server = await start();
    const client = await open(`${server.url}${HANDSHAKE.v2.path}`, undefined, cliHeaders('v2'));
    client.send(sessionFrame('v2', ''));
    await client.next('session.updated');
    client.send({
      type: 'response.create',
      response: {
        conversation: 'none',
        output_modalities: ['text'],
        input: [
          { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'rules' }] },
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
        ],
      },
    });
    const done = await client.next('response.done');
    expect(done.response.status).toBe('completed');
    expect(client.ofType('response.output_text.done')[0].text).toBe('You said: "hi"');
    client.send({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'developer',
        content: [{ type: 'input_image', image_url: 'https://x/y.png' }],
      },
    });
    const error = await client.next('error');
    expect(error.error).toMatchObject({ code: 'invalid_value', param: 'item.content[0].type' });
    expect(error.error.message).toContain("a developer message takes 'input_text'");
  });
});
