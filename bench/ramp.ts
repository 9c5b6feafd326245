/*
 * The concurrency workload: every client's ramp of real-time conversations, interleaved try by try
 * (the order alternating), so that both clients meet the machine's other load at about the same
 * moments and their ratio means something on a shared machine; one ramp after the other would give
 * each a different stretch of it. A level that fails is tried again at the client's next turn, not at
 * once, for the same reason.
 */
import type { BenchClient } from './clients.js';
import type { BenchServer } from './serverHandle.js';
import {
  MAX_STARVED_CPU,
  SERVER_BOUND_CPU,
  SUSTAINED_DEFINITION,
  concurrencyLevel,
  describeLevel,
  type BenchConfig,
  type ConcurrencyResult,
  type LevelResult,
} from './workloads.js';

/** Where one client's ramp stands. */
interface Climb {
  readonly client: BenchClient;
  readonly levels: LevelResult[];
  maxSustained: number;
  /** the first level not sustained; until then the ramp goes up the configured levels */
  firstFailed: number | undefined;
  /** the next configured level to try while ramping */
  index: number;
  halvings: number;
  /** tries of the current level so far, all failed */
  tries: number;
}

/** The level this client tries next: the next configured one, then two halvings of the gap; none when done. */
function nextLevel(climb: Climb, levels: readonly number[]): number | undefined {
  if (climb.firstFailed === undefined) return levels[climb.index];
  if (climb.halvings >= 2 || climb.maxSustained === 0) return undefined;
  const mid = Math.round((climb.maxSustained + climb.firstFailed) / 2 / 10) * 10;
  return mid <= climb.maxSustained || mid >= climb.firstFailed ? undefined : mid;
}

function record(climb: Climb, n: number, sustained: boolean): void {
  if (climb.firstFailed === undefined) {
    if (sustained) {
      climb.maxSustained = n;
      climb.index++;
    } else climb.firstFailed = n;
    return;
  }
  climb.halvings++;
  if (sustained) climb.maxSustained = n;
  else climb.firstFailed = n;
}

/**
 * One try of the client's current level. A level that fails is tried once more (one bad second on a
 * shared machine is not the limit), and a third time if the failure looks like other processes'
 * doing: the loop fell behind while this process used less than MAX_STARVED_CPU of a core, so it was
 * waiting for the CPU, not busy.
 */
async function tryLevel(
  climb: Climb,
  n: number,
  server: BenchServer,
  config: BenchConfig,
  log: (line: string) => void,
): Promise<void> {
  const result = await concurrencyLevel(climb.client, server, n, config);
  climb.levels.push(result);
  const starved = !result.sustained && result.error === undefined && result.clientCpu < MAX_STARVED_CPU;
  const serverBound = !result.sustained && result.serverCpu >= SERVER_BOUND_CPU;
  log(
    `    ${climb.client.name} N=${n}${climb.tries > 0 ? ' (again)' : ''}: ${describeLevel(result)}` +
      `${starved ? ' (this process was not busy: other load?)' : ''}` +
      `${serverBound ? ' (SERVER-BOUND: the server used a core; the limit may be its, not the client’s)' : ''}`,
  );
  climb.tries++;
  if (result.sustained || climb.tries >= (starved ? 3 : 2)) {
    climb.tries = 0;
    record(climb, n, result.sustained);
  }
}

/** Ramps each client's real-time conversations until a level is not sustained, the clients taking turns. */
export async function interleavedRamp(
  clients: readonly BenchClient[],
  server: BenchServer,
  config: BenchConfig,
  log: (line: string) => void,
): Promise<Map<BenchClient, ConcurrencyResult>> {
  const climbs: Climb[] = clients.map((client) => ({
    client,
    levels: [],
    maxSustained: 0,
    firstFailed: undefined,
    index: 0,
    halvings: 0,
    tries: 0,
  }));
  for (let turn = 0; ; turn++) {
    let ran = false;
    for (const climb of turn % 2 === 0 ? climbs : [...climbs].reverse()) {
      const n = nextLevel(climb, config.concurrencyLevels);
      if (n === undefined) continue;
      ran = true;
      await tryLevel(climb, n, server, config, log);
    }
    if (!ran) break;
  }
  return new Map(
    climbs.map((climb) => [
      climb.client,
      { maxSustained: climb.maxSustained, levels: climb.levels, definition: SUSTAINED_DEFINITION },
    ]),
  );
}
