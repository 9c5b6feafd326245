/*
 * The parent's side of bench/downlinkChild.ts: forks one client into a fresh process, asks it to
 * receive a number of audio deltas while the server floods them, and reads back the CPU time it spent.
 * The child is the bench's own JavaScript and loads the library, both as the parent compiled them
 * (bench/library.ts), in a plain `node`: no tsx, no --expose-gc, as a user's compiled app runs.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ConversationOptions } from '../src/index.js';
import { within } from './clients.js';
import { LIBRARY_DIR_ENV, benchDir, libraryDir } from './library.js';
import type { BenchServer, Endpoint } from './serverHandle.js';

/**
 * The parent's Node flags a client process keeps (--cpu-prof with `npm run bench:profile`): not tsx
 * (the child is JavaScript already) and not --expose-gc, which a user's process runs without.
 */
function childFlags(parentFlags: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < parentFlags.length; i++) {
    const flag = parentFlags[i];
    if (flag === '--import' && parentFlags[i + 1] === 'tsx') i++;
    else if (flag !== '--import=tsx' && flag !== '--expose-gc') kept.push(flag);
  }
  return kept;
}

export const CLIENT_FLAGS = ['rx', 'raw', 'openai', 'agents'] as const;
export type ClientFlag = (typeof CLIENT_FLAGS)[number];

/** Parent → child: receive `count` more audio deltas (the parent then has the server flood them). */
export interface ChildCommand {
  id: number;
  count: number;
}

export type ChildReply =
  | { kind: 'ready' }
  | { kind: 'failed'; error: string }
  /** the child's clock is running: the server may flood */
  | { kind: 'armed'; id: number }
  | {
      kind: 'received';
      id: number;
      received: number;
      cpuMicros: number;
      wallMicros: number;
      minorFaults: number;
      youngGenerationBytes: number;
    };

export interface Batch {
  events: number;
  received: number;
  cpuMicrosPerEvent: number;
  wallMicrosPerEvent: number;
  /**
   * the client process's minor page faults while it received (memory touched for the first time: a
   * young generation that V8 has just grown, read buffers); a diagnostic, not judged
   */
  minorFaults: number;
  /**
   * the size of V8's young generation (new space) after the batch: V8 doubles it when enough bytes
   * survive its collections, as loading a library's modules makes them, and every page it adds is
   * touched for the first time (a page fault) by the batch that follows; a diagnostic, not judged
   */
  youngGenerationBytes: number;
  /** the server's CPU time per event while it flooded this batch */
  serverCpuMicrosPerEvent: number;
}

export class DownlinkProcess {
  private nextId = 0;
  private readonly waiters = new Map<string, (reply: ChildReply) => void>();
  private exited: string | undefined;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: ChildReply) => {
      const key = 'id' in reply ? `${reply.kind}:${reply.id}` : reply.kind;
      const waiter = this.waiters.get(key) ?? (reply.kind === 'failed' ? this.anyWaiter() : undefined);
      if (waiter === undefined) return;
      this.waiters.delete(key);
      waiter(reply);
    });
    child.on('exit', (code, signal) => {
      this.exited = `the client process exited (${signal ?? code})`;
      for (const waiter of this.waiters.values()) waiter({ kind: 'failed', error: this.exited });
      this.waiters.clear();
    });
  }

  private anyWaiter(): ((reply: ChildReply) => void) | undefined {
    const first = this.waiters.entries().next();
    if (first.done === true) return undefined;
    this.waiters.delete(first.value[0]);
    return first.value[1];
  }

  private reply(key: string, timeoutMs: number, what: string): Promise<ChildReply> {
    if (this.exited !== undefined) return Promise.reject(new Error(this.exited));
    const reply = new Promise<ChildReply>((resolve) => this.waiters.set(key, resolve));
    return within(reply, timeoutMs, what).then((r) => {
      if (r.kind === 'failed') throw new Error(r.error);
      return r;
    });
  }

  /** Forks the client `flag` and resolves once its session has started. */
  static async start(
    flag: ClientFlag,
    endpoint: Endpoint,
    rxOptions: Partial<ConversationOptions>,
    timeoutMs: number,
  ): Promise<DownlinkProcess> {
    const child = fork(
      join(benchDir(), 'downlinkChild.js'),
      [flag, JSON.stringify(endpoint), JSON.stringify(rxOptions), String(timeoutMs)],
      {
        // BENCH_CHILD_FLAGS: flags for the client processes only (--trace-gc, --cpu-prof, ...).
        execArgv: [
          ...childFlags(process.execArgv),
          ...(process.env.BENCH_CHILD_FLAGS ?? '').split(' ').filter((flag) => flag !== ''),
        ],
        env: { ...process.env, [LIBRARY_DIR_ENV]: libraryDir() },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    const kill = () => child.kill('SIGKILL');
    process.once('exit', kill);
    child.once('exit', () => process.removeListener('exit', kill));
    const handle = new DownlinkProcess(child);
    try {
      // Starting Node, tsx and the client's modules takes a few seconds on a busy machine.
      await handle.reply('ready', timeoutMs + 30_000, `the ${flag} client process to start`);
    } catch (error) {
      kill();
      throw error;
    }
    return handle;
  }

  /** Has the server flood `count` deltas to this (its only) connection and times the child's receiving them. */
  async receive(server: BenchServer, count: number, timeoutMs: number): Promise<Batch> {
    const id = ++this.nextId;
    const received = this.reply(`received:${id}`, timeoutMs, `${count} audio deltas`);
    received.catch(() => undefined); // awaited below; a failure before then must not go unhandled
    const armed = this.reply(`armed:${id}`, 10_000, 'the client process');
    this.child.send({ id, count } satisfies ChildCommand);
    await armed;
    const before = await server.counts();
    const [result, after] = await Promise.all([received, server.flood(count, timeoutMs)]);
    if (result.kind !== 'received') throw new Error(`unexpected reply ${result.kind}`);
    return {
      events: count,
      received: result.received,
      cpuMicrosPerEvent: result.cpuMicros / count,
      wallMicrosPerEvent: result.wallMicros / count,
      minorFaults: result.minorFaults,
      youngGenerationBytes: result.youngGenerationBytes,
      serverCpuMicrosPerEvent: (after.cpuMicros - before.cpuMicros) / count,
    };
  }

  /** Ends the child (it closes its session first) and resolves once it has exited. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
