/*
 * The workloads. Each runs one client against the bench server and returns what it measured;
 * bench/run.ts runs every workload for both clients, alternating which goes first.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ConversationOptions } from '../src/index.js';
import { closeAll, connectMany, type BenchClient, type BenchConnection } from './clients.js';
import { DownlinkProcess, type Batch, type ClientFlag } from './downlinkProcess.js';
import {
  FRAMES,
  FRAME_MS,
  audioFrameWireBytes,
  cpuMicros,
  percentile,
  realtimeLoop,
  settledMemory,
  sleep,
} from './measure.js';
import { benchText, clock } from './protocol.js';
import type { BenchServer } from './serverHandle.js';

export interface BenchConfig {
  smoke: boolean;
  /** uplink frames per measured round */
  frames: number;
  /** uplink frames sent once per client before any measured round */
  warmup: number;
  /** measured rounds of uplink (the order of the clients alternates) */
  rounds: number;
  /** downlink: events received cold (a fresh process), then warm (the same process, after those) */
  downlinkCold: number;
  downlinkWarm: number;
  /** downlink: runs of every client, each in a fresh process (the order alternates) */
  downlinkRuns: number;
  /** uplink frames pushed before waiting for the server to have read them all */
  batch: number;
  congestedSeconds: number;
  textEveryMs: number;
  /** how long the texts of the congested workload may take to arrive after the stream ended */
  drainTimeoutMs: number;
  idleCount: number;
  concurrencyLevels: number[];
  concurrencyWarmupSeconds: number;
  concurrencySeconds: number;
  /** the server reads its sockets in turns this far apart while the conversations stream (0: as bytes arrive) */
  serverTurnMs: number;
  connectTimeoutMs: number;
}

// ---------------------------------------------------------------------------------------------
// uplink

export interface UplinkResult {
  frames: number;
  received: number;
  sent: number;
  dropped: number;
  cpuMicrosPerFrame: number;
  wallMicrosPerFrame: number;
  error?: string;
}

/**
 * Pushes `frames` frames through one connection, `batch` at a time, waiting after each batch until
 * the server has read them all: the socket never congests, so nothing may be dropped.
 */
export async function uplink(
  client: BenchClient,
  server: BenchServer,
  frames: number,
  config: BenchConfig,
): Promise<UplinkResult> {
  const conn = await client.connect(server.direct, config.connectTimeoutMs);
  try {
    await server.reset();
    let sent = 0;
    let error: string | undefined;
    const cpu0 = cpuMicros();
    const t0 = performance.now();
    while (sent < frames) {
      const end = Math.min(frames, sent + config.batch);
      for (; sent < end; sent++) conn.sendAudio(FRAMES[sent % FRAMES.length]);
      try {
        await server.waitAudio(sent, 10_000);
      } catch (e) {
        error = `the server did not read ${sent} frames: ${(e as Error).message}`;
        break;
      }
    }
    const cpu = cpuMicros() - cpu0;
    const wall = (performance.now() - t0) * 1000;
    const counts = await server.counts();
    const stats = conn.audioStats();
    if (error === undefined && counts.audio !== frames)
      error = `the server read ${counts.audio} frames, not ${frames}`;
    return {
      frames,
      received: counts.audio,
      sent: stats.sent,
      dropped: stats.dropped,
      cpuMicrosPerFrame: cpu / frames,
      wallMicrosPerFrame: wall / frames,
      ...(error === undefined ? {} : { error }),
    };
  } finally {
    await conn.close();
  }
}

// ---------------------------------------------------------------------------------------------
// downlink

export interface DownlinkRun {
  /** the first `downlinkCold` events in a fresh process, right after its session started */
  cold?: Batch;
  /** the next `downlinkWarm` events in the same process (the cold ones were its warm-up) */
  warm?: Batch;
  error?: string;
}

/**
 * One client in a fresh process of its own (bench/downlinkChild.ts): the server floods `downlinkCold`
 * audio deltas, then `downlinkWarm` more; the client decodes every one (realtime-rx: typed, validated).
 */
export async function downlink(
  flag: ClientFlag,
  server: BenchServer,
  config: BenchConfig,
  rxOptions: Partial<ConversationOptions>,
): Promise<DownlinkRun> {
  const run: DownlinkRun = {};
  let child: DownlinkProcess | undefined;
  try {
    child = await DownlinkProcess.start(flag, server.direct, rxOptions, config.connectTimeoutMs);
    const timeoutMs = (events: number) => 10_000 + events; // ~1 ms per event is a thousand times too slow
    run.cold = await child.receive(server, config.downlinkCold, timeoutMs(config.downlinkCold));
    run.warm = await child.receive(server, config.downlinkWarm, timeoutMs(config.downlinkWarm));
    for (const batch of [run.cold, run.warm])
      if (batch.received !== batch.events)
        run.error ??= `received ${batch.received} audio deltas, not ${batch.events}`;
  } catch (e) {
    run.error = (e as Error).message;
  } finally {
    await child?.stop();
    await server.closeAll().catch(() => undefined);
  }
  return run;
}

// ---------------------------------------------------------------------------------------------
// congested uplink

export interface CongestedResult {
  seconds: number;
  /** the server's reading rate, bytes/s: half of the audio stream's wire rate */
  readBytesPerSecond: number;
  framesOffered: number;
  audioSent: number;
  audioDropped: number;
  /** audio frames the server had read by the time the last text arrived (or the drain timed out) */
  audioReceived: number;
  textsSent: number;
  textsDelivered: number;
  /** send → server read, per text, in order of sending (ms) */
  latenciesMs: number[];
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** client memory after a forced GC, before the stream and right after it (bytes) */
  heapBefore: number;
  heapAfter: number;
  externalBefore: number;
  externalAfter: number;
  error?: string;
}

/**
 * Audio at real time for `congestedSeconds`, a text every `textEveryMs`, while the server reads at
 * half the audio's byte rate. The text latency is the server's read time minus the client's send
 * time (the moment the app handed the text over), both on a clock the two processes share.
 */
export async function congested(
  client: BenchClient,
  server: BenchServer,
  config: BenchConfig,
): Promise<CongestedResult> {
  const readBytesPerSecond = Math.round((audioFrameWireBytes() * (1000 / FRAME_MS)) / 2);
  let conn: BenchConnection | undefined;
  try {
    await server.throttle(readBytesPerSecond); // the handshake goes through the congested uplink too
    conn = await client.connect(server.congested, config.connectTimeoutMs);
    const ticks = Math.round((config.congestedSeconds * 1000) / FRAME_MS);
    const framesPerText = Math.round(config.textEveryMs / FRAME_MS);
    await server.reset();
    const before = await settledMemory();
    let textsSent = 0;
    const c = conn;
    await realtimeLoop(ticks, FRAME_MS, (tick) => {
      c.sendAudio(FRAMES[tick % FRAMES.length]);
      if ((tick + 1) % framesPerText === 0) c.sendText(benchText(++textsSent, clock()));
    });
    const after = await settledMemory();
    const stats = conn.audioStats();
    let error: string | undefined;
    try {
      await server.waitTexts(textsSent, config.drainTimeoutMs);
    } catch {
      error = `not every text arrived within ${config.drainTimeoutMs} ms after the stream`;
    }
    const texts = await server.texts();
    const counts = await server.counts();
    await server.throttle(null);
    const latenciesMs = texts.sort((a, b) => a.seq - b.seq).map((text) => text.arrivedAt - text.sentAt);
    return {
      seconds: config.congestedSeconds,
      readBytesPerSecond,
      framesOffered: ticks,
      audioSent: stats.sent,
      audioDropped: stats.dropped,
      audioReceived: counts.audio,
      textsSent,
      textsDelivered: texts.length,
      latenciesMs,
      p50Ms: percentile(latenciesMs, 50),
      p99Ms: percentile(latenciesMs, 99),
      maxMs: Math.max(...latenciesMs),
      heapBefore: before.heapUsed,
      heapAfter: after.heapUsed,
      externalBefore: before.external,
      externalAfter: after.external,
      ...(error === undefined ? {} : { error }),
    };
  } finally {
    await server.throttle(null);
    await conn?.close().catch(() => undefined);
    await server.closeAll(); // a raw socket may still be draining its backlog
  }
}

// ---------------------------------------------------------------------------------------------
// idle memory

export interface IdleResult {
  connections: number;
  heapBytesPerConnection: number;
  externalBytesPerConnection: number;
  rssBytesPerConnection: number;
}

/** Sessions opened and closed before the baseline: the client's modules load on first use, and
 * their code, shapes and caches are not what an open session costs. */
const IDLE_WARMUP = 20;

/** Opens `idleCount` sessions, waits until all have started, and weighs them after a forced GC. */
export async function idle(
  client: BenchClient,
  server: BenchServer,
  config: BenchConfig,
): Promise<IdleResult> {
  const count = config.idleCount;
  const warm = await connectMany(
    client,
    server.direct,
    Math.min(IDLE_WARMUP, count),
    config.connectTimeoutMs,
  );
  await closeAll(warm);
  await server.closeAll();
  await sleep(50);
  const before = await settledMemory();
  const connections = await connectMany(client, server.direct, count, config.connectTimeoutMs);
  try {
    await sleep(50); // let the handshakes' leftovers (timers, promises) settle
    const after = await settledMemory();
    return {
      connections: connections.length,
      heapBytesPerConnection: (after.heapUsed - before.heapUsed) / count,
      externalBytesPerConnection: (after.external - before.external) / count,
      rssBytesPerConnection: (after.rss - before.rss) / count,
    };
  } finally {
    await closeAll(connections);
    await server.closeAll();
  }
}

// ---------------------------------------------------------------------------------------------
// concurrency

export interface LevelResult {
  connections: number;
  /** frames the schedule called for during the measured seconds */
  scheduled: number;
  /** frames the server read from the measured seconds (by the end plus a grace second) */
  delivered: number;
  deliveredRatio: number;
  /** frames the clients dropped during the measured seconds */
  dropped: number;
  eventLoopDelayP99Ms: number;
  tickLatenessP99Ms: number;
  /** CPU time / wall time of the client process (1 = one core) */
  clientCpu: number;
  /** the client's CPU time per frame sent (µs): how much a real-time stream costs, load aside */
  cpuMicrosPerFrame: number;
  /** the same for the server process: near 1 means the server, not the client, was the limit */
  serverCpu: number;
  /** the server's CPU time per frame it read (µs) */
  serverCpuMicrosPerFrame: number;
  sustained: boolean;
  why?: string;
  error?: string;
}

export interface ConcurrencyResult {
  maxSustained: number;
  levels: LevelResult[];
  definition: string;
}

const MIN_DELIVERED = 0.98;
const MAX_DELAY_P99_MS = 50;
const GRACE_MS = 1000;
/** A level that failed while the client used less than this share of a core gets a third try. */
export const MAX_STARVED_CPU = 0.8;
/**
 * A level that failed while the server used this share of a core or more may have failed for the
 * server, not the client: the log and the table say so (the server should stay far below it).
 */
export const SERVER_BOUND_CPU = 0.9;

export const SUSTAINED_DEFINITION =
  `N conversations each stream 20 ms frames at real time (one shared timer); a level is sustained when ` +
  `the server has read >= ${MIN_DELIVERED * 100}% of the frames scheduled during the measured seconds ` +
  `by ${GRACE_MS} ms after they end, and the client's event-loop delay p99 ` +
  `(perf_hooks.monitorEventLoopDelay) is <= ${MAX_DELAY_P99_MS} ms. A failing level is tried once more ` +
  `(twice more when the client used < ${MAX_STARVED_CPU * 100}% of a core: starved by other load); ` +
  `a client's ramp stops at its first level not sustained, then halves the gap to its last level sustained, ` +
  `twice. The clients' ramps are interleaved try by try (the order alternating; a failed level is tried again at ` +
  `the client's next turn), so both meet the same load. The server reads in turns and passes over audio ` +
  `frames unparsed, so it stays far below a core; a failed level where it used >= ${SERVER_BOUND_CPU * 100}% ` +
  `of one is marked server-bound.`;

export function describeLevel(r: LevelResult): string {
  if (r.error !== undefined) return `error: ${r.error}`;
  return (
    `${(r.deliveredRatio * 100).toFixed(1)}% delivered, ${r.dropped} dropped, loop delay p99 ` +
    `${r.eventLoopDelayP99Ms.toFixed(1)} ms, client CPU ${(r.clientCpu * 100).toFixed(0)}% ` +
    `(${r.cpuMicrosPerFrame.toFixed(1)} µs/frame), server CPU ` +
    `${(r.serverCpu * 100).toFixed(0)}% (${r.serverCpuMicrosPerFrame.toFixed(1)} µs/frame) → ${r.sustained ? 'sustained' : `NOT sustained (${r.why})`}`
  );
}

/** One level: `n` conversations streaming at real time; whether the client kept up. */
export async function concurrencyLevel(
  client: BenchClient,
  server: BenchServer,
  n: number,
  config: BenchConfig,
): Promise<LevelResult> {
  const failed = (error: string): LevelResult => ({
    connections: n,
    scheduled: 0,
    delivered: 0,
    deliveredRatio: 0,
    dropped: 0,
    eventLoopDelayP99Ms: NaN,
    tickLatenessP99Ms: NaN,
    clientCpu: NaN,
    cpuMicrosPerFrame: NaN,
    serverCpu: NaN,
    serverCpuMicrosPerFrame: NaN,
    sustained: false,
    why: error,
    error,
  });
  let connections: BenchConnection[] = [];
  try {
    connections = await connectMany(client, server.direct, n, config.connectTimeoutMs);
  } catch (e) {
    return failed(`could not open ${n} sessions: ${(e as Error).message}`);
  }
  try {
    // Only once every session has started: a turn's wait on each handshake would make connecting slow.
    if (config.serverTurnMs > 0) await server.readInTurns(config.serverTurnMs);
    const send = (tick: number) => {
      const frame = FRAMES[tick % FRAMES.length];
      for (let i = 0; i < connections.length; i++) connections[i].sendAudio(frame);
    };
    const warmTicks = Math.round((config.concurrencyWarmupSeconds * 1000) / FRAME_MS);
    const ticks = Math.round((config.concurrencySeconds * 1000) / FRAME_MS);
    await realtimeLoop(warmTicks, FRAME_MS, send);

    const baseline = await server.counts();
    const baselineAt = performance.now();
    const droppedBefore = droppedIn(connections);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const cpu0 = cpuMicros();
    const loop = await realtimeLoop(ticks, FRAME_MS, send);
    const cpu = cpuMicros() - cpu0;
    delay.disable();
    const scheduled = ticks * n;
    const end = await server
      .waitAudio(baseline.audio + scheduled, GRACE_MS)
      .catch(async () => server.counts());
    const serverWallMs = performance.now() - baselineAt;
    const delivered = Math.min(scheduled, end.audio - baseline.audio);
    const dropped = droppedIn(connections) - droppedBefore;
    const deliveredRatio = delivered / scheduled;
    const eventLoopDelayP99Ms = delay.percentile(99) / 1e6;
    const whyNot: string[] = [];
    if (deliveredRatio < MIN_DELIVERED) whyNot.push(`${(deliveredRatio * 100).toFixed(1)}% delivered`);
    if (eventLoopDelayP99Ms > MAX_DELAY_P99_MS)
      whyNot.push(`event-loop delay p99 ${eventLoopDelayP99Ms.toFixed(0)} ms`);
    return {
      connections: n,
      scheduled,
      delivered,
      deliveredRatio,
      dropped,
      eventLoopDelayP99Ms,
      tickLatenessP99Ms: percentile(loop.lateness, 99),
      clientCpu: cpu / 1000 / loop.elapsedMs,
      cpuMicrosPerFrame: cpu / (loop.ticks * n),
      // Over the measured seconds and the wait for their last frames.
      serverCpu: (end.cpuMicros - baseline.cpuMicros) / 1000 / serverWallMs,
      serverCpuMicrosPerFrame: (end.cpuMicros - baseline.cpuMicros) / Math.max(1, end.audio - baseline.audio),
      sustained: whyNot.length === 0,
      ...(whyNot.length === 0 ? {} : { why: whyNot.join(', ') }),
    };
  } finally {
    await server.readInTurns(null).catch(() => undefined);
    await closeAll(connections);
    await server.closeAll(30_000);
    await settledMemory();
  }
}

function droppedIn(connections: readonly BenchConnection[]): number {
  let dropped = 0;
  for (const conn of connections) dropped += conn.audioStats().dropped;
  return dropped;
}
