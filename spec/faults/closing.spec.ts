/*
 * Bounded endings: a server that starts the closing handshake, or is asked to, and then never ends
 * the TCP connection. `closed` must come within `closeTimeoutMs` of the first close frame, whoever
 * sent it, with the server's code and reason when it sent a close frame.
 *
 * The servers here are raw TCP on 127.0.0.1 that answer the WebSocket handshake themselves and keep
 * their side of the connection open (half-open allowed: the client's FIN does not end it).
 */
import { installFaultGuards, open, until, type Recorded } from './harness';
import { clientOpcodes, closeFrame, startHalfOpenServer } from './halfOpenServer';

installFaultGuards();

const CLOSE_TIMEOUT_MS = 300;
/** What a loaded machine may add to a timer: still two orders of magnitude below `ws`'s own 30 s. */
const SLACK_MS = 700;

/** The conversation's `closed`, and how long after `from` (ms) it came. */
async function closedAfter(c: Recorded, from: () => number) {
  const closed = await c.finished(CLOSE_TIMEOUT_MS + SLACK_MS + 2000);
  return { closed, ms: closedAt(c) - from() };
}

const endTimes = new WeakMap<Recorded, number>();
function closedAt(c: Recorded): number {
  return endTimes.get(c)!;
}
function watchEnd(c: Recorded): void {
  c.conversation.events$.subscribe({ complete: () => endTimes.set(c, Date.now()) });
}

describe('bounded endings: the closing handshake never completes', () => {
  it("the server sends its close frame and keeps the TCP connection open: closed within closeTimeoutMs, with the server's code and reason", async () => {
    let sentAt = 0;
    const server = await startHalfOpenServer((socket) => {
      // Once the client has said something (the session message), so the socket is surely open.
      socket.once('data', () => {
        socket.write(closeFrame(4001, 'going away for good'));
        sentAt = Date.now();
      });
    });
    const c = open(server.url, { closeTimeoutMs: CLOSE_TIMEOUT_MS });
    watchEnd(c);
    const { closed, ms } = await closedAfter(c, () => sentAt);
    expect(sentAt).toBeGreaterThan(0);
    expect(closed).toEqual({
      type: 'closed',
      reason: 'transport_closed',
      code: 4001,
      detail: 'going away for good',
    });
    expect(ms).toBeLessThanOrEqual(CLOSE_TIMEOUT_MS + SLACK_MS);
    // The client answered the close frame (opcode 8) before it gave up on the connection.
    expect(clientOpcodes(server.frames[0])).toContain(0x8);
  });

  it('the server receives our close frame and never answers: closed within closeTimeoutMs of close()', async () => {
    const server = await startHalfOpenServer(() => undefined);
    const c = open(server.url, { closeTimeoutMs: CLOSE_TIMEOUT_MS });
    watchEnd(c);
    await until(() => c.states.includes('open'), 3000, 'the socket to open');
    await until(() => server.frames[0]?.length > 0, 3000, 'the session message at the server');
    const closedCalledAt = Date.now();
    c.conversation.close();
    const { closed, ms } = await closedAfter(c, () => closedCalledAt);
    // Our close frame went out; nothing came back, so there is no server code to keep.
    await until(() => clientOpcodes(server.frames[0]).includes(0x8), 1000, 'our close frame at the server');
    expect(closed).toEqual({ type: 'closed', reason: 'requested', code: 1006 });
    expect(ms).toBeLessThanOrEqual(CLOSE_TIMEOUT_MS + SLACK_MS);
  });

  it("the server answers our close frame with its own and keeps the TCP connection open: closed within closeTimeoutMs, with the server's code", async () => {
    const server = await startHalfOpenServer((socket, frames) => {
      socket.on('data', () => {
        if (!clientOpcodes(frames()).includes(0x8)) return;
        socket.removeAllListeners('data');
        socket.write(closeFrame(4002, 'as you wish'));
      });
    });
    const c = open(server.url, { closeTimeoutMs: CLOSE_TIMEOUT_MS });
    watchEnd(c);
    await until(() => c.states.includes('open'), 3000, 'the socket to open');
    const closedCalledAt = Date.now();
    c.conversation.close();
    const { closed, ms } = await closedAfter(c, () => closedCalledAt);
    expect(closed).toEqual({ type: 'closed', reason: 'requested', code: 4002 });
    expect(ms).toBeLessThanOrEqual(CLOSE_TIMEOUT_MS + SLACK_MS);
  });
});
