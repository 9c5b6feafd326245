import { openaiDialect } from '../../src/protocol/openai';
import { RealtimeError } from '../../src/protocol/errors';
import type { SessionParams } from '../../src/protocol/dialect';

function thrown(fn: () => unknown): RealtimeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof RealtimeError) return error;
    throw error;
  }
  throw new Error('expected a RealtimeError');
}

const prepare = (params: SessionParams) => openaiDialect.prepare(params);
const urlOf = (url: string, extra: Partial<SessionParams> = {}) => prepare({ url, ...extra }).url;

describe('openaiDialect.prepare: URL', () => {
  it.each([
    ['https://api.openai.com/v1', 'wss://api.openai.com/v1/realtime?model=gpt-realtime'],
    ['https://api.openai.com/v1/', 'wss://api.openai.com/v1/realtime?model=gpt-realtime'],
    ['https://api.openai.com', 'wss://api.openai.com/v1/realtime?model=gpt-realtime'],
    ['https://api.openai.com/', 'wss://api.openai.com/v1/realtime?model=gpt-realtime'],
    ['http://127.0.0.1:8011', 'ws://127.0.0.1:8011/v1/realtime?model=gpt-realtime'],
    ['ws://localhost:1/v1/realtime', 'ws://localhost:1/v1/realtime?model=gpt-realtime'],
    ['wss://example.com/proxy/realtime/', 'wss://example.com/proxy/realtime?model=gpt-realtime'],
    ['wss://example.com/proxy/realtime', 'wss://example.com/proxy/realtime?model=gpt-realtime'],
    ['https://example.com/gateway/v1', 'wss://example.com/gateway/v1/realtime?model=gpt-realtime'],
    ['https://example.com/custom/path', 'wss://example.com/custom/path?model=gpt-realtime'],
    ['https://example.com/custom/path/', 'wss://example.com/custom/path/?model=gpt-realtime'],
  ])('%s → %s', (base, expected) => {
    expect(urlOf(base)).toBe(expected);
  });

  it('uses the given model', () => {
    expect(urlOf('https://api.openai.com/v1', { model: 'gpt-realtime-mini' })).toBe(
      'wss://api.openai.com/v1/realtime?model=gpt-realtime-mini',
    );
  });

  it('percent-encodes the model', () => {
    expect(urlOf('https://h.example/v1', { model: 'a b&c' })).toBe(
      'wss://h.example/v1/realtime?model=a%20b%26c',
    );
  });

  it('keeps the query as written and replaces its model with the given one, appended last', () => {
    expect(urlOf('https://example.com/v1/realtime?foo=bar&model=old&x=a%20b+c', { model: 'new' })).toBe(
      'wss://example.com/v1/realtime?foo=bar&x=a%20b+c&model=new',
    );
  });

  it('keeps a model already in the query when none is given (no default over it)', () => {
    expect(urlOf('https://example.com/v1/realtime?model=from-url&foo=1')).toBe(
      'wss://example.com/v1/realtime?model=from-url&foo=1',
    );
  });

  it('treats an empty model as absent', () => {
    expect(urlOf('https://api.openai.com/v1', { model: '' })).toBe(
      'wss://api.openai.com/v1/realtime?model=gpt-realtime',
    );
  });

  it('refuses another scheme, naming it but not the credentials', () => {
    const error = thrown(() => urlOf('ftp://user:secretpw@host'));
    expect(error.kind).toBe('config');
    expect(error.message).toBe('unsupported url scheme "ftp": expected http, https, ws or wss');
  });

  it('refuses an unparsable URL without echoing it', () => {
    const error = thrown(() => urlOf('not a url secretpw'));
    expect(error.kind).toBe('config');
    expect(error.message).toBe('url is not a valid absolute URL');
  });

  it('refuses a fragment', () => {
    const error = thrown(() => urlOf('https://user:secretpw@example.com/v1#x'));
    expect(error.message).toBe('url for host example.com must not contain a fragment (#...)');
  });
});

describe('openaiDialect.prepare: Azure', () => {
  it.each([
    ['https://res.openai.azure.com', 'wss://res.openai.azure.com/openai/v1/realtime?model=dep'],
    ['https://res.openai.azure.com/', 'wss://res.openai.azure.com/openai/v1/realtime?model=dep'],
    ['https://res.openai.azure.com/openai', 'wss://res.openai.azure.com/openai/v1/realtime?model=dep'],
    ['https://res.openai.azure.com/openai/v1', 'wss://res.openai.azure.com/openai/v1/realtime?model=dep'],
    [
      'https://res.cognitiveservices.azure.com',
      'wss://res.cognitiveservices.azure.com/openai/v1/realtime?model=dep',
    ],
    ['https://res.services.ai.azure.com/', 'wss://res.services.ai.azure.com/openai/v1/realtime?model=dep'],
  ])('%s → %s', (base, expected) => {
    expect(urlOf(base, { model: 'dep' })).toBe(expected);
  });

  it('uses the Azure path for any host when provider is azure, and the OpenAI one when it is openai', () => {
    expect(urlOf('https://my-proxy.example', { model: 'dep', session: { provider: 'azure' } })).toBe(
      'wss://my-proxy.example/openai/v1/realtime?model=dep',
    );
    expect(urlOf('https://res.openai.azure.com', { session: { provider: 'openai' } })).toBe(
      'wss://res.openai.azure.com/v1/realtime?model=gpt-realtime',
    );
  });

  it('requires the deployment name as model', () => {
    const error = thrown(() => urlOf('https://res.openai.azure.com', { apiKey: 'azkey' }));
    expect(error.kind).toBe('config');
    expect(error.message).toBe(
      'Azure OpenAI (host res.openai.azure.com) needs the deployment name as model: the URL becomes /openai/v1/realtime?model=<deployment>',
    );
  });

  it('sends the key as api-key, never in the URL, and no subprotocols even for an ek_ key', () => {
    const plan = prepare({ url: 'https://res.openai.azure.com', model: 'dep', apiKey: 'ek_azkey' });
    expect(plan.headers).toEqual({ 'api-key': 'ek_azkey' });
    expect(plan.url).not.toContain('azkey');
    expect(plan.protocols).toBeUndefined();
  });
});

describe('openaiDialect.prepare: headers and subprotocols', () => {
  it('sends a bearer header for a key, and never OpenAI-Beta', () => {
    const plan = prepare({ url: 'https://api.openai.com/v1', apiKey: 'sk-123' });
    expect(plan.headers).toEqual({ Authorization: 'Bearer sk-123' });
    expect(plan.url).not.toContain('sk-123');
  });

  it('sends no auth header without a key (or with an empty one)', () => {
    expect(prepare({ url: 'https://api.openai.com' }).headers).toEqual({});
    expect(prepare({ url: 'https://api.openai.com', apiKey: '' }).headers).toEqual({});
  });

  it('sends x-session-id when a session id is given', () => {
    expect(prepare({ url: 'https://api.openai.com', apiKey: 'sk-1', sessionId: 'sess-9' }).headers).toEqual({
      Authorization: 'Bearer sk-1',
      'x-session-id': 'sess-9',
    });
    expect(prepare({ url: 'https://api.openai.com', sessionId: 'sess-9' }).headers).toEqual({
      'x-session-id': 'sess-9',
    });
  });

  it('never sends OpenAI-Beta, whatever the options', () => {
    const all = [
      prepare({ url: 'https://api.openai.com', apiKey: 'sk-1', sessionId: 's' }),
      prepare({ url: 'https://api.openai.com', apiKey: 'ek_1' }),
      prepare({ url: 'https://r.openai.azure.com', apiKey: 'k', model: 'd' }),
    ];
    for (const plan of all) {
      expect(Object.keys(plan.headers).map((name) => name.toLowerCase())).not.toContain('openai-beta');
      expect(plan.protocols ?? []).not.toContain('openai-beta.realtime-v1');
    }
  });

  it('offers the key subprotocols for an ephemeral ek_ key only', () => {
    expect(prepare({ url: 'https://api.openai.com', apiKey: 'ek_abc' }).protocols).toEqual([
      'realtime',
      'openai-insecure-api-key.ek_abc',
    ]);
    expect(prepare({ url: 'https://api.openai.com', apiKey: 'sk-abc' }).protocols).toBeUndefined();
    expect(prepare({ url: 'https://api.openai.com' }).protocols).toBeUndefined();
  });

  it('refuses a key that cannot be a header or a subprotocol, without quoting it', () => {
    const header = thrown(() => prepare({ url: 'https://api.openai.com', apiKey: 'sk-se\ncret' }));
    expect(header.message).toBe('apiKey contains characters that cannot be sent in a header');
    const protocol = thrown(() => prepare({ url: 'https://api.openai.com', apiKey: 'ek_se cret' }));
    expect(protocol.message).toBe(
      'apiKey contains characters that cannot be sent in a WebSocket subprotocol',
    );
    const session = thrown(() => prepare({ url: 'https://api.openai.com', sessionId: 'a\r\nb' }));
    expect(session.message).toBe(
      'sessionId contains characters that cannot be sent in the x-session-id header',
    );
  });
});

describe('openaiDialect.prepare: a key over plain ws://', () => {
  it.each(['http://api.example.com/v1', 'ws://10.0.0.5:8080', 'ws://[::2]:1'])(
    'refuses %s, without quoting the key',
    (url) => {
      const error = thrown(() => prepare({ url, apiKey: 'sk-topsecret' }));
      expect(error.kind).toBe('config');
      expect(error.message).toMatch(
        /^refusing to send the API key in clear text over ws:\/\/ to .+: use wss:\/\/ \(or https:\/\/\); plain ws:\/\/ is only allowed to a loopback host$/,
      );
      expect(error.message).not.toContain('sk-topsecret');
    },
  );

  it('names the host', () => {
    expect(thrown(() => prepare({ url: 'http://api.example.com:81', apiKey: 'k' })).message).toContain(
      ' to api.example.com:81: ',
    );
  });

  it.each([
    'http://127.0.0.1:8011',
    'ws://127.5.6.7',
    'ws://localhost:9',
    'ws://[::1]:9',
    'https://api.example.com',
    'wss://api.example.com',
  ])('allows %s', (url) => {
    expect(prepare({ url, apiKey: 'sk-1' }).headers).toEqual({ Authorization: 'Bearer sk-1' });
  });

  it('allows a remote ws:// host without a key', () => {
    expect(prepare({ url: 'ws://10.0.0.5:8080' }).url).toBe(
      'ws://10.0.0.5:8080/v1/realtime?model=gpt-realtime',
    );
  });
});

describe('openaiDialect.prepare: sessions', () => {
  it('gives every socket its own session state', () => {
    const plan = prepare({ url: 'https://api.openai.com' });
    const a = plan.newSession();
    const b = plan.newSession();
    expect(a).not.toBe(b);
    expect(a.encodeText('x')).toHaveLength(2);
    expect(a.encodeText('y')).toHaveLength(1); // held on a
    expect(b.encodeText('z')).toHaveLength(2); // b is idle
  });

  it('validates the session options before building anything', () => {
    const error = thrown(() => prepare({ url: 'ftp://x', session: { voice: 'bogus' as never } }));
    expect(error.message).toMatch(/^voice "bogus" is not supported/);
  });
});
