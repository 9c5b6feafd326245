/*
 * The API key never leaves the library: servers here echo it on purpose (401 bodies, close reasons,
 * error messages, bad fields), and no event, stats value, detail, thrown error or console line may
 * carry it. (Every other fault spec runs with the same key and the same checks in its teardown.)
 */
import { connectConversation } from '../../src/index';
import {
  answerSession,
  capturedConsole,
  expectNoSecret,
  installFaultGuards,
  open,
  SECRET,
  startStatusServer,
  startWsServer,
  until,
} from './harness';

installFaultGuards();

const redacted = (text: string) => text.split(SECRET).join('***');

describe('secrets under faults', () => {
  afterEach(() => {
    // The library itself prints nothing, key or not.
    expect(capturedConsole()).toEqual([]);
  });

  it('a 401 whose body, status line and headers echo the key: the detail quotes the body, redacted', async () => {
    const server = await startStatusServer((req) => ({
      status: 401,
      body: JSON.stringify({
        error: { message: `Incorrect API key provided: ${SECRET}`, header: req.headers.authorization },
      }),
      headers: { 'WWW-Authenticate': `Bearer realm="${SECRET}"` },
    }));
    const c = open(server.url, {
      reconnect: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 10, jitter: 0 },
    });
    await c.finished();
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${SECRET}`); // the key really went out
    expect(c.events).toEqual([
      {
        type: 'closed',
        reason: 'error',
        detail:
          'Unexpected server response: 401: {"error":{"message":"Incorrect API key provided: ***","header":"Bearer ***"}}',
      },
    ]);
  });

  it('a close reason that echoes the key is redacted in the detail', async () => {
    const server = await startWsServer({
      onMessage: (conn, m, index) => {
        answerSession(conn, m, index);
        conn.ws.close(4001, `bad key ${SECRET}`);
      },
    });
    const c = open(server.url);
    await c.finished();
    expect(c.events.at(-1)).toEqual({
      type: 'closed',
      reason: 'transport_closed',
      code: 4001,
      detail: 'bad key ***',
    });
  });

  it('a credential-looking header value (not only apiKey) echoed in a close reason is redacted', async () => {
    const other = 'hdr-secret-value-98765';
    const server = await startWsServer({
      onMessage: (conn, m, index) => {
        answerSession(conn, m, index);
        conn.ws.close(4002, `${String(conn.req.headers['x-api-key'])} / ${conn.req.headers.authorization}`);
      },
    });
    const c = open(server.url, { headers: { 'X-Api-Key': other } });
    await c.finished();
    expect(server.connections[0].req.headers['x-api-key']).toBe(other);
    expect(c.events.at(-1)).toEqual({
      type: 'closed',
      reason: 'transport_closed',
      code: 4002,
      detail: '*** / Bearer ***',
    });
    expect(JSON.stringify(c.events)).not.toContain(other);
  });

  it('a close reason that echoes the key is redacted in reconnecting.cause and in the gave-up detail', async () => {
    const server = await startWsServer({
      reject: (i) => (i >= 2 ? 503 : undefined),
      onMessage: (conn, m, index) => {
        answerSession(conn, m, index);
        conn.ws.close(1011, `upstream rejected ${SECRET}`);
      },
    });
    const c = open(server.url, {
      reconnect: { maxAttempts: 1, initialDelayMs: 10, maxDelayMs: 10, jitter: 0 },
    });
    const closed = await c.finished(3000);
    // The second socket closed as soon as it opened: its attempt still counts (STABLE_AFTER_MS), so
    // with maxAttempts 1 that was the last one.
    expect(c.ofType('reconnecting')).toEqual([
      { type: 'reconnecting', attempt: 1, delayMs: 10, cause: 'closed with 1011: upstream rejected ***' },
    ]);
    expect(closed).toEqual({
      type: 'closed',
      reason: 'transport_closed',
      code: 1011,
      detail: 'gave up after 1 reconnect attempts: closed with 1011: upstream rejected ***',
    });
  });

  it('a codex server error that echoes the key: neither the error event nor the closed detail carries it', async () => {
    const message = `invalid api key: ${SECRET}`;
    const server = await startWsServer({
      onMessage: (conn, m, index) => {
        answerSession(conn, m, index);
        if (index === 0) conn.ws.send(JSON.stringify({ type: 'error', message }));
      },
    });
    const c = open(server.url);
    await until(() => c.completed(), 3000, 'the end');
    expect(c.events.at(-1)).toEqual({
      type: 'closed',
      reason: 'error',
      code: 1000,
      detail: redacted(message),
    });
    expect(c.ofType('error')).toEqual([{ type: 'error', message: redacted(message) }]);
    await c.finished();
  });

  it('openai server errors that quote the key (a recoverable one, then invalid_api_key): no invalid detail, error event or closed detail carries it', async () => {
    const recoverable = `Conversation already has an active response (key ${SECRET})`;
    const message = `Incorrect API key provided: ${SECRET}. You can find your API key at https://platform.openai.com/account/api-keys.`;
    const error = (code: string, text: string) =>
      JSON.stringify({
        type: 'error',
        event_id: 'ev_1',
        error: { type: 'invalid_request_error', code, message: text, param: null },
      });
    const server = await startWsServer({
      onConnection: (conn) => {
        conn.ws.send(error('conversation_already_has_active_response', recoverable));
        conn.ws.send(error('invalid_api_key', message));
      },
    });
    const c = open(server.url, { dialect: 'openai' });
    await until(() => c.completed(), 3000, 'the end');
    expect(server.connections[0].req.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(c.events.at(-1)).toEqual({
      type: 'closed',
      reason: 'error',
      code: 1000,
      detail: redacted(message),
    });
    expect(c.ofType('invalid')).toEqual([
      {
        type: 'invalid',
        messageType: 'error',
        detail: `server rejected a request (conversation_already_has_active_response): ${redacted(recoverable)}`,
      },
    ]);
    expect(c.ofType('error')).toEqual([
      { type: 'error', message: redacted(message), code: 'invalid_api_key' },
    ]);
    await c.finished();
  });

  it('a frame with a bad field holding the key: the invalid detail does not quote it', async () => {
    const server = await startWsServer({
      onMessage: (conn, m, index) => {
        answerSession(conn, m, index);
        if (index !== 0) return;
        conn.ws.send(
          JSON.stringify({
            type: 'response.output_audio.delta',
            delta: 'AAAA',
            sample_rate: SECRET,
            num_channels: 1,
          }),
        );
        conn.ws.send(`${SECRET} is not JSON`);
        conn.ws.close(1000);
      },
    });
    const c = open(server.url);
    await until(() => c.completed(), 3000, 'the end');
    const invalid = c.ofType('invalid');
    expect(invalid).toHaveLength(2);
    expect(invalid[0]).toMatchObject({ type: 'invalid', messageType: 'response.output_audio.delta' });
    expect(invalid[0].detail).toMatch(/^sample_rate: /);
    expect(invalid[1].detail).toMatch(/^malformed JSON: /);
    await c.finished(); // fails if any event quotes the key
  });

  it('thrown config errors never quote the key or a URL holding it, and no socket is opened', async () => {
    const server = await startStatusServer(() => ({ status: 500 }));
    const attempts: [string, () => unknown][] = [
      [
        'a bad scheme with the key in the URL',
        () =>
          connectConversation({ url: `ftp://user:${SECRET}@127.0.0.1:1`, dialect: 'codex', apiKey: SECRET }),
      ],
      [
        'the key over plain ws:// to a remote host',
        () => connectConversation({ url: 'http://example.invalid', dialect: 'openai', apiKey: SECRET }),
      ],
      [
        'an unknown dialect',
        () => connectConversation({ url: server.url, dialect: 'nope' as 'codex', apiKey: SECRET }),
      ],
      [
        'a bad buffer size',
        () =>
          connectConversation({ url: server.url, dialect: 'codex', apiKey: SECRET, audioBufferFrames: -1 }),
      ],
    ];
    for (const [what, attempt] of attempts) {
      let thrown: unknown;
      try {
        attempt();
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toMatchObject({ name: 'RealtimeError', kind: 'config' });
      expectNoSecret((thrown as Error).message, `the error thrown for ${what}`);
      expectNoSecret(String((thrown as Error).stack), `the stack of the error thrown for ${what}`);
    }
    expect(server.requests).toHaveLength(0);
  });
});
