import { redact, Redactor, redactorOf, secretsOf } from '../../src/conversation/redact';
import { RealtimeError } from '../../src/protocol/errors';
import { printable, truncate } from '../../src/protocol/printable';

const KEY = 'sk-proj-Q7wX2mN9vB4kL8pR';

describe('redact', () => {
  it('hides every whole occurrence of a secret', () => {
    expect(redact(`key ${KEY}, again ${KEY}`, [KEY])).toBe('key ***, again ***');
  });

  it('hides a quote of part of a key: its start, its end, a piece cut off by a truncated body', () => {
    expect(redact(`Incorrect API key provided: ${KEY.slice(0, 12)}****${KEY.slice(-8)}.`, [KEY])).toBe(
      'Incorrect API key provided: ***' + '****' + '***.',
    );
    expect(redact(`the body was cut at ${KEY.slice(0, 7)}`, [KEY])).toBe('the body was cut at ***');
    expect(redact(`middle ${KEY.slice(5, 15)} piece`, [KEY])).toBe('middle *** piece');
  });

  it('keeps fragments shorter than 6 characters (as the API masks a key: its last 4)', () => {
    expect(redact(`sk-pr...${KEY.slice(-4)}`, [KEY])).toBe(`sk-pr...${KEY.slice(-4)}`);
  });

  it('joins overlapping and touching pieces into one mask', () => {
    // Two quotes back to back: one run of the key's characters, hidden as one.
    expect(redact(`[${KEY.slice(0, 8)}${KEY.slice(10, 18)}]`, [KEY])).toBe('[***]');
    expect(redact(`${KEY.slice(0, 6)} and ${KEY.slice(-6)}`, [KEY])).toBe('*** and ***');
  });

  it('hides a header value with a space whole only: the word "Bearer" elsewhere stays, the token goes', () => {
    const secrets = secretsOf(undefined, { Authorization: `Bearer ${KEY}` });
    expect(secrets).toEqual([`Bearer ${KEY}`, KEY]);
    expect(redact(`Bearer ${KEY} was refused; send a Bearer token`, secrets)).toBe(
      '*** was refused; send a Bearer token',
    );
    expect(redact(`token ${KEY.slice(3, 11)} unknown`, secrets)).toBe('token *** unknown');
  });

  it('ignores secrets shorter than 6 characters, and returns the text itself when nothing is hidden', () => {
    expect(redact('the key abc12 is short', ['abc12'])).toBe('the key abc12 is short');
    const text = 'nothing to hide here';
    expect(redact(text, [KEY, 'another-secret-value'])).toBe(text);
  });

  it('errs on the safe side: a secret made of words hides those words wherever they appear', () => {
    expect(redact('the secret is out', ['another-secret-value'])).toBe('the *** is out');
  });
});

describe('Redactor', () => {
  const redactor = new Redactor([KEY]);

  it('hides any 8 or more characters of a secret with spaces, and keeps its shorter pieces', () => {
    const phrase = 'correct horse battery staple';
    const words = new Redactor([phrase]);
    expect(words.text(`the phrase is ${phrase}.`)).toBe('the phrase is ***.');
    expect(words.text('cut at: correct hor')).toBe('cut at: ***');
    expect(words.text('new batteries')).toBe('new batteries'); // ' batter': 7 characters of it
    expect(words.text('the battery staple')).toBe('th***'); // 'e battery staple' is of it too
  });

  it('searches a `Bearer <key>` value for its key in pieces, and hides the value whole', () => {
    const bearer = new Redactor(secretsOf(undefined, { Authorization: `Bearer ${KEY}` }));
    expect(bearer.text(`Bearer ${KEY}`)).toBe('***');
    expect(bearer.text(`auth: Bearer ${KEY.slice(0, 9)}`)).toBe('auth: Bearer ***');
    expect(bearer.text('send a Bearer token, Bearer x')).toBe('send a Bearer token, Bearer x');
  });

  it('hides pieces in any alphabet, and a key made of non-ASCII characters', () => {
    const key = 'ключ-доступа-αβγδ-🔑🔑-0042';
    const other = new Redactor([key]);
    expect(other.text(`echo ${key.slice(3, 12)} end`)).toBe('echo *** end');
    expect(other.text(`echo ${key.slice(-9)}`)).toBe('echo ***');
    expect(other.text('echo ключ end')).toBe('echo ключ end');
  });

  it('cut: redacts the text, then cuts it, so a key across the cut is hidden whole and what follows it still shows', () => {
    const text = `error: ${KEY} is revoked`;
    expect(redactor.cut(text, 30)).toBe('error: *** is revoked');
    expect(redactor.cut(text, 12)).toBe('error: *** i…');
    expect(redactor.cut(`${'x'.repeat(100)}${KEY}`, 110)).toBe(`${'x'.repeat(100)}***`);
    // Redacted no further than the cut and a key's length past it: a huge text costs no more.
    const huge = `${KEY} ${'y'.repeat(1_000_000)}`;
    expect(redactor.cut(huge, 10)).toBe('*** yyyyyy…');
    expect(new Redactor([]).cut('abcdef', 3)).toBe('abc…');
  });

  it('quoting: what protocol cuts while it runs is redacted first', () => {
    expect(printable(`${KEY}${KEY}`, 10)).toBe(`"${KEY.slice(0, 9)}…`);
    expect(redactor.quoting(() => printable(`${KEY}${KEY}`, 10))).toBe('"******…');
    expect(redactor.quoting(() => truncate(`key ${KEY} and more`, 12))).toBe('key *** and …');
    // Set back afterwards, even when the call throws.
    expect(() =>
      redactor.quoting(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(truncate(`key ${KEY}`, 8)).toBe(`key ${KEY.slice(0, 4)}…`);
  });

  it('value: every string of an object redacted, the same object (and sub-objects) when nothing changed', () => {
    const clean = { type: 'transcript.delta', delta: 'hello', itemId: 'item_1', nested: { a: [1, 'b'] } };
    expect(redactor.value(clean)).toBe(clean);
    const event = { type: 'error', message: `bad ${KEY}`, code: KEY, list: ['ok', KEY], keep: { x: 1 } };
    const redacted = redactor.value(event);
    expect(redacted).toEqual({
      type: 'error',
      message: 'bad ***',
      code: '***',
      list: ['ok', '***'],
      keep: { x: 1 },
    });
    expect(redacted.keep).toBe(event.keep);
    expect(event.code).toBe(KEY); // the original is left as it was
  });

  it('withPayload: a message with audio has its strings redacted but its payload, passed as it came', () => {
    const message = { type: 'response.output_audio.delta', item_id: KEY, delta: `AAAA${KEY}` };
    expect(redactor.withPayload(message, 'delta')).toEqual({ ...message, item_id: '***' });
  });

  it('thrown: a RealtimeError anew with its message redacted; another error with message and stack redacted', () => {
    const error = new RealtimeError('config', `bad voice "${KEY}"`);
    const thrown = redactor.thrown(error) as RealtimeError;
    expect(thrown).toBeInstanceOf(RealtimeError);
    expect(thrown).toMatchObject({ kind: 'config', message: 'bad voice "***"' });
    expect(thrown.stack).not.toContain(KEY.slice(0, 8));
    const plain = new TypeError(`cannot read ${KEY}`);
    expect(redactor.thrown(plain)).toBe(plain);
    expect(plain.message).toBe('cannot read ***');
    expect(plain.stack).not.toContain(KEY.slice(0, 8));
    const harmless = new RealtimeError('config', 'no secret here');
    expect(redactor.thrown(harmless)).toBe(harmless);
  });

  it('remembers short clean texts without missing a secret in the next one', () => {
    expect(redactor.text('item_1')).toBe('item_1');
    expect(redactor.text('item_1')).toBe('item_1');
    expect(redactor.text(KEY.slice(0, 6))).toBe('***');
    expect(redactor.text(`${KEY.slice(0, 2)}xxxx`)).toBe(`${KEY.slice(0, 2)}xxxx`);
  });
});

describe('redactorOf', () => {
  it('gives conversations with the same secrets the same redactor, and others their own', () => {
    const a = redactorOf([KEY, `Bearer ${KEY}`]);
    expect(redactorOf([KEY, `Bearer ${KEY}`])).toBe(a);
    expect(redactorOf([KEY])).not.toBe(a);
    // No two lists of secrets share one, however they are cut.
    expect(redactorOf(['abcdefgh', 'ijklmnop'])).not.toBe(redactorOf(['abcdefgh,ijklmnop']));
    expect(redactorOf([`Bearer ${KEY}`, KEY]).text(`Bearer ${KEY}`)).toBe('***');
    expect(a.text(`Bearer ${KEY}`)).toBe('Bearer ***');
  });
});
