import { codexUrl } from '../../src/protocol/codex/url';
import { RealtimeError } from '../../src/protocol/errors';

function thrown(fn: () => unknown): RealtimeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof RealtimeError) return error;
    throw error;
  }
  throw new Error('expected a RealtimeError');
}

describe('codexUrl', () => {
  it.each([
    ['http://127.0.0.1:8011', 'ws://127.0.0.1:8011/ws'],
    ['https://example.com/realtime?x=1', 'wss://example.com/realtime?x=1'],
    ['ws://h:1/?a=b', 'ws://h:1/ws?a=b'],
    ['wss://example.com/', 'wss://example.com/ws'],
    ['https://example.com/a/b/', 'wss://example.com/a/b/'],
    ['http://user:secretpw@host', 'ws://user:secretpw@host/ws'],
  ])('%s → %s', (base, expected) => {
    expect(codexUrl(base)).toBe(expected);
  });

  it('refuses another scheme, naming it but not the credentials', () => {
    const error = thrown(() => codexUrl('ftp://user:secretpw@host'));
    expect(error.kind).toBe('config');
    expect(error.message).toBe('unsupported url scheme "ftp": expected http, https, ws or wss');
    expect(error.message).not.toContain('secretpw');
  });

  it('refuses an unparsable URL without echoing it', () => {
    const error = thrown(() => codexUrl('not a url secretpw'));
    expect(error.kind).toBe('config');
    expect(error.message).toBe('url is not a valid absolute URL');
  });

  it('refuses a fragment, naming the host without credentials', () => {
    const error = thrown(() => codexUrl('https://user:secretpw@example.com/x#frag'));
    expect(error.kind).toBe('config');
    expect(error.message).toBe('url for host example.com must not contain a fragment (#...)');
  });
});
