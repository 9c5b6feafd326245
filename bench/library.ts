/*
 * realtime-rx as the bench measures it: src/ compiled to CommonJS by TypeScript with the build's own
 * compiler options, one file per module, exactly the JavaScript `require('realtime-rx')` loads from
 * dist/cjs (minus the declarations), into a directory of its own under node_modules/.cache (ignored
 * by git and the linters, and where `rxjs`, `ws`, … resolve), then required.
 *
 * Why not import src/ through tsx like the rest of the bench: tsx compiles with esbuild's `keepNames`,
 * which wraps every named function and class in `__name(...)`; every closure made per conversation
 * then carries a property array of its own (about 9 KB more heap per conversation). And esbuild's
 * own CommonJS output reaches every import through a getter function (`__export`), a call per use
 * that tsc's output does not make (about 5 % of the downlink's in-process cost). The bench must weigh
 * what users run. `ts.transpileModule` (no type-check: `tsc` does that in CI) takes about a second,
 * fresh every run, so it never measures stale code. The downlink's client processes run the bench's
 * own modules compiled the same way (`compileBench`), in a plain `node`.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type * as TypeScript from 'typescript';
import type * as RealtimeRx from '../src/index.js';

/** This checkout. */
const here = join(__dirname, '..');

/**
 * Compiles `root`'s src/ (this checkout's, or another one's: see bench/compare.ts) into a fresh
 * directory under this checkout's node_modules/.cache, where its imports resolve to this checkout's
 * packages, and returns that directory.
 */
export function compileLibrary(root: string = here): string {
  return transpileTree(join(root, 'src'), 'lib', root);
}

/**
 * Compiles the bench's own modules (bench/*.ts) the same way, for the client processes: they run
 * as plain JavaScript in a plain `node`, as a user's compiled app does, not under tsx, whose loader
 * (a thread of its own, esbuild's compiled code, its module hooks) would share the heap and the
 * CPU clock with the client being measured.
 */
export function compileBench(): string {
  return transpileTree(join(here, 'bench'), 'bench', here);
}

/**
 * Every .ts file under `from`, compiled to CommonJS with `root`'s build options as scripts/build.mjs
 * builds dist/cjs, into a fresh directory `<prefix>-<pid>-…` that is removed when this process exits.
 */
function transpileTree(from: string, prefix: 'lib' | 'bench', root: string): string {
  // Loaded here, not at the top: the downlink's client processes import this file only for
  // `library()`, and a process that holds the TypeScript compiler (megabytes of heap, a collection
  // of it running while the first events arrive) is not the process a user's app runs in.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof TypeScript;
  const parsed = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.build.json'), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (parsed === undefined) throw new Error('tsconfig.build.json could not be read');
  const compilerOptions: TypeScript.CompilerOptions = {
    ...parsed.options,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
  };
  const cache = join(here, 'node_modules', '.cache', 'realtime-rx-bench');
  mkdirSync(cache, { recursive: true });
  // Leftovers of runs that were killed (their exit handler never ran): <prefix>-<pid>-… of a dead process.
  for (const entry of readdirSync(cache)) {
    const pid = Number(/^(?:lib|bench)-(\d+)-/.exec(entry)?.[1]);
    if (pid > 0 && !alive(pid)) rmSync(join(cache, entry), { recursive: true, force: true });
  }
  const outdir = mkdtempSync(join(cache, `${prefix}-${process.pid}-`));
  process.once('exit', () => rmSync(outdir, { recursive: true, force: true }));
  for (const file of readdirSync(from, { recursive: true }).map(String)) {
    if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
    const fileName = join(from, file);
    const { outputText } = ts.transpileModule(readFileSync(fileName, 'utf8'), { compilerOptions, fileName });
    const out = join(outdir, relative(from, fileName).replace(/\.ts$/, '.js'));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
  }
  return outdir;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Where a process started by the bench finds the library its parent compiled (bench/downlinkChild.ts):
 * the child loads the same JavaScript without compiling it again, and the parent removes it at exit.
 */
export const LIBRARY_DIR_ENV = 'REALTIME_RX_BENCH_LIB';

let compiled: string | undefined;

/** The directory of the compiled library: the parent's (see LIBRARY_DIR_ENV), or compiled now, once. */
export function libraryDir(): string {
  return (compiled ??= process.env[LIBRARY_DIR_ENV] ?? compileLibrary());
}

let compiledBench: string | undefined;

/** The directory of the compiled bench (see `compileBench`), compiled on first use, once. */
export function benchDir(): string {
  return (compiledBench ??= compileBench());
}

let loaded: typeof RealtimeRx | undefined;

/**
 * The compiled library (the same module instance for the whole run), loaded on first use: a process
 * that measures another client never loads it.
 */
export function library(): typeof RealtimeRx {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require(join(libraryDir(), 'index.js')) as typeof RealtimeRx);
}
