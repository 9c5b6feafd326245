// createClientSecret over real HTTP on 127.0.0.1: against the dev server (the key it mints then opens a
// conversation that requires one), and against a replay server answering GA exchanges (spec/fixtures)
// — the request checked against the one the `openai` package sends for the same session — with every
// way it can fail, the API key never in an error.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { inspect } from 'node:util';
import OpenAI from 'openai';
import { ClientSecretError } from '../../src/agent/clientSecretError';
import { createClientSecret } from '../../src/agent/createClientSecret';
import {
  connectConversation,
  RealtimeError,
  type OpenAISessionOptions,
  type RealtimeEvent,
} from '../../src/index';
import { clientSecretsEndpoint } from '../../src/protocol/openai/url';
import { startDevServer, type DevServer } from '../../src/testing';
import {
  getWeatherTool,
  mintRequest,
  mintResponse,
  minted,
  serverError,
  wrongKey,
  type HttpExchange,
} from '../fixtures/clientSecrets';
import { closeConversation, record, refusedPort, waitFor } from '../helpers';

const KEY = 'sk-proj-Zq8vY2mN4kT7pR1xW6bC3dF9gH0jL5sA';

/** The session of {@link mintRequest}, as our options. */
const SESSION: OpenAISessionOptions = {
  outputModalities: ['audio'],
  voice: 'marin',
  turnDetection: { type: 'semantic_vad', eagerness: 'low' },
  inputTranscription: { model: 'gpt-4o-mini-transcribe' },
  tools: [getWeatherTool],
  toolChoice: 'auto',
};

interface Received {
  method: string | undefined;
  path: string | undefined;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** A server on 127.0.0.1 that answers every request with `exchange.response`, and what it received. */
async function replay(exchange: Pick<HttpExchange, 'response'>) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => {
      received.push({
        method: request.method,
        path: request.url,
        headers: request.headers,
        body: text === '' ? undefined : JSON.parse(text),
      });
      response.writeHead(exchange.response.status, exchange.response.headers);
      response.end(exchange.response.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  servers.push(server);
  return { url: `http://127.0.0.1:${port}`, received };
}

const servers: Server[] = [];
let devServer: DevServer | undefined;

afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  await devServer?.close();
  devServer = undefined;
});

/** How `promise` rejects. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('it resolved');
}

/** Everything an error shows of itself: message, stack, inspection, JSON, its fields. */
const shown = (error: Error) =>
  [error.message, error.stack ?? '', inspect(error, { depth: 5 }), JSON.stringify(error), String(error)].join(
    '\n',
  );

/** Asserts no 6 characters of the key in a row appear anywhere in what the error shows. */
function expectNoKey(error: Error, key = KEY): void {
  const text = shown(error);
  for (let at = 0; at + 6 <= key.length; at++) expect(text).not.toContain(key.slice(at, at + 6));
}

describe('createClientSecret', () => {
  describe('against the dev server', () => {
    it('mints an ek_ key that opens a conversation the server allows only with one it minted', async () => {
      devServer = await startDevServer({ requireClientSecret: true });
      const before = Math.floor(Date.now() / 1000);
      const secret = await createClientSecret({
        apiKey: KEY,
        url: devServer.url,
        session: SESSION,
        expiresAfterSeconds: 60,
      });
      expect(Object.keys(secret).sort()).toEqual(['expiresAt', 'value']);
      expect(secret.value).toMatch(/^ek_[0-9a-f]{32}$/);
      expect(secret.expiresAt).toBeGreaterThanOrEqual(before + 60);
      expect(secret.expiresAt).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 60);

      const conversation = connectConversation({ url: devServer.url, apiKey: secret.value });
      const events = record(conversation.events$).values;
      try {
        await waitFor(events, (e: RealtimeEvent) => e.type === 'session.created');
      } finally {
        await closeConversation(conversation);
      }
    });

    it('takes the server URL in each form a conversation takes it', async () => {
      devServer = await startDevServer();
      const http = devServer.url.replace('ws://', 'http://');
      for (const url of [
        devServer.url,
        http,
        `${http}/v1`,
        `${http}/v1/realtime`,
        devServer.clientSecretsUrl,
      ]) {
        const { value } = await createClientSecret({ apiKey: KEY, url: url.replace('/client_secrets', '') });
        expect(value).toMatch(/^ek_/);
      }
    });
  });

  describe('against a replay of the GA exchange', () => {
    it('sends what the openai package sends for the same session, and reads the answer', async () => {
      const server = await replay(minted);
      const secret = await createClientSecret({
        apiKey: KEY,
        url: server.url,
        session: SESSION,
        expiresAfterSeconds: 600,
      });
      expect(secret).toEqual({ value: mintResponse.value, expiresAt: mintResponse.expires_at });

      const sdk = new OpenAI({ apiKey: KEY, baseURL: `${server.url}/v1`, maxRetries: 0 });
      const answer = await sdk.realtime.clientSecrets.create(mintRequest);
      expect(answer.value).toBe(secret.value);

      const [ours, theirs] = server.received;
      expect(ours.method).toBe('POST');
      expect(ours.path).toBe(minted.request.path);
      expect(ours.path).toBe(theirs.path);
      expect(ours.body).toEqual(minted.request.body);
      expect(ours.body).toEqual(theirs.body);
      expect(ours.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(ours.headers.authorization).toBe(theirs.headers.authorization);
      expect(ours.headers['content-type']).toBe('application/json');
    });

    it('sends an empty realtime session and no expires_after when given neither', async () => {
      const server = await replay(minted);
      await createClientSecret({ apiKey: KEY, url: server.url });
      expect(server.received[0].body).toEqual({ session: { type: 'realtime' } });
    });

    it('Azure (by the provider option): its path and api-key header; the provider is not sent', async () => {
      const server = await replay(minted);
      await createClientSecret({
        apiKey: KEY,
        url: server.url,
        session: { provider: 'azure', voice: 'cedar' },
      });
      const [request] = server.received;
      expect(request.path).toBe('/openai/v1/realtime/client_secrets');
      expect(request.headers['api-key']).toBe(KEY);
      expect(request.headers.authorization).toBeUndefined();
      expect(request.body).toEqual({ session: { type: 'realtime', audio: { output: { voice: 'cedar' } } } });
    });

    it('a 401 that quotes the key: a ClientSecretError with the status and code, no part of the key', async () => {
      const server = await replay(wrongKey(KEY));
      const error = await rejection(createClientSecret({ apiKey: KEY, url: server.url }));
      expect(error).toBeInstanceOf(ClientSecretError);
      expect(error).toBeInstanceOf(RealtimeError);
      expect(error).toMatchObject({ kind: 'http', status: 401, code: 'invalid_api_key' });
      expect(error.message).toMatch(
        /^createClientSecret: 127\.0\.0\.1:\d+ answered 401 Unauthorized: Incorrect API key provided: \*\*\*/,
      );
      expectNoKey(error);
    });

    it('a 401 that echoes the whole key, in the body and the status text: none of it shows', async () => {
      const body = JSON.stringify({ error: { message: `bad key ${KEY} (${KEY.slice(10, 30)})`, code: 'x' } });
      const server = await replay({ response: { status: 401, headers: {}, body } });
      const error = await rejection(createClientSecret({ apiKey: KEY, url: server.url }));
      expect(error.message).toContain('bad key ***');
      expectNoKey(error);
      // not a GA body: the text itself is quoted
      const plain = await replay({ response: { status: 403, headers: {}, body: `denied for ${KEY}` } });
      const refused = await rejection(createClientSecret({ apiKey: KEY, url: plain.url }));
      expect(refused).toMatchObject({ status: 403, code: undefined });
      expect(refused.message).toMatch(/answered 403 Forbidden: denied for \*\*\*$/);
      expectNoKey(refused);
    });

    it('a 500: the server says why', async () => {
      const server = await replay(serverError);
      const error = await rejection(createClientSecret({ apiKey: KEY, url: server.url }));
      expect(error).toMatchObject({ kind: 'http', status: 500, code: undefined });
      expect(error.message).toMatch(/answered 500 Internal Server Error: The server had an error/);
    });

    it('a 502 from a proxy, in HTML: quoted, cut short', async () => {
      const html = `<html><body>${'bad gateway '.repeat(100)}</body></html>`;
      const server = await replay({
        response: { status: 502, headers: { 'content-type': 'text/html' }, body: html },
      });
      const error = await rejection(createClientSecret({ apiKey: KEY, url: server.url }));
      expect(error).toMatchObject({ status: 502 });
      expect(error.message).toContain('answered 502 Bad Gateway: <html><body>bad gateway');
      expect(error.message.length).toBeLessThan(450);
    });

    it.each([
      ['not JSON', '{"value": "ek_1", ', /is not a client secret \(it is not JSON\): \{"value": "ek_1",$/],
      ['no value', '{"expires_at": 1756310470}', /\(it has no value\)/],
      ['no expires_at', '{"value": "ek_1"}', /\(it has no expires_at\)/],
      ['an array', '[]', /\(it is not a JSON object\)/],
      ['empty', '', /\(it is not JSON\): an empty body$/],
    ])('a 200 whose body is %s: a ClientSecretError', async (_, body, message) => {
      const server = await replay({ response: { status: 200, headers: {}, body } });
      const error = await rejection(createClientSecret({ apiKey: KEY, url: server.url }));
      expect(error).toBeInstanceOf(ClientSecretError);
      expect(error).toMatchObject({ kind: 'http', status: 200 });
      expect(error.message).toMatch(message);
    });

    it('a refused connection: a ClientSecretError without a status, naming the host only', async () => {
      const port = await refusedPort();
      const error = await rejection(
        createClientSecret({ apiKey: KEY, url: `http://127.0.0.1:${port}/v1?token=${KEY}` }),
      );
      expect(error).toBeInstanceOf(ClientSecretError);
      expect(error).toMatchObject({ kind: 'http', status: undefined });
      expect(error.message).toBe(
        `createClientSecret: no answer from 127.0.0.1:${port}: fetch failed (connect ECONNREFUSED 127.0.0.1:${port})`,
      );
      expectNoKey(error);
    });
  });

  describe('options that cannot work: a RealtimeError config, before any request', () => {
    it.each<[string, Parameters<typeof createClientSecret>[0], RegExp]>([
      ['no key', { apiKey: '' }, /apiKey must be a non-empty string/],
      ['a bad url', { apiKey: KEY, url: `not a url ${KEY}` }, /url is not a valid absolute URL/],
      ['ftp', { apiKey: KEY, url: 'ftp://example.com' }, /unsupported url scheme "ftp"/],
      [
        'credentials in the url',
        { apiKey: KEY, url: `http://user:${KEY}@127.0.0.1:1/v1` },
        /^url for host 127\.0\.0\.1:1 must not contain credentials \(user:password@\)$/,
      ],
      [
        'plain http to a remote host',
        { apiKey: KEY, url: 'http://example.com' },
        /clear text over http:\/\/ to example\.com: use https:\/\//,
      ],
      ['a bad session option', { apiKey: KEY, session: { voice: 'nobody' } as never }, /voice/],
      [
        'an unknown session option',
        { apiKey: KEY, session: { model: 'x' } as never },
        /unknown session option "model"/,
      ],
      [
        '9 s',
        { apiKey: KEY, expiresAfterSeconds: 9 },
        /expiresAfterSeconds must be an integer from 10 to 7200, got 9/,
      ],
      ['7201 s', { apiKey: KEY, expiresAfterSeconds: 7201 }, /got 7201/],
      ['1.5 s', { apiKey: KEY, expiresAfterSeconds: 10.5 }, /got 10.5/],
      [
        'a key that cannot be a header',
        { apiKey: `${KEY}\n` },
        /apiKey contains characters that cannot be sent in a header/,
      ],
    ])('%s', async (_, options, message) => {
      const server = await replay(minted);
      const error = await rejection(createClientSecret({ url: server.url, ...options }));
      expect(error).toBeInstanceOf(RealtimeError);
      expect(error).not.toBeInstanceOf(ClientSecretError);
      expect(error).toMatchObject({ kind: 'config' });
      expect(error.message).toMatch(message);
      expectNoKey(error);
      expect(server.received).toEqual([]);
    });
  });
});

describe('clientSecretsEndpoint', () => {
  it.each([
    ['https://api.openai.com/v1', 'https://api.openai.com/v1/realtime/client_secrets'],
    ['https://api.openai.com', 'https://api.openai.com/v1/realtime/client_secrets'],
    ['https://api.openai.com/', 'https://api.openai.com/v1/realtime/client_secrets'],
    [
      'wss://api.openai.com/v1/realtime?model=gpt-realtime',
      'https://api.openai.com/v1/realtime/client_secrets?model=gpt-realtime',
    ],
    ['ws://127.0.0.1:8080', 'http://127.0.0.1:8080/v1/realtime/client_secrets'],
    [
      'https://proxy.example/openai-realtime/',
      'https://proxy.example/openai-realtime/realtime/client_secrets',
    ],
    ['https://r.openai.azure.com/openai', 'https://r.openai.azure.com/openai/v1/realtime/client_secrets'],
  ])('%s → %s', (base, url) => {
    expect(clientSecretsEndpoint(base, undefined).url).toBe(url);
  });

  it('knows Azure by its host, or by the provider given', () => {
    expect(clientSecretsEndpoint('https://r.openai.azure.com', undefined).provider).toBe('azure');
    expect(clientSecretsEndpoint('https://api.openai.com', undefined).provider).toBe('openai');
    expect(clientSecretsEndpoint('https://gateway.example', 'azure').url).toBe(
      'https://gateway.example/openai/v1/realtime/client_secrets',
    );
  });
});
