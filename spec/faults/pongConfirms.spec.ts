/*
 * Texts confirmed by pongs: a WebSocket endpoint reads frames in order and answers a ping when it reads
 * it, so the pong to a ping written after a text proves the server read that text. When the socket is
 * then lost, codex (no acknowledgement) names by `texts.unconfirmed` only the texts written after the
 * last ping answered, not every text the socket ever carried. Where the server acknowledges items
 * (openai), its acknowledgement is the only confirmation: a pong may come from a proxy in front of it.
 *
 * A `ws` server that answers pings itself (autoPong off), so each case decides which pings it answers;
 * the connection then ends without a close frame (its TCP connection ended, after what it sent).
 */
import type { ServerConnection, WsServer } from './harness';
import { answerSession, installFaultGuards, open, sleep, startWsServer, textOf, until } from './harness';

installFaultGuards();

const reconnect = { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 10, jitter: 0 };
const FIRST = Array.from({ length: 60 }, (_, i) => `first ${i + 1}`);
const LAST = Array.from({ length: 5 }, (_, i) => `last ${i + 1}`);

const textsRead = (conn: ServerConnection) => conn.messages.map(textOf).filter((t) => t !== undefined);

/**
 * A codex server whose first connection answers pings while `answers(read)` says so (asked after each
 * ping answered, with the number of texts read before it); later connections answer every ping.
 * `answered`: for each ping the first connection answered, how many texts it had read before it.
 */
async function startServer(
  answers: (read: number) => boolean,
): Promise<{ server: WsServer; answered: number[] }> {
  const answered: number[] = [];
  let answering = true;
  const server = await startWsServer({
    autoPong: false,
    onConnection: (conn) => {
      conn.ws.on('ping', (data: Buffer) => {
        if (conn.index > 0) return conn.ws.pong(data);
        if (!answering) return;
        conn.ws.pong(data);
        const read = textsRead(conn).length;
        answered.push(read);
        answering = answers(read);
      });
    },
    onMessage: answerSession,
  });
  return { server, answered };
}

/** Gives the texts in bursts of six, a few ms apart: many pings and pongs on the way. */
async function give(send: (text: string) => void, texts: string[]): Promise<void> {
  for (let i = 0; i < texts.length; i += 6) {
    texts.slice(i, i + 6).forEach(send);
    await sleep(3);
  }
}

describe('texts confirmed by pongs (codex dialect: no acknowledgement)', () => {
  it('a lost socket names only the texts written after the last ping the server answered', async () => {
    // The server answers pings until one arrives after every FIRST text: that one is answered, no more.
    const { server, answered } = await startServer((read) => read < FIRST.length);
    const c = open(server.url, { reconnect });
    const send = (text: string) => c.conversation.text.next(text);
    await give(send, FIRST);
    const first = () => server.connections[0];
    await until(
      () => answered.at(-1) === FIRST.length,
      5000,
      'a ping after every first text',
      () => answered,
    );
    LAST.forEach(send);
    await until(() => textsRead(first()).length === FIRST.length + LAST.length, 5000, 'every text read');
    first().req.socket.end();
    await until(
      () => c.ofType('reconnected').length === 1,
      5000,
      'the reconnection',
      () => c.events,
    );
    c.conversation.close();
    await c.finished();

    // The server read every text; the client can only vouch for those before the last pong.
    expect(textsRead(first())).toEqual([...FIRST, ...LAST]);
    expect(c.ofType('texts.unconfirmed')).toEqual([{ type: 'texts.unconfirmed', texts: LAST }]);
    const k = c.events.findIndex((e) => e.type === 'texts.unconfirmed');
    expect(c.events[k + 1].type).toBe('reconnecting');
    expect(c.stats.at(-1)).toMatchObject({ textSent: FIRST.length + LAST.length, textQueued: 0 });
  });

  it('a socket lost after the pong to a ping written after every text names none', async () => {
    const { server, answered } = await startServer(() => true);
    const c = open(server.url, { reconnect });
    await give((text) => c.conversation.text.next(text), FIRST);
    const first = () => server.connections[0];
    // Answered before the end below: the client reads that pong before it learns of the end.
    await until(
      () => answered.at(-1) === FIRST.length,
      5000,
      'a ping after every text',
      () => answered,
    );
    first().req.socket.end();
    await until(
      () => c.ofType('reconnected').length === 1,
      5000,
      'the reconnection',
      () => c.events,
    );
    c.conversation.close();
    await c.finished();

    expect(textsRead(first())).toEqual(FIRST);
    expect(c.ofType('reconnecting')).toHaveLength(1);
    expect(c.ofType('texts.unconfirmed')).toEqual([]);
  });
});

describe("openai: only the server's acknowledgement confirms a text, never a pong", () => {
  it('a lost socket writes again every text the server did not acknowledge, pongs or not', async () => {
    const { server } = await startServer(() => true);
    const c = open(server.url, { dialect: 'openai', respondToText: false, reconnect });
    const send = (text: string) => c.conversation.text.next(text);
    await give(send, FIRST);
    LAST.forEach(send);
    const first = () => server.connections[0];
    await until(() => textsRead(first()).length === FIRST.length + LAST.length, 5000, 'every text read');
    await sleep(50); // time for a pong, were one asked for
    first().req.socket.end();
    await until(
      () => c.ofType('reconnected').length === 1,
      5000,
      'the reconnection',
      () => c.events,
    );
    await until(
      () => textsRead(server.connections[1]).length === FIRST.length + LAST.length,
      5000,
      'the texts again',
    );
    c.conversation.close();
    await c.finished();

    expect(textsRead(first())).toEqual([...FIRST, ...LAST]);
    expect(textsRead(server.connections[1])).toEqual([...FIRST, ...LAST]);
    expect(c.ofType('texts.unconfirmed')).toEqual([]);
    expect(c.stats.at(-1)).toMatchObject({ textSent: FIRST.length + LAST.length, textQueued: 0 });
  });
});
