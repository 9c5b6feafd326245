/*
 * How long each fault takes to be seen, and to be got over: from the moment the fault strikes (the
 * proxy cuts, the server sends its close frame, the handshake is refused, …) to the event the app sees
 * (`reconnecting`, `closed`), and, where `reconnect` applies, to `reconnected` and to the first text
 * acknowledged again. Each figure is held to a bound: generous, for a loaded machine, but one that a
 * broken detection (a fallback to the keepalive, to a default timeout, to `ws`'s 30 s) would miss.
 *
 * The settings are short on purpose, so that the suite stays fast: the figures scale with them (see
 * docs/reliability.md). With RELIABILITY_TIMINGS=<file>, the measured figures are written there as
 * JSON after the run.
 */
import { writeFileSync } from 'node:fs';
import { startDevServer } from '../../src/server/devServer';
import type { ConversationOptions, RealtimeEvent } from '../../src/index';
import { refusedPort } from '../helpers';
import { neverReads, wellBehaved } from '../server/abuse/attacks';
import { closeFrame, startHalfOpenServer } from './halfOpenServer';
import {
  answerSession,
  installFaultGuards,
  onCleanup,
  open,
  sleep,
  startRawServer,
  startWsServer,
  textOf,
  until,
  type Recorded,
} from './harness';
import { startFaultProxy, type Fault, type FaultProxy } from './proxy';

installFaultGuards();

/** What a loaded 2-core machine may add to a timer or a round trip on loopback. */
const SLACK_MS = 1000;

const RECONNECT = { maxAttempts: 4, initialDelayMs: 20, maxDelayMs: 100, jitter: 0 };
/** Long enough that a loss the socket reports itself is never found by the keepalive first. */
const SLOW_KEEPALIVE = { intervalMs: 1000, deadMs: 5000 };
const FAST_KEEPALIVE = { intervalMs: 50, deadMs: 250 };
const CLOSE_TIMEOUT_MS = 300;
const CONNECT_TIMEOUT_MS = 300;

/** One row of the measured table. */
interface Timing {
  /** What the app sees. */
  sees: string;
  /** From the fault to the app's first event about it. */
  detectMs?: number;
  /** From the fault to `reconnected`. */
  reconnectedMs?: number;
  /** From the fault to the first text acknowledged after it. */
  ackMs?: number;
  /** From the fault to `closed`, where the conversation ends. */
  closedMs?: number;
  /** Anything else measured. */
  [figure: string]: number | string | undefined;
}

const measured: Record<string, Timing & { settings: string }> = {};
function record(fault: string, settings: string, timing: Timing): void {
  measured[fault] = { ...timing, settings };
}

afterAll(() => {
  const file = process.env.RELIABILITY_TIMINGS;
  if (file) writeFileSync(file, `${JSON.stringify(measured, null, 2)}\n`);
});

/** Each event with the time it arrived (Date.now()). */
function stamped(c: Recorded): { event: RealtimeEvent; at: number }[] {
  const seen: { event: RealtimeEvent; at: number }[] = [];
  c.conversation.events$.subscribe((event) => seen.push({ event, at: Date.now() }));
  return seen;
}

/** When the first event of `type` at or after `from` arrived; throws when none did. */
function firstAt(
  seen: { event: RealtimeEvent; at: number }[],
  type: RealtimeEvent['type'],
  from = 0,
  where: (event: RealtimeEvent) => boolean = () => true,
): number {
  const found = seen.find((s) => s.at >= from && s.event.type === type && where(s.event));
  if (found === undefined)
    throw new Error(
      `no ${type} after ${from}; saw ${JSON.stringify(seen.map((s) => s.event)).slice(0, 600)}`,
    );
  return found.at;
}

// ---------------------------------------------------------------------------------------------
// Through the fault proxy, openai dialect, dev server: texts acknowledged by the item id they carry

const TEXTS = Array.from({ length: 10 }, (_, i) => `text ${i + 1}`);

function userText(message: unknown): string | undefined {
  const m = message as { item?: { role?: string; content?: { text?: unknown }[] } };
  if (m?.item?.role !== 'user') return undefined;
  const text = m.item.content?.[0]?.text;
  return typeof text === 'string' ? text : undefined;
}

const isAck = (text: string) => (e: RealtimeEvent) =>
  e.type === 'conversation.item.added' && userText({ item: e.item }) === text;

async function throughProxy(
  options: Partial<ConversationOptions>,
  latencyMs = 0,
): Promise<{ proxy: FaultProxy; c: Recorded; seen: { event: RealtimeEvent; at: number }[] }> {
  const server = await startDevServer({ dialect: 'openai' });
  onCleanup(() => server.close());
  const proxy = await startFaultProxy(Number(new URL(server.url).port), { latencyMs });
  const c = open(proxy.url, { dialect: 'openai', respondToText: false, reconnect: RECONNECT, ...options });
  return { proxy, c, seen: stamped(c) };
}

/** Texts 1–5 acknowledged; the fault armed on text 6; texts 6–10 given; all ten acknowledged. */
async function strike(
  proxy: FaultProxy,
  c: Recorded,
  seen: { event: RealtimeEvent; at: number }[],
  fault: Fault,
  stallMs?: number,
): Promise<number> {
  const acked = (n: number) =>
    until(
      () => seen.filter((s) => s.event.type === 'conversation.item.added').length >= n,
      5000,
      `${n} texts acknowledged`,
      () => c.events.map((e) => e.type),
    );
  for (const text of TEXTS.slice(0, 5)) c.conversation.text.next(text);
  await acked(5);
  proxy.arm(fault, (m) => userText(m) === TEXTS[5], stallMs);
  for (const text of TEXTS.slice(5)) c.conversation.text.next(text);
  await acked(10);
  const faultAt = proxy.links[0].faultAt;
  expect(faultAt).toBeDefined();
  return faultAt!;
}

describe('measured: faults on an open socket (fault proxy, openai dialect, dev server)', () => {
  it('latency, 40 ms each way: nothing to detect; each text acknowledged after two crossings', async () => {
    const { c, seen, proxy } = await throughProxy({ keepalive: SLOW_KEEPALIVE }, 40);
    await until(
      () => c.ofType('session.created').length > 0,
      5000,
      'the session',
      () => c.events,
    );
    const waits: number[] = [];
    for (const text of TEXTS.slice(0, 5)) {
      const given = Date.now();
      c.conversation.text.next(text);
      await until(() => seen.some((s) => isAck(text)(s.event)), 5000, `${text} acknowledged`);
      waits.push(firstAt(seen, 'conversation.item.added', given, isAck(text)) - given);
    }
    const worst = Math.max(...waits);
    record('latency', '40 ms each way', { sees: 'nothing', ackMs: worst, bestAckMs: Math.min(...waits) });
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(80);
    expect(worst).toBeLessThanOrEqual(80 + SLACK_MS);
    expect(c.ofType('reconnecting')).toEqual([]);
    expect(proxy.links).toHaveLength(1);
  });

  it('stall, 300 ms: nothing to detect; the texts held are acknowledged once it passes', async () => {
    const { proxy, c, seen } = await throughProxy({ keepalive: { intervalMs: 100, deadMs: 2000 } });
    const faultAt = await strike(proxy, c, seen, 'stall', 300);
    const ackMs = firstAt(seen, 'conversation.item.added', faultAt, isAck(TEXTS[5])) - faultAt;
    record('stall', 'stall 300 ms; keepalive 100/2000 ms', { sees: 'nothing', ackMs });
    expect(c.ofType('reconnecting')).toEqual([]);
    expect(ackMs).toBeGreaterThanOrEqual(300);
    expect(ackMs).toBeLessThanOrEqual(300 + SLACK_MS);
  });

  it.each<[Fault, string]>([
    ['cut', 'the connection cut in the middle of a text frame'],
    ['rst', 'a TCP reset as a text starts'],
  ])(
    '%s (%s): seen by the socket at once, not by the keepalive; back after initialDelayMs',
    async (fault) => {
      const { proxy, c, seen } = await throughProxy({ keepalive: SLOW_KEEPALIVE });
      const faultAt = await strike(proxy, c, seen, fault);
      const detectMs = firstAt(seen, 'reconnecting', faultAt) - faultAt;
      const reconnectedMs = firstAt(seen, 'reconnected', faultAt) - faultAt;
      const ackMs = firstAt(seen, 'conversation.item.added', faultAt, isAck(TEXTS[5])) - faultAt;
      record(fault, 'reconnect initialDelayMs 20; keepalive 1000/5000 ms', {
        sees: 'reconnecting (1006), reconnected',
        detectMs,
        reconnectedMs,
        ackMs,
      });
      expect(detectMs).toBeLessThanOrEqual(SLACK_MS);
      expect(reconnectedMs).toBeGreaterThanOrEqual(detectMs + RECONNECT.initialDelayMs - 2);
      expect(reconnectedMs).toBeLessThanOrEqual(detectMs + RECONNECT.initialDelayMs + SLACK_MS);
      expect(ackMs).toBeLessThanOrEqual(reconnectedMs + SLACK_MS);
      expect(c.ofType('reconnecting')).toEqual([
        { type: 'reconnecting', attempt: 1, delayMs: RECONNECT.initialDelayMs, cause: 'closed with 1006' },
      ]);
    },
  );

  it('cut, codex (no acknowledgement): the texts written to the lost socket named at once, then reconnecting', async () => {
    const server = await startDevServer({ dialect: 'codex' });
    onCleanup(() => server.close());
    const proxy = await startFaultProxy(Number(new URL(server.url).port));
    const c = open(proxy.url, { respondToText: false, reconnect: RECONNECT, keepalive: SLOW_KEEPALIVE });
    const seen = stamped(c);
    await until(
      () => c.ofType('session.created').length > 0,
      5000,
      'the session',
      () => c.events,
    );
    proxy.arm('cut', (m) => textOf(m) === TEXTS[0]);
    for (const text of TEXTS.slice(0, 3)) c.conversation.text.next(text);
    await until(
      () => c.ofType('reconnected').length > 0,
      5000,
      'the reconnection',
      () => c.events,
    );
    const faultAt = proxy.links[0].faultAt!;
    const detectMs = firstAt(seen, 'texts.unconfirmed', faultAt) - faultAt;
    const reconnectedMs = firstAt(seen, 'reconnected', faultAt) - faultAt;
    record('cut (codex)', 'reconnect initialDelayMs 20; keepalive 1000/5000 ms', {
      sees: 'texts.unconfirmed naming them, reconnecting (1006), reconnected',
      detectMs,
      reconnectedMs,
    });
    const named = c.ofType('texts.unconfirmed').flatMap((e) => e.texts);
    expect(named).toContain(TEXTS[0]);
    const types = c.events.map((e) => e.type);
    expect(types.indexOf('reconnecting')).toBe(types.indexOf('texts.unconfirmed') + 1);
    expect(detectMs).toBeLessThanOrEqual(SLACK_MS);
    expect(reconnectedMs).toBeLessThanOrEqual(detectMs + RECONNECT.initialDelayMs + SLACK_MS);
  });

  it('half-open link: found by the keepalive within deadMs; back after initialDelayMs', async () => {
    const { proxy, c, seen } = await throughProxy({ keepalive: FAST_KEEPALIVE });
    const faultAt = await strike(proxy, c, seen, 'halfOpen');
    const detectMs = firstAt(seen, 'reconnecting', faultAt) - faultAt;
    const reconnectedMs = firstAt(seen, 'reconnected', faultAt) - faultAt;
    const ackMs = firstAt(seen, 'conversation.item.added', faultAt, isAck(TEXTS[5])) - faultAt;
    record('halfOpen', 'keepalive 50/250 ms; reconnect initialDelayMs 20', {
      sees: 'reconnecting (1006, keepalive), reconnected',
      detectMs,
      reconnectedMs,
      ackMs,
    });
    // Something was heard at most one interval before the link died (a pong, an acknowledgement).
    expect(detectMs).toBeGreaterThanOrEqual(FAST_KEEPALIVE.deadMs - FAST_KEEPALIVE.intervalMs - 10);
    expect(detectMs).toBeLessThanOrEqual(FAST_KEEPALIVE.deadMs + SLACK_MS);
    expect(reconnectedMs).toBeLessThanOrEqual(detectMs + RECONNECT.initialDelayMs + SLACK_MS);
    expect(ackMs).toBeLessThanOrEqual(reconnectedMs + SLACK_MS);
    expect(c.ofType('reconnecting')).toEqual([
      expect.objectContaining({ attempt: 1, cause: expect.stringContaining('keepalive') }),
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Endings and handshakes (codex dialect, servers of the suite)

describe('measured: endings', () => {
  it('the server never answers our close frame: closed within closeTimeoutMs of close()', async () => {
    const server = await startHalfOpenServer(() => undefined);
    const c = open(server.url, { closeTimeoutMs: CLOSE_TIMEOUT_MS });
    const seen = stamped(c);
    await until(() => server.frames[0]?.length > 0, 3000, 'the session message at the server');
    const faultAt = Date.now();
    c.conversation.close();
    const closed = await c.finished();
    const closedMs = firstAt(seen, 'closed') - faultAt;
    record('unanswered close', `closeTimeoutMs ${CLOSE_TIMEOUT_MS}`, {
      sees: 'closed{requested, 1006}',
      closedMs,
    });
    expect(closed).toEqual({ type: 'closed', reason: 'requested', code: 1006 });
    expect(closedMs).toBeGreaterThanOrEqual(CLOSE_TIMEOUT_MS - 2);
    expect(closedMs).toBeLessThanOrEqual(CLOSE_TIMEOUT_MS + SLACK_MS);
  });

  it("the server's close frame, its connection never ended: closed within closeTimeoutMs, with its code", async () => {
    let faultAt = 0;
    const server = await startHalfOpenServer((socket) => {
      socket.once('data', () => {
        faultAt = Date.now();
        socket.write(closeFrame(4001, 'going away for good'));
      });
    });
    const c = open(server.url, { closeTimeoutMs: CLOSE_TIMEOUT_MS });
    const seen = stamped(c);
    const closed = await c.finished();
    expect(server.sockets).toHaveLength(1);
    const closedMs = firstAt(seen, 'closed') - faultAt;
    record('server close never completed', `closeTimeoutMs ${CLOSE_TIMEOUT_MS}`, {
      sees: 'closed{transport_closed, 4001, reason}',
      closedMs,
    });
    expect(closed).toMatchObject({ code: 4001, detail: 'going away for good' });
    expect(closedMs).toBeLessThanOrEqual(CLOSE_TIMEOUT_MS + SLACK_MS);
  });

  it('an inbound frame over maxMessageBytes: closed with 1009 at once, never retried', async () => {
    let faultAt = 0;
    const server = await startWsServer({
      onMessage: (conn, message, index) => {
        answerSession(conn, message, index);
        if (index !== 0) return;
        faultAt = Date.now();
        conn.ws.send('x'.repeat(4096));
      },
    });
    const c = open(server.url, { maxMessageBytes: 1024, reconnect: RECONNECT });
    const seen = stamped(c);
    const closed = await c.finished();
    const closedMs = firstAt(seen, 'closed') - faultAt;
    record('frame over the limit', 'maxMessageBytes 1024, a 4 KB frame', {
      sees: 'closed{error, 1009}',
      closedMs,
    });
    expect(closed).toMatchObject({ reason: 'error', code: 1009 });
    expect(closedMs).toBeLessThanOrEqual(SLACK_MS);
    expect(server.upgrades).toBe(1);
  });

  it('a 1013 storm: each wait longer, closed after maxAttempts', async () => {
    const closedAt: number[] = [];
    const server = await startWsServer({
      onConnection: (conn) => {
        closedAt.push(Date.now());
        conn.ws.close(1013, 'try again later');
      },
    });
    const c = open(server.url, { reconnect: RECONNECT });
    const seen = stamped(c);
    const closed = await c.finished();
    const faultAt = closedAt[0];
    const waits = c.ofType('reconnecting').map((e) => e.delayMs);
    const backoff = waits.reduce((sum, ms) => sum + ms, 0);
    const detectMs = firstAt(seen, 'reconnecting') - faultAt;
    const closedMs = firstAt(seen, 'closed') - faultAt;
    record('1013 storm', 'reconnect maxAttempts 4, 20 ms doubling to 100, no jitter', {
      sees: 'reconnecting ×4 (20, 40, 80, 100 ms), then closed{transport_closed, 1013, gave up…}',
      detectMs,
      closedMs,
      connections: server.upgrades,
    });
    expect(waits).toEqual([20, 40, 80, 100]);
    expect(closed).toMatchObject({ reason: 'transport_closed', code: 1013 });
    expect(closed.detail).toMatch(/^gave up after 4 reconnect attempts/);
    expect(server.upgrades).toBe(1 + RECONNECT.maxAttempts);
    expect(detectMs).toBeLessThanOrEqual(SLACK_MS);
    expect(closedMs).toBeGreaterThanOrEqual(backoff);
    expect(closedMs).toBeLessThanOrEqual(backoff + 2 * SLACK_MS);
  });
});

describe('measured: handshakes', () => {
  it('a handshake refused 503, then accepted: reconnecting at once, back after initialDelayMs', async () => {
    const server = await startWsServer({
      onMessage: answerSession,
      reject: (index) => (index === 0 ? 503 : undefined),
    });
    const c = open(server.url, { reconnect: RECONNECT });
    const seen = stamped(c);
    await until(
      () => c.ofType('session.created').length > 0,
      3000,
      'the session',
      () => c.events,
    );
    const faultAt = server.upgradeTimes[0];
    const detectMs = firstAt(seen, 'reconnecting') - faultAt;
    const reconnectedMs = firstAt(seen, 'reconnected') - faultAt;
    record('refused 503', 'reconnect initialDelayMs 20', {
      sees: 'reconnecting (503), reconnected',
      detectMs,
      reconnectedMs,
    });
    expect(detectMs).toBeLessThanOrEqual(SLACK_MS);
    expect(reconnectedMs).toBeGreaterThanOrEqual(RECONNECT.initialDelayMs);
    expect(reconnectedMs).toBeLessThanOrEqual(detectMs + RECONNECT.initialDelayMs + SLACK_MS);
  });

  it('a handshake refused 401: closed at once, never retried', async () => {
    const server = await startWsServer({ reject: () => 401 });
    const c = open(server.url, { reconnect: RECONNECT });
    const seen = stamped(c);
    const closed = await c.finished();
    const closedMs = firstAt(seen, 'closed') - server.upgradeTimes[0];
    record('refused 401', 'reconnect on', { sees: 'closed{error, 401}', closedMs });
    expect(closed).toMatchObject({ reason: 'error', detail: expect.stringContaining('401') });
    expect(closedMs).toBeLessThanOrEqual(SLACK_MS);
    expect(server.upgrades).toBe(1);
  });

  it('nothing listening: closed at once', async () => {
    const port = await refusedPort();
    const faultAt = Date.now();
    const c = open(`http://127.0.0.1:${port}`);
    const seen = stamped(c);
    const closed = await c.finished();
    const closedMs = firstAt(seen, 'closed') - faultAt;
    record('connection refused', '', { sees: 'closed{error, ECONNREFUSED}', closedMs });
    expect(closed.detail).toMatch(/ECONNREFUSED/);
    expect(closedMs).toBeLessThanOrEqual(SLACK_MS);
  });

  it('TCP accepted, the handshake never answered: closed after connectTimeoutMs', async () => {
    const server = await startRawServer();
    // From the connect call, where the timer starts: the accept may come late on a loaded machine.
    const faultAt = Date.now();
    const c = open(server.url, { connectTimeoutMs: CONNECT_TIMEOUT_MS });
    const seen = stamped(c);
    const closed = await c.finished(CONNECT_TIMEOUT_MS + SLACK_MS + 2000);
    const closedMs = firstAt(seen, 'closed') - faultAt;
    record('handshake never answered', `connectTimeoutMs ${CONNECT_TIMEOUT_MS}`, {
      sees: 'closed{transport_closed, "the handshake did not complete…"}',
      closedMs,
    });
    expect(server.sockets).toHaveLength(1);
    expect(closed.detail).toBe(`the handshake did not complete within ${CONNECT_TIMEOUT_MS} ms`);
    expect(closedMs).toBeGreaterThanOrEqual(CONNECT_TIMEOUT_MS - 2);
    expect(closedMs).toBeLessThanOrEqual(CONNECT_TIMEOUT_MS + SLACK_MS);
  });
});

// ---------------------------------------------------------------------------------------------
// The dev server: one client that never reads, another that behaves

describe('measured: the dev server', () => {
  it('a client that never reads: the server stops reading it, the others keep their service', async () => {
    const server = await startDevServer({ dialect: 'openai' });
    onCleanup(() => server.close());
    const client = await wellBehaved(server.url, 'openai');
    onCleanup(() => client.stop());
    await sleep(200);
    const quietWorst = client.worstWaitMs();
    // Sample how much of the attacker the server has read, until it stops reading it.
    const started = Date.now();
    let lastRead = 0;
    let lastGrowthAt = started;
    const sampler = setInterval(() => {
      const read = server.connections()[1]?.textsIn ?? 0;
      if (read > lastRead) {
        lastRead = read;
        lastGrowthAt = Date.now();
      }
    }, 5);
    onCleanup(() => clearInterval(sampler));
    const attacker = await neverReads(server.url, 64 * 1024 * 1024, 1500);
    onCleanup(() => attacker.end());
    clearInterval(sampler);
    const detectMs = lastGrowthAt - started;
    const worstWaitMs = client.worstWaitMs();
    record('never-reading client (dev server)', 'maxSendBufferBytes 1 MiB (default)', {
      sees: "nothing (the attacker's own sends back up)",
      detectMs,
      textsRead: lastRead,
      worstWaitMs,
      quietWorstWaitMs: quietWorst,
    });
    // The server stopped reading it well before the attack ended, and others kept their service.
    expect(attacker.sentBytes).toBeLessThan(64 * 1024 * 1024);
    expect(detectMs).toBeLessThanOrEqual(1500 - 300);
    expect(worstWaitMs).toBeLessThanOrEqual(200 + SLACK_MS);
  });
});
