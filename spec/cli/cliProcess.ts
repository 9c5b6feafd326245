// The `realtime-rx` command in child processes, run from the sources as a user runs it.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { encodeWav, floatToPcm16 } from '../../src/index';

export const ROOT = join(__dirname, '../..');
const CLI = ['--import', 'tsx', join(ROOT, 'src/cli/main.ts')];
/** The key every child sees in its environment; no output may ever show it. */
export const TEST_KEY = 'sk-test-never-printed-123';

/** What a finished command printed, and how it exited. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr, interleaved as they came. */
  output: string;
}

/** A command running in the background. */
export interface CliProcess {
  readonly child: ChildProcess;
  /** Everything printed so far (both streams). */
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpExecArray>;
  /** Resolves when it has exited. */
  readonly exited: Promise<CliRun>;
}

const running = new Set<ChildProcess>();

/** Starts `realtime-rx ...args` with OPENAI_API_KEY set to {@link TEST_KEY}. */
export function startCli(...args: string[]): CliProcess {
  return startNode(...CLI, ...args);
}

/** Starts `node ...args` in the repository, with OPENAI_API_KEY set to {@link TEST_KEY}. */
export function startNode(...args: string[]): CliProcess {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, OPENAI_API_KEY: TEST_KEY },
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  let output = '';
  let closed = false;
  const waiters = new Set<() => void>();
  const seen = () => waiters.forEach((check) => check());
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    output += chunk.toString();
    seen();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    output += chunk.toString();
    seen();
  });
  const exited = new Promise<CliRun>((resolve) =>
    child.on('close', (code) => {
      closed = true;
      running.delete(child);
      seen();
      resolve({ code, stdout, stderr, output });
    }),
  );
  const waitFor = (pattern: RegExp, ms = 10_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const timeout = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${pattern} within ${ms} ms in:\n${output}`));
      }, ms);
      const check = () => {
        const match = pattern.exec(output);
        if (match === null && !closed) return;
        clearTimeout(timeout);
        waiters.delete(check);
        if (match) resolve(match);
        else reject(new Error(`exited without printing ${pattern}:\n${output}`));
      };
      waiters.add(check);
      check();
    });
  return { child, output: () => output, waitFor, exited };
}

/** Runs `realtime-rx ...args` to the end. */
export function runCli(...args: string[]): Promise<CliRun> {
  return startCli(...args).exited;
}

/** Starts `realtime-rx serve --port 0 ...flags` and resolves once it listens, with its URL. */
export async function startServe(...flags: string[]): Promise<CliProcess & { url: string }> {
  const serve = startCli('serve', '--port', '0', ...flags);
  const [, url] = await serve.waitFor(/listening on (ws:\/\/\S+)/);
  return { ...serve, url };
}

/** Stops (SIGTERM) every command still running, and waits for each to exit: for `afterEach`. */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...running].map((child) => {
      const closed = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGTERM');
      return closed;
    }),
  );
}

/** No Node stack trace (`    at fn (file:line:col)`) in a command's output. */
export const STACK_TRACE = /^\s+at .+[:(]/m;

export const SPEECH_RATE = 44_100;
/** How long the speech of {@link speechWav} lasts (s). */
export const SPEECH_S = 1.4;

/**
 * Stereo 44.1 kHz: `leadS` of silence, 1.4 s of speech-like syllables (160 ms voiced, 40 ms gaps) that
 * the dev server's VAD hears as one utterance, then `silenceS` of silence.
 */
export function speechWav(silenceS: number, leadS = 0): Uint8Array {
  const lead = Math.round(leadS * SPEECH_RATE);
  const frames = lead + Math.round((SPEECH_S + silenceS) * SPEECH_RATE);
  const stereo = new Float32Array(frames * 2);
  for (let i = 0; i < SPEECH_S * SPEECH_RATE; i++) {
    const t = i / SPEECH_RATE;
    const inSyllable = (t % 0.2) / 0.16;
    if (inSyllable >= 1) continue;
    const envelope = Math.sin(Math.PI * inSyllable) ** 0.3;
    const value =
      0.3 *
      envelope *
      (Math.sin(2 * Math.PI * 150 * t) +
        0.5 * Math.sin(2 * Math.PI * 300 * t) +
        0.25 * Math.sin(2 * Math.PI * 450 * t));
    stereo[2 * (lead + i)] = value;
    stereo[2 * (lead + i) + 1] = value;
  }
  return encodeWav(floatToPcm16(stereo), { sampleRate: SPEECH_RATE, numChannels: 2 });
}
