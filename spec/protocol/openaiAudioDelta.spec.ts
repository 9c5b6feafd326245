/**
 * The audio delta's own decoder (its codec's checks written out): it must accept exactly what the
 * codec accepts, and refuse the rest as `invalid` with the codec's detail, for the GA type and its beta
 * alias, through the stateless decoder and a dialect session alike.
 */
import fc from 'fast-check';
import type { Decoded } from '../../src/protocol/dialect';
import { decodeOpenAI, openaiDialect } from '../../src/protocol/openai';
import { audioDeltaDecoder } from '../../src/protocol/openai/audioDelta';
import { frameFormat } from '../../src/protocol/openai/audio';
import { OpenAIServerEventCodecs } from '../../src/protocol/openai/wire';

const TYPES = ['response.output_audio.delta', 'response.audio.delta'] as const;

const delta = (type: string, fields: Record<string, unknown> = {}) => ({
  type,
  event_id: 'event_1',
  response_id: 'resp_1',
  item_id: 'item_1',
  output_index: 0,
  content_index: 0,
  delta: 'AAAAAA==',
  ...fields,
});

const newSession = () => openaiDialect.prepare({ url: 'https://api.openai.com' }).newSession();

/** Both ways a frame is decoded; they must agree. */
function decodeBoth(message: object): Decoded {
  const text = JSON.stringify(message);
  const stateless = decodeOpenAI(text);
  expect(newSession().decode(text)).toEqual(stateless);
  return stateless;
}

describe.each(TYPES)('%s', (type) => {
  it('a valid delta is audio.out, its samples counted from the base64 length', () => {
    expect(decodeBoth(delta(type))).toEqual({
      type: 'audio.out',
      frame: { data: 'AAAAAA==', sampleRate: 24000, numChannels: 1, samplesPerChannel: 2, itemId: 'item_1' },
    });
  });

  it('extra fields and numbers that are not indexes pass, as the codec lets them', () => {
    const decoded = decodeBoth(delta(type, { output_index: 1.5, content_index: -1, obfuscation: 'x' }));
    expect(decoded).toMatchObject({ type: 'audio.out', frame: { data: 'AAAAAA==' } });
  });

  it.each([
    ['item_id', 5, 'item_id: expected string, got 5'],
    ['response_id', null, 'response_id: expected string, got null'],
    ['event_id', undefined, 'event_id: expected string, got undefined'],
    ['output_index', '0', 'output_index: expected number, got "0"'],
    ['content_index', true, 'content_index: expected number, got true'],
    ['delta', 7, 'delta: expected base64, got 7'],
    ['delta', undefined, 'delta: expected base64, got undefined'],
    ['delta', 'AA*A', 'delta: expected base64, got "AA*A"'],
    ['delta', 'AAA', 'delta: expected base64, got "AAA"'],
    ['delta', 'AA-_', 'delta: expected base64, got "AA-_"'],
    ['delta', 'A=AA', 'delta: expected base64, got "A=AA"'],
  ])('%s = %p is invalid naming the field', (field, value, detail) => {
    expect(decodeBoth(delta(type, { [field]: value }))).toEqual({
      type: 'invalid',
      messageType: type,
      detail,
    });
  });

  it('a delta of half a sample is invalid', () => {
    expect(decodeBoth(delta(type, { delta: 'AAAA' }))).toEqual({
      type: 'invalid',
      messageType: type,
      detail: 'delta holds 3 bytes, not whole samples of PCM16 at 24000 Hz',
    });
    expect(decodeBoth(delta(type, { delta: 'AA==' }))).toMatchObject({ type: 'invalid', messageType: type });
  });

  it('hands the sink the message itself when valid, nothing when not', () => {
    const decode = audioDeltaDecoder(type);
    const context = { output: frameFormat(undefined) };
    const seen: object[] = [];
    const sink = (event: object) => seen.push(event);
    const valid = delta(type);
    decode(valid, type, context, sink);
    decode(delta(type, { item_id: 1 }), type, context, sink);
    decode(delta(type, { delta: 'AA==' }), type, context, sink);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBe(valid);
  });

  it('accepts exactly what the codec accepts (any field of any JSON value)', () => {
    const codec = OpenAIServerEventCodecs[type];
    const field = fc.constantFrom(
      'type',
      'event_id',
      'response_id',
      'item_id',
      'output_index',
      'content_index',
      'delta',
    );
    const value = fc.oneof(
      fc.jsonValue(),
      fc.constant(undefined),
      fc.constantFrom(type, 'AAAA', 'AAA=', 'AA==', 'AAAAAA==', '', 'AA=A', '====', 'ÀAAA', 'ŁAAA'),
      fc.base64String(),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(field, value), { maxLength: 3 }), (changes) => {
        const message: Record<string, unknown> = delta(type);
        for (const [key, v] of changes) {
          if (v === undefined) delete message[key];
          else message[key] = v;
        }
        const decoded = audioDeltaDecoder(type)(message, type, { output: frameFormat(undefined) }, undefined);
        if (!codec.is(message)) expect(decoded).toMatchObject({ type: 'invalid', messageType: type });
        else if (typeof decoded === 'object' && decoded.type === 'invalid')
          expect(decoded.detail).toMatch(/not whole samples/); // valid, but half a sample
        else expect(decoded).toMatchObject({ type: 'audio.out', frame: { data: message.delta } });
      }),
      { numRuns: 2000 },
    );
  });
});
