import fc from 'fast-check';
import { IGNORED_TYPE, UNKNOWN_TYPE, type Decoded } from '../../src/protocol/dialect';
import {
  OPENAI_DECODED_TYPES,
  OPENAI_IGNORED_TYPES,
  decodeOpenAI,
  openaiDialect,
} from '../../src/protocol/openai';
import type { RealtimeEvent } from '../../src/protocol/events';
import { OPENAI_GA_SERVER_EVENT_TYPES, OpenAIServerEventCodecs } from '../../src/protocol/openai/wire';
import { openaiServerEvent as ev } from '../../src/testing/openaiServerEvent';

const decode = (message: unknown) => decodeOpenAI(JSON.stringify(message));
const newSession = (session?: object) =>
  openaiDialect.prepare({ url: 'https://api.openai.com', session: session }).newSession();
/** Through a dialect session too: it must decode exactly like the stateless decoder. */
const decodeInSession = (message: unknown) => newSession().decode(JSON.stringify(message));

const at = { item_id: 'item_9', response_id: 'resp_9' };
const functionCall = {
  id: 'item_4',
  type: 'function_call' as const,
  status: 'completed' as const,
  call_id: 'call_1',
  name: 'lookup',
  arguments: '{"q":"x"}',
};

/** Every GA server event (and beta alias) that maps to an event, as the API sends it. */
const MAPPED: [string, object, RealtimeEvent][] = [
  [
    'session.created',
    ev('session.created', { session: { type: 'realtime', id: 'sess_1', instructions: 'x' } as never }),
    { type: 'session.created', sessionId: 'sess_1' },
  ],
  [
    'session.updated',
    ev('session.updated', {
      session: { type: 'realtime', id: 'sess_1', instructions: 'Be brief.' } as never,
    }),
    { type: 'session.updated', sessionId: 'sess_1', instructions: 'Be brief.' },
  ],
  [
    'response.output_audio.delta',
    ev('response.output_audio.delta', { ...at, delta: 'AAAAAA==' }),
    {
      type: 'audio.out',
      frame: { data: 'AAAAAA==', sampleRate: 24000, numChannels: 1, samplesPerChannel: 2, itemId: 'item_9' },
    },
  ],
  [
    'response.audio.delta (beta)',
    ev('response.audio.delta', { ...at, delta: 'AAAAAAAA' }),
    {
      type: 'audio.out',
      frame: { data: 'AAAAAAAA', sampleRate: 24000, numChannels: 1, samplesPerChannel: 3, itemId: 'item_9' },
    },
  ],
  [
    'conversation.item.input_audio_transcription.delta',
    ev('conversation.item.input_audio_transcription.delta', { item_id: 'item_u', delta: 'Hel' }),
    { type: 'transcript.delta', role: 'user', delta: 'Hel', itemId: 'item_u' },
  ],
  [
    'conversation.item.input_audio_transcription.completed',
    ev('conversation.item.input_audio_transcription.completed', { item_id: 'item_u', transcript: 'Hello' }),
    { type: 'transcript.done', role: 'user', text: 'Hello', itemId: 'item_u' },
  ],
  [
    'conversation.item.input_audio_transcription.failed',
    ev('conversation.item.input_audio_transcription.failed', {
      item_id: 'item_u',
      error: { type: 'transcription_error', code: 'audio_unintelligible', message: 'Could not understand.' },
    }),
    { type: 'transcript.failed', itemId: 'item_u', message: 'Could not understand.' },
  ],
  [
    'response.output_audio_transcript.delta',
    ev('response.output_audio_transcript.delta', { ...at, delta: 'Hi' }),
    { type: 'transcript.delta', role: 'assistant', delta: 'Hi', itemId: 'item_9', responseId: 'resp_9' },
  ],
  [
    'response.audio_transcript.delta (beta)',
    ev('response.audio_transcript.delta', { ...at, delta: 'Hi' }),
    { type: 'transcript.delta', role: 'assistant', delta: 'Hi', itemId: 'item_9', responseId: 'resp_9' },
  ],
  [
    'response.output_text.delta',
    ev('response.output_text.delta', { ...at, delta: 'T' }),
    { type: 'transcript.delta', role: 'assistant', delta: 'T', itemId: 'item_9', responseId: 'resp_9' },
  ],
  [
    'response.text.delta (beta)',
    ev('response.text.delta', { ...at, delta: 'T' }),
    { type: 'transcript.delta', role: 'assistant', delta: 'T', itemId: 'item_9', responseId: 'resp_9' },
  ],
  [
    'response.output_audio_transcript.done',
    ev('response.output_audio_transcript.done', { ...at, transcript: 'Hi there' }),
    { type: 'transcript.done', role: 'assistant', text: 'Hi there', itemId: 'item_9', responseId: 'resp_9' },
  ],
  [
    'response.audio_transcript.done (beta)',
    ev('response.audio_transcript.done', { ...at, transcript: 'Hi there' }),
    { type: 'transcript.done', role: 'assistant', text: 'Hi there', itemId: 'item_9', responseId: 'resp_9' },
  ],
  [
    'response.output_text.done',
    ev('response.output_text.done', { ...at, text: 'Text' }),
    { type: 'transcript.done', role: 'assistant', text: 'Text', itemId: 'item_9', responseId: 'resp_9' },
  ],
  [
    'response.text.done (beta)',
    ev('response.text.done', { ...at, text: 'Text' }),
    { type: 'transcript.done', role: 'assistant', text: 'Text', itemId: 'item_9', responseId: 'resp_9' },
  ],
  [
    'input_audio_buffer.speech_started',
    ev('input_audio_buffer.speech_started', { audio_start_ms: 1000, item_id: 'item_u' }),
    { type: 'speech.started', itemId: 'item_u' },
  ],
  [
    'input_audio_buffer.speech_stopped',
    ev('input_audio_buffer.speech_stopped', { audio_end_ms: 2400, item_id: 'item_u' }),
    { type: 'speech.stopped', itemId: 'item_u', audioEndMs: 2400 },
  ],
  [
    'input_audio_buffer.committed',
    ev('input_audio_buffer.committed', { item_id: 'item_u', previous_item_id: 'item_0' }),
    { type: 'input.committed', itemId: 'item_u', previousItemId: 'item_0' },
  ],
  ['input_audio_buffer.cleared', ev('input_audio_buffer.cleared'), { type: 'input.cleared' }],
  [
    'input_audio_buffer.timeout_triggered',
    ev('input_audio_buffer.timeout_triggered', { item_id: 'item_t', audio_start_ms: 0, audio_end_ms: 5000 }),
    { type: 'input.timeout', itemId: 'item_t' },
  ],
  [
    'conversation.item.added',
    ev('conversation.item.added', {
      item: { id: 'item_1', type: 'message', role: 'user', content: [] },
    }),
    { type: 'conversation.item.added', item: { id: 'item_1', type: 'message', role: 'user', content: [] } },
  ],
  [
    'conversation.item.created (beta)',
    ev('conversation.item.created', { item: { id: 'item_2', type: 'message', role: 'system', content: [] } }),
    { type: 'conversation.item.added', item: { id: 'item_2', type: 'message', role: 'system', content: [] } },
  ],
  [
    'conversation.item.done (message)',
    ev('conversation.item.done', {
      item: { id: 'item_3', type: 'message', role: 'assistant', status: 'completed', content: [] },
    }),
    { type: 'conversation.item.done', itemId: 'item_3' },
  ],
  [
    'conversation.item.done (function_call)',
    ev('conversation.item.done', { item: functionCall }),
    { type: 'tool.call', callId: 'call_1', name: 'lookup', arguments: '{"q":"x"}', itemId: 'item_4' },
  ],
  [
    'conversation.item.retrieved',
    ev('conversation.item.retrieved', { item: functionCall }),
    { type: 'item.retrieved', item: functionCall },
  ],
  [
    'conversation.item.truncated',
    ev('conversation.item.truncated', { item_id: 'item_5', content_index: 0, audio_end_ms: 1500 }),
    { type: 'item.truncated', itemId: 'item_5', contentIndex: 0, audioEndMs: 1500 },
  ],
  [
    'conversation.item.deleted',
    ev('conversation.item.deleted', { item_id: 'item_6' }),
    { type: 'item.deleted', itemId: 'item_6' },
  ],
  [
    'rate_limits.updated',
    ev('rate_limits.updated', {
      rate_limits: [
        { name: 'requests', limit: 1000, remaining: 999, reset_seconds: 60 },
        { name: 'tokens', limit: 50_000, remaining: 49_000, reset_seconds: 0.5 },
        { name: 'tokens', remaining: 3 }, // partial: left out
      ],
    }),
    {
      type: 'rate_limits',
      limits: [
        { name: 'requests', limit: 1000, remaining: 999, resetSeconds: 60 },
        { name: 'tokens', limit: 50_000, remaining: 49_000, resetSeconds: 0.5 },
      ],
    },
  ],
  [
    'response.created',
    ev('response.created', { response: { id: 'resp_1', status: 'in_progress', metadata: { topic: 'x' } } }),
    { type: 'response.created', responseId: 'resp_1', metadata: { topic: 'x' } },
  ],
  [
    'response.done (completed, with usage)',
    ev('response.done', {
      response: {
        id: 'resp_1',
        status: 'completed',
        output: [],
        usage: {
          total_tokens: 30,
          input_tokens: 20,
          output_tokens: 10,
          input_token_details: { text_tokens: 5, audio_tokens: 15, image_tokens: 0, cached_tokens: 4 },
          output_token_details: { text_tokens: 2, audio_tokens: 8 },
        },
      },
    }),
    {
      type: 'response.done',
      responseId: 'resp_1',
      status: 'completed',
      usage: {
        inputTokens: 20,
        outputTokens: 10,
        totalTokens: 30,
        inputTokenDetails: { textTokens: 5, audioTokens: 15, imageTokens: 0, cachedTokens: 4 },
        outputTokenDetails: { textTokens: 2, audioTokens: 8 },
      },
    },
  ],
  [
    'response.done (incomplete)',
    ev('response.done', {
      response: {
        id: 'resp_1',
        status: 'incomplete',
        status_details: { type: 'incomplete', reason: 'max_output_tokens' },
        metadata: { purpose: 'summary' },
      },
    }),
    {
      type: 'response.done',
      responseId: 'resp_1',
      status: 'incomplete',
      statusDetails: { reason: 'max_output_tokens' },
      metadata: { purpose: 'summary' },
    },
  ],
  [
    'response.done (failed)',
    ev('response.done', {
      response: {
        id: 'resp_1',
        status: 'failed',
        status_details: {
          type: 'failed',
          error: { type: 'server_error', code: 'overloaded', message: 'try again' },
        },
      },
    }),
    {
      type: 'response.done',
      responseId: 'resp_1',
      status: 'failed',
      statusDetails: { error: { type: 'server_error', code: 'overloaded' } },
    },
  ],
  [
    'response.done (cancelled)',
    ev('response.done', {
      response: {
        id: 'resp_1',
        status: 'cancelled',
        status_details: { type: 'cancelled', reason: 'turn_detected' },
        usage: { total_tokens: 3, input_tokens: 2, output_tokens: 1 },
      },
    }),
    {
      type: 'response.cancelled',
      responseId: 'resp_1',
      status: 'cancelled',
      statusDetails: { reason: 'turn_detected' },
      usage: { inputTokens: 2, outputTokens: 1, totalTokens: 3 },
    },
  ],
  [
    'response.cancelled (alias, response.id)',
    { type: 'response.cancelled', response: { id: 'resp_2' } },
    { type: 'response.cancelled', responseId: 'resp_2' },
  ],
  [
    'response.cancelled (alias, response_id)',
    { type: 'response.cancelled', response_id: 'resp_3' },
    { type: 'response.cancelled', responseId: 'resp_3' },
  ],
  ['response.cancelled (alias, no id)', { type: 'response.cancelled' }, { type: 'response.cancelled' }],
  [
    'error (fatal, with code)',
    ev('error', {
      error: {
        type: 'invalid_request_error',
        code: 'invalid_value',
        message: "Invalid value: 'x'.",
        param: 'session.voice',
        event_id: null,
      },
    }),
    { type: 'error', message: "Invalid value: 'x'.", code: 'invalid_value' },
  ],
  [
    'error (fatal, null code)',
    ev('error', {
      error: { type: 'server_error', code: null, message: 'boom', param: null, event_id: null },
    }),
    { type: 'error', message: 'boom' },
  ],
  [
    'error (fatal, no code)',
    ev('error', { error: { type: 'server_error', message: 'boom' } }),
    { type: 'error', message: 'boom' },
  ],
  [
    'error (recoverable: active response)',
    ev('error', {
      error: {
        type: 'invalid_request_error',
        code: 'conversation_already_has_active_response',
        message:
          'Conversation already has an active response in progress: resp_1. Wait until the response is finished before creating a new one.',
        param: null,
        event_id: null,
      },
    }),
    {
      type: 'invalid',
      messageType: 'error',
      detail:
        'server rejected a request (conversation_already_has_active_response): Conversation already has an active response in progress: resp_1. Wait until the response is finished before creating a new one.',
    },
  ],
  [
    'error (recoverable: cancel not active)',
    ev('error', {
      error: {
        type: 'invalid_request_error',
        code: 'response_cancel_not_active',
        message: 'Cancellation failed: no active response found',
      },
    }),
    {
      type: 'invalid',
      messageType: 'error',
      detail:
        'server rejected a request (response_cancel_not_active): Cancellation failed: no active response found',
    },
  ],
];

describe('decodeOpenAI: every mapped GA event and alias', () => {
  it.each(MAPPED)('%s', (_name, message, event) => {
    expect(decode(message)).toEqual(event);
    expect(decodeInSession(message)).toEqual(event);
  });

  it('covers every type in the decoder table', () => {
    const covered = new Set(MAPPED.map(([, message]) => (message as { type: string }).type));
    // The output item events map only in a session's context (see below).
    covered.add('response.output_item.added').add('response.output_item.done');
    expect([...OPENAI_DECODED_TYPES].sort()).toEqual([...covered].sort());
  });

  it('reaches every one of the 46 GA server events, and every alias: mapped or ignored, none unknown', () => {
    expect(OPENAI_GA_SERVER_EVENT_TYPES).toHaveLength(46);
    const known = [...OPENAI_DECODED_TYPES, ...OPENAI_IGNORED_TYPES].sort();
    expect(known).toEqual(Object.keys(OpenAIServerEventCodecs).sort());
    for (const type of Object.keys(OpenAIServerEventCodecs) as (keyof typeof OpenAIServerEventCodecs)[]) {
      expect([type, decode(ev(type)) === UNKNOWN_TYPE]).toEqual([type, false]);
    }
  });

  it('leaves absent optional keys out instead of setting them to undefined', () => {
    const updated = decode({ type: 'session.updated', event_id: 'e', session: { type: 'transcription' } });
    expect(Object.keys(updated as object)).toEqual(['type']);
    const created = decode({ type: 'response.created', event_id: 'e', response: {} });
    expect(Object.keys(created as object)).toEqual(['type']);
    const error = decode({ type: 'error', event_id: 'e', error: { type: 't', message: 'm', code: null } });
    expect(Object.keys(error as object)).toEqual(['type', 'message']);
  });

  it('reads a null where the GA types say "optional" as absent (the server sends them)', () => {
    const created = {
      type: 'response.created',
      event_id: 'e',
      response: { id: 'resp_1', status: 'in_progress', status_details: null, usage: null, metadata: null },
    };
    expect(decode(created)).toEqual({ type: 'response.created', responseId: 'resp_1' });
    const session = {
      type: 'session.created',
      event_id: 'e',
      session: {
        type: 'realtime',
        id: 'sess_1',
        include: null,
        audio: { input: { transcription: null, noise_reduction: null, turn_detection: null } },
      },
    };
    expect(decode(session)).toEqual({ type: 'session.created', sessionId: 'sess_1' });
  });

  it('reads a content part typed as item content is (output_text, output_audio) as the GA text and audio', () => {
    const session = newSession();
    const seen: object[] = [];
    for (const type of ['output_text', 'output_audio', 'text']) {
      const part = ev('response.content_part.added', { part: { type: type as never, text: '' } });
      expect(session.decode(JSON.stringify(part), (e) => seen.push(e))).toBe(IGNORED_TYPE);
    }
    expect(seen.map((e) => (e as { part: { type: string } }).part.type)).toEqual(['text', 'audio', 'text']);
    const odd = ev('response.content_part.added', { part: { type: 'image' as never } });
    expect(decode(odd)).toMatchObject({ type: 'invalid', messageType: 'response.content_part.added' });
  });

  it('counts samples from the base64 length, padding included, without decoding', () => {
    const samples = (delta: string) =>
      (decode(ev('response.output_audio.delta', { delta })) as { frame: { samplesPerChannel: number } }).frame
        .samplesPerChannel;
    expect(samples('')).toBe(0);
    expect(samples('AAA=')).toBe(1); // 2 bytes
    expect(samples('AAAAAA==')).toBe(2); // 4 bytes
    expect(samples('A'.repeat(6400))).toBe(2400); // 4800 bytes = 100 ms at 24 kHz
  });
});

describe('openai session decoding: what a socket learns', () => {
  it('a function call gets the id of the response that made it', () => {
    const session = newSession();
    const added = ev('response.output_item.added', {
      response_id: 'resp_7',
      item: { ...functionCall, status: 'in_progress' },
    });
    expect(session.decode(JSON.stringify(added))).toBe(IGNORED_TYPE);
    expect(session.decode(JSON.stringify(ev('conversation.item.done', { item: functionCall })))).toEqual({
      type: 'tool.call',
      callId: 'call_1',
      name: 'lookup',
      arguments: '{"q":"x"}',
      itemId: 'item_4',
      responseId: 'resp_7',
    });
  });

  it("an out-of-band response's function call is a tool.call from its output item (it never joins the conversation)", () => {
    const session = newSession();
    const created = {
      ...ev('response.created'),
      response: { id: 'resp_oob', conversation_id: null, status: 'in_progress' },
    };
    session.decode(JSON.stringify(created));
    const done = ev('response.output_item.done', { response_id: 'resp_oob', item: functionCall });
    expect(session.decode(JSON.stringify(done))).toEqual({
      type: 'tool.call',
      callId: 'call_1',
      name: 'lookup',
      arguments: '{"q":"x"}',
      itemId: 'item_4',
      responseId: 'resp_oob',
    });
    // A conversation response's output item is not (its conversation.item.done is).
    const inConversation = ev('response.output_item.done', { response_id: 'resp_1', item: functionCall });
    expect(session.decode(JSON.stringify(inConversation))).toBe(IGNORED_TYPE);
  });

  it('audio deltas of a G.711 session are 8 kHz frames with their encoding, one byte a sample', () => {
    const ulaw = newSession({ outputFormat: { type: 'audio/pcmu' } });
    expect(ulaw.decode(JSON.stringify(ev('response.output_audio.delta', { ...at, delta: 'AAA=' })))).toEqual({
      type: 'audio.out',
      frame: {
        data: 'AAA=',
        sampleRate: 8000,
        numChannels: 1,
        samplesPerChannel: 2,
        itemId: 'item_9',
        encoding: 'g711_ulaw',
      },
    });
    const alaw = newSession({ outputFormat: { type: 'audio/pcma' } });
    const frame = (
      alaw.decode(JSON.stringify(ev('response.output_audio.delta', { delta: 'AA==' }))) as {
        frame: object;
      }
    ).frame;
    expect(frame).toMatchObject({ sampleRate: 8000, samplesPerChannel: 1, encoding: 'g711_alaw' });
  });

  it('hands every valid event to the sink as parsed, the same object that was decoded; never a malformed one', () => {
    const session = newSession();
    const seen: object[] = [];
    const sink = (event: object) => seen.push(event);
    const delta = ev('response.output_audio.delta', { delta: 'AAAAAA==', extra_field: 1 } as never);
    session.decode(JSON.stringify(delta), sink);
    session.decode(JSON.stringify(ev('response.content_part.added')), sink); // ignored on events$, still valid
    session.decode(JSON.stringify({ ...ev('response.output_audio.delta'), delta: 'AA==' }), sink); // half a sample
    session.decode(JSON.stringify({ ...ev('input_audio_buffer.cleared'), event_id: 5 }), sink); // malformed
    session.decode('{"type":"brand_new"}', sink); // unknown
    expect(seen.map((e) => (e as { type: string }).type)).toEqual([
      'response.output_audio.delta',
      'response.content_part.added',
    ]);
    expect(seen[0]).toEqual(delta); // the extra field kept
  });
});

describe('decodeOpenAI: ignored and unknown types', () => {
  it.each(OPENAI_IGNORED_TYPES)('%s is IGNORED_TYPE when valid, invalid when malformed', (type) => {
    const valid = ev(type as keyof typeof OpenAIServerEventCodecs);
    expect(decode(valid)).toBe(IGNORED_TYPE);
    expect(decode({ type, event_id: 5 })).toMatchObject({ type: 'invalid', messageType: type });
  });

  it('ignores and maps disjoint sets of types', () => {
    for (const type of OPENAI_DECODED_TYPES) expect(OPENAI_IGNORED_TYPES).not.toContain(type);
  });

  it.each([
    'response.brand_new_event',
    'constructor',
    '__proto__',
    'toString',
    '',
    'ERROR',
    'session.create',
    'session.closed',
  ])('%j is UNKNOWN_TYPE', (type) => {
    expect(decode({ type })).toBe(UNKNOWN_TYPE);
    expect(decodeInSession({ type })).toBe(UNKNOWN_TYPE);
  });
});

describe('decodeOpenAI: malformed frames', () => {
  it.each<[string, string, string]>([
    ['not JSON', '{"type":', 'malformed JSON: '],
    ['an array', '[1,2]', 'not a JSON object'],
    ['null', 'null', 'not a JSON object'],
    ['a string', '"error"', 'not a JSON object'],
    ['no type', '{"event_id":"e"}', 'no string "type" field'],
    ['a numeric type', '{"type":5}', 'no string "type" field'],
  ])('%s is invalid without a messageType', (_name, data, detail) => {
    const event = decodeOpenAI(data) as { type: string; detail: string; messageType?: string };
    expect(event.type).toBe('invalid');
    expect(event.detail.startsWith(detail)).toBe(true);
    expect(event).not.toHaveProperty('messageType');
  });

  it('keeps a huge payload out of the detail', () => {
    const huge = '{"type":"response.output_audio.delta","delta":"' + 'A'.repeat(100_000) + '"';
    const event = decodeOpenAI(huge) as { detail: string };
    expect(event.detail.length).toBeLessThan(200);
    const badAudio = decode(ev('response.output_audio.delta', { delta: 'A'.repeat(100_001) })) as {
      detail: string;
    };
    expect(badAudio.detail.length).toBeLessThan(300);
  });

  const without = (message: object, key: string) => {
    const copy: Record<string, unknown> = { ...message };
    delete copy[key];
    return copy;
  };

  it.each<[string, object, string]>([
    [
      'session.created',
      without(ev('session.created'), 'event_id'),
      'event_id: expected string, got undefined',
    ],
    [
      'session.created',
      ev('session.created', { session: { type: 'realtime' } }),
      'session.id: expected string, got undefined',
    ],
    ['session.created', without(ev('session.created'), 'session'), 'session: '],
    [
      'session.updated',
      ev('session.updated', { session: { type: 'realtime', instructions: 3 } as never }),
      'session.instructions: expected string, got 3',
    ],
    [
      'response.output_audio.delta',
      without(ev('response.output_audio.delta'), 'delta'),
      'delta: expected base64, got undefined',
    ],
    [
      'response.output_audio.delta',
      ev('response.output_audio.delta', { delta: 'AAA' }),
      'delta: expected base64, got "AAA"',
    ],
    [
      'response.output_audio.delta',
      ev('response.output_audio.delta', { delta: 'AAAA' }),
      'delta holds 3 bytes, not whole samples of PCM16 at 24000 Hz',
    ],
    [
      'response.audio.delta',
      ev('response.audio.delta', { delta: 'A!A=' }),
      'delta: expected base64, got "A!A="',
    ],
    [
      'response.output_audio.delta',
      ev('response.output_audio.delta', { item_id: 7 as never }),
      'item_id: expected string, got 7',
    ],
    [
      'conversation.item.input_audio_transcription.completed',
      ev('conversation.item.input_audio_transcription.completed', { transcript: null as never }),
      'transcript: expected string, got null',
    ],
    [
      'response.output_text.delta',
      ev('response.output_text.delta', { delta: 1 as never }),
      'delta: expected string, got 1',
    ],
    [
      'response.output_text.done',
      without(ev('response.output_text.done'), 'text'),
      'text: expected string, got undefined',
    ],
    [
      'input_audio_buffer.speech_started',
      ev('input_audio_buffer.speech_started', { item_id: 1 as never }),
      'item_id: expected string, got 1',
    ],
    ['conversation.item.added', ev('conversation.item.added', { item: 'x' as never }), 'item: '],
    [
      'conversation.item.done',
      ev('conversation.item.done', { item: { type: 'message', role: 'user', content: [] } }),
      'item.id: expected string, got undefined',
    ],
    [
      'conversation.item.done',
      ev('conversation.item.done', { item: { type: 'function_call', name: 'f', arguments: '{}' } }),
      'item.call_id: expected string, got undefined',
    ],
    [
      'conversation.item.done',
      ev('conversation.item.done', { item: { ...functionCall, arguments: {} as never } }),
      'item.arguments: expected string, got {}',
    ],
    [
      'response.done',
      ev('response.done', { response: { id: 1 as never } }),
      'response.id: expected string, got 1',
    ],
    [
      'response.cancelled',
      { type: 'response.cancelled', response_id: 3 },
      'response_id: expected string, got 3',
    ],
    ['error', without(ev('error'), 'error'), 'error: '],
    [
      'error',
      ev('error', { error: { type: 'x', code: 'x' } as never }),
      'error.message: expected string, got undefined',
    ],
    ['error', ev('error', { error: { type: 'x', message: 'm', code: 5 as never } }), 'error.code: '],
  ])('%s with bad fields is invalid naming the path (%#)', (messageType, message, detail) => {
    const decoded = decode(message) as { type: string; messageType: string; detail: string };
    expect(decoded).toMatchObject({ type: 'invalid', messageType });
    expect(decoded.detail.startsWith(detail)).toBe(true);
  });
});

describe('decodeOpenAI: properties', () => {
  const isDecoded = (value: Decoded): boolean => {
    if (value === UNKNOWN_TYPE || value === IGNORED_TYPE) return true;
    if (typeof value !== 'object' || value === null || typeof value.type !== 'string') return false;
    if (value.type === 'invalid') return typeof value.detail === 'string' && value.detail.length <= 300;
    return value.type !== 'closed';
  };
  const knownTypes = fc.constantFrom(...OPENAI_DECODED_TYPES, ...OPENAI_IGNORED_TYPES, 'nope');

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (data) => {
        expect(isDecoded(decodeOpenAI(data))).toBe(true);
      }),
    );
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.json(), (data) => {
        expect(isDecoded(decodeOpenAI(data))).toBe(true);
      }),
    );
  });

  it('never throws on known types with arbitrary fields, in a session either', () => {
    const session = newSession();
    fc.assert(
      fc.property(knownTypes, fc.dictionary(fc.string(), fc.jsonValue()), (type, fields) => {
        const data = JSON.stringify({ ...fields, type });
        expect(isDecoded(decodeOpenAI(data))).toBe(true);
        expect(isDecoded(session.decode(data))).toBe(true);
      }),
    );
  });

  it('decodes any valid audio delta to a frame with whole samples', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }).filter((bytes) => bytes.length % 2 === 0),
        fc.string(),
        (bytes, itemId) => {
          const delta = Buffer.from(bytes).toString('base64');
          expect(decode(ev('response.output_audio.delta', { delta, item_id: itemId }))).toEqual({
            type: 'audio.out',
            frame: {
              data: delta,
              sampleRate: 24000,
              numChannels: 1,
              samplesPerChannel: bytes.length / 2,
              itemId,
            },
          });
        },
      ),
    );
  });
});
