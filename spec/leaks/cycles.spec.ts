/**
 * No leaks across many conversations: 1 000 sequential connect → session.created → text + audio →
 * reply → close() → `events$` complete cycles against ONE local `ws` server on 127.0.0.1.
 *
 * The server is a bare `WebSocketServer` that answers and counts (the scripted server records every
 * message, which would itself grow the heap). After the cycles: the heap (after GC) has not grown
 * beyond a bound, the server has no open client socket left, and Node has no more TCP sockets or
 * timers alive than before the cycles.
 *
 * Run time: about 10 s for the 1 000 cycles under jest (≈ 10 ms/cycle, most of it the async-hook
 * bookkeeping of --detectOpenHandles: ≈ 4 ms/cycle without it, ≈ 1 ms/cycle in plain Node).
 * `LEAK_STATS=1` prints the timings, the heap growth at every 250 cycles, and the resources.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { connectConversation, type RealtimeEvent } from '../../src/index';
import { pcmFrame } from '../helpers';

/** `LEAK_CYCLES=5000` runs longer (to tell a slope from noise); never fewer than 1 000. */
const CYCLES = Math.max(1_000, Number(process.env.LEAK_CYCLES) || 0);
const WARM_UP = 50;
/**
 * Heap growth allowed over the CYCLES - WARM_UP measured cycles, after GC.
 *
 * Measured (Node 20.20, jest 30 with --detectOpenHandles, codex dialect): +0.68 to +0.80 MB over the
 * 950 measured cycles (about 750 B/cycle on average), but NOT linear: the growth is front-loaded
 * (≈ +0.36 MB after 200 cycles, ≈ +0.76 MB after 950) and flattens out (≈ +1.06 MB after 3 950 cycles
 * with LEAK_CYCLES=4000), i.e. V8/jest caches warming up, not per-cycle retention. One conversation
 * kept alive after its close retains about 9-13 KB (a deliberate `kept.push(conversation)` grows the
 * heap by 8.6 MB over the same run), so 2 MB (2.5x the measured growth) still catches a leak of
 * about 1.3 KB or more per cycle, and any leak of whole conversations, sockets or subjects.
 */
const MAX_HEAP_GROWTH_BYTES = 2 * 1024 * 1024;
/** A whole cycle must not take longer than this (they take about 10 ms). */
const CYCLE_TIMEOUT_MS = 5_000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (() => void) | undefined;

/** The frame sent each cycle: 20 ms of 24 kHz mono silence. */
const AUDIO = pcmFrame(480);
const REPLY_DATA = 'AAAAAA==';

interface Counts {
  connections: number;
  closed: number;
  replies: number;
  /** Messages that were not what the codex client must send, in that order. */
  protocolErrors: string[];
}

/**
 * A codex-speaking server: after `session.create` it sends `session.created`; after the text item and
 * the audio frame (in either order) it sends one audio delta as the reply.
 */
async function startServer(): Promise<{
  url: string;
  wss: WebSocketServer;
  counts: Counts;
  close(): Promise<void>;
}> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const counts: Counts = { connections: 0, closed: 0, replies: 0, protocolErrors: [] };
  wss.on('connection', (ws: WebSocket) => {
    counts.connections++;
    let sawCreate = false;
    let sawText = false;
    let sawAudio = false;
    ws.on('close', () => counts.closed++);
    ws.on('message', (raw, isBinary) => {
      const type = isBinary ? '(binary)' : (JSON.parse((raw as Buffer).toString()) as { type?: string }).type;
      if (!sawCreate) {
        if (type !== 'session.create') counts.protocolErrors.push(`first message ${type}`);
        sawCreate = true;
        ws.send(JSON.stringify({ type: 'session.created', session: { id: `s${counts.connections}` } }));
        return;
      }
      if (type === 'conversation.item.create' && !sawText) sawText = true;
      else if (type === 'response.input_audio.delta' && !sawAudio) sawAudio = true;
      else counts.protocolErrors.push(`unexpected ${type}`);
      if (sawText && sawAudio) {
        counts.replies++;
        ws.send(
          JSON.stringify({
            type: 'response.output_audio.delta',
            delta: REPLY_DATA,
            sample_rate: 24000,
            num_channels: 1,
          }),
        );
      }
    });
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    wss,
    counts,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const client of wss.clients) client.terminate();
        wss.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * One cycle. Resolves once `events$` has completed, with the event types seen; rejects when a step
 * does not happen within CYCLE_TIMEOUT_MS. Keeps nothing of the conversation afterwards.
 */
function cycle(url: string): Promise<string[]> {
  return new Promise<string[]>((resolve, reject) => {
    const conversation = connectConversation({ url, dialect: 'codex' });
    const seen: string[] = [];
    let closed: RealtimeEvent | undefined;
    const timer = setTimeout(() => {
      conversation.close();
      reject(new Error(`cycle timed out; saw ${seen.join(', ')}`));
    }, CYCLE_TIMEOUT_MS);
    conversation.events$.subscribe({
      next: (event) => {
        seen.push(event.type);
        if (event.type === 'session.created') {
          conversation.text.next('hello');
          conversation.audio.next(AUDIO);
        } else if (event.type === 'audio.out') {
          conversation.close();
        } else if (event.type === 'closed') {
          closed = event;
        }
      },
      error: (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
      complete: () => {
        clearTimeout(timer);
        if (closed?.type !== 'closed' || closed.reason !== 'requested' || closed.code !== 1000) {
          reject(new Error(`conversation ended with ${JSON.stringify(closed)}; saw ${seen.join(', ')}`));
        } else resolve(seen);
      },
    });
  });
}

function heapAfterGc(): number {
  for (let i = 0; i < 4; i++) gc!();
  return process.memoryUsage().heapUsed;
}

/** Active handles/requests of the given types, counted by type (Node 20's getActiveResourcesInfo). */
function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}
const WATCHED = ['TCPSocketWrap', 'TCPServerWrap', 'Timeout'] as const;
const watched = (all: Record<string, number>) =>
  Object.fromEntries(WATCHED.map((type) => [type, all[type] ?? 0]));

/** Polls `condition` every 10 ms until it holds or `ms` pass. */
async function eventually(condition: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

describe('connect/exchange/close cycles', () => {
  let server: Awaited<ReturnType<typeof startServer>> | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('gc is available (the heap bound below depends on it)', () => {
    expect(typeof gc).toBe('function');
  });

  it(`${CYCLES} sequential cycles against one server leak no heap (< ${MAX_HEAP_GROWTH_BYTES / 1024 / 1024} MB over ${CYCLES - WARM_UP}), no sockets, no timers`, async () => {
    server = await startServer();
    const { url, wss, counts } = server;
    const started = Date.now();
    const expectedEvents = ['session.created', 'audio.out', 'closed'];

    for (let i = 0; i < WARM_UP; i++) expect(await cycle(url)).toEqual(expectedEvents);
    // Between cycles the previous server-side socket may still be finishing its close.
    expect(await eventually(() => wss.clients.size === 0, 2_000)).toBe(true);
    const resourcesBefore = watched(resources());
    const heapBefore = heapAfterGc();
    const measuredStart = Date.now();
    const checkpoints: string[] = [];

    for (let i = WARM_UP; i < CYCLES; i++) {
      const seen = await cycle(url);
      if (seen.join() !== expectedEvents.join()) throw new Error(`cycle ${i} saw ${seen.join(', ')}`);
      if (process.env.LEAK_STATS && (i + 1) % 250 === 0)
        checkpoints.push(`${i + 1}: ${heapAfterGc() - heapBefore}`);
    }

    const measuredMs = Date.now() - measuredStart;
    // Nothing left open on the server's side...
    expect(await eventually(() => wss.clients.size === 0 && counts.closed === CYCLES, 2_000)).toBe(true);
    const heapAfter = heapAfterGc();
    // Handles of the last sockets may take a moment more to be released on a loaded machine.
    const noExcess = () => WATCHED.every((type) => watched(resources())[type] <= resourcesBefore[type]);
    await eventually(noExcess, 2_000);
    const resourcesAfter = watched(resources());
    const growth = heapAfter - heapBefore;
    if (process.env.LEAK_STATS) {
      console.log(
        `${CYCLES} cycles in ${Date.now() - started} ms (${(measuredMs / (CYCLES - WARM_UP)).toFixed(2)} ms/cycle measured); ` +
          `heap ${heapBefore} -> ${heapAfter} (${growth >= 0 ? '+' : ''}${growth} B, ${(growth / (CYCLES - WARM_UP)).toFixed(1)} B/cycle); ` +
          `resources before ${JSON.stringify(resourcesBefore)} after ${JSON.stringify(resourcesAfter)}; ` +
          `growth (B) at cycle ${checkpoints.join(', ')}`,
      );
    }

    expect(counts).toEqual({ connections: CYCLES, closed: CYCLES, replies: CYCLES, protocolErrors: [] });
    expect(wss.clients.size).toBe(0);
    // ...nor in this process: no more sockets or timers than before the measured cycles.
    const excess = WATCHED.filter((type) => resourcesAfter[type] > resourcesBefore[type]).map(
      (type) => `${type}: ${resourcesBefore[type]} before, ${resourcesAfter[type]} after`,
    );
    expect(excess).toEqual([]);
    expect(growth).toBeLessThan(MAX_HEAP_GROWTH_BYTES);
  }, 120_000);
});
