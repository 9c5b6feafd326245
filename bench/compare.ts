/*
 * Compares the JavaScript cost of a real-time audio frame in two versions of realtime-rx, in one
 * process, for changes smaller than the host's noise (on the bench's shared virtual machine the same
 * code costs 17.5–20 µs per frame from one concurrency run to the next; a change worth 0.5 µs cannot
 * be seen there).
 *
 *   git worktree add /tmp/base <commit>          # the other version (no install: its src/ is compiled here)
 *   node --import tsx bench/compare.ts /tmp/base [conversations=1000] [rounds=14] [--downlink]
 *
 * Both versions are loaded side by side, each with `conversations` conversations (created
 * alternately, so neither gets the younger, closer-packed heap) on fake sockets that frame and mask
 * like our `ws` sockets, cork, and answer pings, but make no system calls. Each round feeds 100 ticks
 * of one frame per conversation to one version, then to the other (the order alternating), and
 * measures the process's CPU time; the result is the median of the paired differences. Two runs of
 * the same code differ by up to ±0.3 µs per frame: run it twice.
 *
 * `--downlink` measures the other hot path instead: each tick hands every conversation's socket one
 * GA audio delta (distinct frames of 20 ms), decoded into an `audio.out` event for one subscriber.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type * as RealtimeRx from '../src/index.js';
import { compileLibrary } from './library.js';
import { FRAMES } from './measure.js';

type Framer = (data: string, head?: string, tail?: string) => Uint8Array | undefined;

interface Version {
  readonly name: string;
  /** Opens one more conversation. */
  open(): void;
  /** CPU µs per frame over `ticks` ticks of one frame per conversation (sent, or received with `downlink`). */
  run(ticks: number, downlink: boolean): Promise<number>;
}

/** What a server sends, as the GA API sends it: valid for every version. */
const SESSION_UPDATED = '{"type":"session.updated","event_id":"event_0","session":{"type":"realtime"}}';
const DELTAS: readonly string[] = FRAMES.map((samples, i) =>
  JSON.stringify({
    type: 'response.output_audio.delta',
    event_id: `event_${i + 1}`,
    response_id: 'resp_1',
    item_id: 'item_1',
    output_index: 0,
    content_index: 0,
    delta: Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength).toString('base64'),
  }),
);

let written = 0; // what the fake sockets were given, so nothing is optimised away
let received = 0; // events the conversations emitted, likewise

function load(name: string, root: string): Version {
  const dir = compileLibrary(root);
  /* eslint-disable @typescript-eslint/no-require-imports -- modules compiled at run time */
  const lib = require(join(dir, 'index.js')) as typeof RealtimeRx;
  const framing = join(dir, 'transport', 'textFrame.js');
  const frameText: Framer | undefined = existsSync(framing)
    ? (require(framing) as { maskedTextFrame: Framer }).maskedTextFrame
    : undefined;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const conversations: RealtimeRx.Conversation[] = [];
  const sockets: { onmessage: ((event: { data: unknown }) => void) | null }[] = [];
  const socket = () => {
    const s = {
      readyState: 0,
      bufferedAmount: 0,
      binaryType: '',
      onopen: null as ((event: unknown) => void) | null,
      onmessage: null as ((event: { data: unknown }) => void) | null,
      onclose: null,
      onerror: null,
      onpong: null as (() => void) | null,
      send: (data: string) => void (written += (frameText?.(data) ?? data).length),
      frameText,
      sendFrame: (frame: Uint8Array) => void (written += frame.length),
      cork: () => undefined,
      uncork: () => undefined,
      close: () => undefined,
      ping: () => void setTimeout(() => s.onpong?.(), 2),
    };
    setImmediate(() => {
      s.readyState = 1;
      s.onopen?.({});
      s.onmessage?.({ data: SESSION_UPDATED });
    });
    sockets.push(s);
    return s as unknown as RealtimeRx.WebSocketLike;
  };
  return {
    name,
    open() {
      const conversation = lib.connectConversation({
        url: 'http://127.0.0.1:1',
        apiKey: 'k',
        webSocket: socket,
      });
      conversation.events$.subscribe(() => void received++);
      conversations.push(conversation);
    },
    async run(ticks, downlink) {
      const start = process.cpuUsage();
      for (let t = 0; t < ticks; t++) {
        if (downlink) {
          const data = DELTAS[t % DELTAS.length];
          for (const s of sockets) s.onmessage?.({ data });
          await new Promise((tick) => setTimeout(tick, 1));
          continue;
        }
        const samples = FRAMES[t % FRAMES.length];
        for (const conversation of conversations) {
          conversation.audio.next({
            data: lib.pcm16ToBase64(samples),
            sampleRate: 24_000,
            numChannels: 1,
            samplesPerChannel: samples.length,
          });
        }
        await new Promise((tick) => setTimeout(tick, 1));
      }
      const { user, system } = process.cpuUsage(start);
      return (user + system) / (ticks * conversations.length);
    },
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

async function main(): Promise<void> {
  const downlink = process.argv.includes('--downlink');
  const [other, conversationsArg, roundsArg] = process.argv.slice(2).filter((arg) => arg !== '--downlink');
  if (other === undefined)
    throw new Error('usage: bench/compare.ts <other checkout> [conversations] [rounds] [--downlink]');
  const n = Number(conversationsArg ?? 1000);
  const rounds = Number(roundsArg ?? 14);
  const base = load(`base (${other})`, resolve(other));
  const here = load('this checkout', join(__dirname, '..'));
  for (let i = 0; i < n; i++) for (const version of i % 2 === 0 ? [base, here] : [here, base]) version.open();
  await new Promise((settle) => setTimeout(settle, 300));
  await base.run(100, downlink);
  await here.run(100, downlink);
  const baseCosts: number[] = [];
  const hereCosts: number[] = [];
  const differences: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const first = round % 2 === 0 ? base : here;
    const costs = new Map<Version, number>([[first, await first.run(100, downlink)]]);
    const second = first === base ? here : base;
    costs.set(second, await second.run(100, downlink));
    baseCosts.push(costs.get(base)!);
    hereCosts.push(costs.get(here)!);
    differences.push(costs.get(here)! - costs.get(base)!);
  }
  const us = (value: number) => `${value.toFixed(2)} µs`;
  const what = downlink ? 'audio delta received' : 'audio frame sent';
  console.log(`${n} conversations each, ${rounds} rounds of 100 ticks, CPU per ${what}:`);
  console.log(`  ${base.name}: median ${us(median(baseCosts))}`);
  console.log(`  ${here.name}: median ${us(median(hereCosts))}`);
  console.log(`  this checkout − base, median of the paired differences: ${us(median(differences))}`);
  console.log(
    `  differences: ${differences.map((d) => d.toFixed(2)).join(' ')}  (${written} bytes written, ${received} events)`,
  );
  process.exit(0);
}

void main();
