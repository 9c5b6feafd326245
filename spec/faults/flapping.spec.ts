/*
 * 100 conversations at once against a server whose sockets die under them: about one socket in five
 * ends (no close frame) as a text arrives, with that text and whatever follows it untaken. Exact text
 * accounting per dialect:
 * - openai: the server acknowledges each text by its item id, so every text is taken exactly once;
 * - codex: nothing is acknowledged, so every text is taken at most once, and each one not taken is
 *   named by a `texts.unconfirmed` event.
 */
import type { ServerConnection } from './harness';
import {
  answerSession,
  installFaultGuards,
  open,
  startWsServer,
  sleep,
  until,
  type Recorded,
} from './harness';

installFaultGuards();

const CONVERSATIONS = 100;
/** Texts per conversation, given in bursts of these sizes, a few ms apart. */
const BURSTS = [1, 3, 1, 2, 4, 1, 1, 3, 2, 2];
const TEXTS = BURSTS.reduce((a, b) => a + b, 0);
const reconnect = { maxAttempts: 20, initialDelayMs: 5, maxDelayMs: 20, jitter: 0 };

/** A small seeded generator: the same sockets die on every run (given the same arrival order). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The text of a client item, either dialect's shape. */
function textOf(message: unknown): { text: string; id?: string } | undefined {
  const m = message as { type?: string; item?: { id?: string; content?: { text?: unknown }[] } };
  if (m?.type !== 'conversation.item.create') return undefined;
  const text = m.item?.content?.[0]?.text;
  return typeof text === 'string' ? { text, id: m.item?.id } : undefined;
}

/**
 * The flapping server: each connection is doomed with probability 1/5, and dies when its `after`-th
 * text arrives (that text is not taken). `taken` counts each text taken, over all connections.
 */
async function startFlappingServer(dialect: 'openai' | 'codex', seed: number) {
  const rng = random(seed);
  const taken = new Map<string, number>();
  const doomed = new Map<ServerConnection, number>();
  const dead = new Set<ServerConnection>();
  let kills = 0;
  const server = await startWsServer({
    onConnection: (conn) => {
      if (rng() < 0.2) doomed.set(conn, Math.floor(rng() * 4));
    },
    onMessage: (conn, message, index) => {
      if (dead.has(conn)) return;
      if (dialect === 'codex') answerSession(conn, message, index);
      const item = textOf(message);
      if (item === undefined) return;
      const after = doomed.get(conn);
      if (after === 0) {
        // Dies as the text arrives: no close frame (the client sees 1006); what was sent before is
        // flushed first, so every acknowledgement already given reaches the client.
        dead.add(conn);
        kills++;
        conn.req.socket.end();
        return;
      }
      if (after !== undefined) doomed.set(conn, after - 1);
      taken.set(item.text, (taken.get(item.text) ?? 0) + 1);
      if (dialect === 'openai')
        conn.ws.send(
          JSON.stringify({
            type: 'conversation.item.added',
            event_id: `event_${index}`,
            previous_item_id: null,
            item: {
              id: item.id,
              object: 'realtime.item',
              type: 'message',
              status: 'completed',
              role: 'user',
              content: [{ type: 'input_text', text: item.text }],
            },
          }),
        );
    },
  });
  return { server, taken, kills: () => kills };
}

/** Gives every conversation its texts (`c<i> t<j>`), in bursts. */
async function giveTexts(conversations: Recorded[]): Promise<string[][]> {
  const given = conversations.map(() => [] as string[]);
  let j = 0;
  for (const burst of BURSTS) {
    for (let k = 0; k < burst; k++, j++) {
      conversations.forEach((c, i) => {
        const text = `c${i} t${j}`;
        given[i].push(text);
        c.conversation.text.next(text);
      });
    }
    await sleep(4);
  }
  return given;
}

describe('100 flapping conversations: exact text accounting', () => {
  it('openai: every text is taken exactly once (written again after a loss until acknowledged)', async () => {
    const { server, taken, kills } = await startFlappingServer('openai', 20);
    const conversations = Array.from({ length: CONVERSATIONS }, () =>
      open(server.url, { dialect: 'openai', respondToText: false, reconnect, statsIntervalMs: 1000 }),
    );
    const given = await giveTexts(conversations);
    await until(
      () => taken.size === CONVERSATIONS * TEXTS,
      20_000,
      'every text taken',
      () => ({ taken: taken.size, kills: kills() }),
    );
    conversations.forEach((c) => c.conversation.close());
    await Promise.all(conversations.map((c) => c.finished(10_000)));

    expect(kills()).toBeGreaterThan(CONVERSATIONS / 10);
    const twice = [...taken].filter(([, n]) => n !== 1);
    expect(twice).toEqual([]);
    conversations.forEach((c, i) => {
      expect(c.ofType('texts.unconfirmed')).toEqual([]);
      // In order, over all of its connections.
      const order = server.connections
        .flatMap((conn) => conn.messages.map(textOf))
        .filter((t) => t?.text.startsWith(`c${i} `))
        .map((t) => t!.text);
      expect(order.filter((t, k) => order.indexOf(t) === k)).toEqual(given[i]);
      expect(c.stats.at(-1)).toMatchObject({ textSent: TEXTS, textQueued: 0 });
    });
  });

  it('codex: every text is taken at most once, and each one not taken is named by texts.unconfirmed', async () => {
    const { server, taken, kills } = await startFlappingServer('codex', 7);
    const conversations = Array.from({ length: CONVERSATIONS }, () =>
      open(server.url, { reconnect, statsIntervalMs: 1000 }),
    );
    const given = await giveTexts(conversations);
    const named = (c: Recorded) => c.ofType('texts.unconfirmed').flatMap((e) => e.texts);
    // Settled: every text taken or named.
    await until(
      () => conversations.every((c, i) => given[i].every((t) => taken.has(t) || named(c).includes(t))),
      20_000,
      'every text taken or named',
      () => ({ taken: taken.size, kills: kills() }),
    );
    conversations.forEach((c) => c.conversation.close());
    await Promise.all(conversations.map((c) => c.finished(10_000)));

    expect(kills()).toBeGreaterThan(CONVERSATIONS / 10);
    expect([...taken].filter(([, n]) => n !== 1)).toEqual([]);
    let notTaken = 0;
    conversations.forEach((c, i) => {
      const names = named(c);
      // Named once at most, each just before the `reconnecting` of the socket that was lost.
      expect(new Set(names).size).toBe(names.length);
      c.events.forEach((e, k) => {
        if (e.type === 'texts.unconfirmed') expect(c.events[k + 1].type).toBe('reconnecting');
      });
      for (const text of given[i]) {
        if (taken.has(text)) continue;
        notTaken++;
        expect(names).toContain(text);
      }
    });
    // The server's deaths did cost texts, and each of them was named.
    expect(notTaken).toBeGreaterThan(0);
  });
});
