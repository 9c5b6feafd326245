/*
 * A server that stops reading (backpressure), and servers that go silent (keepalive).
 */
import { pcmFrame, statsOf } from '../helpers';
import {
  answerSession,
  installFaultGuards,
  onCleanup,
  open,
  sleep,
  startWsServer,
  textOf,
  until,
  type Recorded,
} from './harness';

installFaultGuards();

async function sessionOpen(c: Recorded): Promise<number> {
  await until(
    () => c.ofType('session.created').length > 0,
    3000,
    'session.created',
    () => c.events,
  );
  return Date.now();
}

describe('a server that stops reading', () => {
  // 100 ms of 48 kHz audio per frame (about 12.8 KB of JSON) fills the loopback buffers quickly.
  const bigFrame = pcmFrame(4800, 48_000, 1234);

  it('9. audio is dropped and counted in stats$, texts wait and arrive in order, ahead of the buffered audio, once it reads again', async () => {
    const server = await startWsServer({ onMessage: answerSession });
    const c = open(server.url, { audioBufferFrames: 64 });
    await sessionOpen(c);
    const conn = server.connections[0];
    conn.ws.pause();

    let stalled = await statsOf(c.conversation.stats$);
    for (let round = 0; round < 200 && stalled.audioDropped === 0; round++) {
      for (let i = 0; i < 50; i++) c.conversation.audio.next(bigFrame);
      stalled = await statsOf(c.conversation.stats$);
      await sleep(2);
    }
    expect(stalled.audioDropped).toBeGreaterThan(0);
    for (const text of ['first', 'second', 'third']) c.conversation.text.next(text);
    const before = await statsOf(c.conversation.stats$);
    expect(before).toMatchObject({ textSent: 0, textQueued: 3 });
    const pushed = before.audioSent + before.audioDropped + 64; // 64 still wait in the buffer
    // The periodic stats$ saw the drops too (not only an on-demand snapshot).
    await until(() => c.stats.some((s) => s.audioDropped > 0), 1000, 'a periodic stats$ snapshot with drops');

    conn.ws.resume();
    const total = 1 + before.audioSent + 3 + 64;
    await until(
      () => conn.messages.length >= total,
      10_000,
      `${total} messages at the server`,
      () => conn.messages.length,
    );
    await sleep(20);
    expect(conn.messages).toHaveLength(total);
    const after = await statsOf(c.conversation.stats$);
    expect(after).toMatchObject({
      textSent: 3,
      textQueued: 0,
      audioSent: before.audioSent + 64,
      audioDropped: before.audioDropped,
    });
    expect(after.audioSent + after.audioDropped).toBe(pushed);

    const types = conn.messages.map((m) => (m as { type: string }).type);
    expect(types[0]).toBe('session.create');
    // session.create, the audio already on the wire, the three texts, then the 64 that waited.
    expect(conn.messages.slice(1 + before.audioSent, 4 + before.audioSent).map(textOf)).toEqual([
      'first',
      'second',
      'third',
    ]);
    expect(types.slice(4 + before.audioSent)).toEqual(Array(64).fill('response.input_audio.delta'));

    c.conversation.close();
    expect((await c.finished()).code).toBe(1000);
    expect(c.events.at(-1)).toEqual({ type: 'closed', reason: 'requested', code: 1000 });
  });
});

describe('keepalive', () => {
  const keepalive = { intervalMs: 100, deadMs: 300 };

  it('10a. a server that never answers pings is given up: closed{transport_closed, 1006} naming the keepalive', async () => {
    const server = await startWsServer({ autoPong: false, onMessage: answerSession });
    const c = open(server.url, { keepalive });
    const openedAt = await sessionOpen(c);
    await c.finished(3000);
    const elapsed = Date.now() - openedAt;
    expect(c.events).toEqual([
      { type: 'session.created', sessionId: 's1' },
      {
        type: 'closed',
        reason: 'transport_closed',
        code: 1006,
        detail: 'no answer from the server for 300 ms (keepalive)',
      },
    ]);
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(1500);
    const conn = server.connections[0];
    await until(() => conn.close !== undefined, 2000, 'the server to see the socket dropped');
    expect(conn.close).toMatchObject({ code: 1006 });
    // The congestion probe's ping is still in flight: TCP loses no pongs, so it is not repeated.
    expect(conn.pings).toBe(1);
  });

  it('10c. without the congestion probe, the keepalive pings once per silent interval until deadMs', async () => {
    const server = await startWsServer({ autoPong: false, onMessage: answerSession });
    const c = open(server.url, { keepalive, congestion: false });
    await sessionOpen(c);
    await c.finished(3000);
    expect(c.events.at(-1)).toMatchObject({ reason: 'transport_closed', code: 1006 });
    const conn = server.connections[0];
    await until(() => conn.close !== undefined, 2000, 'the server to see the socket dropped');
    expect(conn.pings).toBe(2);
  });

  it('10b. a server that answers pings stays open for >= 600 ms with the same settings', async () => {
    const server = await startWsServer({ onMessage: answerSession });
    const c = open(server.url, { keepalive });
    await sessionOpen(c);
    await sleep(700);
    expect(c.completed()).toBe(false);
    expect(c.states.at(-1)).toBe('open');
    expect(server.connections[0].pings).toBeGreaterThanOrEqual(2);
    c.conversation.close();
    await c.finished();
    expect(c.events).toEqual([
      { type: 'session.created', sessionId: 's1' },
      { type: 'closed', reason: 'requested', code: 1000 },
    ]);
  });

  it('a server that never pongs but keeps talking stays alive; once it falls silent it is given up', async () => {
    let talking: ReturnType<typeof setInterval> | undefined;
    onCleanup(() => clearInterval(talking));
    const server = await startWsServer({
      autoPong: false,
      onMessage: (conn, m, index) => {
        answerSession(conn, m, index);
        let n = 0;
        talking = setInterval(() => {
          if (++n > 14) return clearInterval(talking); // about 700 ms of chatter
          conn.ws.send(JSON.stringify({ type: 'session.updated', session: { backend_prompt: `tick ${n}` } }));
        }, 50);
      },
    });
    const c = open(server.url, { keepalive });
    await sessionOpen(c);
    try {
      await sleep(600);
      expect(c.completed()).toBe(false);
      await c.finished(3000);
    } finally {
      clearInterval(talking);
    }
    expect(c.ofType('session.updated').length).toBeGreaterThanOrEqual(10);
    expect(c.events.at(-1)).toEqual({
      type: 'closed',
      reason: 'transport_closed',
      code: 1006,
      detail: 'no answer from the server for 300 ms (keepalive)',
    });
  });
});
