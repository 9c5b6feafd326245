/*
 * Opt-in reconnect under faults: a storm of dropped sockets while texts keep coming, giving up after
 * maxAttempts, and the faults that must never be retried.
 */
import { statsOf } from '../helpers';
import type { RealtimeEvent } from '../../src/index';
import {
  answerSession,
  installFaultGuards,
  onCleanup,
  open,
  sleep,
  startStatusServer,
  startWsServer,
  textOf,
  until,
  type Recorded,
} from './harness';

installFaultGuards();

/** Timestamps events as they arrive (the recorder keeps only the values). */
function timestamps(c: Recorded): { event: RealtimeEvent; at: number }[] {
  const seen: { event: RealtimeEvent; at: number }[] = [];
  c.conversation.events$.subscribe((event) => seen.push({ event, at: Date.now() }));
  return seen;
}

describe('reconnect', () => {
  it('11. a storm: 5 sockets killed after their session message while texts keep coming; every text arrives once, in order', async () => {
    const KILLS = 5;
    const TEXTS = 40;
    const killTimes: number[] = [];
    const timers = new Set<ReturnType<typeof setTimeout>>();
    onCleanup(() => timers.forEach(clearTimeout));
    const server = await startWsServer({
      onMessage: (conn, message, index) => {
        answerSession(conn, message, index);
        if (index !== 0 || conn.index >= KILLS) return;
        const timer = setTimeout(() => {
          timers.delete(timer);
          killTimes[conn.index] = Date.now();
          conn.ws.terminate();
        }, 15);
        timers.add(timer);
      },
    });
    const c = open(server.url, {
      reconnect: { maxAttempts: 10, initialDelayMs: 20, maxDelayMs: 200, jitter: 0 },
    });
    const stamped = timestamps(c);

    const givenAt: number[] = [];
    for (let i = 1; i <= TEXTS; i++) {
      givenAt[i] = Date.now();
      c.conversation.text.next(`t${i}`);
      await sleep(10);
    }
    await until(
      () => server.connections.length === KILLS + 1,
      3000,
      'the sixth connection',
      () => c.events,
    );
    // The sixth socket comes after all texts were given (the backoff grew): wait for the client to know it.
    await until(() => c.ofType('reconnected').length === KILLS, 3000, 'the fifth reconnected');
    let final = await statsOf(c.conversation.stats$);
    for (let i = 0; i < 200 && final.textQueued > 0; i++) {
      await sleep(10);
      final = await statsOf(c.conversation.stats$);
    }
    await sleep(50); // the last texts reach the server
    expect(final).toMatchObject({ textSent: TEXTS, textQueued: 0, reconnects: KILLS });

    // Every connection began with the session message; the first five died, the sixth is up.
    expect(server.connections).toHaveLength(KILLS + 1);
    for (const conn of server.connections) expect(conn.messages[0]).toMatchObject({ type: 'session.create' });
    for (const conn of server.connections.slice(0, KILLS)) expect(conn.close).toMatchObject({ code: 1006 });
    expect(server.connections[KILLS].close).toBeUndefined();

    // Events: each loss is announced, each new socket too. Each socket died within STABLE_AFTER_MS of
    // opening, so the attempts do not start again: they grow, and so does the backoff. (The texts a
    // lost socket may have lost are named just before its `reconnecting`: checked below.)
    const types = c.events.map((e) => e.type).filter((type) => type !== 'texts.unconfirmed');
    expect(types).toEqual([
      'session.created',
      ...Array(KILLS).fill(['reconnecting', 'reconnected', 'session.created']).flat(),
    ]);
    const delays = [20, 40, 80, 160, 200];
    expect(c.ofType('reconnecting')).toEqual(
      delays.map((delayMs, k) => ({
        type: 'reconnecting',
        attempt: k + 1,
        delayMs,
        cause: 'closed with 1006',
      })),
    );
    expect(c.ofType('reconnected')).toEqual(delays.map((_, k) => ({ type: 'reconnected', attempt: k + 1 })));
    expect(c.ofType('session.created').map((e) => e.sessionId)).toEqual(['s1', 's2', 's3', 's4', 's5', 's6']);
    expect(c.states).toEqual(['connecting', 'open', ...Array(KILLS).fill(['connecting', 'open']).flat()]);

    // The backoff: each new socket came at least its delay after the kill, and not much later.
    for (let k = 0; k < KILLS; k++) {
      const gap = server.connections[k + 1].openedAt - killTimes[k];
      expect(gap).toBeGreaterThanOrEqual(delays[k] - 1);
      expect(gap).toBeLessThan(delays[k] + 500);
    }

    // Texts: no duplicates, in order, across all connections.
    const received = server.connections.flatMap((conn) =>
      conn.messages.map(textOf).filter((t): t is string => t !== undefined),
    );
    const numbers = received.map((t) => Number(t.slice(1)));
    expect(new Set(numbers).size).toBe(numbers.length);
    expect([...numbers].sort((a, b) => a - b)).toEqual(numbers);
    // Lost in flight: written to a socket that was dying. Only a text given from just before a kill
    // until the client heard of it can be lost; anything later waited for the next socket.
    const reconnectingAt = stamped.filter((s) => s.event.type === 'reconnecting').map((s) => s.at);
    expect(reconnectingAt).toHaveLength(KILLS);
    const lost = Array.from({ length: TEXTS }, (_, i) => i + 1).filter((n) => !numbers.includes(n));
    const unexplained = lost.filter(
      (n) => !killTimes.some((kill, k) => givenAt[n] >= kill - 20 && givenAt[n] <= reconnectingAt[k]),
    );
    expect(unexplained).toEqual([]);
    expect(lost.length).toBeLessThanOrEqual(KILLS);
    // codex has no acknowledgement: every text lost was named, in a `texts.unconfirmed` just before
    // the `reconnecting` of its socket.
    c.events.forEach((e, i) => {
      if (e.type === 'texts.unconfirmed') expect(c.events[i + 1].type).toBe('reconnecting');
    });
    const named = c.ofType('texts.unconfirmed').flatMap((e) => e.texts.map((t) => Number(t.slice(1))));
    expect(lost.filter((n) => !named.includes(n))).toEqual([]);
    // Texts given between sockets waited and went out on the next one (at least one per gap), none lost.
    const reconnectedAt = stamped.filter((s) => s.event.type === 'reconnected').map((s) => s.at);
    const betweenSockets = Array.from({ length: TEXTS }, (_, i) => i + 1).filter((n) =>
      reconnectingAt.some((from, k) => givenAt[n] > from && givenAt[n] < reconnectedAt[k]),
    );
    expect(betweenSockets.length).toBeGreaterThanOrEqual(KILLS);
    expect(betweenSockets.filter((n) => lost.includes(n))).toEqual([]);

    c.conversation.close();
    await c.finished();
    expect(c.events.at(-1)).toEqual({ type: 'closed', reason: 'requested', code: 1000 });
  });

  it('12a. gives up after maxAttempts when every reconnection is refused (ECONNREFUSED); the delays double up to maxDelayMs', async () => {
    const server = await startWsServer({ onMessage: answerSession });
    const c = open(server.url, {
      reconnect: { maxAttempts: 4, initialDelayMs: 20, maxDelayMs: 50, jitter: 0 },
    });
    await until(() => c.ofType('session.created').length === 1, 3000, 'session.created');
    server.stopListening();
    server.connections[0].ws.terminate();
    const closed = await c.finished(3000);
    const port = new URL(server.url).port;
    const refused = `connect ECONNREFUSED 127.0.0.1:${port}`;
    expect(c.ofType('reconnecting')).toEqual([
      { type: 'reconnecting', attempt: 1, delayMs: 20, cause: 'closed with 1006' },
      { type: 'reconnecting', attempt: 2, delayMs: 40, cause: refused },
      { type: 'reconnecting', attempt: 3, delayMs: 50, cause: refused },
      { type: 'reconnecting', attempt: 4, delayMs: 50, cause: refused },
    ]);
    expect(c.ofType('reconnected')).toEqual([]);
    expect(closed).toEqual({
      type: 'closed',
      reason: 'transport_closed',
      detail: `gave up after 4 reconnect attempts: ${refused}`,
    });
    expect(c.events.map((e) => e.type)).toEqual([
      'session.created',
      'reconnecting',
      'reconnecting',
      'reconnecting',
      'reconnecting',
      'closed',
    ]);
    expect(server.connections).toHaveLength(1);
  });

  it('12b. gives up after maxAttempts when every reconnection is answered 503; each attempt waits its backoff', async () => {
    const server = await startWsServer({
      onMessage: answerSession,
      reject: (i) => (i === 0 ? undefined : 503),
    });
    const c = open(server.url, {
      reconnect: { maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 200, jitter: 0 },
    });
    await until(() => c.ofType('session.created').length === 1, 3000, 'session.created');
    const killedAt = Date.now();
    server.connections[0].ws.terminate();
    const closed = await c.finished(3000);
    expect(closed).toEqual({
      type: 'closed',
      reason: 'transport_closed',
      detail: 'gave up after 3 reconnect attempts: Unexpected server response: 503',
    });
    expect(c.ofType('reconnecting').map(({ attempt, delayMs, cause }) => [attempt, delayMs, cause])).toEqual([
      [1, 20, 'closed with 1006'],
      [2, 40, 'Unexpected server response: 503'],
      [3, 80, 'Unexpected server response: 503'],
    ]);
    expect(server.upgrades).toBe(4); // the first, then exactly maxAttempts
    const times = [killedAt, ...server.upgradeTimes.slice(1)];
    [20, 40, 80].forEach((delay, k) => {
      expect(times[k + 1] - times[k]).toBeGreaterThanOrEqual(delay - 1);
      expect(times[k + 1] - times[k]).toBeLessThan(delay + 400);
    });
    await sleep(250); // nothing more is tried after the end
    expect(server.upgrades).toBe(4);
  });

  it('12e. a 1013 storm: a server that accepts and closes with 1013 each time gets 1 + maxAttempts connections, each wait longer (jitter within its fraction), then closed says it gave up', async () => {
    const MAX = 5;
    const server = await startWsServer({
      onConnection: (conn) => conn.ws.close(1013, 'try again later'),
    });
    const started = Date.now();
    const c = open(server.url, {
      reconnect: { maxAttempts: MAX, initialDelayMs: 20, maxDelayMs: 10_000, jitter: 0.2 },
    });
    const closed = await c.finished(5000);
    const cause = 'closed with 1013: try again later';
    expect(closed).toEqual({
      type: 'closed',
      reason: 'transport_closed',
      code: 1013,
      detail: `gave up after ${MAX} reconnect attempts: ${cause}`,
    });
    const reconnecting = c.ofType('reconnecting');
    expect(reconnecting.map(({ attempt, cause }) => [attempt, cause])).toEqual(
      Array.from({ length: MAX }, (_, k) => [k + 1, cause]),
    );
    // Each delay is its attempt's full backoff less at most a fifth (the documented jitter): 20, 40,
    // 80, 160, 320 at most, so each is longer than the one before.
    reconnecting.forEach(({ delayMs }, k) => {
      const full = 20 * 2 ** k;
      expect(delayMs).toBeLessThanOrEqual(full);
      expect(delayMs).toBeGreaterThanOrEqual(Math.floor(full * 0.8));
      if (k > 0) expect(delayMs).toBeGreaterThan(reconnecting[k - 1].delayMs);
    });
    expect(c.ofType('reconnected').map((e) => e.attempt)).toEqual([1, 2, 3, 4, 5]);
    // Bounded: the first connection and maxAttempts more, each upgrade after its wait.
    expect(server.upgrades).toBe(1 + MAX);
    for (let k = 1; k <= MAX; k++) {
      const gap = server.upgradeTimes[k] - server.upgradeTimes[k - 1];
      expect(gap).toBeGreaterThanOrEqual(reconnecting[k - 1].delayMs - 1);
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(reconnecting.reduce((sum, e) => sum + e.delayMs, 0));
    await sleep(300); // nothing more is tried after the end
    expect(server.upgrades).toBe(1 + MAX);
  });

  it.each([400, 401, 403, 404])(
    '12c. a handshake answered %i is never retried: one request, closed{error}',
    async (status) => {
      const server = await startStatusServer(() => ({ status }));
      const c = open(server.url, {
        reconnect: { maxAttempts: 5, initialDelayMs: 10, maxDelayMs: 20, jitter: 0 },
      });
      await c.finished();
      expect(c.events).toEqual([
        { type: 'closed', reason: 'error', detail: `Unexpected server response: ${status}` },
      ]);
      await sleep(100); // > the backoff: a retry would have come by now
      expect(server.requests).toHaveLength(1);
    },
  );

  it.each([
    { code: 4000, reason: 'beta_api_shape_disabled' },
    { code: 4999, reason: 'custom' },
    { code: 1000, reason: '' },
    { code: 1008, reason: 'policy' },
  ])(
    '12d. a close $code is never retried: one connection, closed{transport_closed, $code}',
    async ({ code, reason }) => {
      const server = await startWsServer({
        onMessage: (conn, m, index) => {
          answerSession(conn, m, index);
          conn.ws.close(code, reason);
        },
      });
      const c = open(server.url, {
        reconnect: { maxAttempts: 5, initialDelayMs: 10, maxDelayMs: 20, jitter: 0 },
      });
      const closed = await c.finished();
      expect(closed).toEqual(
        reason
          ? { type: 'closed', reason: 'transport_closed', code, detail: reason }
          : { type: 'closed', reason: 'transport_closed', code },
      );
      expect(c.ofType('reconnecting')).toEqual([]);
      await sleep(100);
      expect(server.upgrades).toBe(1);
    },
  );

  it('a server error is never retried', async () => {
    const server = await startWsServer({
      onMessage: (conn, m, index) => {
        answerSession(conn, m, index);
        if (index === 0) conn.ws.send(JSON.stringify({ type: 'error', message: 'fatal' }));
      },
    });
    const c = open(server.url, {
      reconnect: { maxAttempts: 5, initialDelayMs: 10, maxDelayMs: 20, jitter: 0 },
    });
    const closed = await c.finished();
    expect(closed).toEqual({ type: 'closed', reason: 'error', code: 1000, detail: 'fatal' });
    await sleep(100);
    expect(server.upgrades).toBe(1);
  });

  it('an oversize frame (1009) is never retried', async () => {
    const server = await startWsServer({
      onMessage: (conn, m, index) => {
        answerSession(conn, m, index);
        if (index === 0) conn.ws.send('x'.repeat(4096));
      },
    });
    const c = open(server.url, {
      maxMessageBytes: 1024,
      reconnect: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 20, jitter: 0 },
    });
    await until(
      () => c.events.some((e) => e.type === 'closed' || e.type === 'reconnecting'),
      3000,
      'the end or a retry',
    );
    expect(c.ofType('reconnecting')).toEqual([]);
    const closed = await c.finished();
    expect(closed).toEqual({
      type: 'closed',
      reason: 'error',
      code: 1009,
      detail: 'an inbound frame exceeded maxMessageBytes (1024 bytes)',
    });
    expect(server.upgrades).toBe(1);
  });

  it('close() during the backoff ends at once with requested (no code) and opens nothing more', async () => {
    const server = await startWsServer({ onMessage: answerSession });
    const c = open(server.url, {
      reconnect: { maxAttempts: 5, initialDelayMs: 100, maxDelayMs: 100, jitter: 0 },
    });
    await until(() => c.ofType('session.created').length === 1, 3000, 'session.created');
    server.connections[0].ws.terminate();
    await until(() => c.ofType('reconnecting').length === 1, 2000, 'reconnecting');
    c.conversation.text.next('queued while between sockets');
    c.conversation.close();
    expect(c.completed()).toBe(true); // nothing to wait for between sockets
    const closed = await c.finished();
    expect(closed).toEqual({ type: 'closed', reason: 'requested' });
    expect(c.states).toEqual(['connecting', 'open', 'connecting', 'closing', 'closed']);
    expect(await statsOf(c.conversation.stats$)).toMatchObject({ textSent: 0, textQueued: 1, reconnects: 0 });
    await sleep(200);
    expect(server.upgrades).toBe(1);
  });
});
