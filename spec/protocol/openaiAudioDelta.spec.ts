/**
 * The audio delta's own decoder (its codec's checks written out): it must accept exactly what the
 * codec accepts, and refuse the rest as `invalid` with the codec's detail, for the GA type and its beta
 * alias, through the stateless decoder and a dialect session alike.
 */
import fc from 'fast-check';
import type { Decoded } from '../../src/protocol/dialect';
import { decodeOpenAI, openaiDialect } from '../../src/protocol/openai';
import { audioDeltaDecoder, scanAudioDelta } from '../../src/protocol/openai/audioDelta';
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

/**
 * The GA delta read from its text (`scanAudioDelta`, no JSON.parse): what it decodes must be exactly
 * what parsing decodes, and whatever it is unsure of it leaves to parsing.
 */
describe('a GA audio delta read from its text', () => {
  const type = 'response.output_audio.delta';
  const format = frameFormat(undefined);
  const compact = (fields: Record<string, unknown> = {}) => JSON.stringify(delta(type, fields));

  /** The session's decode (the scan first) must equal the stateless one (parse only). */
  function agree(text: string): Decoded | undefined {
    const scanned = scanAudioDelta(text, format);
    const parsed = decodeOpenAI(text);
    if (scanned !== undefined) expect(scanned).toEqual(parsed);
    expect(newSession().decode(text)).toEqual(parsed);
    return scanned;
  }

  it('reads the compact form servers write, fields in any order after `type`', () => {
    expect(agree(compact())).toEqual({
      type: 'audio.out',
      frame: { data: 'AAAAAA==', sampleRate: 24000, numChannels: 1, samplesPerChannel: 2, itemId: 'item_1' },
    });
    const reordered = `{"type":"${type}","delta":"AAAA","content_index":12,"item_id":"i","output_index":0,"response_id":"r","event_id":"e"}`;
    expect(agree(reordered)).toMatchObject({
      type: 'invalid',
      detail: expect.stringMatching(/whole samples/),
    });
    expect(agree(reordered.replace('"AAAA"', '"AAAAAA=="'))).toMatchObject({ frame: { itemId: 'i' } });
  });

  it.each([
    ['whitespace', compact().replace(',"item_id"', ', "item_id"')],
    ['`type` not first', `{"event_id":"e",${compact().slice(1).replace('"event_id":"event_1",', '')}`],
    ['an escape in an id', compact().replace('"item_1"', '"item\\u005f1"')],
    ['an escaped quote in an id', compact().replace('"item_1"', '"it\\"em"')],
    ['an escape in the delta', compact().replace('"AAAAAA=="', '"AAAA\\u0041A=="')],
    ['an extra field', compact({ obfuscation: 'x' })],
    ['a duplicated field', compact().replace('"item_id":"item_1"', '"item_id":"a","item_id":"item_1"')],
    ['a negative index', compact({ content_index: -1 })],
    ['a fraction', compact({ output_index: 1.5 })],
    ['an exponent', compact().replace('"output_index":0', '"output_index":1e2')],
    ['a leading zero', compact().replace('"output_index":0', '"output_index":01')],
    ['a missing field', compact({ response_id: undefined })],
    ['a string index', compact({ output_index: '0' })],
    ['a control character in an id', compact().replace('"item_1"', '"item\t1"')],
    ['base64 with a blank', compact({ delta: 'AAAA AA==' })],
    ['text after the object', `${compact()} `],
    ['a cut object', compact().slice(0, -1)],
    ['a cut in the delta', compact().slice(0, -10)],
    ['no delta at all', `{"type":"${type}",`],
    ['an empty key list', `{"type":"${type}",}`],
  ])('leaves %s to parsing, which decides the same', (_, text) => {
    expect(scanAudioDelta(text, format)).toBeUndefined();
    agree(text);
  });

  it('agrees with parsing on any change to the compact text', () => {
    const text = compact({ item_id: 'item_abc', delta: 'AAAAAAAAAAAAAAAAAAAAAAAA' });
    const edit = fc.record({
      at: fc.nat({ max: text.length }),
      cut: fc.nat({ max: 3 }),
      insert: fc.oneof(
        fc.constantFrom(
          '"',
          '\\',
          ',',
          '}',
          '{',
          ':',
          ' ',
          '0',
          '1',
          '-',
          '.',
          'e',
          '=',
          'A',
          '\t',
          '\u0001',
        ),
        fc.string({ maxLength: 3 }),
      ),
    });
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 3 }), (edits) => {
        let changed = text;
        for (const { at, cut, insert } of edits)
          changed = changed.slice(0, at) + insert + changed.slice(at + cut);
        agree(changed);
      }),
      { numRuns: 3000 },
    );
  });
});
