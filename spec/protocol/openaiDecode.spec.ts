import fc from 'fast-check';
import { IGNORED_TYPE, UNKNOWN_TYPE, type Decoded } from '../../src/protocol/dialect';
import {
  OPENAI_DECODED_TYPES,
  OPENAI_IGNORED_TYPES,
  decodeOpenAI,
  openaiDialect,
} from '../../src/protocol/openai';
import type { RealtimeEvent } from '../../src/protocol/events';

const decode = (message: unknown) => decodeOpenAI(JSON.stringify(message));
/** Through a dialect session too: it must decode exactly like the stateless decoder. */
const decodeInSession = (message: unknown) =>
  openaiDialect.prepare({ url: 'https://api.openai.com' }).newSession().decode(JSON.stringify(message));

const ids = {
  event_id: 'event_1',
  response_id: 'resp_1',
  item_id: 'item_1',
  output_index: 0,
  content_index: 0,
};

/** Every GA server event (and beta alias) that maps to an event, as the API sends it. */
const MAPPED: [string, Record<string, unknown>, RealtimeEvent][] = [
  [
    'session.created',
    {
      type: 'session.created',
      event_id: 'e',
      session: { id: 'sess_1', object: 'realtime.session', type: 'realtime', instructions: 'x' },
    },
    { type: 'session.created', sessionId: 'sess_1' },
  ],
  [
    'session.updated',
    {
      type: 'session.updated',
      event_id: 'e',
      session: { id: 'sess_1', type: 'realtime', instructions: 'Be brief.', audio: {} },
    },
    { type: 'session.updated', sessionId: 'sess_1', instructions: 'Be brief.' },
  ],
  [
    'response.output_audio.delta',
    { type: 'response.output_audio.delta', ...ids, delta: 'AAAAAA==' },
    {
      type: 'audio.out',
      frame: { data: 'AAAAAA==', sampleRate: 24000, numChannels: 1, samplesPerChannel: 2, itemId: 'item_1' },
    },
  ],
  [
    'response.audio.delta (beta)',
    { type: 'response.audio.delta', ...ids, delta: 'AAAAAAAA' },
    {
      type: 'audio.out',
      frame: { data: 'AAAAAAAA', sampleRate: 24000, numChannels: 1, samplesPerChannel: 3, itemId: 'item_1' },
    },
  ],
  [
    'conversation.item.input_audio_transcription.delta',
    {
      type: 'conversation.item.input_audio_transcription.delta',
      event_id: 'e',
      item_id: 'i',
      content_index: 0,
      delta: 'Hel',
    },
    { type: 'transcript.delta', role: 'user', delta: 'Hel' },
  ],
  [
    'conversation.item.input_audio_transcription.completed',
    {
      type: 'conversation.item.input_audio_transcription.completed',
      event_id: 'e',
      item_id: 'i',
      content_index: 0,
      transcript: 'Hello',
      usage: {},
    },
    { type: 'transcript.done', role: 'user', text: 'Hello' },
  ],
  [
    'response.output_audio_transcript.delta',
    { type: 'response.output_audio_transcript.delta', ...ids, delta: 'Hi' },
    { type: 'transcript.delta', role: 'assistant', delta: 'Hi' },
  ],
  [
    'response.audio_transcript.delta (beta)',
    { type: 'response.audio_transcript.delta', ...ids, delta: 'Hi' },
    { type: 'transcript.delta', role: 'assistant', delta: 'Hi' },
  ],
  [
    'response.output_text.delta',
    { type: 'response.output_text.delta', ...ids, delta: 'T' },
    { type: 'transcript.delta', role: 'assistant', delta: 'T' },
  ],
  [
    'response.text.delta (beta)',
    { type: 'response.text.delta', ...ids, delta: 'T' },
    { type: 'transcript.delta', role: 'assistant', delta: 'T' },
  ],
  [
    'response.output_audio_transcript.done',
    { type: 'response.output_audio_transcript.done', ...ids, transcript: 'Hi there' },
    { type: 'transcript.done', role: 'assistant', text: 'Hi there' },
  ],
  [
    'response.audio_transcript.done (beta)',
    { type: 'response.audio_transcript.done', ...ids, transcript: 'Hi there' },
    { type: 'transcript.done', role: 'assistant', text: 'Hi there' },
  ],
  [
    'response.output_text.done',
    { type: 'response.output_text.done', ...ids, text: 'Text' },
    { type: 'transcript.done', role: 'assistant', text: 'Text' },
  ],
  [
    'response.text.done (beta)',
    { type: 'response.text.done', ...ids, text: 'Text' },
    { type: 'transcript.done', role: 'assistant', text: 'Text' },
  ],
  [
    'input_audio_buffer.speech_started',
    { type: 'input_audio_buffer.speech_started', event_id: 'e', audio_start_ms: 1000, item_id: 'item_u' },
    { type: 'speech.started', itemId: 'item_u' },
  ],
  [
    'conversation.item.added',
    {
      type: 'conversation.item.added',
      event_id: 'e',
      previous_item_id: null,
      item: { id: 'item_1', type: 'message', role: 'user', content: [] },
    },
    { type: 'conversation.item.added', item: { id: 'item_1', type: 'message', role: 'user', content: [] } },
  ],
  [
    'conversation.item.created (beta)',
    { type: 'conversation.item.created', event_id: 'e', item: { id: 'item_2', type: 'message' } },
    { type: 'conversation.item.added', item: { id: 'item_2', type: 'message' } },
  ],
  [
    'conversation.item.done (message)',
    {
      type: 'conversation.item.done',
      event_id: 'e',
      item: { id: 'item_3', type: 'message', status: 'completed' },
    },
    { type: 'conversation.item.done', itemId: 'item_3' },
  ],
  [
    'conversation.item.done (function_call)',
    {
      type: 'conversation.item.done',
      event_id: 'e',
      item: {
        id: 'item_4',
        type: 'function_call',
        status: 'completed',
        call_id: 'call_1',
        name: 'lookup',
        arguments: '{"q":"x"}',
      },
    },
    { type: 'tool.call', callId: 'call_1', name: 'lookup', arguments: '{"q":"x"}' },
  ],
  [
    'response.created',
    {
      type: 'response.created',
      event_id: 'e',
      response: { id: 'resp_1', object: 'realtime.response', status: 'in_progress', output: [] },
    },
    { type: 'response.created', responseId: 'resp_1' },
  ],
  [
    'response.done (completed)',
    {
      type: 'response.done',
      event_id: 'e',
      response: { id: 'resp_1', status: 'completed', output: [], usage: {} },
    },
    { type: 'response.done', responseId: 'resp_1' },
  ],
  [
    'response.done (incomplete)',
    {
      type: 'response.done',
      response: {
        id: 'resp_1',
        status: 'incomplete',
        status_details: { type: 'incomplete', reason: 'max_output_tokens' },
      },
    },
    { type: 'response.done', responseId: 'resp_1' },
  ],
  [
    'response.done (failed)',
    { type: 'response.done', response: { id: 'resp_1', status: 'failed' } },
    { type: 'response.done', responseId: 'resp_1' },
  ],
  [
    'response.done (cancelled)',
    {
      type: 'response.done',
      response: {
        id: 'resp_1',
        status: 'cancelled',
        status_details: { type: 'cancelled', reason: 'turn_detected' },
      },
    },
    { type: 'response.cancelled', responseId: 'resp_1' },
  ],
  [
    'response.cancelled (beta, response.id)',
    { type: 'response.cancelled', response: { id: 'resp_2' } },
    { type: 'response.cancelled', responseId: 'resp_2' },
  ],
  [
    'response.cancelled (beta, response_id)',
    { type: 'response.cancelled', response_id: 'resp_3' },
    { type: 'response.cancelled', responseId: 'resp_3' },
  ],
  ['response.cancelled (beta, no id)', { type: 'response.cancelled' }, { type: 'response.cancelled' }],
  [
    'error (fatal, with code)',
    {
      type: 'error',
      event_id: 'e',
      error: {
        type: 'invalid_request_error',
        code: 'invalid_value',
        message: "Invalid value: 'x'.",
        param: 'session.voice',
        event_id: null,
      },
    },
    { type: 'error', message: "Invalid value: 'x'.", code: 'invalid_value' },
  ],
  [
    'error (fatal, null code)',
    {
      type: 'error',
      error: { type: 'server_error', code: null, message: 'boom', param: null, event_id: null },
    },
    { type: 'error', message: 'boom' },
  ],
  [
    'error (fatal, no code)',
    { type: 'error', error: { type: 'server_error', message: 'boom' } },
    { type: 'error', message: 'boom' },
  ],
  [
    'error (recoverable: active response)',
    {
      type: 'error',
      error: {
        type: 'invalid_request_error',
        code: 'conversation_already_has_active_response',
        message:
          'Conversation already has an active response in progress: resp_1. Wait until the response is finished before creating a new one.',
        param: null,
        event_id: null,
      },
    },
    {
      type: 'invalid',
      messageType: 'error',
      detail:
        'server rejected a request (conversation_already_has_active_response): Conversation already has an active response in progress: resp_1. Wait until the response is finished before creating a new one.',
    },
  ],
  [
    'error (recoverable: cancel not active)',
    {
      type: 'error',
      error: {
        type: 'invalid_request_error',
        code: 'response_cancel_not_active',
        message: 'Cancellation failed: no active response found',
        param: null,
        event_id: null,
      },
    },
    {
      type: 'invalid',
      messageType: 'error',
      detail:
        'server rejected a request (response_cancel_not_active): Cancellation failed: no active response found',
    },
  ],
];

describe('decodeOpenAI: every mapped GA event and beta alias', () => {
  it.each(MAPPED)('%s', (_name, message, event) => {
    expect(decode(message)).toEqual(event);
    expect(decodeInSession(message)).toEqual(event);
  });

  it('covers every type in the decoder table', () => {
    const covered = new Set(MAPPED.map(([, message]) => message.type));
    expect([...OPENAI_DECODED_TYPES].sort()).toEqual([...covered].sort());
  });

  it('leaves absent optional keys out instead of setting them to undefined', () => {
    expect(Object.keys(decode({ type: 'session.updated', session: {} }) as object)).toEqual(['type']);
    expect(Object.keys(decode({ type: 'input_audio_buffer.speech_started' }) as object)).toEqual(['type']);
    expect(Object.keys(decode({ type: 'response.created', response: {} }) as object)).toEqual(['type']);
    expect(Object.keys(decode({ type: 'error', error: { message: 'm', code: null } }) as object)).toEqual([
      'type',
      'message',
    ]);
    const audio = decode({ type: 'response.output_audio.delta', delta: 'AAAAAA==' }) as { frame: object };
    expect(audio.frame).toEqual({
      data: 'AAAAAA==',
      sampleRate: 24000,
      numChannels: 1,
      samplesPerChannel: 2,
    });
  });

  it('counts samples from the base64 length, padding included, without decoding', () => {
    const samples = (delta: string) =>
      (decode({ type: 'response.output_audio.delta', delta }) as { frame: { samplesPerChannel: number } })
        .frame.samplesPerChannel;
    expect(samples('')).toBe(0);
    expect(samples('AAA=')).toBe(1); // 2 bytes
    expect(samples('AAAAAA==')).toBe(2); // 4 bytes
    expect(samples('A'.repeat(6400))).toBe(2400); // 4800 bytes = 100 ms at 24 kHz
  });
});

describe('decodeOpenAI: ignored and unknown types', () => {
  it.each(OPENAI_IGNORED_TYPES)('%s is IGNORED_TYPE', (type) => {
    expect(decode({ type, event_id: 'e' })).toBe(IGNORED_TYPE);
  });

  it('ignores every known-but-unmapped GA event of the reference', () => {
    for (const type of [
      'conversation.created',
      'input_audio_buffer.speech_stopped',
      'input_audio_buffer.committed',
      'input_audio_buffer.cleared',
      'input_audio_buffer.timeout_triggered',
      'input_audio_buffer.dtmf_event_received',
      'response.output_item.added',
      'response.output_item.done',
      'response.content_part.added',
      'response.content_part.done',
      'response.output_audio.done',
      'response.audio.done',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'rate_limits.updated',
      'output_audio_buffer.started',
      'output_audio_buffer.stopped',
      'output_audio_buffer.cleared',
      'conversation.item.truncated',
      'conversation.item.deleted',
      'conversation.item.retrieved',
      'conversation.item.input_audio_transcription.failed',
      'conversation.item.input_audio_transcription.segment',
      'response.mcp_call.in_progress',
      'response.mcp_call.completed',
      'response.mcp_call.failed',
      'response.mcp_call_arguments.delta',
      'response.mcp_call_arguments.done',
      'mcp_list_tools.in_progress',
      'mcp_list_tools.completed',
      'mcp_list_tools.failed',
      'session.closed',
    ]) {
      expect([type, decode({ type })]).toEqual([type, IGNORED_TYPE]);
    }
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
    const badAudio = decode({ type: 'response.output_audio.delta', delta: 'A'.repeat(100_001) }) as {
      detail: string;
    };
    expect(badAudio.detail.length).toBeLessThan(200);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'session.created',
      { type: 'session.created', session: {} },
      'session.id: expected string, got undefined',
    ],
    ['session.created', { type: 'session.created' }, 'session: expected { id: string }, got undefined'],
    [
      'session.updated',
      { type: 'session.updated', session: { instructions: 3 } },
      'session.instructions: expected string, got 3',
    ],
    [
      'response.output_audio.delta',
      { type: 'response.output_audio.delta' },
      'delta: expected base64 of whole 16-bit samples, got undefined',
    ],
    [
      'response.output_audio.delta',
      { type: 'response.output_audio.delta', delta: 'AAAA' },
      'delta: expected base64 of whole 16-bit samples, got "AAAA"',
    ],
    [
      'response.audio.delta',
      { type: 'response.audio.delta', delta: 'A!A=' },
      'delta: expected base64 of whole 16-bit samples, got "A!A="',
    ],
    [
      'response.output_audio.delta',
      { type: 'response.output_audio.delta', delta: 'AAA=', item_id: 7 },
      'item_id: expected string, got 7',
    ],
    [
      'conversation.item.input_audio_transcription.delta',
      { type: 'conversation.item.input_audio_transcription.delta' },
      'delta: expected string, got undefined',
    ],
    [
      'conversation.item.input_audio_transcription.completed',
      { type: 'conversation.item.input_audio_transcription.completed', transcript: null },
      'transcript: expected string, got null',
    ],
    [
      'response.output_text.delta',
      { type: 'response.output_text.delta', delta: 1 },
      'delta: expected string, got 1',
    ],
    [
      'response.output_text.done',
      { type: 'response.output_text.done', transcript: 'x' },
      'text: expected string, got undefined',
    ],
    [
      'response.output_audio_transcript.done',
      { type: 'response.output_audio_transcript.done', text: 'x' },
      'transcript: expected string, got undefined',
    ],
    [
      'input_audio_buffer.speech_started',
      { type: 'input_audio_buffer.speech_started', item_id: 1 },
      'item_id: expected string, got 1',
    ],
    [
      'conversation.item.added',
      { type: 'conversation.item.added', item: 'x' },
      'item: expected UnknownRecord, got "x"',
    ],
    [
      'conversation.item.created',
      { type: 'conversation.item.created' },
      'item: expected UnknownRecord, got undefined',
    ],
    [
      'conversation.item.done',
      { type: 'conversation.item.done', item: {} },
      'item.id: expected string, got undefined',
    ],
    [
      'conversation.item.done',
      { type: 'conversation.item.done', item: 5 },
      'item: expected conversation item, got 5',
    ],
    [
      'conversation.item.done',
      {
        type: 'conversation.item.done',
        item: { id: 'i', type: 'function_call', name: 'f', arguments: '{}' },
      },
      'item.call_id: expected string, got undefined',
    ],
    [
      'conversation.item.done',
      {
        type: 'conversation.item.done',
        item: { id: 'i', type: 'function_call', call_id: 'c', name: 'f', arguments: {} },
      },
      'item.arguments: expected string, got {}',
    ],
    [
      'response.created',
      { type: 'response.created' },
      'response: expected Partial<{ id: string, status: string }>, got undefined',
    ],
    ['response.done', { type: 'response.done', response: { id: 1 } }, 'response.id: expected string, got 1'],
    [
      'response.done',
      { type: 'response.done', response: { status: 2 } },
      'response.status: expected string, got 2',
    ],
    [
      'response.cancelled',
      { type: 'response.cancelled', response_id: 3 },
      'response_id: expected string, got 3',
    ],
    ['error', { type: 'error', message: 'top-level' }, 'error: expected { message: string }, got undefined'],
    ['error', { type: 'error', error: { code: 'x' } }, 'error.message: expected string, got undefined'],
    [
      'error',
      { type: 'error', error: { message: 'm', code: 5 } },
      'error.code: expected string or null, got 5',
    ],
  ])('%s with bad fields is invalid naming the path (%#)', (messageType, message, detail) => {
    expect(decode(message)).toEqual({ type: 'invalid', messageType, detail });
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
    const session = openaiDialect.prepare({ url: 'https://api.openai.com' }).newSession();
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
        fc.option(fc.string(), { nil: undefined }),
        (bytes, itemId) => {
          const delta = Buffer.from(bytes).toString('base64');
          const message: Record<string, unknown> = { type: 'response.output_audio.delta', delta };
          if (itemId !== undefined) message.item_id = itemId;
          const frame = {
            data: delta,
            sampleRate: 24000,
            numChannels: 1,
            samplesPerChannel: bytes.length / 2,
          };
          expect(decode(message)).toEqual({
            type: 'audio.out',
            frame: itemId === undefined ? frame : { ...frame, itemId },
          });
        },
      ),
    );
  });
});
