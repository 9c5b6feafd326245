/*
 * Faults before the socket opens: nothing listening, a handshake refused with an HTTP status, a peer
 * that accepts TCP and never answers, a peer that hangs up or answers garbage. Each ends with exactly
 * one `closed{reason:'error'}` whose detail says what failed, and never opens a session.
 */
import { createHash } from 'node:crypto';
import { refusedPort } from '../helpers';
import {
  installFaultGuards,
  open,
  SECRET,
  sleep,
  startRawServer,
  startStatusServer,
  unhandledRejections,
  until,
} from './harness';

installFaultGuards();

describe('faults before the handshake completes', () => {
  it('the guard sees an unhandled rejection (so a silent one would fail the suite)', async () => {
    const rejected = Promise.reject(new Error('deliberately unhandled'));
    await until(() => unhandledRejections().length > 0, 1000, 'the rejection to be reported');
    expect(unhandledRejections()).toEqual([new Error('deliberately unhandled')]);
    // Handled late: jest forgets it (rejectionHandled), and the guard forgets it too.
    rejected.catch(() => undefined);
    await sleep(5);
    unhandledRejections().length = 0;
  });

  it('1. a refused connection ends with closed{reason:error} and the ECONNREFUSED detail', async () => {
    const port = await refusedPort();
    const c = open(`http://127.0.0.1:${port}`);
    c.conversation.text.next('queued before the failure');
    const closed = await c.finished();
    expect(c.events).toEqual([
      { type: 'texts.unconfirmed', texts: ['queued before the failure'] },
      { type: 'closed', reason: 'error', detail: `connect ECONNREFUSED 127.0.0.1:${port}` },
    ]);
    expect(closed.code).toBeUndefined();
    expect(c.states).toEqual(['connecting', 'closed']);
    // The queued text was never sent, and says so (and the event above names it).
    expect(c.stats.at(-1)).toMatchObject({ textSent: 0, textQueued: 1, reconnects: 0 });
  });

  it.each([401, 404, 500])(
    '2. a handshake answered %i ends with closed{reason:error} naming the status and quoting the body, redacted',
    async (status) => {
      // The body and a header echo the key, as a careless proxy might.
      const server = await startStatusServer((req) => ({
        status,
        body: `denied: ${req.headers.authorization}`,
        headers: { 'X-Echo': String(req.headers.authorization) },
      }));
      const c = open(server.url);
      await c.finished();
      expect(c.events).toEqual([
        {
          type: 'closed',
          reason: 'error',
          detail: `Unexpected server response: ${status}: denied: Bearer ***`,
        },
      ]);
      expect(server.requests).toHaveLength(1);
      // The key did go out (so the echo above was a real chance to leak it), on the codex path.
      expect(server.requests[0].headers.authorization).toBe(`Bearer ${SECRET}`);
      expect(server.requests[0].url).toBe('/ws');
    },
  );

  it('3. a peer that accepts TCP but never answers the handshake: closed after connectTimeoutMs, and the socket is dropped', async () => {
    const server = await startRawServer(); // reads the request, never writes a byte
    const started = Date.now();
    const c = open(server.url, { connectTimeoutMs: 300 });
    await c.finished(3000);
    const elapsed = Date.now() - started;
    expect(c.events).toEqual([
      { type: 'closed', reason: 'transport_closed', detail: 'the handshake did not complete within 300 ms' },
    ]);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2000);
    expect(server.sockets).toHaveLength(1);
    expect(server.received[0]).toMatch(/^GET \/ws HTTP\/1\.1\r\n/);
    // The client really let go of the TCP connection.
    await until(
      () => server.sockets[0].destroyed || server.sockets[0].readableEnded,
      2000,
      'the client to drop the TCP connection',
    );
  });

  it('a peer that hangs up during the handshake ends with closed{reason:error} and a socket detail', async () => {
    const server = await startRawServer((socket) => socket.once('data', () => socket.destroy()));
    const c = open(server.url);
    const closed = await c.finished();
    expect(c.events).toHaveLength(1);
    expect(closed).toEqual({ type: 'closed', reason: 'error', detail: 'socket hang up' });
  });

  it('a 101 with a wrong Sec-WebSocket-Accept ends with closed{reason:error} naming the header', async () => {
    const server = await startRawServer((socket) =>
      socket.once('data', () => {
        const wrong = createHash('sha1').update('not the key').digest('base64');
        socket.write(
          `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${wrong}\r\n\r\n`,
        );
      }),
    );
    const c = open(server.url);
    await c.finished();
    expect(c.events).toEqual([
      { type: 'closed', reason: 'error', detail: 'Invalid Sec-WebSocket-Accept header' },
    ]);
  });

  it('close() while the handshake hangs ends at once with requested and no code', async () => {
    const server = await startRawServer();
    const c = open(server.url, { connectTimeoutMs: 5000 });
    await until(() => server.sockets.length === 1, 2000, 'the TCP connection');
    const started = Date.now();
    c.conversation.close();
    await c.finished(2000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(c.events).toEqual([{ type: 'closed', reason: 'requested' }]);
  });
});
