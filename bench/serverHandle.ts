/*
 * The parent's side of the bench server: forks bench/server.ts, waits for its port, and sends it
 * commands with a timeout each. The child is killed when the parent exits, however it exits.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  clock,
  type Command,
  type Ready,
  type Reply,
  type ServerCounts,
  type TextArrival,
} from './protocol.js';

type Ask = Command extends infer C ? (C extends { id: number } ? Omit<C, 'id'> : never) : never;
type Answer = Extract<Reply, { ok: true }>;

/** Where a client connects: the base URL realtime-rx takes, and the WebSocket URL it makes of it. */
export interface Endpoint {
  /** for realtime-rx (the openai dialect makes it ws://…/v1/realtime?model=…) */
  readonly baseUrl: string;
  /** the same WebSocket URL, for the raw client */
  readonly wsUrl: string;
}

function endpoint(port: number): Endpoint {
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/v1/realtime?model=gpt-realtime`,
  };
}

export class BenchServer {
  /** The server, straight. */
  readonly direct: Endpoint;
  /** The server behind the congested uplink (its rate is set by `throttle`). */
  readonly congested: Endpoint;

  private nextId = 0;
  private readonly pending = new Map<
    number,
    { resolve: (reply: Answer) => void; reject: (error: Error) => void }
  >();

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    congestedPort: number,
  ) {
    this.direct = endpoint(port);
    this.congested = endpoint(congestedPort);
    child.on('message', (message: Reply) => {
      const waiter = this.pending.get(message.id);
      if (waiter === undefined) return;
      this.pending.delete(message.id);
      if (message.ok) waiter.resolve(message);
      else waiter.reject(new Error(message.error));
    });
    child.on('exit', (code, signal) => {
      const error = new Error(`the bench server exited (${signal ?? code})`);
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    });
  }

  /** Forks the server (TypeScript through tsx, as the parent runs) and resolves once it listens. */
  static async start(timeoutMs = 15_000): Promise<BenchServer> {
    const child = fork(join(__dirname, 'server.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const kill = () => child.kill('SIGKILL');
    process.once('exit', kill);
    child.once('exit', () => process.removeListener('exit', kill));
    const ready = await new Promise<Ready>((resolve, reject) => {
      const timer = setTimeout(() => {
        kill();
        reject(new Error(`the bench server did not start within ${timeoutMs} ms`));
      }, timeoutMs);
      child.once('message', (message: Ready) => {
        clearTimeout(timer);
        resolve(message);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the bench server exited before listening (code ${code})`));
      });
    });
    return new BenchServer(child, ready.port, ready.congestedPort);
  }

  request(command: Ask, timeoutMs = 10_000): Promise<Answer> {
    const id = ++this.nextId;
    return new Promise<Answer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`bench server: no answer to ${command.cmd} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (reply) => (clearTimeout(timer), resolve(reply)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      this.child.send({ ...command, id });
    });
  }

  async reset(): Promise<void> {
    await this.request({ cmd: 'reset' });
  }

  async counts(): Promise<ServerCounts> {
    return (await this.request({ cmd: 'counts' })).counts!;
  }

  async texts(): Promise<TextArrival[]> {
    return (await this.request({ cmd: 'texts' })).texts!;
  }

  async waitAudio(target: number, timeoutMs: number): Promise<ServerCounts> {
    return (await this.request({ cmd: 'waitAudio', target }, timeoutMs)).counts!;
  }

  async waitTexts(target: number, timeoutMs: number): Promise<ServerCounts> {
    return (await this.request({ cmd: 'waitTexts', target }, timeoutMs)).counts!;
  }

  /** Floods `count` deltas to every open connection; the counts once all were handed to the sockets. */
  async flood(count: number, timeoutMs: number): Promise<ServerCounts> {
    return (await this.request({ cmd: 'flood', count }, timeoutMs)).counts!;
  }

  async throttle(bytesPerSecond: number | null): Promise<void> {
    await this.request({ cmd: 'throttle', bytesPerSecond });
  }

  /** Reads the sockets in turns `ms` apart, sleeping in between (null: as bytes arrive). */
  async readInTurns(ms: number | null): Promise<void> {
    await this.request({ cmd: 'readInTurns', ms });
  }

  async closeAll(timeoutMs = 10_000): Promise<void> {
    await this.request({ cmd: 'closeAll' }, timeoutMs);
  }

  /**
   * The server clock minus ours, from the fastest of a few IPC round trips (midpoint estimate),
   * with its uncertainty (half that round trip).
   */
  async clockOffset(samples = 9): Promise<{ offsetMs: number; uncertaintyMs: number }> {
    let best = { offsetMs: 0, uncertaintyMs: Infinity };
    for (let i = 0; i < samples; i++) {
      const before = clock();
      const theirs = (await this.request({ cmd: 'clock' })).clock!;
      const after = clock();
      const half = (after - before) / 2;
      if (half < best.uncertaintyMs) best = { offsetMs: theirs - (before + half), uncertaintyMs: half };
    }
    return best;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect(); // the server exits on disconnect
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }
}
