import { decodeCodex } from '../../src/protocol/codex/decode';
import { UNKNOWN_TYPE } from '../../src/protocol/dialect';

const decode = (message: unknown) => decodeCodex(JSON.stringify(message));

describe('decodeCodex: session.created', () => {
  it('reads session.id', () => {
    expect(decode({ type: 'session.created', session: { id: 'sess_1' } })).toEqual({
      type: 'session.created',
      sessionId: 'sess_1',
    });
  });

  it('reads top-level session_id', () => {
    expect(decode({ type: 'session.created', session_id: 'sess_2' })).toEqual({
      type: 'session.created',
      sessionId: 'sess_2',
    });
  });

  it('prefers session.id over session_id', () => {
    expect(decode({ type: 'session.created', session: { id: 'a' }, session_id: 'b' })).toEqual({
      type: 'session.created',
      sessionId: 'a',
    });
  });

  it('falls back to session_id when session.id is not a string', () => {
    expect(decode({ type: 'session.created', session: { id: 7 }, session_id: 'b' })).toEqual({
      type: 'session.created',
      sessionId: 'b',
    });
  });

  it('is invalid without either id, naming both paths', () => {
    expect(decode({ type: 'session.created', session: {} })).toEqual({
      type: 'invalid',
      messageType: 'session.created',
      detail: 'session.id: expected string, got undefined; session_id: expected string, got undefined',
    });
  });
});

describe('decodeCodex: session.updated', () => {
  it('maps id and backend_prompt', () => {
    expect(decode({ type: 'session.updated', session: { id: 's', backend_prompt: 'be brief' } })).toEqual({
      type: 'session.updated',
      sessionId: 's',
      instructions: 'be brief',
    });
  });

  it('omits absent keys instead of setting them to undefined', () => {
    const event = decode({ type: 'session.updated', session: {} });
    expect(event).toEqual({ type: 'session.updated' });
    expect(Object.keys(event as object)).toEqual(['type']);
  });

  it('is invalid when backend_prompt is not a string', () => {
    expect(decode({ type: 'session.updated', session: { backend_prompt: 3 } })).toEqual({
      type: 'invalid',
      messageType: 'session.updated',
      detail: 'session.backend_prompt: expected string, got 3',
    });
  });

  it('is invalid without a session object', () => {
    expect(decode({ type: 'session.updated' })).toEqual({
      type: 'invalid',
      messageType: 'session.updated',
      detail: 'session: expected Partial<{ id: string, backend_prompt: string }>, got undefined',
    });
  });
});

describe('decodeCodex: response.output_audio.delta', () => {
  const base = { type: 'response.output_audio.delta', sample_rate: 24000, num_channels: 1 };

  it('reads delta with every optional field', () => {
    expect(decode({ ...base, delta: 'AAA=', samples_per_channel: 1, item_id: 'item_1' })).toEqual({
      type: 'audio.out',
      frame: { data: 'AAA=', sampleRate: 24000, numChannels: 1, samplesPerChannel: 1, itemId: 'item_1' },
    });
  });

  it('reads data when there is no delta, and leaves absent keys out', () => {
    const event = decode({ ...base, data: 'AAAAAA==' });
    expect(event).toEqual({
      type: 'audio.out',
      frame: { data: 'AAAAAA==', sampleRate: 24000, numChannels: 1 },
    });
    expect(Object.keys((event as { frame: object }).frame)).toEqual(['data', 'sampleRate', 'numChannels']);
  });

  it('prefers delta over data', () => {
    expect(decode({ ...base, delta: 'AQI=', data: 'AAAAAA==' })).toEqual({
      type: 'audio.out',
      frame: { data: 'AQI=', sampleRate: 24000, numChannels: 1 },
    });
  });

  it('uses data when delta is not a string', () => {
    expect(decode({ ...base, delta: 5, data: 'AAAAAA==' })).toEqual({
      type: 'audio.out',
      frame: { data: 'AAAAAA==', sampleRate: 24000, numChannels: 1 },
    });
  });

  it('is invalid without sample_rate, naming it', () => {
    expect(decode({ type: 'response.output_audio.delta', num_channels: 1, delta: 'AAAA' })).toEqual({
      type: 'invalid',
      messageType: 'response.output_audio.delta',
      detail: 'sample_rate: expected non-negative integer, got undefined',
    });
  });

  it('is invalid for a fractional or negative count', () => {
    expect(decode({ ...base, num_channels: 1.5, delta: 'AAAA' })).toEqual({
      type: 'invalid',
      messageType: 'response.output_audio.delta',
      detail: 'num_channels: expected non-negative integer, got 1.5',
    });
    expect(decode({ ...base, delta: 'AAAA', samples_per_channel: -1 })).toEqual({
      type: 'invalid',
      messageType: 'response.output_audio.delta',
      detail: 'samples_per_channel: expected non-negative integer, got -1',
    });
  });

  it('is invalid with neither delta nor data', () => {
    expect(decode(base)).toEqual({
      type: 'invalid',
      messageType: 'response.output_audio.delta',
      detail: 'delta: expected string, got undefined; data: expected string, got undefined',
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a rate of 0', { sample_rate: 0 }, 'sampleRate must be an integer from 1000 to 384000, got 0'],
    ['no channels', { num_channels: 0 }, 'numChannels must be an integer from 1 to 8, got 0'],
    ['not base64', { delta: 'AA!A' }, 'data is not base64'],
    ['half a sample', { delta: 'AAAA' }, 'data holds 3 bytes, not whole 16-bit samples for 1 channel(s)'],
    ['a wrong sample count', { samples_per_channel: 7 }, 'samplesPerChannel is 7 but data holds 2'],
  ])(
    'checks the audio like an outbound frame: %s is invalid, never an audio.out',
    (_name, fields, problem) => {
      expect(decode({ ...base, delta: 'AAAAAA==', ...fields })).toEqual({
        type: 'invalid',
        messageType: 'response.output_audio.delta',
        detail: `audio not usable: ${problem}`,
      });
    },
  );

  it('is invalid for a non-string item_id', () => {
    expect(decode({ ...base, delta: 'AAAA', item_id: null })).toEqual({
      type: 'invalid',
      messageType: 'response.output_audio.delta',
      detail: 'item_id: expected string, got null',
    });
  });
});

describe('decodeCodex: conversation.item.added', () => {
  it('passes the raw item through', () => {
    const item = { id: 'item_1', type: 'message', content: [{ type: 'text', text: 'hi' }] };
    expect(decode({ type: 'conversation.item.added', item })).toEqual({
      type: 'conversation.item.added',
      item,
    });
  });

  it('is invalid when item is missing', () => {
    expect(decode({ type: 'conversation.item.added' })).toEqual({
      type: 'invalid',
      messageType: 'conversation.item.added',
      detail: 'item: expected UnknownRecord, got undefined',
    });
  });

  it('is invalid when item is not an object', () => {
    expect(decode({ type: 'conversation.item.added', item: [1, 2] })).toEqual({
      type: 'invalid',
      messageType: 'conversation.item.added',
      detail: 'item: expected UnknownRecord, got [1,2]',
    });
  });
});

describe('decodeCodex: error', () => {
  it('uses a top-level string message first', () => {
    expect(decode({ type: 'error', message: 'top', error: { message: 'nested' } })).toEqual({
      type: 'error',
      message: 'top',
    });
  });

  it('falls back to error.message', () => {
    expect(decode({ type: 'error', error: { message: 'nested', code: 'x' } })).toEqual({
      type: 'error',
      message: 'nested',
    });
  });

  it('falls back to the error value as JSON text', () => {
    expect(decode({ type: 'error', error: 'boom' })).toEqual({ type: 'error', message: '"boom"' });
    expect(decode({ type: 'error', message: 5, error: { code: 'x' } })).toEqual({
      type: 'error',
      message: '{"code":"x"}',
    });
    expect(decode({ type: 'error', error: null })).toEqual({ type: 'error', message: 'null' });
  });

  it('is invalid with no message and no error', () => {
    expect(decode({ type: 'error', message: 5 })).toEqual({
      type: 'invalid',
      messageType: 'error',
      detail: 'message: expected string, got 5; error: expected { message: string }, got undefined',
    });
  });
});

describe('decodeCodex: frames that are not messages', () => {
  it('skips an unknown type', () => {
    expect(decode({ type: 'response.created' })).toBe(UNKNOWN_TYPE);
  });

  it('does not mistake Object.prototype keys for types', () => {
    expect(decode({ type: 'constructor' })).toBe(UNKNOWN_TYPE);
    expect(decode({ type: 'toString' })).toBe(UNKNOWN_TYPE);
  });

  it('reports malformed JSON without echoing a huge payload', () => {
    const event = decodeCodex('{"type":' + 'x'.repeat(10_000));
    expect(event).toEqual({ type: 'invalid', detail: expect.stringMatching(/^malformed JSON: /) });
    expect((event as { detail: string }).detail.length).toBeLessThanOrEqual(121);
  });

  it.each([
    ['a number', '42', 'not a JSON object'],
    ['null', 'null', 'not a JSON object'],
    ['an array', '[{"type":"error"}]', 'not a JSON object'],
    ['a string', '"error"', 'not a JSON object'],
    ['an object without type', '{"message":"x"}', 'no string "type" field'],
    ['an object with a numeric type', '{"type":1}', 'no string "type" field'],
  ])('is invalid for %s', (_name, data, detail) => {
    expect(decodeCodex(data)).toEqual({ type: 'invalid', detail });
  });
});
