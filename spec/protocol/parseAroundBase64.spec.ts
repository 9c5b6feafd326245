import fc from 'fast-check';
import { parserAroundBase64 } from '../../src/protocol/parseAroundBase64';

const parse = parserAroundBase64('delta');

/** Base64 of `bytes` pseudo-random bytes (long enough for the fast path from 192 bytes up). */
function base64(bytes: number, seed = 1): string {
  return Buffer.from(Uint8Array.from({ length: bytes }, (_, i) => (i * 131 + seed * 17) & 0xff)).toString(
    'base64',
  );
}

const DELTA = base64(960);

function frame(delta = DELTA): string {
  return (
    '{"type":"response.output_audio.delta","event_id":"event_1","response_id":"resp_1",' +
    `"item_id":"item_1","output_index":0,"content_index":0,"delta":"${delta}"}`
  );
}

/** What JSON.parse makes of `text`, or 'throws'; key order included (JSON.stringify keeps it). */
function reference(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return 'throws';
  }
}

/** The parser either declines (undefined) or gives exactly what JSON.parse gives; true if it parsed. */
function expectFaithful(text: string): boolean {
  const result = parse(text);
  if (result !== undefined) expect(JSON.stringify(result)).toBe(reference(text));
  return result !== undefined;
}

describe('parserAroundBase64', () => {
  it('parses an audio delta as JSON.parse does, member order included', () => {
    const result = parse(frame());
    expect(result).toBeDefined();
    expect(JSON.stringify(result)).toBe(reference(frame()));
    expect(Object.keys(result!)).toEqual(Object.keys(JSON.parse(frame()) as object));
  });

  it('takes the delta wherever it is among the top-level members', () => {
    const text = `{"delta":"${DELTA}","type":"response.output_audio.delta","n":[1,{"a":"b"}]}`;
    expect(JSON.stringify(parse(text))).toBe(reference(text));
  });

  it.each([
    ['a short delta', frame(base64(96))],
    ['a delta that is not base64', frame(`${DELTA.slice(0, -4)}AA-A`)],
    ['a control character in the delta (JSON.parse refuses it)', frame(`${DELTA.slice(0, -4)}AA\tA`)],
    ['an escape elsewhere', frame().replace('event_1', 'event\\u0031')],
    ['a second member of that name after it', frame().replace(/}$/, ',"delta":""}')],
    ['a second member spelt with a blank before its colon', frame().replace(/}$/, ',"delta" :""}')],
    ['a second member spelt with an escape', frame().replace(/}$/, ',"del\\u0074a":""}')],
    ['a blank between the key and its value', frame().replace('"delta":"', '"delta": "')],
    ['the delta only in a nested object', `{"type":"x","inner":{"delta":"${DELTA}"}}`],
    ['the key inside a string value', `{"type":"x","note":"\\"delta\\":\\"${DELTA}"}`],
    ['an array at the top', `[{"delta":"${DELTA}"}]`],
    ['malformed JSON around it', frame().replace('"output_index":0', '"output_index":')],
    ['no closing quote', `{"type":"x","delta":"${DELTA}`],
  ])('declines %s, or agrees with JSON.parse', (_, text) => {
    expect(parse(text)).toBeUndefined();
    expectFaithful(text);
  });

  it('agrees with JSON.parse on any one-character change of a frame', () => {
    const text = frame();
    const nasty = [
      '"',
      '\\',
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      ' ',
      '\n',
      '\0',
      'x',
      '0',
      '-',
      '=',
      '/',
      'é',
      '\u2028',
    ];
    let parsed = 0;
    fc.assert(
      fc.property(fc.nat(text.length - 1), fc.constantFrom(...nasty), fc.boolean(), (at, c, insert) => {
        const changed = text.slice(0, at) + c + text.slice(insert ? at : at + 1);
        if (expectFaithful(changed)) parsed++;
      }),
      { numRuns: 3000 },
    );
    expect(parsed).toBeGreaterThan(100); // changes outside the delta's key and value still parse here
  });

  it('agrees with JSON.parse on objects of any members around one or two deltas, at any depth', () => {
    let parsed = 0;
    const member = fc.tuple(
      fc.constantFrom('delta', 'type', 'a', '__proto__', 'd'),
      fc.jsonValue({ maxDepth: 2 }),
    );
    fc.assert(
      fc.property(
        fc.array(member, { maxLength: 5 }),
        fc.array(member, { maxLength: 5 }),
        fc.constantFrom('top', 'nested', 'twice'),
        fc.integer({ min: 1, max: 50 }),
        (before, after, where, seed) => {
          const delta = `"delta":"${base64(300, seed)}"`;
          const members = (list: [string, unknown][]) =>
            list.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
          const parts = [
            ...members(before),
            where === 'nested' ? `"inner":{${delta}}` : delta,
            ...members(after),
          ];
          if (where === 'twice') parts.push(delta);
          if (expectFaithful(`{${parts.join(',')}}`)) parsed++;
        },
      ),
      { numRuns: 2000 },
    );
    expect(parsed).toBeGreaterThan(40); // most generated members hold an escape, which it declines
  });
});
