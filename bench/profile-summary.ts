/*
 * Summarises a V8 .cpuprofile (from `npm run bench:profile`) by self time: the totals per area
 * (realtime-rx, ws, rxjs, io-ts/fp-ts, Node internals, GC, ...), the same with the time of
 * builtins and Node internals charged to the nearest caller that is library or app code (so the
 * socket write syscall counts for `ws`, a RegExp for the module that ran it), and the top functions.
 *
 *   npx tsx bench/profile-summary.ts [file.cpuprofile | directory (newest profile)] [--top N]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/**
 * The main thread's profile of the newest run: `--import tsx` runs its loader in a worker thread,
 * which writes a small profile of its own next to the main one (same process id, `….0.…` vs `….1.…`).
 */
function newestProfile(dir: string): string {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (files.length === 0) throw new Error(`no .cpuprofile in ${dir}`);
  const run = (f: string) => /CPU\.\d+\.\d+\.(\d+)\./.exec(f)?.[1];
  const sameRun = files.filter((f) => run(f) === run(files[0]));
  return sameRun.sort((a, b) => statSync(b).size - statSync(a).size)[0];
}

/** Where a function lives, in the few areas that matter for the bench. */
function area(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') {
    if (functionName.startsWith('(')) return functionName; // (garbage collector), (program), (idle)
    return 'native/V8 builtins';
  }
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/.cache/realtime-rx-bench/')) return 'realtime-rx'; // src/, compiled by bench/library.ts
  if (url.includes('/node_modules/ws/')) return 'ws';
  if (url.includes('/node_modules/rxjs/')) return 'rxjs';
  if (url.includes('/node_modules/io-ts/') || url.includes('/node_modules/fp-ts/')) return 'io-ts/fp-ts';
  if (url.includes('/node_modules/')) return 'other node_modules';
  if (url.includes('/src/')) return 'realtime-rx';
  if (url.includes('/bench/')) return 'bench harness';
  return 'other';
}

function where(frame: CallFrame): string {
  if (frame.url === '') return '';
  const path = frame.url.startsWith('file://')
    ? relative(process.cwd(), new URL(frame.url).pathname)
    : frame.url;
  const short = path
    .replace(/^node_modules\/\.cache\/realtime-rx-bench\/lib-[^/]+\//, 'src/')
    .replace(/^node_modules\//, '');
  return `${short}:${frame.lineNumber + 1}`;
}

function main(): void {
  const args = process.argv.slice(2);
  let top = 25;
  let target = 'bench/profiles';
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--top') top = Number(args[++i]);
    else target = args[i];
  }
  const file = statSync(target).isDirectory() ? newestProfile(target) : target;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  /** The area of the nearest frame (itself or a caller) in code that owns the work. */
  const OWNERS = new Set(['ws', 'rxjs', 'io-ts/fp-ts', 'realtime-rx', 'bench harness', 'other node_modules']);
  const ownerOf = (id: number): string => {
    const own = area(byId.get(id)!.callFrame);
    if (own.startsWith('(')) return own;
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const a = area(byId.get(at)!.callFrame);
      if (OWNERS.has(a)) return a;
    }
    return own;
  };

  // Each sample's time is the delta to the next sample (the last one gets none).
  const selfById = new Map<number, number>();
  for (let i = 0; i < profile.samples.length - 1; i++) {
    const id = profile.samples[i];
    selfById.set(id, (selfById.get(id) ?? 0) + profile.timeDeltas[i + 1]);
  }

  const byFunction = new Map<string, { self: number; frame: CallFrame }>();
  const byArea = new Map<string, number>();
  const byOwner = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, self] of selfById) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') {
      idle += self;
      continue;
    }
    total += self;
    const key = `${frame.functionName}@${frame.url}:${frame.lineNumber}:${frame.columnNumber}`;
    const entry = byFunction.get(key) ?? { self: 0, frame };
    entry.self += self;
    byFunction.set(key, entry);
    const a = area(frame);
    byArea.set(a, (byArea.get(a) ?? 0) + self);
    const owner = ownerOf(id);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + self);
  }

  const ms = (us: number) => (us / 1000).toFixed(1).padStart(8);
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  console.log(`${relative(process.cwd(), file)}`);
  console.log(
    `busy ${(total / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms (percentages are of busy time)\n`,
  );
  console.log('self ms   self %  area');
  for (const [a, self] of [...byArea].sort((x, y) => y[1] - x[1]))
    console.log(`${ms(self)}  ${pct(self)}  ${a}`);
  console.log(
    '\nself ms   self %  owner (builtins and Node internals charged to their nearest library/app caller)',
  );
  for (const [a, self] of [...byOwner].sort((x, y) => y[1] - x[1]))
    console.log(`${ms(self)}  ${pct(self)}  ${a}`);
  console.log(`\nself ms   self %  function (location)`);
  for (const { self, frame } of [...byFunction.values()].sort((x, y) => y.self - x.self).slice(0, top)) {
    const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
    console.log(`${ms(self)}  ${pct(self)}  ${name}  ${where(frame)}  [${area(frame)}]`);
  }
}

main();
