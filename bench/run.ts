/*
 * `npm run bench`: realtime-rx against a raw `ws` client and the official SDKs (openai-node,
 * @openai/agents-realtime), on loopback, the server in a child process. Prints a table (workload,
 * metric, realtime-rx, raw ws, the SDKs, rx/raw ratio, target, result) and writes JSON to
 * bench/results/. See bench/README.md.
 *
 *   --smoke             tiny counts, < 1 min, exits non-zero when something fails or hangs (CI)
 *   --only a,b          run only these workloads (uplink, downlink, congested, idle, concurrency)
 *   --frames N          uplink frames per round (default 20 000)
 *   --rounds N          measured rounds of uplink (default 5)
 *   --events N          downlink events received cold (default 20 000; then 5 × N warm)
 *   --warm-events N     downlink events received warm (default 5 × the cold count)
 *   --runs N            downlink runs, each client in a fresh process each time (default 3)
 *   --levels a,b,…      concurrency levels to ramp through
 *   --server-turn MS    concurrency: the server reads in turns MS apart (default 30; 0: as bytes arrive)
 *   --client NAME       run one client only (rx, raw, openai or agents; for profiling)
 *   --no-sdks           leave the official SDKs out (they run in every workload but concurrency)
 *   --rx-options JSON   experiment: realtime-rx with these ConversationOptions (results are marked so)
 *   --strict            exit 1 when a target is missed, too
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import type { ConversationOptions } from '../src/index.js';
import { rawWs, realtimeRx, realtimeRxWith, type BenchClient, type ClientName } from './clients.js';
import { CLIENT_FLAGS, type Batch, type ClientFlag } from './downlinkProcess.js';
import { benchDir, libraryDir } from './library.js';
import { canCollect, median } from './measure.js';
import { interleavedRamp } from './ramp.js';
import { agentsRealtime, openaiNode } from './sdkClients.js';
import { BenchServer } from './serverHandle.js';
import {
  MAX_STARVED_CPU,
  SERVER_BOUND_CPU,
  congested,
  downlink,
  idle,
  uplink,
  type BenchConfig,
  type ConcurrencyResult,
  type CongestedResult,
  type DownlinkRun,
  type IdleResult,
  type UplinkResult,
} from './workloads.js';

const WORKLOADS = ['uplink', 'downlink', 'congested', 'idle', 'concurrency'] as const;
type Workload = (typeof WORKLOADS)[number];
const FLAG_OF: Record<ClientName, ClientFlag> = {
  'realtime-rx': 'rx',
  'raw ws': 'raw',
  'openai-node': 'openai',
  'agents-realtime': 'agents',
};

interface Args {
  smoke: boolean;
  only: Workload[];
  frames: number | undefined;
  rounds: number | undefined;
  events: number | undefined;
  warmEvents: number | undefined;
  runs: number | undefined;
  levels: number[] | undefined;
  serverTurnMs: number | undefined;
  client: ClientFlag | undefined;
  sdks: boolean;
  strict: boolean;
  rxOptions: Partial<ConversationOptions> | undefined;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    smoke: false,
    only: [...WORKLOADS],
    frames: undefined,
    rounds: undefined,
    events: undefined,
    warmEvents: undefined,
    runs: undefined,
    levels: undefined,
    serverTurnMs: undefined,
    client: undefined,
    sdks: true,
    strict: false,
    rxOptions: undefined,
  };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
    return v;
  };
  const count = (text: string, flag: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} takes a positive whole number, got ${text}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    switch (flag) {
      case '--smoke':
        args.smoke = true;
        break;
      case '--strict':
        args.strict = true;
        break;
      case '--only': {
        const names = value(i++, flag).split(',');
        for (const name of names)
          if (!(WORKLOADS as readonly string[]).includes(name))
            throw new Error(`unknown workload ${name}: expected ${WORKLOADS.join(', ')}`);
        args.only = names as Workload[];
        break;
      }
      case '--frames':
        args.frames = count(value(i++, flag), flag);
        break;
      case '--rounds':
        args.rounds = count(value(i++, flag), flag);
        break;
      case '--events':
        args.events = count(value(i++, flag), flag);
        break;
      case '--warm-events':
        args.warmEvents = count(value(i++, flag), flag);
        break;
      case '--runs':
        args.runs = count(value(i++, flag), flag);
        break;
      case '--levels':
        args.levels = value(i++, flag)
          .split(',')
          .map((n) => count(n, flag));
        break;
      case '--server-turn': {
        const ms = Number(value(i++, flag));
        if (!Number.isInteger(ms) || ms < 0)
          throw new Error(`${flag} takes whole milliseconds (0: no turns)`);
        args.serverTurnMs = ms;
        break;
      }
      case '--client': {
        const client = value(i++, flag);
        if (!(CLIENT_FLAGS as readonly string[]).includes(client))
          throw new Error(`--client takes ${CLIENT_FLAGS.join(', ')}, got ${client}`);
        args.client = client as ClientFlag;
        break;
      }
      case '--no-sdks':
        args.sdks = false;
        break;
      case '--rx-options':
        args.rxOptions = JSON.parse(value(i++, flag)) as Partial<ConversationOptions>;
        break;
      default:
        throw new Error(`unknown argument ${flag}`);
    }
  }
  return args;
}

/**
 * How far apart the server's turns of reading are during the concurrency ramp (see bench/server.ts).
 * A pong waits for the next turn, and realtime-rx's congestion probe takes a pong later than half its
 * default bound (50 ms) for queueing and probes more often: the turn must stay well below that.
 */
const SERVER_TURN_MS = 30;

function configFor(args: Args): BenchConfig {
  const base: BenchConfig = args.smoke
    ? {
        smoke: true,
        frames: 200,
        warmup: 50,
        rounds: 1,
        downlinkCold: 200,
        downlinkWarm: 500,
        downlinkRuns: 1,
        batch: 50,
        congestedSeconds: 1,
        textEveryMs: 500,
        drainTimeoutMs: 8_000,
        idleCount: 5,
        concurrencyLevels: [5, 10],
        concurrencyWarmupSeconds: 0.25,
        concurrencySeconds: 1,
        serverTurnMs: SERVER_TURN_MS,
        connectTimeoutMs: 5_000,
      }
    : {
        smoke: false,
        frames: 20_000,
        warmup: 20_000,
        rounds: 5,
        downlinkCold: 20_000,
        downlinkWarm: 100_000,
        downlinkRuns: 3,
        batch: 50,
        congestedSeconds: 10,
        textEveryMs: 500,
        drainTimeoutMs: 40_000,
        idleCount: 200,
        concurrencyLevels: [250, 500, 750, 1000, 1250, 1500, 2000, 2500, 3000],
        concurrencyWarmupSeconds: 1,
        concurrencySeconds: 5,
        serverTurnMs: SERVER_TURN_MS,
        connectTimeoutMs: 20_000,
      };
  if (args.frames !== undefined) base.frames = args.frames;
  if (args.rounds !== undefined) base.rounds = args.rounds;
  if (args.events !== undefined) {
    base.downlinkCold = args.events;
    base.downlinkWarm = 5 * args.events;
  }
  if (args.warmEvents !== undefined) base.downlinkWarm = args.warmEvents;
  if (args.runs !== undefined) base.downlinkRuns = args.runs;
  if (args.levels !== undefined) base.concurrencyLevels = args.levels;
  if (args.serverTurnMs !== undefined) base.serverTurnMs = args.serverTurnMs;
  return base;
}

// ---------------------------------------------------------------------------------------------
// the table

interface Row {
  workload: Workload;
  metric: string;
  rx: string;
  raw: string;
  /** the official SDKs, where measured: the figure, and for costs its ratio to raw ws */
  openai?: string;
  agents?: string;
  /** realtime-rx / raw ws */
  ratio: string;
  target: string;
  result: '' | 'PASS' | 'FAIL';
}

const fmt = (n: number | undefined, digits = 2): string =>
  n === undefined || Number.isNaN(n) ? '–' : n === Infinity ? '∞' : n.toFixed(digits);
const ratioOf = (rx: number | undefined, raw: number | undefined): number | undefined =>
  rx === undefined || raw === undefined || raw === 0 ? undefined : rx / raw;
const fmtRatio = (r: number | undefined): string => (r === undefined ? '–' : `${r.toFixed(2)}×`);
const judge = (ok: boolean | undefined): Row['result'] => (ok === undefined ? '' : ok ? 'PASS' : 'FAIL');

/**
 * The SDKs' cells of a row: `pick`'s figure for each SDK that ran (none: no cell), and for a cost
 * (`ratio`) its ratio to raw ws after it.
 */
function sdkCells(
  pick: (name: ClientName) => number | undefined,
  digits: number,
  ratio = false,
): Pick<Row, 'openai' | 'agents'> {
  const cellOf = (name: ClientName): string | undefined => {
    const value = pick(name);
    if (value === undefined) return undefined;
    return ratio ? `${fmt(value, digits)} (${fmtRatio(ratioOf(value, pick('raw ws')))})` : fmt(value, digits);
  };
  return { openai: cellOf('openai-node'), agents: cellOf('agents-realtime') };
}

function printTable(rows: Row[]): void {
  const header: Row = {
    workload: 'workload' as Workload,
    metric: 'metric',
    rx: 'realtime-rx',
    raw: 'raw ws',
    openai: 'openai-node',
    agents: 'agents-realtime',
    ratio: 'rx/raw',
    target: 'target',
    result: '',
  };
  const sdks = rows.some((row) => row.openai !== undefined || row.agents !== undefined);
  const keys = sdks
    ? (['workload', 'metric', 'rx', 'raw', 'openai', 'agents', 'ratio', 'target', 'result'] as const)
    : (['workload', 'metric', 'rx', 'raw', 'ratio', 'target', 'result'] as const);
  const cell = (row: Row, key: (typeof keys)[number]) => row[key] ?? '';
  const all = [header, ...rows];
  const widths = keys.map((key) => Math.max(...all.map((row) => cell(row, key).length)));
  const numeric = new Set<string>(['rx', 'raw', 'openai', 'agents', 'ratio']);
  const line = (row: Row) =>
    keys
      .map((key, i) =>
        numeric.has(key) ? cell(row, key).padStart(widths[i]) : cell(row, key).padEnd(widths[i]),
      )
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

// ---------------------------------------------------------------------------------------------
// running

type PerClient<T> = Partial<Record<ClientName, T>>;

/** One phase of the downlink (cold or warm) over the runs. */
interface DownlinkSummary {
  /** median over the runs of each client's CPU time per event (µs) */
  cpuMicrosPerEvent: PerClient<number>;
  /** median and range over the runs of each client's CPU per event / raw ws's in the same run */
  ratioToRaw: PerClient<{ median: number; min: number; max: number }>;
  /** median and range of realtime-rx / openai-node in the same run */
  rxToOpenai?: { median: number; min: number; max: number };
  /** median of the server's CPU per event while it flooded */
  serverCpuMicrosPerEvent: number;
  /** median of each client process's minor page faults while it received */
  minorFaults: PerClient<number>;
  /** median of each client process's young generation after it received, in KB */
  youngGenerationKB: PerClient<number>;
}

interface Results {
  uplink?: { rounds: PerClient<UplinkResult[]>; cpuMicrosPerFrame: PerClient<number> };
  downlink?: {
    runs: PerClient<DownlinkRun[]>;
    cold: DownlinkSummary;
    warm: DownlinkSummary;
  };
  congested?: PerClient<CongestedResult>;
  idle?: PerClient<IdleResult>;
  concurrency?: PerClient<ConcurrencyResult>;
}

async function main(): Promise<number> {
  // Ctrl-C and kill end through process.exit, so the exit handlers run (the server is killed, the
  // compiled library removed).
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
  const args = parseArgs(process.argv.slice(2));
  const config = configFor(args);
  // CI gives the smoke run 120 s: this ends it first, saying why.
  const watchdogMs = args.smoke ? 100_000 : 40 * 60_000;
  const watchdog = setTimeout(() => {
    console.error(`bench: still running after ${watchdogMs / 1000} s: giving up`);
    process.exit(2); // the exit handler kills the server
  }, watchdogMs);
  watchdog.unref();

  if (!canCollect) console.warn('bench: run node with --expose-gc, or the memory figures mean little');
  const rx = args.rxOptions === undefined ? realtimeRx : realtimeRxWith(args.rxOptions);
  if (args.rxOptions !== undefined)
    console.warn(`bench: realtime-rx runs with ${JSON.stringify(args.rxOptions)}: NOT its defaults`);
  const byFlag: Record<ClientFlag, BenchClient> = {
    rx,
    raw: rawWs,
    openai: openaiNode,
    agents: agentsRealtime,
  };
  const clients: BenchClient[] =
    args.client !== undefined
      ? [byFlag[args.client]]
      : [rx, rawWs, ...(args.sdks ? [openaiNode, agentsRealtime] : [])];
  // The ramp takes minutes per client: realtime-rx and raw ws only (the SDKs' per-frame costs, from
  // uplink, say where they would stand).
  const rampClients = clients.filter((client) => client.name === 'realtime-rx' || client.name === 'raw ws');
  /** The clients in round `r`'s order: realtime-rx first in even rounds, raw ws first in odd ones. */
  const ordered = (r: number): BenchClient[] => (r % 2 === 0 ? clients : [...clients].reverse());
  const log = (line: string) => console.log(line);
  const started = new Date();
  const loadStart = loadavg();

  const server = await BenchServer.start();
  const errors: string[] = [];
  const results: Results = {};
  const rows: Row[] = [];
  let clockOffset: { offsetMs: number; uncertaintyMs: number } | undefined;
  try {
    clockOffset = await server.clockOffset();
    log(
      `bench: server on 127.0.0.1:${server.port}; ${args.smoke ? 'SMOKE run' : 'full run'}; ` +
        `load average ${loadStart.map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores`,
    );
    const run = async (workload: Workload, body: () => Promise<void>) => {
      if (!args.only.includes(workload)) return;
      log(`\n${workload}`);
      try {
        await body();
      } catch (e) {
        errors.push(`${workload}: ${(e as Error).stack ?? String(e)}`);
        log(`  ERROR ${(e as Error).message}`);
      }
      await server.closeAll().catch(() => undefined);
    };

    await run('uplink', async () => {
      for (const client of clients) await uplink(client, server, config.warmup, config); // warm-up
      const rounds: PerClient<UplinkResult[]> = {};
      for (let r = 0; r < config.rounds; r++) {
        for (const client of ordered(r)) {
          const result = await uplink(client, server, config.frames, config);
          (rounds[client.name] ??= []).push(result);
          log(
            `  round ${r + 1} ${client.name}: ${fmt(result.cpuMicrosPerFrame)} µs CPU/frame, ` +
              `${fmt(result.wallMicrosPerFrame)} µs wall/frame, ${result.received}/${result.frames} received, ` +
              `${result.dropped} dropped`,
          );
          if (result.error !== undefined) errors.push(`uplink ${client.name}: ${result.error}`);
        }
      }
      const cpu: PerClient<number> = {};
      const wall: PerClient<number> = {};
      for (const client of clients) {
        cpu[client.name] = median(rounds[client.name]!.map((x) => x.cpuMicrosPerFrame));
        wall[client.name] = median(rounds[client.name]!.map((x) => x.wallMicrosPerFrame));
      }
      results.uplink = { rounds, cpuMicrosPerFrame: cpu };
      const ratio = ratioOf(cpu['realtime-rx'], cpu['raw ws']);
      const received = (name: ClientName) =>
        rounds[name] === undefined
          ? undefined
          : `${rounds[name].reduce((s, x) => s + x.received, 0)}/${rounds[name].reduce((s, x) => s + x.frames, 0)}`;
      rows.push(
        {
          workload: 'uplink',
          metric: 'CPU µs/frame (median of rounds)',
          rx: fmt(cpu['realtime-rx']),
          raw: fmt(cpu['raw ws']),
          ...sdkCells((name) => cpu[name], 2, true),
          ratio: fmtRatio(ratio),
          target: 'ratio ≤ 1.20×',
          result: judge(ratio === undefined ? undefined : ratio <= 1.2),
        },
        {
          workload: 'uplink',
          metric: 'wall µs/frame',
          rx: fmt(wall['realtime-rx']),
          raw: fmt(wall['raw ws']),
          ...sdkCells((name) => wall[name], 2, true),
          ratio: fmtRatio(ratioOf(wall['realtime-rx'], wall['raw ws'])),
          target: '',
          result: '',
        },
        {
          workload: 'uplink',
          metric: 'frames received (all rounds)',
          rx: received('realtime-rx') ?? '–',
          raw: received('raw ws') ?? '–',
          openai: received('openai-node'),
          agents: received('agents-realtime'),
          ratio: '',
          target: 'all',
          result: judge(Object.values(rounds).every((list) => list.every((x) => x.received === x.frames))),
        },
      );
    });

    await run('downlink', async () => {
      // Compiled once, here, for every client process.
      libraryDir();
      benchDir();
      // The server's flooding must not be cold for the first client only: one throwaway flood first.
      const warmup = await rawWs.connect(server.direct, config.connectTimeoutMs);
      await server.flood(config.downlinkCold, 10_000 + config.downlinkCold);
      await warmup.close();
      await server.closeAll();
      const runs: PerClient<DownlinkRun[]> = {};
      for (let r = 0; r < config.downlinkRuns; r++) {
        for (const client of ordered(r)) {
          const result = await downlink(FLAG_OF[client.name], server, config, args.rxOptions ?? {});
          (runs[client.name] ??= []).push(result);
          const describe = (what: string, batch: Batch | undefined) =>
            batch === undefined
              ? ''
              : `${what} ${fmt(batch.cpuMicrosPerEvent)} µs CPU/event (${batch.received}/${batch.events}, ` +
                `${fmt(batch.wallMicrosPerEvent)} µs wall, server ${fmt(batch.serverCpuMicrosPerEvent)} µs, ` +
                `${batch.minorFaults} page faults)`;
          log(
            `  run ${r + 1} ${client.name}: ${describe('cold', result.cold)}; ${describe('warm', result.warm)}` +
              `${result.error === undefined ? '' : `; ERROR ${result.error}`}`,
          );
          if (result.error !== undefined) errors.push(`downlink ${client.name}: ${result.error}`);
        }
      }
      const summary = (phase: 'cold' | 'warm'): DownlinkSummary => {
        const cpuOf = (name: ClientName, r: number) => runs[name]?.[r]?.[phase]?.cpuMicrosPerEvent;
        const spread = (values: (number | undefined)[]) => {
          const known = values.filter((v): v is number => v !== undefined);
          return known.length === 0
            ? undefined
            : { median: median(known), min: Math.min(...known), max: Math.max(...known) };
        };
        /** `a`'s CPU per event over `b`'s, run by run (the two ran next to each other). */
        const paired = (a: ClientName, b: ClientName) =>
          spread(Array.from({ length: config.downlinkRuns }, (_, r) => ratioOf(cpuOf(a, r), cpuOf(b, r))));
        const cpu: PerClient<number> = {};
        const minorFaults: PerClient<number> = {};
        const youngGenerationKB: PerClient<number> = {};
        const ratioToRaw: DownlinkSummary['ratioToRaw'] = {};
        for (const client of clients) {
          const batches = runs[client.name]!.map((run) => run[phase]);
          const all = spread(batches.map((batch) => batch?.cpuMicrosPerEvent));
          if (all !== undefined) cpu[client.name] = all.median;
          const faults = spread(batches.map((batch) => batch?.minorFaults));
          if (faults !== undefined) minorFaults[client.name] = faults.median;
          const young = spread(batches.map((batch) => batch && batch.youngGenerationBytes / 1024));
          if (young !== undefined) youngGenerationKB[client.name] = young.median;
          const ratio = paired(client.name, 'raw ws');
          if (ratio !== undefined) ratioToRaw[client.name] = ratio;
        }
        const rxToOpenai = paired('realtime-rx', 'openai-node');
        return {
          cpuMicrosPerEvent: cpu,
          ratioToRaw,
          ...(rxToOpenai === undefined ? {} : { rxToOpenai }),
          minorFaults,
          youngGenerationKB,
          serverCpuMicrosPerEvent: median(
            Object.values(runs).flatMap((list) =>
              list.flatMap((run) => (run[phase] === undefined ? [] : [run[phase].serverCpuMicrosPerEvent])),
            ),
          ),
        };
      };
      const cold = summary('cold');
      const warm = summary('warm');
      results.downlink = { runs, cold, warm };
      const range = (x: { min: number; max: number } | undefined) =>
        x === undefined ? '' : ` ${x.min.toFixed(2)}–${x.max.toFixed(2)}`;
      const diagnosticRow = (metric: string, figures: PerClient<number>): Row => ({
        workload: 'downlink',
        metric,
        rx: fmt(figures['realtime-rx'], 0),
        raw: fmt(figures['raw ws'], 0),
        ...sdkCells((name) => figures[name], 0),
        ratio: fmtRatio(ratioOf(figures['realtime-rx'], figures['raw ws'])),
        target: '',
        result: '',
      });
      const phaseRows = (phase: 'cold' | 'warm', s: DownlinkSummary, events: number): Row[] => {
        const cell = (name: ClientName) => {
          const cpu = s.cpuMicrosPerEvent[name];
          return cpu === undefined ? undefined : `${fmt(cpu)} (${fmtRatio(s.ratioToRaw[name]?.median)})`;
        };
        const ratio = s.ratioToRaw['realtime-rx'];
        const pass =
          ratio === undefined
            ? undefined
            : ratio.median <= 1.1 && (s.rxToOpenai === undefined || s.rxToOpenai.median < 1);
        return [
          {
            workload: 'downlink',
            metric: `${phase}: CPU µs/event (${phase === 'cold' ? `first ${events}` : `${events} after those`})`,
            rx: fmt(s.cpuMicrosPerEvent['realtime-rx']),
            raw: fmt(s.cpuMicrosPerEvent['raw ws']),
            openai: cell('openai-node'),
            agents: cell('agents-realtime'),
            ratio: fmtRatio(ratio?.median),
            target: 'rx ≤ 1.10×, < openai',
            result: judge(pass),
          },
          {
            workload: 'downlink',
            metric: `${phase}: paired ratios per run (median min–max)`,
            rx: '',
            raw: '',
            openai:
              s.rxToOpenai === undefined
                ? undefined
                : `rx/openai ${fmtRatio(s.rxToOpenai.median)}${range(s.rxToOpenai)}`,
            ratio: `${fmtRatio(ratio?.median)}${range(ratio)}`,
            target: '',
            result: '',
          },
          // Why a cold figure moves: V8 grows a young generation that many bytes survived (as loading
          // modules makes them), and the batch that follows touches its new pages for the first time.
          ...(phase === 'cold'
            ? [
                diagnosticRow(`${phase}: page faults while receiving (median)`, s.minorFaults),
                diagnosticRow(`${phase}: V8 young generation after, KB (median)`, s.youngGenerationKB),
              ]
            : []),
        ];
      };
      log(
        `  the server's CPU per event flooded (median): ${fmt(cold.serverCpuMicrosPerEvent)} µs cold, ` +
          `${fmt(warm.serverCpuMicrosPerEvent)} µs warm`,
      );
      rows.push(
        ...phaseRows('cold', cold, config.downlinkCold),
        ...phaseRows('warm', warm, config.downlinkWarm),
      );
    });

    await run('congested', async () => {
      const byClient: PerClient<CongestedResult> = {};
      for (const client of clients) {
        const result = await congested(client, server, config);
        byClient[client.name] = result;
        log(
          `  ${client.name}: texts p50 ${fmt(result.p50Ms, 1)} ms, p99 ${fmt(result.p99Ms, 1)} ms, max ` +
            `${fmt(result.maxMs, 1)} ms (${result.textsDelivered}/${result.textsSent}); audio ` +
            `${result.audioSent} sent, ${result.audioDropped} dropped of ${result.framesOffered}; ` +
            `server read ${result.readBytesPerSecond} B/s`,
        );
        if (result.error !== undefined) errors.push(`congested ${client.name}: ${result.error}`);
      }
      results.congested = byClient;
      const rx = byClient['realtime-rx'];
      const raw = byClient['raw ws'];
      const kb = (n: number | undefined) => (n === undefined ? undefined : n / 1024);
      const delivered = (name: ClientName) => {
        const r = byClient[name];
        return r === undefined ? undefined : `${r.textsDelivered}/${r.textsSent}`;
      };
      const row = (
        metric: string,
        pick: (r: CongestedResult) => number,
        digits: number,
        target = '',
        pass?: boolean,
      ): Row => ({
        workload: 'congested',
        metric,
        rx: fmt(rx && pick(rx), digits),
        raw: fmt(raw && pick(raw), digits),
        ...sdkCells((name) => byClient[name] && pick(byClient[name]), digits),
        ratio: fmtRatio(ratioOf(rx && pick(rx), raw && pick(raw))),
        target,
        result: judge(pass),
      });
      rows.push(
        row('text latency p50 ms', (r) => r.p50Ms, 1),
        row('text latency p99 ms', (r) => r.p99Ms, 1, 'rx ≤ 300 ms', rx && rx.p99Ms <= 300),
        row('text latency max ms', (r) => r.maxMs, 1),
        {
          workload: 'congested',
          metric: 'texts delivered',
          rx: delivered('realtime-rx') ?? '–',
          raw: delivered('raw ws') ?? '–',
          openai: delivered('openai-node'),
          agents: delivered('agents-realtime'),
          ratio: '',
          target: 'all',
          result: judge(Object.values(byClient).every((r) => r.textsDelivered === r.textsSent)),
        },
        row('audio frames sent', (r) => r.audioSent, 0),
        row('audio frames dropped', (r) => r.audioDropped, 0),
        row('heap growth KB (after GC)', (r) => kb(r.heapAfter - r.heapBefore)!, 0),
        row('external growth KB', (r) => kb(r.externalAfter - r.externalBefore)!, 0),
      );
    });

    await run('idle', async () => {
      const byClient: PerClient<IdleResult> = {};
      for (const client of ordered(1)) {
        const result = await idle(client, server, config);
        byClient[client.name] = result;
        log(
          `  ${client.name}: ${fmt(result.heapBytesPerConnection / 1024, 1)} KB heap, ` +
            `${fmt(result.externalBytesPerConnection / 1024, 1)} KB external per open session (${result.connections})`,
        );
      }
      results.idle = byClient;
      const rx = byClient['realtime-rx'];
      const raw = byClient['raw ws'];
      const heap = (r: IdleResult | undefined) =>
        r === undefined ? undefined : r.heapBytesPerConnection / 1024;
      rows.push({
        workload: 'idle',
        metric: `heap KB per open session (K=${config.idleCount})`,
        rx: fmt(heap(rx), 1),
        raw: fmt(heap(raw), 1),
        ...sdkCells((name) => heap(byClient[name]), 1),
        ratio: fmtRatio(ratioOf(heap(rx), heap(raw))),
        target: 'rx ≤ 8 KB, < SDKs',
        result: judge(
          rx &&
            heap(rx)! <= 8 &&
            (['openai-node', 'agents-realtime'] as const).every(
              (name) => byClient[name] === undefined || heap(rx)! < heap(byClient[name])!,
            ),
        ),
      });
    });

    await run('concurrency', async () => {
      const byClient: PerClient<ConcurrencyResult> = {};
      for (const [client, result] of await interleavedRamp(rampClients, server, config, log)) {
        byClient[client.name] = result;
        const first = result.levels[0];
        if (first?.error !== undefined) errors.push(`concurrency ${client.name}: ${first.error}`);
      }
      results.concurrency = byClient;
      const rx = byClient['realtime-rx'];
      const raw = byClient['raw ws'];
      const top = config.concurrencyLevels[config.concurrencyLevels.length - 1];
      const shown = (r: ConcurrencyResult | undefined) =>
        r === undefined ? '–' : r.maxSustained === top ? `≥ ${top}` : String(r.maxSustained);
      // Judged as a ratio: the absolute count says as much about the machine and its other load.
      const sustainedRatio = ratioOf(rx?.maxSustained, raw?.maxSustained);
      // Every level a client failed, it failed using less than MAX_STARVED_CPU of a core: it waited for
      // the CPU (other load), it was not busy. When both did, the ratio says little: the table says so.
      const starved = (r: ConcurrencyResult | undefined) =>
        r !== undefined &&
        r.levels.some((l) => !l.sustained) &&
        r.levels.every((l) => l.sustained || (l.error === undefined && l.clientCpu < MAX_STARVED_CPU));
      // A client's first level not sustained, failed while the server used a core: the ramp may have
      // measured the server. The server is built to stay far below that; the table says when it did not.
      const serverBound = (r: ConcurrencyResult | undefined) =>
        r !== undefined && r.levels.some((l) => !l.sustained && l.serverCpu >= SERVER_BOUND_CPU);
      const notes = [
        ...(starved(rx) && starved(raw) ? ['both starved by other load'] : []),
        ...(serverBound(rx) || serverBound(raw) ? ['SERVER-BOUND at a failed level'] : []),
      ];
      rows.push({
        workload: 'concurrency',
        metric: `real-time sessions sustained (interleaved ramps)${notes.map((note) => `, ${note}`).join('')}`,
        rx: shown(rx),
        raw: shown(raw),
        ratio: fmtRatio(sustainedRatio),
        target: config.smoke ? '' : 'ratio ≥ 1.50×',
        result: config.smoke || sustainedRatio === undefined ? '' : judge(sustainedRatio >= 1.5),
      });
      // The CPU a real-time frame costs at the largest level both clients sustained: less sensitive to
      // other load than the level itself, and 1 s / (50 frames × that) is what one core could carry.
      // When no level was sustained by both (a starved run), the largest level both ran, so marked.
      const levelsBoth = (sustained: boolean) =>
        (rx?.levels ?? [])
          .filter(
            (l) =>
              l.error === undefined &&
              (!sustained || l.sustained) &&
              raw?.levels.some(
                (m) =>
                  m.error === undefined && (!sustained || m.sustained) && m.connections === l.connections,
              ),
          )
          .map((l) => l.connections);
      const sustainedBoth = levelsBoth(true);
      const ranBoth = sustainedBoth.length > 0 ? sustainedBoth : levelsBoth(false);
      const common = ranBoth.length > 0 ? Math.max(...ranBoth) : undefined;
      const commonLabel = `N=${common ?? '–'}${sustainedBoth.length === 0 && common !== undefined ? ', not sustained' : ''}`;
      const atCommon = (r: ConcurrencyResult | undefined) =>
        r?.levels.find(
          (l) =>
            l.error === undefined && l.connections === common && (sustainedBoth.length === 0 || l.sustained),
        );
      const perFrame = (r: ConcurrencyResult | undefined) => atCommon(r)?.cpuMicrosPerFrame;
      const perCore = (us: number | undefined) => (us === undefined ? undefined : 1e6 / (50 * us));
      const serverCpu = (r: ConcurrencyResult | undefined) => atCommon(r)?.serverCpu;
      const serverPerFrame = (r: ConcurrencyResult | undefined) => atCommon(r)?.serverCpuMicrosPerFrame;
      const busiestServer = (r: ConcurrencyResult | undefined) => {
        const measured = (r?.levels ?? []).filter((l) => l.error === undefined).map((l) => l.serverCpu);
        return measured.length === 0 ? undefined : Math.max(...measured);
      };
      rows.push(
        {
          workload: 'concurrency',
          metric: `CPU µs/frame at ${commonLabel} (real time)`,
          rx: fmt(perFrame(rx)),
          raw: fmt(perFrame(raw)),
          ratio: fmtRatio(ratioOf(perFrame(rx), perFrame(raw))),
          target: '',
          result: '',
        },
        {
          workload: 'concurrency',
          metric: 'sessions one core could carry (from that)',
          rx: fmt(perCore(perFrame(rx)), 0),
          raw: fmt(perCore(perFrame(raw)), 0),
          ratio: fmtRatio(ratioOf(perCore(perFrame(rx)), perCore(perFrame(raw)))),
          target: '',
          result: '',
        },
        {
          workload: 'concurrency',
          metric: `server CPU at ${commonLabel} (1 = a core)`,
          rx: fmt(serverCpu(rx)),
          raw: fmt(serverCpu(raw)),
          ratio: '',
          target: '',
          result: '',
        },
        {
          workload: 'concurrency',
          metric: `server CPU µs per frame read at ${commonLabel}`,
          rx: fmt(serverPerFrame(rx)),
          raw: fmt(serverPerFrame(raw)),
          ratio: '',
          target: '',
          result: '',
        },
        {
          workload: 'concurrency',
          metric: 'server CPU, highest of any level',
          rx: fmt(busiestServer(rx)),
          raw: fmt(busiestServer(raw)),
          ratio: '',
          target: `server < ${SERVER_BOUND_CPU} (bench check)`,
          result: config.smoke
            ? ''
            : judge(
                [busiestServer(rx), busiestServer(raw)].every((c) => c === undefined || c < SERVER_BOUND_CPU),
              ),
        },
      );
    });
  } finally {
    await server.stop();
    clearTimeout(watchdog);
  }

  console.log('');
  printTable(rows);
  const failedTargets = rows.filter((row) => row.result === 'FAIL');
  console.log(
    `\n${failedTargets.length === 0 ? 'all targets met' : `${failedTargets.length} target(s) missed`}` +
      `${errors.length > 0 ? `; ${errors.length} error(s):` : ''}`,
  );
  for (const error of errors) console.log(`  ${error.split('\n')[0]}`);
  if (!args.smoke)
    console.log(
      '\nNote: figures are from one machine at one time; other load on it moves them. Compare ratios, run it more than once.',
    );

  const report = {
    date: started.toISOString(),
    smoke: args.smoke,
    args: process.argv.slice(2),
    rxOptions: args.rxOptions ?? 'defaults',
    config,
    environment: {
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      loadAverageStart: loadStart,
      loadAverageEnd: loadavg(),
      commit: gitCommit(),
      exposeGc: canCollect,
    },
    clockOffset,
    table: rows,
    targetsMissed: failedTargets.length,
    errors,
    results,
  };
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const complete =
    !args.smoke &&
    args.only.length === WORKLOADS.length &&
    args.client === undefined &&
    args.sdks &&
    args.rxOptions === undefined &&
    args.frames === undefined &&
    args.levels === undefined;
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  const file = args.smoke ? 'smoke.json' : `${stamp}${complete ? '' : '-partial'}.json`;
  // Formatted as Prettier would: `npm run format:check` looks at these files too.
  const json = JSON.stringify(report, null, 2);
  const text = await format(json, { ...(await resolveConfig(join(dir, file))), parser: 'json' });
  writeFileSync(join(dir, file), text);
  if (complete) writeFileSync(join(dir, 'latest.json'), text);
  console.log(`\nwrote bench/results/${file}${complete ? ' and bench/results/latest.json' : ''}`);

  if (errors.length > 0) return 1;
  if (args.strict && failedTargets.length > 0) return 1;
  return 0;
}

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { timeout: 5000, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

main().then(
  (code) => {
    // Anything still open (a socket a failure left behind) must not keep the process alive.
    process.exit(code);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
