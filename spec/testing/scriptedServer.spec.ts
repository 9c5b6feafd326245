import { randomBytes } from 'node:crypto';
import { get as httpGet } from 'node:http';
import WebSocket, { type RawData } from 'ws';
import {
  binaryFrame,
  rawFrame,
  startScriptedServer,
  type ScriptBatch,
  type ScriptedConnection,
  type ScriptedServer,
  type ScriptedServerOptions,
} from '../../src/testing/scriptedServer.js';

interface Received {
  data: string | Buffer;
  isBinary: boolean;
}

interface Client {
  ws: WebSocket;
  received: Received[];
  errors: Error[];
  opened: Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves once `n` messages have arrived; rejects after `ms`. */
  messages(n: number, ms?: number): Promise<Received[]>;
}

const servers: ScriptedServer[] = [];
const clients: WebSocket[] = [];

afterEach(async () => {
  for (const ws of clients.splice(0)) ws.terminate();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(
  connections: ReadonlyArray<ScriptBatch[] | ScriptedConnection>,
  options?: ScriptedServerOptions,
): Promise<ScriptedServer> {
  const server = await startScriptedServer(connections, options);
  servers.push(server);
  return server;
}

function toBuffer(data: RawData): Buffer {
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
}

function connect(url: string, options?: WebSocket.ClientOptions): Client {
  const ws = new WebSocket(url, options);
  clients.push(ws);
  const received: Received[] = [];
  const errors: Error[] = [];
  ws.on('error', (err) => errors.push(err));
  ws.on('message', (data, isBinary) => {
    const buf = toBuffer(data);
    received.push({ data: isBinary ? buf : buf.toString('utf8'), isBinary });
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  opened.catch(() => undefined); // tests that expect a failed handshake never await it
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') }));
  });
  const messages = (n: number, ms = 3000): Promise<Received[]> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (received.length < n) return false;
        clearTimeout(timer);
        ws.off('message', onMessage);
        resolve([...received]);
        return true;
      };
      const onMessage = (): void => {
        // The helper's own 'message' listener was registered first, so `received` is current.
        check();
      };
      const timer = setTimeout(() => {
        ws.off('message', onMessage);
        reject(new Error(`expected ${n} messages within ${ms} ms, got ${received.length}`));
      }, ms);
      if (!check()) ws.on('message', onMessage);
    });
  return { ws, received, errors, opened, closed, messages };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const json = (r: Received): unknown => JSON.parse(r.data as string);

describe('startScriptedServer', () => {
  it('answers each client message with its batch, in order, then closes with 1000', async () => {
    const server = await start([[[{ type: 'a' }], [{ type: 'b1' }, { type: 'b2' }], []]]);
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const c = connect(server.url);
    await c.opened;

    await sleep(100);
    expect(c.received).toHaveLength(0); // nothing before the first client message

    c.ws.send(JSON.stringify({ n: 0 }));
    expect((await c.messages(1)).map(json)).toEqual([{ type: 'a' }]);

    c.ws.send(JSON.stringify({ n: 1 }));
    expect((await c.messages(3)).map(json)).toEqual([{ type: 'a' }, { type: 'b1' }, { type: 'b2' }]);

    c.ws.send(JSON.stringify({ n: 2 }));
    await expect(c.closed).resolves.toEqual({ code: 1000, reason: '' });
    expect(c.received).toHaveLength(3);
    expect(server.connections()).toEqual([[{ n: 0 }, { n: 1 }, { n: 2 }]]);
    await expect(server.waitForClose(0, 2000)).resolves.toEqual({ code: 1000, reason: '' });
  });

  it('closes right after the handshake with the configured code when there are no batches', async () => {
    const server = await start([{ batches: [], closeCode: 4000, closeReason: 'done' }]);
    const c = connect(server.url);
    await c.opened;
    await expect(c.closed).resolves.toEqual({ code: 4000, reason: 'done' });
    expect(server.connections()).toEqual([[]]);
  });

  it('keeps the socket open after the last batch when keepOpen is set, and still records', async () => {
    const server = await start([{ batches: [[{ type: 'hi' }]], keepOpen: true }]);
    const c = connect(server.url);
    await c.opened;
    c.ws.send('{"n":0}');
    await c.messages(1);
    c.ws.send('{"n":1}');
    c.ws.send('{"n":2}');
    await expect(server.waitForMessages(0, 3, 2000)).resolves.toBe(true);
    await sleep(100);
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    expect(c.received).toHaveLength(1);
    expect(server.connections()).toEqual([[{ n: 0 }, { n: 1 }, { n: 2 }]]);
    expect(server.closes()).toEqual([undefined]);
  });

  it('keeps connections beyond the script open, recording without replying', async () => {
    const server = await start([[[{ type: 'first' }]]]);
    const a = connect(server.url);
    await a.opened;
    a.ws.send('{"a":0}');
    await a.closed;

    const b = connect(server.url);
    await b.opened;
    b.ws.send('{"b":0}');
    b.ws.send('{"b":1}');
    await expect(server.waitForMessages(1, 2, 2000)).resolves.toBe(true);
    await sleep(100);
    expect(b.received).toHaveLength(0);
    expect(b.ws.readyState).toBe(WebSocket.OPEN);
    expect(server.connections()).toEqual([[{ a: 0 }], [{ b: 0 }, { b: 1 }]]);
    expect(server.handshakes().map((h) => h.connection)).toEqual([0, 1]);
  });

  it('records JSON parsed, non-JSON text as the raw string and binary as its byte length', async () => {
    const server = await start([{ batches: [], keepOpen: true }]);
    const c = connect(server.url);
    await c.opened;
    c.ws.send('{"type":"x","v":[1,2]}');
    c.ws.send('not json {');
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await expect(server.waitForMessages(0, 3, 2000)).resolves.toBe(true);
    expect(server.connections()).toEqual([[{ type: 'x', v: [1, 2] }, 'not json {', { binary: 3 }]]);
  });

  it('records the handshake path with query and looks headers up case-insensitively', async () => {
    const server = await start([
      { batches: [], keepOpen: true, responseHeaders: { 'X-Server-Extra': 'yes' } },
    ]);
    const c = connect(`${server.url}/v1/realtime?intent=quicksilver&model=m`, {
      headers: { Authorization: 'Bearer dummy', 'X-Session-Id': 'conv_1' },
    });
    const upgrade = new Promise<Record<string, unknown>>((resolve) => {
      c.ws.once('upgrade', (res) => resolve(res.headers));
    });
    await c.opened;
    expect((await upgrade)['x-server-extra']).toBe('yes');

    const [h] = server.handshakes();
    expect(server.handshakes()).toHaveLength(1);
    expect(h.connection).toBe(0);
    expect(h.path).toBe('/v1/realtime?intent=quicksilver&model=m');
    expect(h.header('authorization')).toBe('Bearer dummy');
    expect(h.header('AUTHORIZATION')).toBe('Bearer dummy');
    expect(h.header('x-session-id')).toBe('conv_1');
    expect(h.headers['x-session-id']).toBe('conv_1');
    expect(h.header('x-missing')).toBeUndefined();
  });

  it('refuses an upgrade with the scripted status, records it, and uses the next script afterwards', async () => {
    const server = await start([
      {
        batches: [],
        reject: { status: 401, body: 'bad key' },
        responseHeaders: { 'WWW-Authenticate': 'Bearer' },
      },
      [[{ type: 'ok' }]],
    ]);
    const c = connect(`${server.url}/v1/realtime?model=m`);
    const response = await new Promise<{ status: number | undefined; auth: unknown; body: string }>(
      (resolve) => {
        c.ws.once('unexpected-response', (_req, res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode, auth: res.headers['www-authenticate'], body }),
          );
        });
      },
    );
    expect(response).toEqual({ status: 401, auth: 'Bearer', body: 'bad key' });
    expect(server.handshakes().map((h) => h.path)).toEqual(['/v1/realtime?model=m']);
    expect(server.connections()).toEqual([[]]);
    expect(server.closes()).toEqual([undefined]);

    // Without an 'unexpected-response' listener ws reports the status as an error.
    const d = connect(server.url);
    const server2 = await start([{ batches: [], reject: { status: 429 } }]);
    const e = connect(server2.url);
    await expect(e.opened).rejects.toThrow('Unexpected server response: 429');

    await d.opened;
    d.ws.send('{"n":0}');
    expect((await d.messages(1)).map(json)).toEqual([{ type: 'ok' }]);
    expect(server.handshakes().map((h) => h.connection)).toEqual([0, 1]);
    expect(server.connections()).toEqual([[], [{ n: 0 }]]);
  });

  it('answers plain HTTP with 426 without recording or consuming a script', async () => {
    const server = await start([[[{ type: 'ok' }]]]);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = httpGet(server.url.replace('ws://', 'http://') + '/health', { agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      });
      req.on('error', reject);
    });
    expect(status).toBe(426);
    expect(server.handshakes()).toEqual([]);
    expect(server.connections()).toEqual([]);

    const c = connect(server.url);
    await c.opened;
    c.ws.send('{}');
    expect((await c.messages(1)).map(json)).toEqual([{ type: 'ok' }]);
  });

  it('delays the handshake by acceptDelayMs and records it only when answered', async () => {
    const server = await start([{ batches: [], keepOpen: true, acceptDelayMs: 300 }]);
    const t0 = Date.now();
    const c = connect(server.url);
    await sleep(100);
    expect(c.ws.readyState).toBe(WebSocket.CONNECTING);
    expect(server.handshakes()).toHaveLength(0);
    await c.opened;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    expect(server.handshakes()).toHaveLength(1);
  });

  it('does not record a handshake whose client gave up during acceptDelayMs', async () => {
    const server = await start([{ batches: [], keepOpen: true, acceptDelayMs: 200 }]);
    const c = connect(server.url);
    await sleep(50);
    c.ws.terminate();
    await c.closed;
    await expect(server.waitForHandshakes(1, 400)).resolves.toBe(false);
    expect(server.connections()).toEqual([[]]); // the script was consumed all the same
    expect(server.closes()).toEqual([undefined]);
  });

  it('sends rawFrame verbatim as text and binaryFrame as a binary frame', async () => {
    const server = await start([
      {
        batches: [[rawFrame('{"type": oops'), binaryFrame(new Uint8Array([1, 2, 3])), { ok: true }]],
        keepOpen: true,
      },
    ]);
    const c = connect(server.url);
    await c.opened;
    c.ws.send('{}');
    const got = await c.messages(3);
    expect(got[0]).toEqual({ data: '{"type": oops', isBinary: false });
    expect(got[1].isBinary).toBe(true);
    expect([...(got[1].data as Buffer)]).toEqual([1, 2, 3]);
    expect(got[2]).toEqual({ data: '{"ok":true}', isBinary: false });

    server.send(0, rawFrame('plain'));
    server.send(0, { later: 1 });
    server.send(0, binaryFrame(new Uint8Array([9])));
    const more = await c.messages(6);
    expect(more.slice(3).map((r) => (r.isBinary ? [...(r.data as Buffer)] : r.data))).toEqual([
      'plain',
      '{"later":1}',
      [9],
    ]);
  });

  it("records the client's close code and reason in closes()", async () => {
    const server = await start([{ batches: [], keepOpen: true }]);
    const c = connect(server.url);
    await c.opened;
    expect(server.closes()).toEqual([undefined]);
    c.ws.close(4001, 'bye');
    await expect(server.waitForClose(0, 2000)).resolves.toEqual({ code: 4001, reason: 'bye' });
    expect(server.closes()).toEqual([{ code: 4001, reason: 'bye' }]);
    expect(() => server.send(0, { late: true })).toThrow('not open');
  });

  it('closeConnection sends a close frame with the given code; terminate drops the socket (1006)', async () => {
    const server = await start([]);
    const a = connect(server.url);
    await a.opened;
    const b = connect(server.url);
    await b.opened;

    server.closeConnection(0, 4002, 'server bye');
    await expect(a.closed).resolves.toEqual({ code: 4002, reason: 'server bye' });

    server.terminate(1);
    await expect(b.closed).resolves.toEqual({ code: 1006, reason: '' });
    await expect(server.waitForClose(1, 2000)).resolves.toEqual({ code: 1006, reason: '' });
    expect(() => server.terminate(5)).toThrow(RangeError);
  });

  it('enforces maxPayload: the client gets 1009, the server records 1006 (it stops reading on the error)', async () => {
    const server = await start([{ batches: [], keepOpen: true }], { maxPayload: 16 });
    const c = connect(server.url);
    await c.opened;
    c.ws.send(JSON.stringify({ pad: 'x'.repeat(64) }));
    await expect(c.closed).resolves.toMatchObject({ code: 1009 });
    await expect(server.waitForClose(0, 2000)).resolves.toMatchObject({ code: 1006 });
  });

  it('negotiates permessage-deflate by default and not when disabled', async () => {
    const on = await start([{ batches: [], keepOpen: true }]);
    const off = await start([{ batches: [], keepOpen: true }], { perMessageDeflate: false });
    const a = connect(on.url);
    const b = connect(off.url);
    await Promise.all([a.opened, b.opened]);
    expect(a.ws.extensions).toContain('permessage-deflate');
    expect(b.ws.extensions).toBe('');
  });

  describe.each([
    ['one connection', 0],
    ['every connection', undefined],
  ])('pauseReading (%s)', (_label, target) => {
    it('stops reading so the client buffers, and resumeReading delivers everything', async () => {
      const server = await start([{ batches: [], keepOpen: true }]);
      const c = connect(server.url, { perMessageDeflate: false });
      await c.opened;
      server.pauseReading(target);

      const pad = randomBytes(48 * 1024).toString('base64'); // 64 KiB, incompressible anyway
      const count = 128; // ~8 MiB
      for (let i = 0; i < count; i++) c.ws.send(JSON.stringify({ i, pad }));
      await sleep(300);
      expect(c.ws.bufferedAmount).toBeGreaterThan(0);
      expect(server.connections()[0].length).toBeLessThan(count);

      server.resumeReading(target);
      await expect(server.waitForMessages(0, count, 10_000)).resolves.toBe(true);
      expect(server.connections()[0].map((m) => (m as { i: number }).i)).toEqual([...Array(count).keys()]);
      expect(c.ws.bufferedAmount).toBe(0);
    });
  });

  it('pauseReading() without an index also pauses connections accepted later', async () => {
    const server = await start([{ batches: [], keepOpen: true }]);
    server.pauseReading();
    const c = connect(server.url, { perMessageDeflate: false });
    await c.opened;
    const pad = randomBytes(48 * 1024).toString('base64');
    for (let i = 0; i < 128; i++) c.ws.send(JSON.stringify({ i, pad }));
    await sleep(300);
    expect(server.connections()[0].length).toBeLessThan(128);
    server.resumeReading();
    await expect(server.waitForMessages(0, 128, 10_000)).resolves.toBe(true);
  });

  it('waitFor* resolve false/undefined on timeout and true as soon as the event happens', async () => {
    const server = await start([{ batches: [], keepOpen: true }]);
    const t0 = Date.now();
    await expect(server.waitForHandshakes(1, 150)).resolves.toBe(false);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    await expect(server.waitForMessages(0, 1, 50)).resolves.toBe(false);
    await expect(server.waitForClose(0, 50)).resolves.toBeUndefined();

    const handshake = server.waitForHandshakes(1, 5000);
    const message = server.waitForMessages(0, 1, 5000);
    const t1 = Date.now();
    const c = connect(server.url);
    await expect(handshake).resolves.toBe(true);
    await c.opened;
    c.ws.send('{}');
    await expect(message).resolves.toBe(true);
    expect(Date.now() - t1).toBeLessThan(2000);
  });

  it('close() is idempotent, drops clients and settles pending waiters', async () => {
    const server = await start([{ batches: [], keepOpen: true }]);
    const c = connect(server.url);
    await c.opened;
    const pending = server.waitForMessages(0, 1, 10_000);
    const t0 = Date.now();
    await Promise.all([server.close(), server.close()]);
    await server.close();
    await expect(pending).resolves.toBe(false);
    expect(Date.now() - t0).toBeLessThan(3000);
    await expect(c.closed).resolves.toMatchObject({ code: 1006 });
    expect(server.closes()).toEqual([{ code: 1006, reason: '' }]);
    await expect(server.waitForHandshakes(5, 10_000)).resolves.toBe(false);
  });

  it('rejects scripts it could not play', async () => {
    await expect(startScriptedServer([[[undefined]]])).rejects.toThrow(TypeError);
    await expect(startScriptedServer([{ batches: [], closeCode: 1005 }])).rejects.toThrow(RangeError);
    await expect(startScriptedServer([{ batches: [], reject: { status: 101 } }])).rejects.toThrow(RangeError);
    await expect(startScriptedServer([{ batches: [], acceptDelayMs: -1 }])).rejects.toThrow(RangeError);
  });
});
