import { WebSocketServer } from 'ws';
import { nodeWebSocketFactory, WebSocketSubject } from '../../src/index';

/** Keeps the event loop busy for `ms`, as a process carrying a thousand conversations does. */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('WebSocketSubject congestion probe on a real socket', () => {
  let server: WebSocketServer;
  let url: string;

  beforeEach(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    url = `ws://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  afterEach(async () => {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  });

  it('does not take a pong read late because this process was busy for a backlog (audio is not held back)', async () => {
    const pongs: number[] = [];
    const factory = nodeWebSocketFactory();
    const subject = new WebSocketSubject({
      url,
      factory: (...args) => {
        const socket = factory(...args);
        const ws = socket as unknown as { on(event: 'pong', listener: () => void): void };
        ws.on('pong', () => pongs.push(performance.now()));
        return socket;
      },
      keepalive: false,
      congestion: { maxDelayMs: 100, probeIntervalMs: 50 },
    });
    const writable: boolean[] = [];
    subject.writable$.subscribe((value) => writable.push(value));
    subject.subscribe();
    const frame = JSON.stringify({ type: 'audio', data: 'A'.repeat(1300) });
    while (writable.at(-1) !== true) await later(5);

    subject.send(frame); // the first send pings
    while (pongs.length < 1) await later(5);
    await later(300); // past the probe interval (doubled by the clear pong)
    subject.send(frame); // pings again, at the end of this job
    await nextTurn();
    expect(pongs).toHaveLength(1); // that ping is in flight
    subject.send(frame); // sent after it: its pong will tell whether it waited
    block(300); // the server answers at once; this process reads the pong 300 ms late
    while (pongs.length < 2) await later(5);
    await later(20);

    expect(writable.at(-1)).toBe(true);
    expect(writable.filter((value) => !value)).toEqual([false]); // only before the open
    subject.close();
  });
});
