// The dev server's browser keys: POST /v1/realtime/client_secrets mints a short-lived ek_ key (the GA
// request and response), which a WebSocket then carries as a browser does (subprotocol) or as a bearer
// header; a key it did not mint, or one that expired, is refused with a 401 that says why.
import { request as httpRequest } from 'node:http';
import OpenAI from 'openai';
import type {
  ClientSecretCreateParams,
  ClientSecretCreateResponse,
} from 'openai/resources/realtime/client-secrets';
import { connectConversation, type RealtimeEvent } from '../../src/index';
import type { DevServer } from '../../src/server/devServer';
import { record } from '../helpers';
import { gaProblem } from './gaEvents';
import { openaiHarness, startSession } from './openaiHarness';
import { sleep } from './rawClient';

const { open, start } = openaiHarness();
const PATH = '/v1/realtime?model=gpt-realtime';

/** POSTs `body` (JSON unless a string) to the server's client_secrets URL. */
async function mint(server: DevServer, body: unknown = {}, method = 'POST') {
  const response = await fetch(server.clientSecretsUrl, {
    method,
    ...(method === 'GET' ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const json: any = await response.json();
  return { status: response.status, headers: response.headers, json };
}

/** A minted key's value. */
async function key(server: DevServer, body: ClientSecretCreateParams = {}): Promise<string> {
  const { status, json } = await mint(server, body);
  expect(status).toBe(200);
  return (json as ClientSecretCreateResponse).value;
}

/** How a conversation (the library, on Node: subprotocol and header both) ends when refused, or its first event. */
async function firstEvent(server: DevServer, apiKey: string | undefined): Promise<RealtimeEvent> {
  const conversation = connectConversation({ url: server.url, apiKey });
  const { values, done } = record(conversation.events$);
  const started = Date.now();
  while (values.length === 0 && Date.now() - started < 3000) await sleep(5);
  conversation.close();
  await done;
  return values[0];
}

/** The answer a raw upgrade request gets (for handshakes the server refuses): status, type, JSON body. */
function refusal(
  server: DevServer,
  headers: Record<string, string>,
): Promise<{ status: number | undefined; type: string | undefined; body: any }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${server.url.replace('ws', 'http')}${PATH}`, {
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...headers,
      },
    });
    request.on('upgrade', (_response, socket) => {
      socket.destroy();
      reject(new Error('the server accepted the upgrade'));
    });
    request.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode,
          type: response.headers['content-type'],
          body: JSON.parse(body),
        }),
      );
    });
    request.on('error', reject);
    request.end();
  });
}

describe('POST /v1/realtime/client_secrets', () => {
  it('mints an ek_ key: { value, expires_at, session }, the session being the effective GA session asked for', async () => {
    const lines: string[] = [];
    const server = await start({ log: (line) => lines.push(line) });
    const before = Math.floor(Date.now() / 1000);
    const { status, headers, json } = await mint(server, {
      session: { type: 'realtime', instructions: 'Be brief.', audio: { output: { voice: 'marin' } } },
      expires_after: { anchor: 'created_at', seconds: 60 },
    } satisfies ClientSecretCreateParams);
    const after = Math.floor(Date.now() / 1000);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/json');
    const answer = json as ClientSecretCreateResponse;
    expect(Object.keys(answer)).toEqual(['value', 'expires_at', 'session']);
    expect(answer.value).toMatch(/^ek_[0-9a-f]{32}$/);
    expect(answer.expires_at).toBeGreaterThanOrEqual(before + 60);
    expect(answer.expires_at).toBeLessThanOrEqual(after + 60);
    expect(answer.session).toMatchObject({
      id: 'sess_dev_secret_1',
      type: 'realtime',
      object: 'realtime.session',
      model: 'gpt-realtime',
      instructions: 'Be brief.',
      audio: { output: { voice: 'marin', format: { type: 'audio/pcm', rate: 24_000 } } },
    });
    // The same session object a session.created carries: valid against the GA schema.
    expect(
      gaProblem({ type: 'session.created', event_id: 'evt_1', session: answer.session }),
    ).toBeUndefined();
    // The log names the key by its ends only.
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\[serve\] minted client secret 1 \(ek_[0-9a-f]{3}\*{25}[0-9a-f]{4}\), valid until /,
    );
    expect(lines[0]).not.toContain(answer.value);

    // No body at all: the defaults (10 minutes), and a new key each time.
    const second = await mint(server, '');
    expect(second.status).toBe(200);
    expect(second.json.value).not.toBe(answer.value);
    expect(second.json.expires_at - Math.floor(Date.now() / 1000)).toBeGreaterThanOrEqual(599);
    expect(second.json.session.id).toBe('sess_dev_secret_2');
  });

  it.each([
    [{ expires_after: { seconds: 5 } }, 'invalid_value', 'expires_after.seconds', /5; expected 10 to 7200/],
    [{ expires_after: { seconds: 7201 } }, 'invalid_value', 'expires_after.seconds', /7201/],
    [{ expires_after: { seconds: 12.5 } }, 'invalid_type', 'expires_after.seconds', /an integer/],
    [{ expires_after: { anchor: 'now' } }, 'invalid_value', 'expires_after.anchor', /'created_at'/],
    [{ expires_in: 60 }, 'unknown_parameter', 'body.expires_in', /Unknown parameter/],
    [{ session: { instructions: 'x' } }, 'missing_required_parameter', 'session.type', /session\.type/],
    [{ session: { type: 'transcription' } }, 'invalid_value', 'session.type', /only runs 'realtime'/],
    [
      { session: { type: 'realtime', audio: { output: { speed: 5 } } } },
      'invalid_value',
      'session.audio.output.speed',
      /5; expected 0.25 to 1.5/,
    ],
  ])('refuses %j with a GA error (400, %s, param %s)', async (body, code, param, message) => {
    const server = await start();
    const { status, json } = await mint(server, body);
    expect(status).toBe(400);
    expect(json).toEqual({
      error: { type: 'invalid_request_error', code, param, message: expect.stringMatching(message) },
    });
  });

  it("the official SDK's clientSecrets.create mints from it, and its errors come back as the SDK's own", async () => {
    const server = await start();
    const client = new OpenAI({
      apiKey: 'sk-test',
      baseURL: server.clientSecretsUrl.replace(/\/realtime\/client_secrets$/, ''),
    });
    const created = await client.realtime.clientSecrets.create({
      session: { type: 'realtime', instructions: 'Be brief.' },
      expires_after: { anchor: 'created_at', seconds: 10 },
    });
    expect(created.value).toMatch(/^ek_/);
    expect(created.session).toMatchObject({ type: 'realtime', instructions: 'Be brief.' });
    expect(await firstEvent(server, created.value)).toEqual({
      type: 'session.created',
      sessionId: 'sess_dev_1',
    });

    const refused: unknown = await client.realtime.clientSecrets
      .create({ expires_after: { seconds: 1 } })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect(refused).toMatchObject({
      status: 400,
      code: 'invalid_value',
      param: 'expires_after.seconds',
      type: 'invalid_request_error',
    });
  });

  it('refuses a body that is not JSON (400) and a GET (405, Allow: POST); other paths still answer 426', async () => {
    const server = await start();
    expect(await mint(server, '{not json')).toMatchObject({
      status: 400,
      json: { error: { type: 'invalid_request_error', code: null, param: null } },
    });
    const get = await mint(server, undefined, 'GET');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(get.json.error.message).toBe('GET is not allowed here: use POST.');
    const other = await fetch(server.url.replace('ws', 'http') + '/v1/realtime');
    expect(other.status).toBe(426);
    await other.text();
  });
});

describe('a WebSocket with a client secret', () => {
  it('round trip: minted, then accepted as the browser subprotocol and as a bearer header (and refused without one when required)', async () => {
    const server = await start({ requireClientSecret: true });
    const value = await key(server);

    // A browser offers the key as a subprotocol and cannot send headers; the server answers `realtime`.
    const browser = await open(`${server.url}${PATH}`, ['realtime', `openai-insecure-api-key.${value}`]);
    expect(browser.socket.protocol).toBe('realtime');
    expect((await startSession(browser)).session.id).toBe('sess_dev_1');

    // Node can send the header instead.
    const node = await open(`${server.url}${PATH}`, undefined, { Authorization: `Bearer ${value}` });
    expect((await startSession(node)).session.id).toBe('sess_dev_2');

    // The library sends an ek_ key both ways on Node.
    expect(await firstEvent(server, value)).toEqual({ type: 'session.created', sessionId: 'sess_dev_3' });

    // Without a key, or with a key it did not mint, the required server refuses.
    expect(await refusal(server, {})).toEqual({
      status: 401,
      type: 'application/json',
      body: {
        error: {
          type: 'invalid_request_error',
          code: null,
          param: null,
          message: expect.stringMatching(/^You didn't provide an API key\./),
        },
      },
    });
    expect(
      (await refusal(server, { Authorization: 'Bearer sk-not-minted-here-123' })).body.error,
    ).toMatchObject({
      code: 'invalid_api_key',
      message: expect.stringMatching(/^Incorrect API key provided: sk-not\*+-123\./),
    });
    expect(server.connections()).toHaveLength(3);
  });

  it('an expired key is refused with its reason, which reaches closed.detail without the key', async () => {
    const lines: string[] = [];
    const server = await start({ clientSecretTtlMs: 1000, log: (line) => lines.push(line) });
    const minted = Date.now();
    const value = await key(server, { expires_after: { anchor: 'created_at', seconds: 600 } });
    expect(await firstEvent(server, value)).toEqual({ type: 'session.created', sessionId: 'sess_dev_1' });
    await sleep(minted + 1100 - Date.now());

    const closed = await firstEvent(server, value);
    expect(closed).toEqual({
      type: 'closed',
      reason: 'error',
      detail: expect.stringMatching(
        /^Unexpected server response: 401: \{"error":\{"message":"The client secret \*{28}[0-9a-f]{4} expired at \d{4}-\d\d-\d\dT[\d:.]+Z: mint a new one\.","type":"invalid_request_error","param":null,"code":"invalid_api_key"\}\}$/,
      ),
    });
    // The body quoted the key's first 6 characters: hidden.
    expect(JSON.stringify(closed)).not.toContain(value.slice(0, 6));
    expect(lines.at(-1)).toMatch(
      /^\[serve\] refused a handshake on \/v1\/realtime\?model=gpt-realtime: 401 The client secret/,
    );
    expect(server.connections()).toHaveLength(1);
  });

  it('without requireClientSecret: no key and other keys pass; an ek_ key is checked all the same', async () => {
    const server = await start();
    expect(await firstEvent(server, undefined)).toEqual({ type: 'session.created', sessionId: 'sess_dev_1' });
    expect(await firstEvent(server, 'sk-anything-goes')).toEqual({
      type: 'session.created',
      sessionId: 'sess_dev_2',
    });
    const made = await firstEvent(server, 'ek_0123456789abcdef0123456789abcdef');
    expect(made).toEqual({
      type: 'closed',
      reason: 'error',
      detail: expect.stringContaining(
        'Unexpected server response: 401: {"error":{"message":"Incorrect API key provided: ***',
      ),
    });
    // As a browser would see it: the status and the body are there for ws, not for a page.
    expect(
      (
        await refusal(server, {
          'Sec-WebSocket-Protocol': 'realtime, openai-insecure-api-key.ek_unknown0000000000',
        })
      ).status,
    ).toBe(401);
  });

  it('the codex dialect checks the bearer key the same way', async () => {
    const server = await start({ dialect: 'codex', clientSecretTtlMs: 60_000 });
    const value = await key(server);
    const conversation = connectConversation({ url: server.url, dialect: 'codex', apiKey: value });
    const { values, done } = record(conversation.events$);
    while (!values.some((e) => e.type === 'session.created')) await sleep(5);
    conversation.close();
    await done;
    const refused = connectConversation({
      url: server.url,
      dialect: 'codex',
      apiKey: 'ek_not_minted_000000',
    });
    expect((await record(refused.events$).done).at(-1)).toMatchObject({
      type: 'closed',
      reason: 'error',
      detail: expect.stringMatching(/^Unexpected server response: 401: .*Incorrect API key provided/),
    });
  });
});
