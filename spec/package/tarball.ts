/**
 * The package as a user gets it: `npm pack` run on a copy of the working tree, and commands run in a
 * consumer project. Shared by the specs that install the tarball (packaging, runnable docs).
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, symlinkSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

export const ROOT = join(__dirname, '../..');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Under `npm test` the environment names this repository as npm's project (npm_config_local_prefix,
 * npm_package_*), and jest adds its own variables: commands run for a consumer must act on their own
 * directory only, as in a user's shell.
 */
export const consumerEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) => !/^(npm_(config_local_prefix|package_|lifecycle_)|JEST_WORKER_ID$|NODE_ENV$)/i.test(name),
  ),
);

/** Runs a command to its end; a non-zero exit is a result, not an exception. */
export function run(
  file: string,
  args: string[],
  cwd: string,
  timeout = 120_000,
  env: NodeJS.ProcessEnv = consumerEnv,
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env, timeout, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({
        code,
        stdout,
        stderr: error !== null && code === null ? `${stderr}\n${error.message}` : stderr,
      });
    });
  });
}

/** Like run, but a failure throws with everything the command printed. */
export async function ok(file: string, args: string[], cwd: string, timeout?: number): Promise<string> {
  const r = await run(file, args, cwd, timeout);
  if (r.code !== 0)
    throw new Error(`${basename(file)} ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

export interface Tarball {
  /** the absolute path of the `.tgz` */
  path: string;
  /** what it holds, sorted */
  files: string[];
}

/**
 * Copies the working tree (no node_modules, no dist) to `<work>/stage` and runs `npm pack` there: its
 * `prepack` script builds from scratch, and the repository's own dist/, which others rebuild
 * concurrently, is left alone. `prepare` can plant files in the copy before it is packed.
 */
export async function packTarball(work: string, prepare?: (stage: string) => void): Promise<Tarball> {
  const stage = join(work, 'stage');
  cpSync(ROOT, stage, {
    recursive: true,
    filter: (src) =>
      basename(src) !== 'node_modules' && !['.git', 'dist', 'coverage'].includes(relative(ROOT, src)),
  });
  symlinkSync(join(ROOT, 'node_modules'), join(stage, 'node_modules'), 'dir');
  prepare?.(stage);

  const packDir = join(work, 'pack');
  mkdirSync(packDir);
  const packed = await ok('npm', ['pack', '--json', '--pack-destination', packDir], stage, 150_000);
  // prepack's build prints to the same stdout, before npm's JSON.
  const [info] = JSON.parse(packed.slice(packed.search(/^\[/m))) as {
    filename: string;
    files: { path: string }[];
  }[];
  return { path: join(packDir, info.filename), files: info.files.map((f) => f.path).sort() };
}
