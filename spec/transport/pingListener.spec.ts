// The pings a WebSocketSubject writes and the pongs it reads, as its internal listener hears them
// (what a conversation's text ledger counts on): each ping after every frame sent before it.
import { TestScheduler } from 'rxjs/testing';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { nodeWebSocketFactory, WebSocketSubject, type WebSocketLike } from '../../src/index';
import type { TransportListener } from '../../src/transport/transportEvent';

/** A socket that can ping, written to at once (no cork): pongs come when the test says. */
class PingingSocket implements WebSocketLike {
  readyState = 0;
  bufferedAmount = 0;
  binaryType = 'blob';
  /** Frames and pings, in the order written. */
  wire: string[] = [];
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  onpong: (() => void) | null = null;
  send(data: string): void {
    this.wire.push(data);
  }
  ping(): void {
    this.wire.push('(ping)');
  }
  close(code = 1000, reason = ''): void {
    this.readyState = 2; // closing: the close event comes when the test says
    void code;
    void reason;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
}

/** A listener that logs what it hears, with the frames written before each ping. */
function listening(wire: () => string[]): { listener: TransportListener; log: string[] } {
  const log: string[] = [];
  return {
    log,
    listener: {
      next: (event) => void (typeof event !== 'string' && log.push(event.type)),
      complete: () => undefined,
      pinged: () =>
        void log.push(
          `pinged after ${wire()
            .filter((w) => w !== '(ping)')
            .join(',')}`,
        ),
      ponged: () => void log.push('ponged'),
    },
  };
}

describe('WebSocketSubject: its listener hears pings written and pongs read', () => {
  function setup(congestion: false | undefined) {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const socket = new PingingSocket();
    const subject = new WebSocketSubject({
      url: 'ws://x',
      factory: () => socket,
      keepalive: false,
      congestion: congestion === false ? false : { maxDelayMs: 100, probeIntervalMs: 1000 },
      scheduler,
    });
    const { listener, log } = listening(() => socket.wire);
    subject.open(listener);
    socket.open();
    return { socket, subject, log };
  }

  it('without a probe: each ping asked for is written after the frames before it, and every pong is heard (the unasked too)', () => {
    const { socket, subject, log } = setup(false);
    subject.next('a');
    subject.pingSoon();
    subject.next('b');
    socket.onpong!();
    socket.onpong!(); // unasked: heard all the same (matching pongs to pings is the listener's)
    expect(socket.wire).toEqual(['a', '(ping)', 'b']);
    expect(log).toEqual(['open', 'pinged after a', 'ponged', 'ponged']);
  });

  it("with the probe: no ping asked for while the probe's own is out; the probe's pings are heard", () => {
    const { socket, subject, log } = setup(undefined);
    subject.next('a'); // the probe's first ping
    subject.pingSoon(); // one is out: none more
    expect(socket.wire).toEqual(['a', '(ping)']);
    socket.onpong!();
    subject.next('b'); // within the probe's gap: no ping of its own
    subject.pingSoon();
    expect(socket.wire).toEqual(['a', '(ping)', 'b', '(ping)']);
    expect(log).toEqual(['open', 'pinged after a', 'ponged', 'pinged after a,b']);
  });

  it('no ping once the socket is closing', () => {
    const { socket, subject, log } = setup(false);
    subject.close();
    subject.pingSoon();
    expect(socket.wire).toEqual([]);
    expect(log).toEqual(['open']);
  });
});

describe('WebSocketSubject over ws: a ping asked for goes after the frames of its job', () => {
  let server: WebSocketServer;
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('the server reads the frames, then the ping; the listener hears the ping once and its pong', async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    const read: string[] = [];
    server.on('connection', (ws: ServerSocket) => {
      ws.on('message', (data: Buffer) => read.push(data.toString()));
      ws.on('ping', () => read.push('(ping)'));
    });
    const { port } = server.address() as { port: number };
    const subject = new WebSocketSubject({
      url: `ws://127.0.0.1:${port}`,
      factory: nodeWebSocketFactory(),
      keepalive: false,
      congestion: false,
    });
    const log: string[] = [];
    const opened = new Promise<void>((resolve) =>
      subject.open({
        next: (event) => {
          if (typeof event === 'string' || event.type !== 'open') return;
          // One job: the frames wait for its end, the ping goes after them (and after 'c').
          subject.next('a');
          subject.next('b');
          subject.pingSoon();
          subject.next('c');
          resolve();
        },
        complete: () => undefined,
        pinged: () => void log.push('pinged'),
        ponged: () => void log.push('ponged'),
      }),
    );
    await opened;
    const deadline = Date.now() + 5000;
    while (log.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(read).toEqual(['a', 'b', 'c', '(ping)']);
    expect(log).toEqual(['pinged', 'ponged']);
    subject.close();
  });
});
