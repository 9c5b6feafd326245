import { setFlagsFromString } from 'node:v8';
import { runInThisContext } from 'node:vm';
import { TestScheduler } from 'rxjs/testing';
import type WebSocket from 'ws';
import {
  nodeWebSocketFactory,
  RealtimeError,
  WebSocketSubject,
  type TransportEvent,
  type WebSocketLike,
} from '../../src/index';
import { binaryFrame, rawFrame, startScriptedServer, type ScriptedServer } from '../../src/testing';
import { record, refusedPort, waitFor } from '../helpers';

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const factory = nodeWebSocketFactory();

describe('WebSocketSubject over ws (real sockets)', () => {
  it('reports open, text frames as strings, binary frames by size, and the close code and reason; then completes', async () => {
    server = await startScriptedServer([
      {
        batches: [[rawFrame('{"a":1}'), binaryFrame(new Uint8Array(5))]],
        closeCode: 4000,
        closeReason: 'beta shape',
      },
    ]);
    const subject = new WebSocketSubject({ url: server.url, factory });
    const { values, done } = record(subject);
    await waitFor(values as TransportEvent[], (e) => typeof e === 'object' && e.type === 'open');
    subject.next('hello');
    expect(await done).toEqual([
      { type: 'open' },
      '{"a":1}',
      { type: 'binary', byteLength: 5 },
      { type: 'close', code: 4000, reason: 'beta shape', opened: true },
    ]);
    expect(server.connections()[0]).toEqual(['hello']);
  });

  it('nodeWebSocketFactory hands frames to onmessage itself (no ws MessageEvent), text as a string, and reads the handler back', async () => {
    server = await startScriptedServer([
      { batches: [[rawFrame('{"a":1}'), binaryFrame(new Uint8Array(3))]], keepOpen: true },
    ]);
    const socket = factory(server.url, undefined, undefined);
    socket.binaryType = 'arraybuffer';
    const got: unknown[] = [];
    const handler = (event: { data: unknown }) => got.push(event.data);
    socket.onmessage = handler;
    socket.onopen = () => socket.send('hello'); // the script answers a message with its batch
    expect(socket.onmessage).toBe(handler);
    expect((socket as unknown as { listenerCount(e: string): number }).listenerCount('message')).toBe(1);
    await waitFor(got, () => got.length === 2);
    expect(got[0]).toBe('{"a":1}');
    expect(got[1]).toBeInstanceOf(ArrayBuffer);
    socket.onmessage = null;
    expect(socket.onmessage).toBeNull();
    socket.close();
  });

  it("nodeWebSocketFactory's sockets share one hidden class (none falls into V8's slow dictionary mode)", async () => {
    // Per-socket closures or accessors on each ws instance had made every socket after the first a
    // dictionary-mode object: every property read on it, ws's own included, took V8's slow path.
    setFlagsFromString('--allow-natives-syntax');
    // Natives are parsed only in code compiled after the flag is set: hence code from a string.
    const fast = runInThisContext('(o) => %HasFastProperties(o)') as (o: unknown) => boolean;
    const sameMap = runInThisContext('(a, b) => %HaveSameMap(a, b)') as (a: unknown, b: unknown) => boolean;
    server = await startScriptedServer([{ batches: [], keepOpen: true }]);
    const sockets = [1, 2, 3].map(() => factory(server!.url, undefined, undefined));
    await Promise.all(sockets.map((socket) => new Promise((open) => (socket.onopen = open))));
    for (const socket of sockets) {
      socket.onmessage = () => undefined;
      socket.onpong = () => undefined;
      expect(fast(socket)).toBe(true);
      expect(sameMap(socket, sockets[0])).toBe(true);
    }
    sockets.forEach((socket) => socket.close());
  });

  it("a nodeWebSocketFactory socket still takes ws's own send forms (binary data, options)", async () => {
    server = await startScriptedServer([{ batches: [], keepOpen: true }]);
    const socket = factory(server.url, undefined, undefined) as unknown as WebSocket;
    await new Promise((open) => socket.once('open', open));
    const sent: (Error | undefined)[] = [];
    socket.send(JSON.stringify({ n: 1, pad: 'x'.repeat(200) }), (error) => sent.push(error)); // framed here
    socket.send(JSON.stringify({ n: 2 }), { binary: false }, (error) => sent.push(error)); // ws, with options
    socket.send(Buffer.from(JSON.stringify({ n: 3 }))); // ws, bytes: a binary frame, as ws sends it
    expect(await server.waitForMessages(0, 3, 5000)).toBe(true);
    expect(server.connections()[0]).toEqual([{ n: 1, pad: 'x'.repeat(200) }, { n: 2 }, { binary: 7 }]);
    expect(sent.map((error) => error ?? 'written')).toEqual(['written', 'written']); // no error (null from the socket)
    socket.close();
  });

  it('a text sent after a Blob is not framed ahead of it: ws reads a Blob before writing it, and what follows waits', async () => {
    server = await startScriptedServer([{ batches: [], keepOpen: true }]);
    const socket = factory(server.url, undefined, undefined) as unknown as WebSocket;
    await new Promise((open) => socket.once('open', open));
    socket.send(new Blob([JSON.stringify({ n: 1 })])); // ws: a binary frame, once the Blob is read
    socket.send(JSON.stringify({ n: 2, pad: 'x'.repeat(200) })); // would be framed here: must wait its turn
    socket.send(JSON.stringify({ n: 3, pad: 'y'.repeat(200) }));
    expect(await server.waitForMessages(0, 3, 5000)).toBe(true);
    expect(server.connections()[0]).toEqual([
      { binary: 7 },
      { n: 2, pad: 'x'.repeat(200) },
      { n: 3, pad: 'y'.repeat(200) },
    ]);
    socket.close();
  });

  it('frames of every size reach the server intact and in order, framed here (126 B to 64 KiB) or by ws (the rest)', async () => {
    server = await startScriptedServer([{ batches: [], keepOpen: true }]);
    const subject = new WebSocketSubject({ url: server.url, factory });
    const { values, done } = record(subject);
    await waitFor(values as TransportEvent[], (e) => typeof e === 'object' && e.type === 'open');
    const frames = [
      JSON.stringify({ n: 1 }), // ws
      JSON.stringify({ n: 2, audio: 'A'.repeat(1280) }), // here
      JSON.stringify({ n: 3, text: 'grüße 👋 '.repeat(40) }), // here, UTF-8
      JSON.stringify({ n: 4, big: 'B'.repeat(70_000) }), // ws
      JSON.stringify({ n: 5, audio: 'C'.repeat(1281) }), // here
    ];
    for (const frame of frames) subject.next(frame);
    expect(await server.waitForMessages(0, frames.length, 5000)).toBe(true);
    expect(server.connections()[0]).toEqual(frames.map((frame) => JSON.parse(frame) as unknown));
    subject.close();
    await done;
  });

  it('sends handshake headers and subprotocols on Node', async () => {
    server = await startScriptedServer([{ batches: [], keepOpen: true }]);
    const subject = new WebSocketSubject({
      url: server.url + '/ws?x=1',
      factory,
      headers: { 'X-Test': 'yes' },
      protocols: ['realtime'],
    });
    const { values, done } = record(subject);
    await waitFor(values as TransportEvent[], (e) => typeof e === 'object' && e.type === 'open');
    const [handshake] = server.handshakes();
    expect(handshake.path).toBe('/ws?x=1');
    expect(handshake.header('x-test')).toBe('yes');
    expect(handshake.header('sec-websocket-protocol')).toBe('realtime');
    subject.close();
    await done;
  });

  it('closes with 1000 when asked, and the server sees it', async () => {
    server = await startScriptedServer([{ batches: [], keepOpen: true }]);
    const subject = new WebSocketSubject({ url: server.url, factory });
    const { values, done } = record(subject);
    await waitFor(values as TransportEvent[], (e) => typeof e === 'object' && e.type === 'open');
    subject.close();
    subject.close();
    expect((await done).at(-1)).toEqual({ type: 'close', code: 1000, reason: '', opened: true });
    expect(await server.waitForClose(0, 1000)).toEqual({ code: 1000, reason: '' });
  });

  it('a refused connection ends with a close event that says what failed', async () => {
    const port = await refusedPort();
    const subject = new WebSocketSubject({ url: `ws://127.0.0.1:${port}`, factory });
    const events = await record(subject).done;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'close', code: 1006, opened: false });
    expect((events[0] as { error: string }).error).toMatch(/ECONNREFUSED/);
  });

  it('sending on a socket that is not open: send() is false, next() throws a RealtimeError', async () => {
    server = await startScriptedServer([{ batches: [], keepOpen: true, acceptDelayMs: 200 }]);
    const subject = new WebSocketSubject({ url: server.url, factory });
    const { done } = record(subject);
    expect(subject.send('early')).toBe(false);
    expect(() => subject.next('early')).toThrow(RealtimeError);
    subject.close();
    await done;
    expect(subject.send('late')).toBe(false);
  });

  it('turns unwritable when the send buffer passes the high-water mark, writable again once the server reads', async () => {
    server = await startScriptedServer([{ batches: [], keepOpen: true }]);
    const subject = new WebSocketSubject({ url: server.url, factory, highWaterMark: 64 * 1024 });
    const writable = record(subject.writable$).values;
    const { values, done } = record(subject);
    await waitFor(values as TransportEvent[], (e) => typeof e === 'object' && e.type === 'open');
    server.pauseReading(0);
    const chunk = 'x'.repeat(64 * 1024);
    let sent = 0;
    while (writable.at(-1) === true && sent < 2000) {
      subject.next(chunk);
      sent++;
    }
    expect(writable).toEqual([false, true, false]);
    server.resumeReading(0);
    await waitFor(writable, (w) => w === true && writable.length === 4, 10_000);
    expect(await server.waitForMessages(0, sent, 10_000)).toBe(true);
    subject.close();
    await done;
  });

  it('a closing handshake that never finishes is cut after closeTimeoutMs with 1006', async () => {
    server = await startScriptedServer([{ batches: [], keepOpen: true }]);
    const subject = new WebSocketSubject({ url: server.url, factory, closeTimeoutMs: 200 });
    const { values, done } = record(subject);
    await waitFor(values as TransportEvent[], (e) => typeof e === 'object' && e.type === 'open');
    server.pauseReading(0); // the server never reads our close frame, so never answers it
    const chunk = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 16; i++) subject.next(chunk); // fill the kernel buffers: the close frame waits behind
    subject.close();
    expect((await done).at(-1)).toEqual({
      type: 'close',
      code: 1006,
      reason: '',
      opened: true,
      error: 'the closing handshake timed out',
      timedOut: true,
    });
  });
});

/** A WebSocket-like with no send callback (like a browser's): the subject must poll to see it drain. */
class BrowserLikeSocket implements WebSocketLike {
  readyState = 0;
  bufferedAmount = 0;
  binaryType = 'blob';
  sent: string[] = [];
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  send(data: string): void {
    this.sent.push(data);
    this.bufferedAmount += data.length;
  }
  close(code = 1000, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
}

describe('WebSocketSubject with a browser-like socket (TestScheduler)', () => {
  it('polls bufferedAmount only while blocked, and turns writable again at the low-water mark', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const socket = new BrowserLikeSocket();
    const subject = new WebSocketSubject({
      url: 'ws://x',
      factory: () => socket,
      highWaterMark: 10,
      drainPollMs: 5,
      scheduler,
    });
    const writable: [frame: number, writable: boolean][] = [];
    subject.writable$.subscribe((w) => writable.push([scheduler.now(), w]));
    subject.subscribe();
    socket.open();
    expect(scheduler.actions).toHaveLength(0); // nothing scheduled while writable
    subject.next('0123456789AB'); // 12 bytes >= 10: blocked
    expect(writable).toEqual([
      [0, false],
      [0, true],
      [0, false],
    ]);

    socket.bufferedAmount = 6; // still above the low-water mark (5)
    scheduler.maxFrames = 20;
    scheduler.flush(); // polls at 5, 10, 15, 20
    expect(writable).toHaveLength(3);

    socket.bufferedAmount = 5;
    scheduler.maxFrames = 100;
    scheduler.flush();
    expect(writable.at(-1)).toEqual([25, true]);
    expect(scheduler.actions).toHaveLength(0); // polling stopped with the block
    expect(socket.sent).toEqual(['0123456789AB']);
    subject.close();
  });

  it('a factory that throws ends the subject with a close event, no exception', async () => {
    const subject = new WebSocketSubject({
      url: 'ws://x',
      factory: () => {
        throw new SyntaxError('The URL is invalid');
      },
    });
    expect(await record(subject).done).toEqual([
      { type: 'close', code: 1006, reason: '', opened: false, error: 'The URL is invalid' },
    ]);
  });
});

/** A `ws`-like socket that can ping: pongs come when the test says (the peer read up to the ping). */
class PingingSocket extends BrowserLikeSocket {
  pings = 0;
  onpong: (() => void) | null = null;
  ping(): void {
    this.pings++;
  }
  pong(): void {
    this.onpong?.();
  }
}

describe('WebSocketSubject: congestion measured by ping→pong (TestScheduler clock)', () => {
  function setup() {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const socket = new PingingSocket();
    const subject = new WebSocketSubject({
      url: 'ws://x',
      factory: () => socket,
      keepalive: false,
      congestion: { maxDelayMs: 100, probeIntervalMs: 50 },
      scheduler,
    });
    const writable: [at: number, writable: boolean][] = [];
    subject.writable$.subscribe((w) => writable.push([scheduler.now(), w]));
    subject.subscribe();
    socket.open();
    /** Moves the virtual clock (the probe reads `scheduler.now()`). */
    const at = (ms: number) => {
      scheduler.maxFrames = ms;
      scheduler.flush();
      scheduler.frame = ms;
    };
    return { scheduler, socket, subject, writable, at };
  }

  it('a ping in flight for longer than maxDelayMs turns the socket unwritable at the next send; a pong with nothing sent after its ping turns it back', () => {
    const { socket, subject, writable, at } = setup();
    subject.next('session'); // ping 1 at 0
    expect(socket.pings).toBe(1);
    at(5);
    socket.pong(); // base RTT 5
    at(110); // the clear pong doubled the probe gap to 100
    subject.next('a'); // ping 2 at 110
    at(170);
    subject.next('b'); // 60 ms in flight: fine
    expect(writable.at(-1)).toEqual([0, true]);
    at(220);
    subject.next('c'); // 110 > 5 + 100
    expect(writable.at(-1)).toEqual([220, false]);
    at(350);
    socket.pong(); // 'b' and 'c' still wait: ping 3, still unwritable
    expect(socket.pings).toBe(3);
    expect(writable.at(-1)).toEqual([220, false]);
    at(370);
    socket.pong(); // nothing sent after ping 3: the pipe is empty
    expect(writable.at(-1)).toEqual([370, true]);
    subject.close();
  });

  it('a late pong alone turns the socket unwritable (the sends after its ping wait behind the backlog)', () => {
    const { socket, subject, writable, at } = setup();
    subject.next('session');
    at(2);
    socket.pong(); // base RTT 2
    at(110); // the clear pong doubled the probe gap to 100
    subject.next('a'); // ping 2 at 110
    at(130);
    subject.next('b'); // sent after ping 2, 20 ms in flight: no verdict yet
    expect(writable.at(-1)).toEqual([0, true]);
    at(250);
    socket.pong(); // 140 ms: 138 ms of queueing, 'b' still in flight
    expect(writable.at(-1)).toEqual([250, false]);
    at(260);
    socket.pong(); // ping 3 answered, nothing after it
    expect(writable.at(-1)).toEqual([260, true]);
    subject.close();
  });
});
