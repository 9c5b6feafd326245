import { redact, secretsOf } from '../../src/conversation/redact';

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
