/**
 * The guides run as written: every block of the guides below, from the packed package, in a fresh folder
 * set up by the guides' own install commands. Programs run with tsx (exit 0 within a time limit, and
 * print what the guide shows when it shows it), testing.md's tests with jest, against
 * `realtime-rx serve` started from the installed package. The conventions are in docBlocks.ts (and, for
 * readers, in docs/README.md); samples.spec.ts type-checks the same blocks against the sources.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { docBlocks, type DocBlock, type ProgramBlock, type SetupBlock, type TestBlock } from './docBlocks';
import { runProgram, runSetup, runTests, startServe, writeBlocks } from './docRunner';
import { ROOT, packTarball, run } from '../package/tarball';

const GUIDES = [
  'docs/getting-started.md',
  'docs/testing.md',
  'docs/audio.md',
  'docs/openai.md',
  'docs/agents.md',
];
const blocks = GUIDES.flatMap((guide) => docBlocks(readFileSync(join(ROOT, guide), 'utf8'), guide));
const tests = blocks.filter((block): block is TestBlock => block.kind === 'test');
/** Per program: the longest, wav.ts, streams 2.5 s of audio in real time and waits for the echo. */
const LIMIT_MS = 30_000;

jest.setTimeout(LIMIT_MS + 30_000);

let work: string;
let app: string;
let tarball: string;
let devServer: Awaited<ReturnType<typeof startServe>> | undefined;
let testResults: Promise<Map<TestBlock, string | undefined>> | undefined;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'realtime-rx-docs-'));
  tarball = (await packTarball(work)).path;
  app = join(work, 'my-app');
  mkdirSync(app);
  for (const block of blocks) {
    if (block.kind !== 'setup') continue;
    const failure = await runSetup(block, app, tarball);
    if (failure !== undefined) throw new Error(failure);
  }
  devServer = await startServe(app);
  writeBlocks(blocks, app, devServer.port);
}, 400_000);

afterAll(async () => {
  await devServer?.stop();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe('the guides run as written, from the packed package in a fresh folder', () => {
  it('finds the blocks (so this cannot pass vacuously), each under its own file name', () => {
    const count = (kind: DocBlock['kind']) => blocks.filter((block) => block.kind === kind).length;
    expect(count('program')).toBeGreaterThanOrEqual(12);
    expect(count('test')).toBe(3);
    expect(count('setup')).toBeGreaterThanOrEqual(2);
    for (const guide of GUIDES)
      expect(blocks.some((block) => block.where.startsWith(`${guide}:`))).toBe(true);
    const files = blocks.flatMap((block) => (block.kind === 'setup' ? [] : [block.file]));
    expect(files.filter((file, index) => files.indexOf(file) !== index)).toEqual([]);
  });

  it('the install commands made an ES module project with the tarball, rxjs, tsx and jest installed', () => {
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    expect(manifest.type).toBe('module');
    expect(manifest.dependencies['realtime-rx']).toMatch(/^file:.*realtime-rx-[\d.]+\.tgz$/);
    expect(Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })).toEqual(
      expect.arrayContaining(['rxjs', 'tsx', 'jest', 'ts-jest', 'typescript']),
    );
  });

  const runnable = blocks.filter((block) => block.kind === 'program' || block.kind === 'test');
  it.each(runnable.map((block) => [`${block.where} ${block.file}`, block] as const))(
    '%s',
    async (_name, block) => {
      if (block.kind === 'test') {
        testResults ??= runTests(tests, app, LIMIT_MS * 2);
        expect((await testResults).get(block)).toBeUndefined();
      } else {
        expect(await runProgram(block, app, LIMIT_MS)).toBeUndefined();
      }
    },
  );

  it('every block, those not run too, type-checks against the installed package (npx tsc --noEmit)', async () => {
    const r = await run(join(app, 'node_modules/.bin/tsc'), ['--noEmit', '-p', '.'], app);
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.code).toBe(0);
  });

  it('runs every block but the norun ones, each of which says what it needs in its first line', () => {
    const skipped = blocks.flatMap((block) =>
      block.kind === 'norun' ? [`${block.where}: ${block.reason}`] : [],
    );
    console.log(`not run (type-checked only):\n${skipped.join('\n')}`);
    expect(skipped.length).toBeGreaterThan(0);
    // Only what a test run cannot have excuses a block: a real OpenAI key, a browser.
    for (const line of skipped) expect(line).toMatch(/needs (an OpenAI|a browser)/i);
  });
});

describe('the runner fails a broken block, at its markdown position (canaries, in a folder like the app)', () => {
  const canary = docBlocks(
    [
      '```ts',
      '// boom.ts',
      "throw new Error('a broken example');",
      '```',
      '```ts',
      '// open.ts',
      "import { connectConversation } from 'realtime-rx';",
      "connectConversation({ url: 'ws://127.0.0.1:8011' }).text.next('hello'); // never closed",
      '```',
      '```ts',
      '// says.ts',
      "console.log('something else');",
      '```',
      '```sh',
      '$ npx tsx says.ts',
      'what the guide promised',
      '```',
      '```ts',
      '// broken.test.ts',
      "test('a broken example', () => expect(1 + 1).toBe(3));",
      '```',
      '```sh setup',
      'npm install ../realtime-rx/realtime-rx-9.9.9.tgz rxjs',
      '```',
    ].join('\n'),
    'docs/canary.md',
  );
  const program = (file: string) =>
    canary.find((block): block is ProgramBlock => block.kind === 'program' && block.file === file)!;
  const test = canary.find((block): block is TestBlock => block.kind === 'test')!;
  const setup = canary.find((block): block is SetupBlock => block.kind === 'setup')!;
  let dir: string;

  beforeAll(() => {
    dir = join(work, 'canary');
    mkdirSync(dir);
    for (const file of ['package.json', 'tsconfig.json']) cpSync(join(app, file), join(dir, file));
    symlinkSync(join(app, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeBlocks(canary, dir, devServer!.port);
  });

  it('a program that throws', async () => {
    const failure = await runProgram(program('boom.ts'), dir, LIMIT_MS);
    expect(failure).toMatch(/^docs\/canary\.md:1 \(boom\.ts\) exited with 1\n/);
    expect(failure).toContain('a broken example');
  });

  it('a program that leaves its conversation open, at the time limit', async () => {
    const failure = await runProgram(program('open.ts'), dir, 3000);
    expect(failure).toMatch(/^docs\/canary\.md:5 \(open\.ts\) did not exit within 3 s/);
  });

  it('a program that does not print what the guide shows', async () => {
    const failure = await runProgram(program('says.ts'), dir, LIMIT_MS);
    expect(failure).toBe(
      'docs/canary.md:10 (says.ts) printed\nsomething else\nbut docs/canary.md:15 shows\nwhat the guide promised',
    );
  });

  it('a failing test', async () => {
    const results = await runTests([test], dir, LIMIT_MS * 2);
    expect(results.get(test)).toMatch(
      /^docs\/canary\.md:18 \(broken\.test\.ts\) failed under jest\n[\s\S]*Expected: 3/,
    );
  });

  it('install commands that name another tarball than npm pack makes', async () => {
    expect(await runSetup(setup, dir, tarball)).toBe(
      `docs/canary.md:22: installs realtime-rx-9.9.9.tgz, but npm pack makes ${basename(tarball)}`,
    );
  });
});
