/*
 * Faults on an open socket: a TCP reset, the server closing with each kind of code, a server `error`,
 * garbage and binary frames, an oversize frame, a server that never answers the closing handshake.
 */
import type { Socket } from 'node:net';
import { statsOf } from '../helpers';
import {
  answerSession,
  installFaultGuards,
  open,
  sleep,
  startWsServer,
  until,
  type Recorded,
  type ServerConnection,
} from './harness';

installFaultGuards();

/** Waits (bounded) for the first session.created. */
async function sessionOpen(c: Recorded): Promise<void> {
  await until(
    () => c.ofType('session.created').length > 0,
    3000,
    'session.created',
    () => c.events,
  );
}

describe('faults on an open socket', () => {
  it('4. an abrupt TCP reset after session.created ends with closed{transport_closed, 1006}', async () => {
    const server = await startWsServer({ onMessage: answerSession });
    const c = open(server.url);
    await sessionOpen(c);
    const socket = (server.connections[0].ws as unknown as { _socket: Socket })._socket;
    socket.resetAndDestroy();
    await c.finished();
    expect(c.events).toEqual([
      { type: 'session.created', sessionId: 's1' },
      { type: 'closed', reason: 'transport_closed', code: 1006 },
    ]);
    expect(c.states).toEqual(['connecting', 'open', 'closed']);
    expect(server.connections).toHaveLength(1); // no reconnect unless asked for
  });

  it.each([
    { code: 1000, reason: '' },
    { code: 1001, reason: 'going away' },
    { code: 1005, reason: '' }, // a close frame without a code
    { code: 1011, reason: 'internal error' },
    { code: 4000, reason: 'beta_api_shape_disabled' },
    { code: 1006, reason: '' }, // terminate: no close frame at all
  ])(
    '5. the server closes with $code → closed{transport_closed, $code, detail: the reason if any}',
    async ({ code, reason }) => {
      const server = await startWsServer({
        onMessage: (conn, message, index) => {
          answerSession(conn, message, index);
          if (index !== 0) return;
          if (code === 1006) setTimeout(() => conn.ws.terminate(), 10);
          else if (code === 1005) conn.ws.close();
          else conn.ws.close(code, reason);
        },
      });
      const c = open(server.url);
      await c.finished();
      const expected =
        reason === ''
          ? { type: 'closed', reason: 'transport_closed', code }
          : { type: 'closed', reason: 'transport_closed', code, detail: reason };
      expect(c.events).toEqual([{ type: 'session.created', sessionId: 's1' }, expected]);
      // The client answered the close (or saw the socket vanish); the server saw one connection.
      expect(server.connections).toHaveLength(1);
      await until(() => server.connections[0].close !== undefined, 2000, 'the server side to close');
    },
  );

  it.each([
    { shape: 'message', wire: { type: 'error', message: 'quota exceeded' }, message: 'quota exceeded' },
    {
      shape: 'error.message',
      wire: { type: 'error', error: { message: 'model overloaded', code: 'busy' } },
      message: 'model overloaded',
    },
    { shape: 'error (a string)', wire: { type: 'error', error: 'bad session' }, message: '"bad session"' },
  ])(
    '6. a server error ($shape) → error event, then closed{error, 1000, detail}; later frames are not emitted',
    async ({ wire, message }) => {
      const server = await startWsServer({
        onMessage: (conn, m, index) => {
          if (index !== 0) return;
          answerSession(conn, m, index);
          conn.ws.send(JSON.stringify(wire));
          conn.ws.send(
            JSON.stringify({ type: 'session.updated', session: { backend_prompt: 'after the error' } }),
          );
        },
      });
      const c = open(server.url);
      const closed = await c.finished();
      expect(c.events).toEqual([
        { type: 'session.created', sessionId: 's1' },
        { type: 'error', message },
        { type: 'closed', reason: 'error', code: 1000, detail: message },
      ]);
      expect(closed.detail).toBe(message);
      // We closed with 1000.
      await until(() => server.connections[0].close !== undefined, 2000, 'the server side to close');
      expect(server.connections[0].close).toMatchObject({ code: 1000 });
      expect(c.states).toEqual(['connecting', 'open', 'closing', 'closed']);
    },
  );

  it('7. garbage text and binary frames are invalid events, the stream goes on, then a 1000 close is transport_closed', async () => {
    const server = await startWsServer({
      onMessage: (conn, m, index) => {
        if (index !== 0) return;
        const ws = conn.ws;
        ws.send('garbage!!');
        ws.send('');
        ws.send('[1,2]');
        ws.send('{"no":"type"}');
        ws.send(Buffer.from([1, 2, 3]), { binary: true });
        ws.send(Buffer.alloc(0), { binary: true });
        ws.send(Buffer.alloc(5000, 7), { binary: true });
        answerSession(conn, m, index);
        ws.send(JSON.stringify({ type: 'session.updated', session: { backend_prompt: 'still here' } }));
        ws.close(1000);
      },
    });
    const c = open(server.url);
    await c.finished();
    const binary = (n: number) => ({
      type: 'invalid',
      detail: `unexpected binary frame (${n} bytes): the codex dialect speaks JSON text`,
    });
    expect(c.events).toEqual([
      { type: 'invalid', detail: expect.stringMatching(/^malformed JSON: .*"garbage!!" is not valid JSON$/) },
      { type: 'invalid', detail: 'malformed JSON: Unexpected end of JSON input' },
      { type: 'invalid', detail: 'not a JSON object' },
      { type: 'invalid', detail: 'no string "type" field' },
      binary(3),
      binary(0),
      binary(5000),
      { type: 'session.created', sessionId: 's1' },
      { type: 'session.updated', instructions: 'still here' },
      { type: 'closed', reason: 'transport_closed', code: 1000 },
    ]);
    expect(await statsOf(c.conversation.stats$)).toMatchObject({ invalid: 7, unknown: 0, events: 10 });
  });

  it('the final stats$ snapshot is the same as the stats read after the end (it counts the closed event)', async () => {
    const server = await startWsServer({
      onMessage: (conn, m, index) => {
        answerSession(conn, m, index);
        conn.ws.close(1000);
      },
    });
    const c = open(server.url);
    await c.finished();
    expect(c.events).toHaveLength(2);
    const after = await statsOf(c.conversation.stats$);
    expect(after.events).toBe(2);
    // stats$ promises "a final one when the conversation ends": it should not differ from what is read later.
    expect(c.stats.at(-1)).toEqual(after);
  });

  it('8. an oversize frame (4 KB against maxMessageBytes 1024) → closed{error, 1009} naming maxMessageBytes', async () => {
    const server = await startWsServer({
      onMessage: (conn, m, index) => {
        if (index !== 0) return;
        answerSession(conn, m, index);
        conn.ws.send(
          JSON.stringify({ type: 'session.updated', session: { backend_prompt: 'x'.repeat(4096) } }),
        );
        conn.ws.send(JSON.stringify({ type: 'session.updated', session: { backend_prompt: 'never seen' } }));
      },
    });
    const c = open(server.url, { maxMessageBytes: 1024 });
    await c.finished();
    expect(c.events).toEqual([
      { type: 'session.created', sessionId: 's1' },
      {
        type: 'closed',
        reason: 'error',
        code: 1009,
        detail: 'an inbound frame exceeded maxMessageBytes (1024 bytes)',
      },
    ]);
    await until(() => server.connections[0].close !== undefined, 2000, 'the server side to close');
    expect(server.connections[0].close).toMatchObject({ code: 1009 });
  });

  it('a frame just under maxMessageBytes passes', async () => {
    const prompt = 'y'.repeat(
      1024 - JSON.stringify({ type: 'session.updated', session: { backend_prompt: '' } }).length,
    );
    const server = await startWsServer({
      onMessage: (conn, m, index) => {
        if (index !== 0) return;
        answerSession(conn, m, index);
        conn.ws.send(JSON.stringify({ type: 'session.updated', session: { backend_prompt: prompt } }));
        conn.ws.close(1000);
      },
    });
    const c = open(server.url, { maxMessageBytes: 1024 });
    await c.finished();
    expect(c.events).toEqual([
      { type: 'session.created', sessionId: 's1' },
      { type: 'session.updated', instructions: prompt },
      { type: 'closed', reason: 'transport_closed', code: 1000 },
    ]);
  });

  it('close() against a server that never answers the closing handshake ends after closeTimeoutMs', async () => {
    let conn: ServerConnection | undefined;
    const server = await startWsServer({
      onMessage: (c, m, index) => {
        answerSession(c, m, index);
        conn = c;
        c.ws.pause(); // never reads the close frame, so never answers it
      },
    });
    const c = open(server.url, { closeTimeoutMs: 200 });
    await sessionOpen(c);
    expect(conn).toBeDefined();
    const started = Date.now();
    c.conversation.close();
    await sleep(50);
    expect(c.completed()).toBe(false); // still waiting for the server's close frame
    await c.finished(3000);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(1500);
    expect(c.events.at(-1)).toEqual({ type: 'closed', reason: 'requested', code: 1006 });
    expect(c.states).toEqual(['connecting', 'open', 'closing', 'closed']);
    expect(server.connections).toHaveLength(1);
  });
});
