// The dev server's openai dialect (OpenAI Realtime GA), frame by frame over a raw `ws` client.
import { dialectOption } from '../../src/cli/options';
import { startDevServer } from '../../src/server/devServer';
import { append, openaiHarness, responseDone, startSession } from './openaiHarness';
import { fromBase64, sleep, toneChunks, within } from './rawClient';

const { connect, open, start } = openaiHarness();

const CLOSING_AUDIO = [
  'response.output_audio.done',
  'response.output_audio_transcript.done',
  'response.content_part.done',
  'response.output_item.done',
  'conversation.item.done',
  'response.done',
];

describe('dev server, openai dialect: the session', () => {
  it('answers the first session.update with session.created + session.updated echoing the request, later ones with session.updated', async () => {
    const lines: string[] = [];
    const client = await connect({ log: (line) => lines.push(line) });
    client.send({
      type: 'session.update',
      event_id: 'evt_client_1',
      session: {
        type: 'realtime',
        instructions: 'be brief',
        output_modalities: ['audio'],
        audio: {
          input: {
            format: { type: 'audio/pcm', rate: 24_000 },
            noise_reduction: { type: 'near_field' },
            turn_detection: {
              type: 'server_vad',
              silence_duration_ms: 400,
              interrupt_response: true,
              create_response: true,
            },
          },
          output: { format: { type: 'audio/pcm', rate: 24_000 }, voice: 'marin' },
        },
        tools: [
          {
            type: 'function',
            name: 'noop',
            description: 'does nothing',
            parameters: { type: 'object', properties: {} },
          },
        ],
        tool_choice: 'auto',
      },
    });
    await client.next('session.updated');
    expect(client.types()).toEqual(['session.created', 'session.updated']);
    const expected = {
      id: 'sess_dev_1',
      type: 'realtime',
      object: 'realtime.session',
      model: 'gpt-realtime',
      instructions: 'be brief',
      output_modalities: ['audio'],
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24_000 },
          noise_reduction: { type: 'near_field' },
          turn_detection: {
            type: 'server_vad',
            threshold: 0.5,
            prefix_padding_ms: 300,
            silence_duration_ms: 400,
            idle_timeout_ms: null,
            create_response: true,
            interrupt_response: true,
          },
        },
        output: { format: { type: 'audio/pcm', rate: 24_000 }, voice: 'marin', speed: 1 },
      },
      tools: [
        {
          type: 'function',
          name: 'noop',
          description: 'does nothing',
          parameters: { type: 'object', properties: {} },
        },
      ],
      tool_choice: 'auto',
    };
    expect(client.frames[0]).toMatchObject({
      type: 'session.created',
      event_id: 'event_dev_1',
      session: expected,
    });
    expect(client.frames[1]).toMatchObject({
      type: 'session.updated',
      event_id: 'event_dev_2',
      session: expected,
    });
    // A later update: only session.updated, merged into what was there.
    const updated = await startSession(client, {
      instructions: 'be verbose',
      audio: { input: { turn_detection: null } },
    });
    expect(client.types()).toEqual(['session.created', 'session.updated', 'session.updated']);
    expect(updated).toMatchObject({
      event_id: 'event_dev_3',
      session: {
        id: 'sess_dev_1',
        instructions: 'be verbose',
        audio: {
          input: { turn_detection: null, noise_reduction: { type: 'near_field' } },
          output: { voice: 'marin' },
        },
      },
    });
    await client.close();
    await sleep(20);
    expect(lines).toEqual([
      '[serve] connection 1 /v1/realtime?model=gpt-realtime sess_dev_1: audio in 0 frames (0.00 s), texts in 0, replies 0 (0 frames, 0.00 s), closed 1000',
    ]);
  });

  it('fills in the defaults, takes the model from the URL, refuses beta-shaped and invalid sessions (and goes on)', async () => {
    const client = await connect({}, '/v1/realtime?model=gpt-realtime-mini');
    client.send({
      type: 'session.update',
      event_id: 'evt_beta',
      session: { type: 'realtime', modalities: ['audio'], voice: 'alloy' },
    });
    client.send({ type: 'session.update', session: { instructions: 'no type' } });
    client.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { format: { type: 'audio/opus' } } } },
    });
    client.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { turn_detection: { type: 'push_to_talk' } } } },
    });
    const session = await startSession(client);
    expect(
      client.ofType('error').map((e) => [e.error.type, e.error.code, e.error.param, e.error.event_id]),
    ).toEqual([
      ['invalid_request_error', 'unknown_parameter', 'session.modalities', 'evt_beta'],
      ['invalid_request_error', 'missing_required_parameter', 'session.type', null],
      ['invalid_request_error', 'invalid_value', 'session.audio.input.format.type', null],
      ['invalid_request_error', 'invalid_value', 'session.audio.input.turn_detection.type', null],
    ]);
    expect(client.types().slice(4)).toEqual(['session.created', 'session.updated']);
    expect(session.session).toEqual({
      id: 'sess_dev_1',
      type: 'realtime',
      object: 'realtime.session',
      model: 'gpt-realtime-mini',
      output_modalities: ['audio'],
      instructions: '',
      tools: [],
      tool_choice: 'auto',
      max_output_tokens: 'inf',
      tracing: null,
      truncation: 'auto',
      prompt: null,
      // optional but not nullable in GA: absent while unset
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24_000 },
          turn_detection: {
            type: 'server_vad',
            threshold: 0.5,
            prefix_padding_ms: 300,
            silence_duration_ms: 500,
            idle_timeout_ms: null,
            create_response: true,
            interrupt_response: true,
          },
        },
        output: { format: { type: 'audio/pcm', rate: 24_000 }, voice: 'alloy', speed: 1 },
      },
    });
  });

  it('takes the browser handshake: selects the realtime subprotocol (never the key); any key but ek_ passes', async () => {
    const server = await start();
    const minted = await fetch(server.clientSecretsUrl, { method: 'POST' });
    const { value } = (await minted.json()) as { value: string };
    const browser = await open(`${server.url}/v1/realtime?model=gpt-realtime`, [
      `openai-insecure-api-key.${value}`,
      'realtime',
    ]);
    expect(browser.socket.protocol).toBe('realtime');
    const node = await open(`${server.url}/v1/realtime`, undefined, { Authorization: 'Bearer sk-test' });
    expect(node.socket.protocol).toBe('');
    expect((await startSession(node)).session.id).toBe('sess_dev_2');
  });

  it('answers malformed JSON, unknown types and binary frames with an error event and goes on', async () => {
    const client = await connect();
    client.sendRaw('{not json');
    client.send({ type: 'response.audio.delta', event_id: 'evt_x' });
    client.send({ no: 'type' });
    client.sendRaw(Buffer.from([1, 2, 3]));
    client.send({ type: 'input_audio_buffer.append', audio: 42 });
    await startSession(client);
    const errors = client.ofType('error');
    expect(errors.map((e) => [e.error.code, e.error.param])).toEqual([
      ['invalid_json', null],
      ['invalid_value', 'type'],
      ['missing_required_parameter', 'type'],
      ['invalid_json', null],
      ['missing_required_parameter', 'audio'],
    ]);
    expect(errors[1]).toMatchObject({
      type: 'error',
      event_id: 'event_dev_2',
      error: { type: 'invalid_request_error', event_id: 'evt_x' },
    });
    expect(errors[1].error.message).toMatch(
      /^Invalid value: 'response\.audio\.delta'\. Supported values are: 'session\.update', /,
    );
    expect(client.types().slice(5)).toEqual(['session.created', 'session.updated']);
  });

  it('the CLI takes --dialect openai; the server refuses dialects it does not speak', async () => {
    expect(dialectOption('openai')).toBe('openai');
    expect(dialectOption(undefined)).toBe('openai');
    expect(() => dialectOption('gemini')).toThrow('--dialect must be one of codex, openai, got "gemini"');
    await expect(startDevServer({ dialect: 'gemini' as never })).rejects.toThrow(
      'the dev server does not speak the gemini dialect',
    );
  });
});

describe('dev server, openai dialect: turns', () => {
  it('an utterance: VAD events, the committed user item, then a spoken echo in the GA sequence, paced at real time', async () => {
    const lines: string[] = [];
    const client = await connect({ log: (line) => lines.push(line) });
    await startSession(client);
    const tone = toneChunks(400, 600);
    append(client, tone);
    const done = await client.next('response.done');
    const deltas = client.ofType('response.output_audio.delta');
    expect(client.types()).toEqual([
      'session.created',
      'session.updated',
      'input_audio_buffer.speech_started',
      'input_audio_buffer.speech_stopped',
      'input_audio_buffer.committed',
      'conversation.item.added',
      'conversation.item.done',
      'response.created',
      'rate_limits.updated',
      'response.output_item.added',
      'conversation.item.added',
      'response.content_part.added',
      'response.output_audio_transcript.delta',
      ...Array(20).fill('response.output_audio.delta'),
      ...CLOSING_AUDIO,
    ]);
    // every server event has its own event_id, in order
    expect(client.frames.map((f) => f.event_id)).toEqual(client.frames.map((_, i) => `event_dev_${i + 1}`));
    const byType = (type: string, n = 0) => client.ofType(type)[n];
    expect(byType('input_audio_buffer.speech_started')).toMatchObject({
      audio_start_ms: 0,
      item_id: 'item_dev_1',
    });
    expect(byType('input_audio_buffer.speech_stopped')).toMatchObject({
      audio_end_ms: 400,
      item_id: 'item_dev_1',
    });
    expect(byType('input_audio_buffer.committed')).toMatchObject({
      item_id: 'item_dev_1',
      previous_item_id: null,
    });
    const userItem = {
      id: 'item_dev_1',
      object: 'realtime.item',
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [{ type: 'input_audio' }],
    };
    expect(byType('conversation.item.added')).toMatchObject({ previous_item_id: null, item: userItem });
    expect(byType('conversation.item.done')).toMatchObject({ previous_item_id: null, item: userItem });
    expect(byType('response.created').response).toMatchObject({
      id: 'resp_dev_1',
      object: 'realtime.response',
      status: 'in_progress',
      output: [],
    });
    const started = {
      id: 'item_dev_2',
      type: 'message',
      role: 'assistant',
      status: 'in_progress',
      content: [],
    };
    expect(byType('response.output_item.added')).toMatchObject({
      response_id: 'resp_dev_1',
      output_index: 0,
      item: started,
    });
    expect(byType('conversation.item.added', 1)).toMatchObject({
      previous_item_id: 'item_dev_1',
      item: started,
    });
    const ids = { response_id: 'resp_dev_1', item_id: 'item_dev_2', output_index: 0, content_index: 0 };
    expect(byType('response.content_part.added')).toMatchObject({
      ...ids,
      part: { type: 'audio', transcript: '' },
    });
    deltas.forEach((delta, i) => {
      expect(delta).toMatchObject(ids);
      expect(fromBase64(delta.delta)).toEqual(tone[i]); // the echo, sample for sample
    });
    expect(byType('response.output_audio.done')).toMatchObject(ids);
    expect(byType('response.output_audio_transcript.done')).toMatchObject({ ...ids, transcript: '(echo)' });
    expect(byType('response.content_part.done')).toMatchObject({
      ...ids,
      part: { type: 'audio', transcript: '(echo)' },
    });
    const finished = {
      id: 'item_dev_2',
      type: 'message',
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_audio', transcript: '(echo)' }],
    };
    expect(byType('response.output_item.done')).toMatchObject({
      response_id: 'resp_dev_1',
      output_index: 0,
      item: finished,
    });
    expect(byType('conversation.item.done', 1)).toMatchObject({
      previous_item_id: 'item_dev_1',
      item: finished,
    });
    expect(done.response).toMatchObject({ id: 'resp_dev_1', status: 'completed', output: [finished] });
    expect(done.response).not.toHaveProperty('status_details');
    // 400 ms of audio, paced at real time: the 20th frame is due 380 ms after the first
    expect(deltas[19].at - deltas[0].at).toBeGreaterThanOrEqual(360);
    expect(done.at - byType('response.created').at).toBeGreaterThanOrEqual(360);
    await client.close();
    await sleep(20);
    expect(lines).toEqual([
      '[serve] connection 1 /v1/realtime?model=gpt-realtime sess_dev_1: audio in 50 frames (1.00 s), texts in 0, replies 1 (20 frames, 0.40 s), closed 1000',
    ]);
  });

  it('create_response:false commits the user item and leaves the reply to response.create (which echoes it)', async () => {
    const client = await connect();
    await startSession(client, {
      audio: { input: { turn_detection: { type: 'semantic_vad', create_response: false } } },
    });
    append(client, toneChunks(200, 600));
    await client.next((f) => f.type === 'conversation.item.done');
    await sleep(60);
    expect(client.types().slice(2)).toEqual([
      'input_audio_buffer.speech_started',
      'input_audio_buffer.speech_stopped',
      'input_audio_buffer.committed',
      'conversation.item.added',
      'conversation.item.done',
    ]);
    client.send({ type: 'response.create' });
    await client.next('response.done');
    expect(client.ofType('response.output_audio.delta')).toHaveLength(10);
  });

  it('manual turns (turn_detection: null): commit needs 100 ms, clear empties the buffer, nothing replies by itself', async () => {
    const client = await connect();
    await startSession(client, { audio: { input: { turn_detection: null } } });
    append(client, toneChunks(60, 0));
    client.send({ type: 'input_audio_buffer.commit', event_id: 'evt_commit' });
    await client.next('error');
    expect(client.ofType('error')[0]).toMatchObject({
      error: {
        type: 'invalid_request_error',
        code: 'input_audio_buffer_commit_empty',
        message:
          'Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has 60.00ms of audio.',
        event_id: 'evt_commit',
      },
    });
    client.send({ type: 'input_audio_buffer.clear' });
    await client.next('input_audio_buffer.cleared');
    append(client, toneChunks(60, 0));
    client.send({ type: 'input_audio_buffer.commit' });
    await client.next(() => client.ofType('error').length === 2);
    append(client, toneChunks(200, 100)); // now 360 ms, silence included: no VAD in manual mode
    client.send({ type: 'input_audio_buffer.commit' });
    await client.next('conversation.item.done');
    await sleep(60);
    expect(client.types().slice(2)).toEqual([
      'error',
      'input_audio_buffer.cleared',
      'error',
      'input_audio_buffer.committed',
      'conversation.item.added',
      'conversation.item.done',
    ]);
    expect(client.ofType('input_audio_buffer.committed')[0]).toMatchObject({
      item_id: 'item_dev_1',
      previous_item_id: null,
    });
    client.send({ type: 'conversation.item.retrieve', item_id: 'item_dev_1' });
    expect((await client.next('conversation.item.retrieved')).item).toEqual({
      id: 'item_dev_1',
      object: 'realtime.item',
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [{ type: 'input_audio' }],
    });
    client.send({ type: 'response.create' });
    await client.next('response.done');
    // the echo is everything committed: 60 ms + 200 ms tone + 100 ms silence = 18 frames
    expect(client.ofType('response.output_audio.delta')).toHaveLength(18);
    // the buffer is empty again: a commit now is refused
    client.send({ type: 'input_audio_buffer.commit' });
    await client.next(() => client.ofType('error').length === 3);
    expect(client.ofType('error')[2].error.message).toContain('buffer only has 0.00ms of audio');
  });
});

describe('dev server, openai dialect: responses', () => {
  it('a text item gets item added/done and no reply; response.create quotes it in a couple of text deltas', async () => {
    const client = await connect();
    await startSession(client);
    client.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello there' }] },
    });
    await client.next('conversation.item.done');
    await sleep(60);
    const userItem = {
      id: 'item_dev_1',
      object: 'realtime.item',
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [{ type: 'input_text', text: 'hello there' }],
    };
    expect(client.frames.slice(2)).toEqual([
      { type: 'conversation.item.added', event_id: 'event_dev_3', previous_item_id: null, item: userItem },
      { type: 'conversation.item.done', event_id: 'event_dev_4', previous_item_id: null, item: userItem },
    ]);
    client.send({
      type: 'response.create',
      response: { instructions: 'be brief', metadata: { topic: 'test' } },
    });
    const done = await client.next('response.done');
    const text = 'You said: "hello there" (instructions: be brief)';
    expect(client.types().slice(4)).toEqual([
      'response.created',
      'rate_limits.updated',
      'response.output_item.added',
      'conversation.item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
    ]);
    const ids = { response_id: 'resp_dev_1', item_id: 'item_dev_2', output_index: 0, content_index: 0 };
    const deltas = client.ofType('response.output_text.delta');
    expect(deltas.every((d) => Object.entries(ids).every(([k, v]) => d[k] === v))).toBe(true);
    expect(deltas.map((d) => d.delta).join('')).toBe(text);
    expect(client.ofType('response.output_text.done')[0]).toMatchObject({ ...ids, text });
    expect(client.ofType('response.content_part.done')[0]).toMatchObject({
      ...ids,
      part: { type: 'text', text },
    });
    const item = {
      id: 'item_dev_2',
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text }],
    };
    expect(client.ofType('conversation.item.done')[1]).toMatchObject({
      previous_item_id: 'item_dev_1',
      item,
    });
    expect(done.response).toMatchObject({
      id: 'resp_dev_1',
      status: 'completed',
      output_modalities: ['text'],
      metadata: { topic: 'test' },
      output: [item],
    });
  });

  it('a function_call_output item is added like any other, and response.create quotes it', async () => {
    const client = await connect();
    await startSession(client);
    client.send({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: 'call_7', output: '{"ok":true}' },
    });
    await client.next('conversation.item.done');
    expect(client.ofType('conversation.item.added')[0].item).toEqual({
      id: 'item_dev_1',
      object: 'realtime.item',
      type: 'function_call_output',
      status: 'completed',
      call_id: 'call_7',
      output: '{"ok":true}',
    });
    client.send({ type: 'response.create' });
    expect((await client.next('response.output_text.done')).text).toBe(
      'The function call call_7 returned: "{"ok":true}"',
    );
    client.send({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: 'call_8' },
    });
    expect((await client.next('error')).error).toMatchObject({
      code: 'missing_required_parameter',
      param: 'item.output',
    });
  });

  it('response.create while a response is active: conversation_already_has_active_response, and the session goes on', async () => {
    const client = await connect();
    await startSession(client);
    client.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'one' }] },
    });
    client.send({ type: 'response.create' });
    client.send({ type: 'response.create', event_id: 'evt_second' });
    await client.next(responseDone('resp_dev_1'));
    expect(client.ofType('error')).toEqual([
      {
        type: 'error',
        event_id: expect.stringMatching(/^event_dev_\d+$/),
        error: {
          type: 'invalid_request_error',
          code: 'conversation_already_has_active_response',
          message:
            'Conversation already has an active response in progress: resp_dev_1. Wait until the response is finished before creating a new one.',
          param: null,
          event_id: 'evt_second',
        },
      },
    ]);
    expect(client.ofType('response.created')).toHaveLength(1);
    // also while a spoken reply streams
    append(client, toneChunks(300, 600));
    await client.next('response.output_audio.delta');
    client.send({ type: 'response.create' });
    await client.next(responseDone('resp_dev_2'));
    expect(client.ofType('error')).toHaveLength(2);
    expect(client.ofType('error')[1].error.message).toContain('resp_dev_2');
    expect(client.ofType('response.done')[1].response.status).toBe('completed');
    // and once it is done, a response may be created again
    client.send({ type: 'response.create' });
    const third = await client.next(responseDone('resp_dev_3'));
    expect(third.response.status).toBe('completed');
  });

  it('response.cancel mid-reply: the audio stops at once, the item is incomplete, response.done is cancelled; with nothing active it is an error', async () => {
    const lines: string[] = [];
    const client = await connect({ log: (line) => lines.push(line) });
    await startSession(client);
    append(client, toneChunks(1000, 600));
    await client.next(() => client.ofType('response.output_audio.delta').length >= 5);
    client.send({ type: 'response.cancel' });
    const done = await client.next('response.done');
    const sent = client.ofType('response.output_audio.delta').length;
    await sleep(120);
    expect(client.ofType('response.output_audio.delta')).toHaveLength(sent);
    expect(sent).toBeLessThan(20);
    const closing = client.types().slice(client.types().lastIndexOf('response.output_audio.delta') + 1);
    expect(closing).toEqual(CLOSING_AUDIO);
    expect(done.response).toMatchObject({
      id: 'resp_dev_1',
      status: 'cancelled',
      status_details: { type: 'cancelled', reason: 'client_cancelled' },
      output: [{ id: 'item_dev_2', status: 'incomplete' }],
    });
    client.send({ type: 'response.cancel', event_id: 'evt_late' });
    const error = await client.next('error');
    expect(error.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'response_cancel_not_active',
      event_id: 'evt_late',
    });
    await client.close();
    await sleep(20);
    expect(lines[0]).toContain(`replies 1 (${sent} frames, ${((sent * 20) / 1000).toFixed(2)} s)`);
  });

  it('conversation.item.truncate and .delete: round trips and their errors', async () => {
    const client = await connect();
    await startSession(client);
    append(client, toneChunks(200, 600));
    await client.next('response.done'); // item_dev_1 (user audio), item_dev_2 (200 ms of assistant audio)
    const errors = () => client.ofType('error').map((e) => [e.error.code, e.error.param]);
    const truncate = (item_id: string, audio_end_ms: unknown, content_index = 0) =>
      client.send({ type: 'conversation.item.truncate', item_id, content_index, audio_end_ms });
    truncate('item_dev_2', 120);
    const truncated = await client.next('conversation.item.truncated');
    expect(truncated).toEqual({
      type: 'conversation.item.truncated',
      event_id: truncated.event_id,
      item_id: 'item_dev_2',
      content_index: 0,
      audio_end_ms: 120,
    });
    client.send({ type: 'conversation.item.retrieve', item_id: 'item_dev_2' });
    expect((await client.next('conversation.item.retrieved')).item).toMatchObject({
      id: 'item_dev_2',
      content: [{ type: 'output_audio', transcript: '' }],
    });
    truncate('item_dev_2', 12.5);
    truncate('item_dev_2', -1);
    truncate('item_dev_2', '100');
    truncate('item_nope', 10);
    truncate('item_dev_1', 10); // user audio: not model output
    truncate('item_dev_2', 150); // longer than what is left
    truncate('item_dev_2', 10, 1);
    truncate('item_dev_2', 100);
    await client.next(() => client.ofType('conversation.item.truncated').length === 2);
    expect(errors()).toEqual([
      ['invalid_value', 'audio_end_ms'],
      ['invalid_value', 'audio_end_ms'],
      ['invalid_value', 'audio_end_ms'],
      ['invalid_value', 'item_id'],
      ['invalid_value', 'item_id'],
      ['invalid_value', 'audio_end_ms'],
      ['invalid_value', 'content_index'],
    ]);
    expect(client.ofType('error')[5].error.message).toBe(
      'Audio content of 120ms is already shorter than 150ms.',
    );
    client.send({ type: 'conversation.item.delete', item_id: 'item_dev_1' });
    expect(await client.next('conversation.item.deleted')).toMatchObject({ item_id: 'item_dev_1' });
    client.send({ type: 'conversation.item.delete', item_id: 'item_dev_1' });
    client.send({ type: 'conversation.item.retrieve', item_id: 'item_dev_1' });
    client.send({ type: 'conversation.item.delete' });
    await client.next(() => client.ofType('error').length === 10);
    expect(errors().slice(7)).toEqual([
      ['invalid_value', 'item_id'],
      ['invalid_value', 'item_id'],
      ['missing_required_parameter', 'item_id'],
    ]);
    // the assistant item is now the first of the conversation
    client.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x' }] },
    });
    expect(await client.next('conversation.item.done', 3000, client.frames.length)).toMatchObject({
      previous_item_id: 'item_dev_2',
      item: { id: 'item_dev_3' },
    });
  });

  it('barge-in: speech during a spoken reply cancels it (turn_detected), and the new utterance gets its own reply', async () => {
    const client = await connect();
    await startSession(client);
    append(client, toneChunks(600, 600));
    await client.next(() => client.ofType('response.output_audio.delta').length >= 3);
    const from = client.frames.length;
    append(client, toneChunks(200, 600));
    const cancelled = await client.next(responseDone('resp_dev_1'));
    expect(cancelled.response).toMatchObject({
      status: 'cancelled',
      status_details: { type: 'cancelled', reason: 'turn_detected' },
      output: [{ id: 'item_dev_2', status: 'incomplete' }],
    });
    await client.next(responseDone('resp_dev_2'));
    const after = client.frames.slice(from);
    const types = after.map((f) => f.type);
    const first = types.indexOf('input_audio_buffer.speech_started');
    // speech_started first, then the closing of the interrupted reply; none of its audio after that
    expect(types.slice(first, first + 7)).toEqual(['input_audio_buffer.speech_started', ...CLOSING_AUDIO]);
    expect(
      after
        .slice(first)
        .filter((f) => f.type === 'response.output_audio.delta' && f.response_id === 'resp_dev_1'),
    ).toEqual([]);
    expect(after[first]).toMatchObject({ item_id: 'item_dev_3', audio_start_ms: 1200 });
    expect(client.ofType('input_audio_buffer.committed')[1]).toMatchObject({
      item_id: 'item_dev_3',
      previous_item_id: 'item_dev_2',
    });
    const second = client.ofType('response.output_audio.delta').filter((f) => f.response_id === 'resp_dev_2');
    expect(second).toHaveLength(10);
    expect(second.every((f) => f.item_id === 'item_dev_4')).toBe(true);
  });

  it('response.create while the user speaks is fine: the reply completes, and the utterance gets its own reply after it', async () => {
    const client = await connect();
    await startSession(client);
    client.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
    });
    append(client, toneChunks(200, 0));
    await client.next('input_audio_buffer.speech_started');
    client.send({ type: 'response.create' });
    append(client, toneChunks(0, 600)); // the utterance ends while the text reply is still streaming
    await client.next(responseDone('resp_dev_2'));
    const dones = client.ofType('response.done');
    expect(dones.map((d) => [d.response.status, d.response.output_modalities])).toEqual([
      ['completed', ['text']],
      ['completed', ['audio']],
    ]);
    expect(client.ofType('response.output_text.done')[0].text).toBe('You said: "hi"');
    const types = client.frames.map((f) => `${f.type}:${f.response?.id ?? ''}`);
    // one response at a time (the spoken one usually waits in the queue for the text one)
    expect(types.indexOf('response.created:resp_dev_2')).toBeGreaterThan(
      types.indexOf('response.done:resp_dev_1'),
    );
    expect(client.ofType('response.output_audio.delta')).toHaveLength(10);
  });

  it('interrupt_response:false: speech does not cancel the reply; the next reply waits for it', async () => {
    const client = await connect();
    await startSession(client, {
      audio: { input: { turn_detection: { type: 'server_vad', interrupt_response: false } } },
    });
    append(client, toneChunks(200, 600));
    await client.next('response.output_audio.delta');
    append(client, toneChunks(200, 600));
    await client.next(responseDone('resp_dev_2'));
    const dones = client.ofType('response.done');
    expect(dones.map((d) => d.response.status)).toEqual(['completed', 'completed']);
    expect(client.ofType('response.output_audio.delta')).toHaveLength(20);
    // resp_dev_2 starts only once resp_dev_1 is done
    const types = client.frames.map((f) => `${f.type}:${f.response?.id ?? ''}`);
    expect(types.indexOf('response.created:resp_dev_2')).toBe(types.indexOf('response.done:resp_dev_1') + 1);
  });
});

describe('dev server, openai dialect: fault switches', () => {
  it('--error-after-ms sends the error in GA shape', async () => {
    const client = await connect({ errorAfterMs: 100 });
    const error = await client.next('error');
    expect(error).toEqual({
      type: 'error',
      event_id: 'event_dev_1',
      error: { type: 'server_error', code: 'injected', message: 'dev server: error injected after 100 ms' },
    });
    expect(error.at).toBeGreaterThanOrEqual(90);
  });

  it('--latency-ms delays every event, --drop-after-ms drops the socket (1006)', async () => {
    const client = await connect({ latencyMs: 200, dropAfterMs: 600 });
    const sent = Date.now();
    await startSession(client);
    expect(Date.now() - sent).toBeGreaterThanOrEqual(190);
    expect(await within(client.closed, 2000, 'the drop')).toBe(1006);
  });

  it('--stall-reads: nothing is read after the session until the stall ends', async () => {
    const client = await connect({ stallReads: 300 });
    await startSession(client);
    const sent = Date.now();
    client.send({ type: 'input_audio_buffer.clear' });
    await client.next('input_audio_buffer.cleared');
    expect(Date.now() - sent).toBeGreaterThanOrEqual(200);
  });
});
