/*
 * A handshake the server refuses with an HTTP status: the status is a field of the transport's close
 * (read from ws's response, never from its message text), the start of the body says why in
 * `closed.detail` (redacted: whole keys and quotes of part of one), and the reconnect policy decides on
 * the status.
 */
import { TestScheduler } from 'rxjs/testing';
import {
  connectConversation,
  nodeWebSocketFactory,
  WebSocketSubject,
  type RealtimeEvent,
  type TransportClose,
} from '../../src/index';
import { createTestSocket, server, type ServerAction } from '../../src/testing';
import { installFaultGuards, open, SECRET, sleep, startRawServer, startStatusServer } from './harness';

installFaultGuards();

/** The transport's own view of one connection attempt: its final `close` event. */
function transportClose(url: string, connectTimeoutMs?: number): Promise<TransportClose> {
  const socket = new WebSocketSubject({
    url: url.replace(/^http/, 'ws'),
    factory: nodeWebSocketFactory(),
    connectTimeoutMs,
  });
  return new Promise((resolve) =>
    socket.subscribe((event) => {
      if (typeof event !== 'string' && event.type === 'close') resolve(event);
    }),
  );
}

/** The GA error body of a refused key, quoting it as a careless server would. */
const gaBody = (message: string) =>
  JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });

describe('a handshake refused with a status', () => {
  it('a 401 whose JSON body quotes the key: closed.detail has the body, redacted; the transport close has status 401', async () => {
    const body = gaBody(`Incorrect API key provided: ${SECRET}.`);
    const refusing = await startStatusServer(() => ({ status: 401, body }));
    const c = open(refusing.url);
    expect(await c.finished()).toEqual({
      type: 'closed',
      reason: 'error',
      detail: `Unexpected server response: 401: ${gaBody('Incorrect API key provided: ***.')}`,
    });
    expect(refusing.requests[0].headers.authorization).toBe(`Bearer ${SECRET}`); // the key did go out

    // One level down, nothing is redacted yet (the transport knows no secret), and the status is a field.
    expect(await transportClose(refusing.url)).toEqual({
      type: 'close',
      code: 1006,
      reason: '',
      opened: false,
      status: 401,
      error: `Unexpected server response: 401: ${body}`,
    });
  });

  it('keeps the first 200 bytes of the body on one line, with … when there was more; a quote of part of the key is hidden, also where the cut falls inside it', async () => {
    const head = `<html>\n  <body>\n    <p>The key ${SECRET.slice(0, 10)}... is not valid.</p>\n    <p>`;
    const tail = ' Retry with ';
    // Filler so that the 200th byte falls 9 characters into the second quote of the key.
    const filler = 'x'.repeat(200 - Buffer.byteLength(head + tail) - 9);
    const body = `${head}${filler}${tail}${SECRET}.</p>\n  </body>\n</html>\n`;
    expect(Buffer.from(body).subarray(0, 200).toString().endsWith(SECRET.slice(0, 9))).toBe(true);
    const refusing = await startStatusServer(() => ({ status: 403, body }));
    const c = open(refusing.url);
    expect(await c.finished()).toEqual({
      type: 'closed',
      reason: 'error',
      detail: `Unexpected server response: 403: <html> <body> <p>The key ***... is not valid.</p> <p>${filler} Retry with ***…`,
    });
  });

  it('a character cut in two at byte 200 is left out, not shown as a replacement character', async () => {
    const refusing = await startStatusServer(() => ({ status: 503, body: `${'a'.repeat(199)}é and more` }));
    const close = await transportClose(refusing.url);
    expect(close.status).toBe(503);
    expect(close.error).toBe(`Unexpected server response: 503: ${'a'.repeat(199)}…`);
  });

  it('an empty body: the status alone, as before', async () => {
    const refusing = await startStatusServer(() => ({ status: 404 }));
    expect(await transportClose(refusing.url)).toMatchObject({
      status: 404,
      error: 'Unexpected server response: 404',
    });
  });

  it('a body that never ends: the connect timeout ends the attempt, and the status is kept', async () => {
    const stalling = await startRawServer((socket) =>
      socket.once('data', () =>
        socket.write(
          'HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nnot yet',
        ),
      ),
    );
    expect(await transportClose(stalling.url, 300)).toEqual({
      type: 'close',
      code: 1006,
      reason: '',
      opened: false,
      status: 401,
      error: 'the handshake did not complete within 300 ms',
      timedOut: true,
    });
  });
});

describe('the reconnect policy reads the status', () => {
  it('a 401 is never retried; a 503 is, and the last body is in the gave-up detail', async () => {
    const unauthorized = await startStatusServer(() => ({ status: 401, body: gaBody('no') }));
    const a = open(unauthorized.url, {
      reconnect: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 10, jitter: 0 },
    });
    expect(await a.finished()).toEqual({
      type: 'closed',
      reason: 'error',
      detail: `Unexpected server response: 401: ${gaBody('no')}`,
    });
    await sleep(60); // several backoffs: a retry would have come by now
    expect(unauthorized.requests).toHaveLength(1);

    const unavailable = await startStatusServer((_req, i) => ({ status: 503, body: `busy ${i}` }));
    const b = open(unavailable.url, {
      reconnect: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 10, jitter: 0 },
    });
    expect(await b.finished()).toEqual({
      type: 'closed',
      reason: 'transport_closed',
      detail: 'gave up after 2 reconnect attempts: Unexpected server response: 503: busy 2',
    });
    expect(b.ofType('reconnecting').map((r) => r.cause)).toEqual([
      'Unexpected server response: 503: busy 0',
      'Unexpected server response: 503: busy 1',
    ]);
    expect(unavailable.requests).toHaveLength(3);
  });

  it('the status decides, not the text: a refusal that only says "401" is retried, a 403 with any body is not', () => {
    const reconnect = { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 10, jitter: 0 };
    const run = (refusal: ServerAction) => {
      const scheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
      const events: RealtimeEvent[] = [];
      let factory!: ReturnType<typeof createTestSocket>;
      scheduler.run(({ cold }) => {
        factory = createTestSocket({ server: () => cold('-r', { r: refusal }) });
        const conversation = connectConversation({ url: 'ws://t', webSocket: factory, scheduler, reconnect });
        conversation.events$.subscribe((event) => events.push(event));
      });
      return { sockets: factory.sockets.length, last: events.at(-1) };
    };
    expect(run(server.refuse('Unexpected server response: 401'))).toEqual({
      sockets: 3,
      last: {
        type: 'closed',
        reason: 'transport_closed',
        detail: 'gave up after 2 reconnect attempts: Unexpected server response: 401',
      },
    });
    expect(run(server.refuse({ status: 403, body: 'retry any time' }))).toEqual({
      sockets: 1,
      last: { type: 'closed', reason: 'error', detail: 'Unexpected server response: 403: retry any time' },
    });
    expect(run(server.refuse({ status: 500 }))).toMatchObject({ sockets: 3 });
  });
});
