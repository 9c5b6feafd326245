/*
 * Texts in flight when the link fails, through the fault proxy, against the dev server in the openai
 * (GA) dialect, which acknowledges each text by the item id the client gave it: 0 lost, 0 twice.
 *
 * Each case: five texts, all acknowledged; then five more in one go, the fault striking as the first
 * of them starts on the wire; then, once the conversation is back (or still up), five more. The server's
 * own frames, read at the proxy whether they reached the client or not, say which texts it took, on
 * every connection.
 */
import { startDevServer } from '../../src/server/devServer';
import type { ConversationOptions } from '../../src/index';
import { installFaultGuards, onCleanup, open, until, type Recorded } from './harness';
import { startFaultProxy, type Fault, type FaultProxy } from './proxy';

installFaultGuards();

const TEXTS = Array.from({ length: 15 }, (_, i) => `text ${i + 1}`);

/** The text of a client `conversation.item.create` (GA shape), else undefined. */
function userText(message: unknown): string | undefined {
  const m = message as { type?: string; item?: { role?: string; content?: { text?: unknown }[] } };
  if (m?.item?.role !== 'user') return undefined;
  const text = m.item.content?.[0]?.text;
  return typeof text === 'string' ? text : undefined;
}

/** Each text the server added to a conversation (`conversation.item.added`), on every connection, in order. */
function takenByServer(proxy: FaultProxy): string[] {
  return proxy.links.flatMap((link) =>
    link.fromServer
      .filter((m) => (m as { type?: string }).type === 'conversation.item.added')
      .map(userText)
      .filter((t): t is string => t !== undefined),
  );
}

/** The texts the app saw acknowledged (its `conversation.item.added` events). */
function acknowledged(c: Recorded): string[] {
  return c
    .ofType('conversation.item.added')
    .map((e) => userText({ item: e.item }))
    .filter((t): t is string => t !== undefined);
}

async function setUp(latencyMs = 0): Promise<FaultProxy> {
  const server = await startDevServer({ dialect: 'openai' });
  onCleanup(() => server.close());
  return startFaultProxy(Number(new URL(server.url).port), { latencyMs });
}

function connect(proxy: FaultProxy, options: Partial<ConversationOptions> = {}): Recorded {
  return open(proxy.url, {
    dialect: 'openai',
    respondToText: false,
    reconnect: { maxAttempts: 5, initialDelayMs: 20, maxDelayMs: 100, jitter: 0 },
    keepalive: { intervalMs: 50, deadMs: 250 },
    ...options,
  });
}

/** Runs one case; returns when every text is acknowledged and the conversation has ended. */
async function sendThrough(proxy: FaultProxy, c: Recorded, fault: Fault | undefined): Promise<void> {
  const waitAcks = (n: number) =>
    until(
      () => acknowledged(c).length >= n,
      5000,
      `${n} texts acknowledged`,
      () => ({ acks: acknowledged(c), events: c.events.map((e) => e.type) }),
    );
  for (const text of TEXTS.slice(0, 5)) c.conversation.text.next(text);
  await waitAcks(5);
  if (fault !== undefined) proxy.arm(fault, (m) => userText(m) === TEXTS[5], 300);
  for (const text of TEXTS.slice(5, 10)) c.conversation.text.next(text);
  if (fault !== undefined && fault !== 'stall')
    await until(
      () => c.ofType('reconnected').length === 1,
      5000,
      'the reconnection',
      () => c.events,
    );
  for (const text of TEXTS.slice(10)) c.conversation.text.next(text);
  await waitAcks(15);
  c.conversation.close();
  await c.finished();
}

function expectExactlyOnce(proxy: FaultProxy, c: Recorded): void {
  // The server took each text once, over all connections, in order; the app saw each acknowledged once.
  expect(takenByServer(proxy)).toEqual(TEXTS);
  expect(acknowledged(c)).toEqual(TEXTS);
  expect(c.ofType('texts.unconfirmed')).toEqual([]);
  expect(c.stats.at(-1)).toMatchObject({ textSent: 15, textQueued: 0 });
}

describe('texts in flight through a fault proxy (openai dialect, dev server)', () => {
  it('latency: 40 ms each way, no loss: every text once, in order', async () => {
    const proxy = await setUp(40);
    const c = connect(proxy);
    await sendThrough(proxy, c, undefined);
    expectExactlyOnce(proxy, c);
    expect(proxy.links).toHaveLength(1);
  });

  it('stall: nothing passes for 300 ms, then everything does: every text once, no reconnect', async () => {
    const proxy = await setUp();
    const c = connect(proxy, { keepalive: { intervalMs: 100, deadMs: 2000 } });
    await sendThrough(proxy, c, 'stall');
    expectExactlyOnce(proxy, c);
    expect(proxy.links.map((l) => l.fault)).toEqual(['stall']);
    expect(c.ofType('reconnecting')).toEqual([]);
  });

  it.each<[Fault, string]>([
    ['cut', 'the connection cut in the middle of a text frame'],
    ['rst', 'a reset as a text starts'],
    ['halfOpen', 'a half-open link (nothing passes, nothing closes): the keepalive gives it up'],
  ])('%s: %s; the unacknowledged texts go again on the next socket, once, in order', async (fault) => {
    const proxy = await setUp();
    const c = connect(proxy);
    await sendThrough(proxy, c, fault);
    expectExactlyOnce(proxy, c);
    expect(proxy.links.map((l) => l.fault)).toEqual([fault, undefined]);
    // The first connection took texts 1–5 only; the second, the five in flight first, then the rest.
    expect(proxy.links[0].toServer.map(userText).filter(Boolean)).toEqual(TEXTS.slice(0, 5));
    expect(proxy.links[1].toServer.map(userText).filter(Boolean)).toEqual(TEXTS.slice(5));
    expect(c.ofType('reconnecting')).toHaveLength(1);
    // Acknowledged texts never went again: each id was sent on one connection only.
    const ids = proxy.links.flatMap((link) =>
      link.toServer.map((m) => (m as { item?: { id?: string } }).item?.id).filter(Boolean),
    );
    expect(new Set(ids).size).toBe(15);
  });
});
