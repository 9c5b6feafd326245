/*
 * realtime-rx as the bench measures it: src/ compiled to plain CommonJS, one file per module (as
 * `npm run build` ships it, minus the declarations), into a directory of its own under
 * node_modules/.cache (ignored by git and the linters, and where `rxjs`, `ws`, … resolve), then required.
 *
 * Why not import src/ through tsx like the rest of the bench: tsx compiles with esbuild's `keepNames`,
 * which wraps every named function and class in `__name(...)`; every closure made per conversation
 * (class-field arrow functions, operator callbacks) then carries a property array of its own, about
 * 9 KB more heap per conversation than the shipped code, and a little CPU. The bench must weigh what
 * users run. esbuild (a devDependency) does it in about 100 ms, fresh every run, so it never measures
 * stale code.
 */
import { buildSync } from 'esbuild';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type * as RealtimeRx from '../src/index.js';

function compile(): typeof RealtimeRx {
  const src = join(__dirname, '..', 'src');
  const entryPoints = readdirSync(src, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => join(src, file));
  const cache = join(__dirname, '..', 'node_modules', '.cache', 'realtime-rx-bench');
  mkdirSync(cache, { recursive: true });
  // Leftovers of runs that were killed (their exit handler never ran): lib-<pid>-… of a dead process.
  for (const entry of readdirSync(cache)) {
    const pid = Number(/^lib-(\d+)-/.exec(entry)?.[1]);
    if (pid > 0 && !alive(pid)) rmSync(join(cache, entry), { recursive: true, force: true });
  }
  const outdir = mkdtempSync(join(cache, `lib-${process.pid}-`));
  process.once('exit', () => rmSync(outdir, { recursive: true, force: true }));
  buildSync({
    entryPoints,
    outdir,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    bundle: false,
    keepNames: false,
    sourcemap: false,
    logLevel: 'warning',
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(join(outdir, 'index.js')) as typeof RealtimeRx;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The compiled library (the same module instance for the whole run). */
export const library: typeof RealtimeRx = compile();
