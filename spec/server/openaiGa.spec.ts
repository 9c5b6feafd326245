// The dev server's openai dialect beyond the basic turn: transcription, usage and statuses, rate limits,
// out-of-band responses, images, scripted function calls and failures, output_audio_buffer.clear.
// Every frame of every test is also checked against the GA schema (openaiHarness).
import { fixtures } from '../../src/testing/recorded';
import { gaProblem } from './gaEvents';
import { append, openaiHarness, responseDone, sendText, startSession, typesFrom } from './openaiHarness';
import { sleep, toneChunks } from './rawClient';
import { g711ToPcm16, pcm16ToG711 } from '../../src/audio/g711';

const { connect } = openaiHarness();

const TEXT_REPLY = [
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
];

const PNG = 'data:image/png;base64,iVBORw0KGgo=';

describe('dev server, openai dialect: input transcription', () => {
  it('transcribes each committed utterance (deltas, then completed with token usage), stores the transcript, and a text reply quotes it', async () => {
    const client = await connect();
    await startSession(client, {
      output_modalities: ['text'],
      audio: { input: { transcription: { model: 'gpt-4o-transcribe', language: 'en' } } },
    });
    expect(client.ofType('session.updated')[0].session.audio.input.transcription).toEqual({
      model: 'gpt-4o-transcribe',
      language: 'en',
    });
    append(client, toneChunks(400, 600));
    const done = await client.next('response.done');
    expect(typesFrom(client, 2)).toEqual([
      'input_audio_buffer.speech_started',
      'input_audio_buffer.speech_stopped',
      'input_audio_buffer.committed',
      'conversation.item.added',
      'conversation.item.done',
      'conversation.item.input_audio_transcription.delta',
      'conversation.item.input_audio_transcription.delta',
      'conversation.item.input_audio_transcription.completed',
      ...TEXT_REPLY,
    ]);
    const transcript = '(0.40 s of audio)';
    const deltas = client.ofType('conversation.item.input_audio_transcription.delta');
    expect(deltas.map(({ item_id, content_index }) => [item_id, content_index])).toEqual([
      ['item_dev_1', 0],
      ['item_dev_1', 0],
    ]);
    expect(deltas.map((d) => d.delta).join('')).toBe(transcript);
    const completed = client.ofType('conversation.item.input_audio_transcription.completed')[0];
    expect(completed).toEqual({
      type: 'conversation.item.input_audio_transcription.completed',
      event_id: completed.event_id,
      item_id: 'item_dev_1',
      content_index: 0,
      transcript,
      // 400 ms at one token per 100 ms in; 17 characters at one token per 4 out
      usage: {
        type: 'tokens',
        input_tokens: 4,
        output_tokens: 5,
        total_tokens: 9,
        input_token_details: { text_tokens: 0, audio_tokens: 4 },
      },
    });
    // added/done went out before the transcript existed; retrieve shows it
    expect(client.ofType('conversation.item.done')[0].item.content).toEqual([{ type: 'input_audio' }]);
    expect(done.response.output[0].content).toEqual([
      { type: 'output_text', text: `You said: "${transcript}"` },
    ]);
    client.send({ type: 'conversation.item.retrieve', item_id: 'item_dev_1' });
    expect((await client.next('conversation.item.retrieved')).item).toEqual({
      id: 'item_dev_1',
      object: 'realtime.item',
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [{ type: 'input_audio', transcript }],
    });
  });

  it('a manual commit is transcribed too; whisper models report the duration; null turns transcription off again', async () => {
    const client = await connect();
    await startSession(client, {
      audio: { input: { turn_detection: null, transcription: { model: 'whisper-1' } } },
    });
    append(client, toneChunks(300, 60));
    client.send({ type: 'input_audio_buffer.commit' });
    const completed = await client.next('conversation.item.input_audio_transcription.completed');
    expect(completed).toMatchObject({
      item_id: 'item_dev_1',
      transcript: '(0.36 s of audio)',
      usage: { type: 'duration', seconds: 0.36 },
    });
    const off = await startSession(client, { audio: { input: { transcription: null } } });
    expect(off.session.audio.input).not.toHaveProperty('transcription');
    append(client, toneChunks(200, 0));
    client.send({ type: 'input_audio_buffer.commit' });
    await client.next((f) => f.type === 'conversation.item.done' && f.item.id === 'item_dev_2');
    client.send({ type: 'response.create', response: { output_modalities: ['text'] } });
    expect((await client.next('response.output_text.done')).text).toBe(
      'You said something (0.20 s of audio).',
    );
    expect(client.ofType('conversation.item.input_audio_transcription.completed')).toHaveLength(1);
    expect(client.ofType('conversation.item.input_audio_transcription.delta')).toHaveLength(2);
  });

  it('a transcription model the dev server does not know makes each transcription fail (and the turn goes on)', async () => {
    const client = await connect();
    await startSession(client, {
      output_modalities: ['text'],
      audio: { input: { transcription: { model: 'no-such-transcriber' } } },
    });
    append(client, toneChunks(200, 600));
    const done = await client.next('response.done');
    expect(typesFrom(client, 5)).toEqual([
      'conversation.item.added',
      'conversation.item.done',
      'conversation.item.input_audio_transcription.failed',
      ...TEXT_REPLY,
    ]);
    const failed = client.ofType('conversation.item.input_audio_transcription.failed')[0];
    expect(failed).toEqual({
      type: 'conversation.item.input_audio_transcription.failed',
      event_id: failed.event_id,
      item_id: 'item_dev_1',
      content_index: 0,
      error: {
        type: 'invalid_request_error',
        code: 'model_not_found',
        message:
          "The transcription model 'no-such-transcriber' does not exist or you do not have access to it.",
        param: 'audio.input.transcription.model',
      },
    });
    expect(done.response.output[0].content[0].text).toBe('You said something (0.20 s of audio).');
  });
});

describe('dev server, openai dialect: response.done status and usage', () => {
  it('usage counts what the response read and wrote (text: 4 characters a token)', async () => {
    const client = await connect();
    await startSession(client, { instructions: 'Answer in one word.' }); // 19 characters: 5 tokens
    sendText(client, 'hello there'); // 11 characters: 3 tokens
    client.send({ type: 'response.create' });
    const done = await client.next('response.done');
    expect(done.response.status).toBe('completed');
    expect(done.response).not.toHaveProperty('status_details');
    expect(client.ofType('response.created')[0].response).not.toHaveProperty('usage');
    expect(client.ofType('response.created')[0].response).not.toHaveProperty('status_details');
    expect(done.response.usage).toEqual({
      total_tokens: 14,
      input_tokens: 8,
      output_tokens: 6, // 'You said: "hello there"': 23 characters
      input_token_details: {
        text_tokens: 8,
        audio_tokens: 0,
        image_tokens: 0,
        cached_tokens: 0,
        cached_tokens_details: { text_tokens: 0, audio_tokens: 0, image_tokens: 0 },
      },
      output_token_details: { text_tokens: 6, audio_tokens: 0 },
    });
  });

  it('a spoken reply: audio in at one token per 100 ms, out at one per 50 ms, plus its transcript', async () => {
    const client = await connect();
    await startSession(client);
    append(client, toneChunks(400, 600));
    const done = await client.next('response.done');
    expect(done.response.usage).toMatchObject({
      total_tokens: 14,
      input_tokens: 4,
      output_tokens: 10,
      input_token_details: { text_tokens: 0, audio_tokens: 4 },
      output_token_details: { text_tokens: 2, audio_tokens: 8 }, // '(echo)', 400 ms
    });
  });

  it("max_output_tokens (the response's, else the session's) cuts the reply there: incomplete, max_output_tokens", async () => {
    const client = await connect();
    await startSession(client, { max_output_tokens: 6 });
    sendText(client, 'hello there');
    client.send({ type: 'response.create', response: { max_output_tokens: 3 } });
    const text = await client.next(responseDone('resp_dev_1'));
    expect(client.ofType('response.output_text.done')[0].text).toBe('You said: "h');
    expect(text.response).toMatchObject({
      status: 'incomplete',
      status_details: { type: 'incomplete', reason: 'max_output_tokens' },
      max_output_tokens: 3,
      output: [{ status: 'incomplete', content: [{ type: 'output_text', text: 'You said: "h' }] }],
      usage: { output_tokens: 3 },
    });
    // the session's budget: the transcript (2 tokens), then 4 tokens of audio = 200 ms of the 400
    append(client, toneChunks(400, 600));
    const spoken = await client.next(responseDone('resp_dev_2'));
    expect(
      client.ofType('response.output_audio.delta').filter((d) => d.response_id === 'resp_dev_2'),
    ).toHaveLength(10);
    expect(spoken.response).toMatchObject({
      status: 'incomplete',
      status_details: { type: 'incomplete', reason: 'max_output_tokens' },
      max_output_tokens: 6,
      output: [{ status: 'incomplete', content: [{ type: 'output_audio', transcript: '(echo)' }] }],
      usage: { output_tokens: 6, output_token_details: { text_tokens: 2, audio_tokens: 4 } },
    });
    // a reply within the budget completes
    client.send({
      type: 'response.create',
      response: { max_output_tokens: 4096, output_modalities: ['text'] },
    });
    expect((await client.next(responseDone('resp_dev_3'))).response.status).toBe('completed');
  });

  it('a cancelled response counts what was sent before the cancel', async () => {
    const client = await connect();
    await startSession(client);
    append(client, toneChunks(1000, 600));
    await client.next(() => client.ofType('response.output_audio.delta').length >= 5);
    client.send({ type: 'response.cancel' });
    const done = await client.next('response.done');
    const sent = client.ofType('response.output_audio.delta').length;
    expect(done.response.usage.output_token_details).toEqual({
      text_tokens: 2,
      audio_tokens: Math.ceil((sent * 20) / 50),
    });
  });
});

describe('dev server, openai dialect: rate_limits.updated', () => {
  it('follows each response.created; requests and tokens remaining go down', async () => {
    const client = await connect();
    await startSession(client);
    sendText(client, 'hello there');
    client.send({ type: 'response.create', response: { output_modalities: ['text'] } });
    await client.next(responseDone('resp_dev_1'));
    sendText(client, 'and again');
    client.send({ type: 'response.create', response: { output_modalities: ['text'] } });
    await client.next(responseDone('resp_dev_2'));
    const types = client.types();
    for (const created of client.ofType('response.created'))
      expect(types[client.frames.indexOf(created) + 1]).toBe('rate_limits.updated');
    const [first, second] = client.ofType('rate_limits.updated').map((e) => e.rate_limits);
    // the first reserves its input (3 tokens) and an unbounded output (4096)
    expect(first).toEqual([
      { name: 'requests', limit: 5000, remaining: 4999, reset_seconds: 0.012 },
      { name: 'tokens', limit: 400000, remaining: 395901, reset_seconds: 0.615 },
    ]);
    // the second: the first's 9 tokens used, then its own input (3 + 6 + 3) and 4096 reserved
    expect(second).toEqual([
      { name: 'requests', limit: 5000, remaining: 4998, reset_seconds: 0.024 },
      { name: 'tokens', limit: 400000, remaining: 395883, reset_seconds: 0.618 },
    ]);
  });
});

describe('dev server, openai dialect: out-of-band responses', () => {
  it("conversation: 'none': the same events without the conversation's, conversation_id null, metadata echoed; its item is not in the conversation", async () => {
    const client = await connect();
    await startSession(client);
    sendText(client, 'hello there');
    await client.next('conversation.item.done');
    const from = client.frames.length;
    client.send({
      type: 'response.create',
      response: {
        conversation: 'none',
        metadata: { purpose: 'classify' },
        output_modalities: ['text'],
        instructions: 'one word',
      },
    });
    const done = await client.next('response.done');
    expect(typesFrom(client, from)).toEqual(
      TEXT_REPLY.filter((type) => type !== 'conversation.item.added' && type !== 'conversation.item.done'),
    );
    const created = client.ofType('response.created')[0].response;
    for (const response of [created, done.response]) {
      expect(response).toMatchObject({ id: 'resp_dev_1', metadata: { purpose: 'classify' } });
      expect(response.conversation_id).toBeNull(); // as the API documents it
    }
    expect(done.response.output).toEqual([
      {
        id: 'item_dev_2',
        object: 'realtime.item',
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'You said: "hello there" (instructions: one word)' }],
      },
    ]);
    client.send({ type: 'conversation.item.retrieve', item_id: 'item_dev_2' });
    expect((await client.next('error')).error).toMatchObject({ code: 'invalid_value', param: 'item_id' });
    // the conversation goes on from the user item
    client.send({ type: 'response.create', response: { output_modalities: ['text'] } });
    const inBand = await client.next(responseDone('resp_dev_2'));
    expect(inBand.response.conversation_id).toBe('conv_dev_1');
    expect(inBand.response.metadata).toBeNull();
    expect(client.ofType('conversation.item.added').at(-1)).toMatchObject({
      previous_item_id: 'item_dev_1',
      item: { id: 'item_dev_3' },
    });
  });

  it('input: its own items, or references to the conversation, are what it answers', async () => {
    const client = await connect();
    await startSession(client, { output_modalities: ['text'] });
    sendText(client, 'first');
    sendText(client, 'second');
    await client.next((f) => f.type === 'conversation.item.done' && f.item.id === 'item_dev_2');
    client.send({
      type: 'response.create',
      response: {
        conversation: 'none',
        input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'classify this' }] }],
      },
    });
    const own = await client.next(responseDone('resp_dev_1'));
    expect(own.response.output[0].content[0].text).toBe('You said: "classify this"');
    expect(own.response.usage.input_tokens).toBe(4); // only its input: 'classify this'
    client.send({
      type: 'response.create',
      response: { conversation: 'none', input: [{ type: 'item_reference', id: 'item_dev_1' }] },
    });
    const referenced = await client.next(responseDone('resp_dev_2'));
    expect(referenced.response.output[0].content[0].text).toBe('You said: "first"');
    // input with conversation 'auto': a fresh context, but the reply joins the conversation
    client.send({ type: 'response.create', response: { input: [] } });
    const empty = await client.next(responseDone('resp_dev_3'));
    expect(empty.response.output[0].content[0].text).toBe('You have not said anything yet.');
    expect(client.ofType('conversation.item.done').at(-1)!.item.id).toBe(empty.response.output[0].id);
    client.send({
      type: 'response.create',
      event_id: 'evt_ref',
      response: { conversation: 'none', input: [{ type: 'item_reference', id: 'item_nope' }] },
    });
    expect((await client.next('error')).error).toMatchObject({
      code: 'invalid_value',
      param: 'response.input[0].id',
      event_id: 'evt_ref',
    });
  });

  it('runs alongside the conversation response (which still refuses a second one); response.cancel takes its id', async () => {
    const client = await connect();
    await startSession(client);
    append(client, toneChunks(1000, 600)); // resp_dev_1: a 1 s echo
    await client.next('response.output_audio.delta');
    client.send({
      type: 'response.create',
      response: { conversation: 'none', output_modalities: ['text'], metadata: { n: '1' } },
    });
    client.send({ type: 'response.create', event_id: 'evt_second' });
    client.send({ type: 'response.create', response: { conversation: 'none' } }); // resp_dev_3 speaks: an echo too
    const outOfBand = await client.next(responseDone('resp_dev_2'));
    expect(outOfBand.response.status).toBe('completed');
    expect(client.ofType('error').map((e) => [e.error.code, e.error.event_id])).toEqual([
      ['conversation_already_has_active_response', 'evt_second'],
    ]);
    await client.next((f) => f.type === 'response.output_audio.delta' && f.response_id === 'resp_dev_3');
    client.send({ type: 'response.cancel', response_id: 'resp_dev_3' });
    const cancelled = await client.next(responseDone('resp_dev_3'));
    expect(cancelled.response.status_details).toEqual({ type: 'cancelled', reason: 'client_cancelled' });
    const first = await client.next(responseDone('resp_dev_1'));
    expect(first.response.status).toBe('completed');
    expect(
      client.ofType('response.output_audio.delta').filter((d) => d.response_id === 'resp_dev_1'),
    ).toHaveLength(50);
  });

  it('refuses bad response parameters, naming them', async () => {
    const client = await connect();
    await startSession(client);
    const bad = [
      { conversation: 'other' },
      { modalities: ['text'] },
      { metadata: { n: 1 } },
      { max_output_tokens: 0 },
      { output_modalities: ['audio', 'text'] },
      { input: 'hello' },
      { tools: [{ type: 'mcp', server_label: 'x' }] },
    ];
    for (const response of bad) client.send({ type: 'response.create', response });
    await client.next(() => client.ofType('error').length === bad.length);
    expect(client.ofType('error').map((e) => [e.error.code, e.error.param])).toEqual([
      ['invalid_value', 'response.conversation'],
      ['unknown_parameter', 'response.modalities'],
      ['invalid_type', 'response.metadata.n'],
      ['invalid_value', 'response.max_output_tokens'],
      ['invalid_value', 'response.output_modalities'],
      ['invalid_type', 'response.input'],
      ['invalid_value', 'response.tools[0].type'],
    ]);
    expect(client.ofType('response.created')).toEqual([]);
  });
});

describe('dev server, openai dialect: images', () => {
  it('accepts input_image parts; a text reply mentions the image; images count as input tokens', async () => {
    const client = await connect();
    await startSession(client, { output_modalities: ['text'] });
    client.send({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_text', text: 'what is this?' },
          { type: 'input_image', image_url: PNG, detail: 'low' },
        ],
      },
    });
    const added = await client.next('conversation.item.added');
    expect(added.item.content).toEqual([
      { type: 'input_text', text: 'what is this?' },
      { type: 'input_image', image_url: PNG, detail: 'low' },
    ]);
    client.send({ type: 'response.create' });
    const done = await client.next(responseDone('resp_dev_1'));
    expect(done.response.output[0].content[0].text).toBe('You sent an image and said: "what is this?"');
    expect(done.response.usage.input_token_details).toMatchObject({ text_tokens: 4, image_tokens: 85 });
    client.send({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_image', image_url: 'https://example.com/a.png' },
          { type: 'input_image', image_url: PNG, detail: 'high' },
        ],
      },
    });
    client.send({ type: 'response.create' });
    const two = await client.next(responseDone('resp_dev_2'));
    expect(two.response.output[0].content[0].text).toBe('You sent 2 images.');
    expect(client.ofType('conversation.item.added').at(-2)!.item.content[0]).toEqual({
      type: 'input_image',
      image_url: 'https://example.com/a.png',
      detail: 'auto',
    });
  });

  it('refuses an image without a string image_url, a URL that is neither data: nor https:, a bad detail, and parts its role does not take', async () => {
    const client = await connect();
    await startSession(client);
    const create = (role: string, part: Record<string, unknown>) =>
      client.send({
        type: 'conversation.item.create',
        item: { type: 'message', role, content: [{ type: 'input_text', text: 'look' }, part] },
      });
    create('user', { type: 'input_image' });
    create('user', { type: 'input_image', image_url: 42 });
    create('user', { type: 'input_image', image_url: 'ftp://example.com/a.png' });
    create('user', { type: 'input_image', image_url: PNG, detail: 'huge' });
    create('system', { type: 'input_image', image_url: PNG });
    create('assistant', { type: 'input_text', text: 'x' });
    await client.next(() => client.ofType('error').length === 6);
    expect(client.ofType('error').map((e) => [e.error.code, e.error.param])).toEqual([
      ['missing_required_parameter', 'item.content[1].image_url'],
      ['invalid_type', 'item.content[1].image_url'],
      ['invalid_value', 'item.content[1].image_url'],
      ['invalid_value', 'item.content[1].detail'],
      ['invalid_value', 'item.content[1].type'],
      ['invalid_value', 'item.content[0].type'],
    ]);
    expect(client.ofType('error')[0].error.message).toBe(
      "Missing required parameter: 'item.content[1].image_url'.",
    );
    expect(client.ofType('conversation.item.added')).toEqual([]);
  });
});

describe('dev server, openai dialect: scripted model behaviour', () => {
  const weather = {
    type: 'function',
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
  };

  it('"call <tool> <JSON>" makes the next response a function call of a declared tool, in the GA sequence; its output then gets the quoting reply', async () => {
    const client = await connect();
    await startSession(client, { tools: [weather] });
    sendText(client, 'call get_weather {"city":"Paris"}');
    await client.next('conversation.item.done');
    const from = client.frames.length;
    client.send({ type: 'response.create' });
    const done = await client.next(responseDone('resp_dev_1'));
    expect(typesFrom(client, from)).toEqual([
      'response.created',
      'rate_limits.updated',
      'response.output_item.added',
      'conversation.item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
    ]);
    const started = {
      id: 'item_dev_2',
      object: 'realtime.item',
      type: 'function_call',
      status: 'in_progress',
      name: 'get_weather',
      call_id: 'call_dev_1',
      arguments: '',
    };
    const call = { ...started, status: 'completed', arguments: '{"city":"Paris"}' };
    const byType = (type: string) => client.frames.slice(from).find((f) => f.type === type)!;
    expect(byType('response.output_item.added')).toMatchObject({
      response_id: 'resp_dev_1',
      output_index: 0,
      item: started,
    });
    expect(byType('conversation.item.added')).toMatchObject({
      previous_item_id: 'item_dev_1',
      item: started,
    });
    const ids = { response_id: 'resp_dev_1', item_id: 'item_dev_2', output_index: 0, call_id: 'call_dev_1' };
    expect(byType('response.function_call_arguments.delta')).toMatchObject({
      ...ids,
      delta: '{"city":"Paris"}',
    });
    expect(byType('response.function_call_arguments.done')).toMatchObject({
      ...ids,
      name: 'get_weather',
      arguments: '{"city":"Paris"}',
    });
    expect(byType('response.output_item.done').item).toEqual(call);
    expect(byType('conversation.item.done')).toMatchObject({ previous_item_id: 'item_dev_1', item: call });
    expect(done.response).toMatchObject({
      status: 'completed',
      output: [call],
      output_modalities: ['audio'],
    });
    client.send({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: 'call_dev_1', output: '{"sunny":true}' },
    });
    client.send({ type: 'response.create' });
    expect((await client.next('response.output_text.done')).text).toBe(
      'The function call call_dev_1 returned: "{"sunny":true}"',
    );
  });

  it('a tool the response declares works too; an undeclared one, bad arguments or tool_choice none get a text reply saying so', async () => {
    const client = await connect();
    await startSession(client, { output_modalities: ['text'] });
    const attempt = async (text: string, response: Record<string, unknown> = {}) => {
      sendText(client, text);
      client.send({ type: 'response.create', response });
      const id = `resp_dev_${client.ofType('response.created').length + 1}`;
      return (await client.next(responseDone(id))).response.output[0];
    };
    expect(await attempt('call get_weather {"city":"Oslo"}')).toMatchObject({
      type: 'message',
      content: [
        {
          text: 'I cannot call get_weather: no function tool of that name is declared in the session or the response.',
        },
      ],
    });
    expect(await attempt('call get_weather {"city":"Oslo"}', { tools: [weather] })).toMatchObject({
      type: 'function_call',
      name: 'get_weather',
      arguments: '{"city":"Oslo"}',
    });
    expect(await attempt('call get_weather', { tools: [weather] })).toMatchObject({ arguments: '{}' });
    expect((await attempt('call get_weather {city}', { tools: [weather] })).content[0].text).toBe(
      'I cannot call get_weather: its arguments are not valid JSON.',
    );
    expect(
      (await attempt('call get_weather {}', { tools: [weather], tool_choice: 'none' })).content[0].text,
    ).toBe("I cannot call get_weather: tool_choice is 'none'.");
    // not a command: an ordinary quote
    expect((await attempt('call me later')).content[0].text).toBe('You said: "call me later"');
  });

  it('"fail <message>" makes the next response fail, without closing the session; a retry answers normally', async () => {
    const client = await connect();
    await startSession(client, { output_modalities: ['text'] });
    sendText(client, 'fail upstream timeout');
    await client.next('conversation.item.done');
    const from = client.frames.length;
    client.send({ type: 'response.create', response: { metadata: { attempt: '1' } } });
    const failed = await client.next(responseDone('resp_dev_1'));
    expect(typesFrom(client, from)).toEqual(['response.created', 'rate_limits.updated', 'response.done']);
    expect(failed.response).toMatchObject({
      id: 'resp_dev_1',
      status: 'failed',
      status_details: {
        type: 'failed',
        error: { type: 'server_error', code: 'scripted_failure', message: 'upstream timeout' },
      },
      output: [],
      metadata: { attempt: '1' },
      usage: { output_tokens: 0 },
    });
    client.send({ type: 'response.create' });
    const retry = await client.next(responseDone('resp_dev_2'));
    expect(retry.response.status).toBe('completed');
    expect(retry.response.output[0].content[0].text).toBe('You said: "fail upstream timeout"');
    expect(client.socket.readyState).toBe(client.socket.OPEN);
  });
});

describe('dev server, openai dialect: output_audio_buffer.clear', () => {
  it('stops a spoken reply: output_audio_buffer.cleared, then the reply ends cancelled (client_cancelled)', async () => {
    const client = await connect();
    await startSession(client);
    append(client, toneChunks(1000, 600));
    await client.next(() => client.ofType('response.output_audio.delta').length >= 5);
    client.send({ type: 'output_audio_buffer.clear' });
    const done = await client.next('response.done');
    const sent = client.ofType('response.output_audio.delta').length;
    await sleep(100);
    expect(client.ofType('response.output_audio.delta')).toHaveLength(sent);
    const types = client.types();
    expect(types.slice(types.lastIndexOf('response.output_audio.delta') + 1)).toEqual([
      'output_audio_buffer.cleared',
      'response.output_audio.done',
      'response.output_audio_transcript.done',
      'response.content_part.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
    ]);
    expect(client.ofType('output_audio_buffer.cleared')[0].response_id).toBe('resp_dev_1');
    expect(done.response).toMatchObject({
      status: 'cancelled',
      status_details: { type: 'cancelled', reason: 'client_cancelled' },
      output: [{ status: 'incomplete' }],
    });
  });

  it('with no audio playing it is already clear (cleared for the latest response; an error before any), and it is listed among the client types', async () => {
    const client = await connect();
    await startSession(client, { output_modalities: ['text'] });
    client.send({ type: 'output_audio_buffer.clear', event_id: 'evt_clear' });
    client.send({ type: 'output_audio_buffer.flush' });
    await client.next(() => client.ofType('error').length === 2);
    const [clear, unknown] = client.ofType('error').map((e) => e.error);
    expect(clear).toEqual({
      type: 'invalid_request_error',
      code: 'output_audio_buffer_empty',
      message: 'Cannot clear the output audio buffer: no response has been created yet.',
      param: null,
      event_id: 'evt_clear',
    });
    expect(unknown.message).toContain("'input_audio_buffer.clear', 'output_audio_buffer.clear', ");
    client.send({ type: 'response.create' });
    await client.next(responseDone('resp_dev_1'));
    client.send({ type: 'output_audio_buffer.clear' });
    expect((await client.next('output_audio_buffer.cleared')).response_id).toBe('resp_dev_1');
  });
});

describe('dev server, openai dialect: session fields', () => {
  it('checks what it echoes: include, noise_reduction and tools are set and unset per GA, bad values are refused', async () => {
    const client = await connect();
    const set = await startSession(client, {
      include: ['item.input_audio_transcription.logprobs'],
      tracing: 'auto',
      truncation: { type: 'retention_ratio', retention_ratio: 0.5 },
      audio: { input: { noise_reduction: { type: 'far_field' } } },
    });
    expect(set.session).toMatchObject({
      include: ['item.input_audio_transcription.logprobs'],
      tracing: 'auto',
      truncation: { type: 'retention_ratio', retention_ratio: 0.5 },
      audio: { input: { noise_reduction: { type: 'far_field' } } },
    });
    const unset = await startSession(client, { include: null, audio: { input: { noise_reduction: null } } });
    expect(unset.session).not.toHaveProperty('include');
    expect(unset.session.audio.input).not.toHaveProperty('noise_reduction');
    const bad = [
      { max_output_tokens: 5000 },
      { tools: [{ type: 'function' }] },
      { tool_choice: 'sometimes' },
      { include: ['everything'] },
      { audio: { output: { speed: 3 } } },
      { audio: { input: { noise_reduction: { type: 'loud' } } } },
      { audio: { input: { transcription: { model: 7 } } } },
      { audio: { input: { turn_detection: { type: 'server_vad', create_response: 'yes' } } } },
    ];
    for (const session of bad)
      client.send({ type: 'session.update', session: { type: 'realtime', ...session } });
    await client.next(() => client.ofType('error').length === bad.length);
    expect(client.ofType('error').map((e) => [e.error.code, e.error.param])).toEqual([
      ['invalid_value', 'session.max_output_tokens'],
      ['missing_required_parameter', 'session.tools[0].name'],
      ['invalid_value', 'session.tool_choice'],
      ['invalid_value', 'session.include[0]'],
      ['invalid_value', 'session.audio.output.speed'],
      ['invalid_value', 'session.audio.input.noise_reduction.type'],
      ['invalid_type', 'session.audio.input.transcription.model'],
      ['invalid_type', 'session.audio.input.turn_detection.create_response'],
    ]);
    expect(client.ofType('session.updated')).toHaveLength(2);
  });
});

describe('dev server, openai dialect: the recorded fixtures', () => {
  it('hold only valid GA server events (they are recorded from the dev server)', () => {
    const frames = Object.values(fixtures).flatMap((fixture) =>
      fixture.server.map((frame) => JSON.parse(frame.data) as Record<string, unknown>),
    );
    expect(frames.length).toBeGreaterThan(40);
    expect(frames.map(gaProblem).filter((problem) => problem !== undefined)).toEqual([]);
  });
});

describe('dev server, openai dialect: G.711 sessions', () => {
  it.each([
    ['audio/pcmu', 'ulaw'],
    ['audio/pcma', 'alaw'],
  ] as const)(
    '%s: hears 8 kHz G.711, echoes in G.711 at 8 kHz (20 ms = 160 bytes a frame)',
    async (type, law) => {
      const client = await connect();
      const updated = await startSession(client, {
        audio: { input: { format: { type } }, output: { format: { type } } },
      });
      expect(updated.session.audio.input.format).toEqual({ type });
      expect(updated.session.audio.output.format).toEqual({ type });
      for (const chunk of toneChunks(400, 600, 8000))
        client.send({
          type: 'input_audio_buffer.append',
          audio: Buffer.from(pcm16ToG711(chunk, law)).toString('base64'),
        });
      const done = await client.next('response.done', 5000);
      expect(done.response.status).toBe('completed');
      expect(done.response.audio.output.format).toEqual({ type });
      const deltas = client.ofType('response.output_audio.delta').map((d) => Buffer.from(d.delta, 'base64'));
      expect(deltas.length).toBeGreaterThan(15);
      expect(deltas.slice(0, -1).every((bytes) => bytes.length === 160)).toBe(true);
      // The echo is the tone: loud in the middle, G.711 decoded.
      const middle = g711ToPcm16(deltas[Math.floor(deltas.length / 4)], law);
      const peak = middle.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
      expect(peak).toBeGreaterThan(0.2 * 32767);
      expect(peak).toBeLessThan(0.4 * 32767);
    },
  );

  it('refuses a G.711 format with a rate, naming the path', async () => {
    const client = await connect();
    client.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { format: { type: 'audio/pcmu', rate: 8000 } } } },
    });
    const error = await client.next('error');
    expect(error.error).toMatchObject({ code: 'invalid_value', param: 'session.audio.input.format' });
  });
});
