/**
 * Runs the blocks of the guides (read by docBlocks) in a folder, as a reader would: the setup commands,
 * then each program with `tsx`, the test files with `jest`. Each run returns a failure message that
 * names the block's markdown position, or undefined when the block did what the guide says.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { DocBlock, ProgramBlock, SetupBlock, TestBlock } from './docBlocks';
import { consumerEnv, run } from '../package/tarball';

/** npm answers from its cache when it can, and keeps quiet about audits and funding. */
const env: NodeJS.ProcessEnv = {
  ...consumerEnv,
  npm_config_prefer_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};

/** The guides point at the dev server's default address; the runner's server listens where it could. */
const DEV_SERVER = /127\.0\.0\.1:8011\b/g;
/** The tarball the install instructions name, wherever it is. */
const TARBALL = /\S*realtime-rx-\d+\.\d+\.\d+(?:-[\w.]+)?\.tgz/g;

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  /** killed at the time limit */
  timedOut: boolean;
}

/**
 * Runs a command in its own process group with a time limit; at the limit the whole group is killed
 * (tsx runs the program in a child process of its own).
 */
export function runLimited(file: string, args: string[], cwd: string, limitMs: number): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGKILL');
    }, limitMs);
    const finish = (code: number | null) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    };
    child.on('error', (error) => {
      stderr += `${error.message}\n`;
      finish(null);
    });
    child.on('close', finish);
  });
}

/** Signals the process group of a child started with `detached` (its own group); gone already is fine. */
function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // it has exited
  }
}

/**
 * Runs the setup commands (`sh -c`, one by one) with the tarball's path in place of the one the guide
 * names, which must be the file `npm pack` made; returns the first failure.
 */
export async function runSetup(block: SetupBlock, dir: string, tarball: string): Promise<string | undefined> {
  for (const command of block.commands) {
    for (const named of command.match(TARBALL) ?? [])
      if (basename(named) !== basename(tarball))
        return `${block.where}: installs ${basename(named)}, but npm pack makes ${basename(tarball)}`;
    const r = await run('sh', ['-c', command.replace(TARBALL, `'${tarball}'`)], dir, 180_000, env);
    if (r.code !== 0) return `${block.where}: \`${command}\` exited with ${r.code}\n${r.stdout}\n${r.stderr}`;
  }
  return undefined;
}

/** The block's code as it is written to the folder: the dev server's address replaced. */
export function sourceOf(block: Exclude<DocBlock, SetupBlock>, devServerPort: number): string {
  return block.code.replace(DEV_SERVER, `127.0.0.1:${devServerPort}`);
}

/** Writes every block that is a file (programs, tests, norun blocks, configuration) into the folder. */
export function writeBlocks(blocks: readonly DocBlock[], dir: string, devServerPort: number): void {
  for (const block of blocks)
    if (block.kind !== 'setup') writeFileSync(join(dir, block.file), sourceOf(block, devServerPort));
}

/** `npx tsx <file> <args>`: it must exit 0 within the limit and print what the guide shows, if it shows it. */
export async function runProgram(
  block: ProgramBlock,
  dir: string,
  limitMs: number,
): Promise<string | undefined> {
  const ran = await runLimited(join(dir, 'node_modules/.bin/tsx'), [block.file, ...block.args], dir, limitMs);
  const what = `${block.where} (${block.file})`;
  const printed = `stdout:\n${ran.stdout}\nstderr:\n${ran.stderr.slice(-4000)}`;
  if (ran.timedOut)
    return `${what} did not exit within ${limitMs / 1000} s (a conversation left open keeps it alive)\n${printed}`;
  if (ran.code !== 0) return `${what} exited with ${ran.code}\n${printed}`;
  if (block.output === undefined) return undefined;
  const lines = ran.stdout.split('\n').map((line) => line.trimEnd());
  while (lines.at(-1) === '') lines.pop();
  if (lines.join('\n') === block.output.lines.join('\n')) return undefined;
  return `${what} printed\n${lines.join('\n')}\nbut ${block.output.where} shows\n${block.output.lines.join('\n')}`;
}

interface JestReport {
  testResults: { name: string; status: string; message: string; assertionResults: { status: string }[] }[];
}

/** `npx jest <files>`, once for all the test blocks: a failure message per block, or undefined. */
export async function runTests(
  blocks: readonly TestBlock[],
  dir: string,
  limitMs: number,
): Promise<Map<TestBlock, string | undefined>> {
  const report = join(dir, 'jest-report.json');
  writeFileSync(report, '{"testResults":[]}');
  const jest = join(dir, 'node_modules/.bin/jest');
  const files = blocks.map((block) => block.file);
  const ran = await runLimited(jest, ['--ci', '--json', `--outputFile=${report}`, ...files], dir, limitMs);
  const results = (JSON.parse(readFileSync(report, 'utf8')) as JestReport).testResults;
  return new Map(
    blocks.map((block) => {
      const result = results.find((r) => basename(r.name) === block.file);
      const what = `${block.where} (${block.file})`;
      if (result === undefined)
        return [block, `${what}: jest did not run it (exit ${ran.code})\n${ran.stdout}\n${ran.stderr}`];
      if (result.status !== 'passed' || !result.assertionResults.some((a) => a.status === 'passed'))
        return [block, `${what} failed under jest\n${result.message}`];
      return [block, undefined];
    }),
  );
}

/** `npx realtime-rx serve` on a free port, from the installed package. */
export async function startServe(dir: string): Promise<{ port: number; stop: () => Promise<void> }> {
  const bin = join(dir, 'node_modules/.bin/realtime-rx');
  const child = spawn(bin, ['serve', '--port', '0'], { cwd: dir, env, detached: true });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let printed = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup(child.pid, 'SIGKILL');
      reject(new Error(`realtime-rx serve printed no URL within 20 s:\n${printed}`));
    }, 20_000);
    const read = (chunk: Buffer) => {
      printed += chunk.toString();
      const url = /ws:\/\/127\.0\.0\.1:(\d+)/.exec(printed);
      if (url) {
        clearTimeout(timer);
        resolve(Number(url[1]));
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => reject(new Error(`realtime-rx serve exited with ${code}:\n${printed}`)));
    child.on('error', (error) => reject(new Error(`realtime-rx serve did not start: ${error.message}`)));
  });
  return {
    port,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killGroup(child.pid, 'SIGTERM');
      const stubborn = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(stubborn);
    },
  };
}
