/**
 * Packaging proof: what `npm pack` makes is what a user installs, so every check here runs against a
 * tarball installed into a fresh project, never against the repository's own files.
 *
 * beforeAll copies the working tree (no node_modules, no dist) to a staging directory, plants files an
 * older build could have left in dist/, and runs `npm pack` there: its `prepack` script builds from
 * scratch. (Staging also keeps this spec off the repository's dist/, which others rebuild concurrently.)
 * The tarball is then installed, with rxjs and TypeScript, into a consumer project that requires it,
 * imports it, type-checks against it under node16 and bundler resolution, and bundles it for the
 * browser, where headless Chromium runs the bundles. attw and publint lint the same tarball.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { chromium } from 'playwright-core';
import { ok, packTarball, ROOT, run } from './tarball';

const BIN = join(ROOT, 'node_modules/.bin');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Files an older build could have left behind: `npm pack` must not ship them. */
const STALE = ['dist/esm/stale-module.js', 'dist/cjs/stale-module.d.ts', 'dist/legacy/index.js'];

jest.setTimeout(180_000);

let work: string;
let consumer: string;
let tarball: string;
let files: string[];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'realtime-rx-package-'));
  ({ path: tarball, files } = await packTarball(work, (stage) => {
    for (const file of STALE) {
      mkdirSync(join(stage, file, '..'), { recursive: true });
      writeFileSync(join(stage, file), 'export const stale = true;\n');
    }
  }));

  consumer = join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }) + '\n');
  await ok(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, 'rxjs', 'typescript@5.9'],
    consumer,
    150_000,
  );
  for (const [name, text] of Object.entries(CONSUMER_FILES)) writeFileSync(join(consumer, name), text);
}, 300_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe('the tarball', () => {
  it('holds the ESM, CommonJS and browser builds, their declarations, README, LICENSE, the guides', () => {
    for (const entry of ['index', 'testing']) {
      for (const dir of ['esm', 'cjs']) {
        expect(files).toContain(`dist/${dir}/${entry}.js`);
        expect(files).toContain(`dist/${dir}/${entry}.d.ts`);
        expect(files).toContain(`dist/browser/${dir}/${entry}.js`);
      }
    }
    for (const dir of ['esm', 'cjs', 'browser/esm', 'browser/cjs'])
      expect(files).toContain(`dist/${dir}/package.json`);
    expect(files).toContain('dist/cjs/cli/main.js'); // `bin`
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'docs/testing.md']),
    );
  });

  it('holds nothing else: no specs, sources, examples, fixtures, scripts, CI, maps or stale build output', () => {
    // src/testing/recorded.ts compiles to dist/*/testing/recorded.js: that is `fixtures`, the public
    // recorded conversations of realtime-rx/testing (library API), not a test fixture of this repository.
    const allowed =
      /^(package\.json|README\.md|LICENSE|docs\/[\w-]+\.md|dist\/(esm|cjs)\/[\w/.-]+\.(js|d\.ts)|dist\/(browser\/)?(esm|cjs)\/package\.json|dist\/browser\/(esm|cjs)\/[\w/.-]+\.js)$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    expect(
      files.filter(
        (f) =>
          /^(spec|src|examples|scripts|\.ci|docs\/api|node_modules)\//.test(f) ||
          /\.(wav|map|tsbuildinfo)$/.test(f) ||
          (/\.[cm]?ts$/.test(f) && !/\.d\.ts$/.test(f)) ||
          /\.spec\./.test(f),
      ),
    ).toEqual([]);
    // The declarations live in dist/esm and dist/cjs only; dist/browser reuses them.
    expect(files.filter((f) => f.startsWith('dist/browser/') && f.endsWith('.d.ts'))).toEqual([]);
  });

  it('its JavaScript is Latin-1 text, which the engine holds at one byte a character', () => {
    // Node keeps every loaded module's source as a string for the life of the process, and V8 stores
    // a string with one character above U+00FF at two bytes for each: a stray arrow in a comment
    // doubles what that module's text costs every process that loads it.
    const installed = join(consumer, 'node_modules', 'realtime-rx');
    const wide = files
      .filter((f) => f.endsWith('.js'))
      .filter((f) => /[\u0100-\uffff]/.test(readFileSync(join(installed, f), 'utf8')));
    expect(wide).toEqual([]);
  });

  it('is built from scratch by prepack: files an older build left in dist/ do not ship', () => {
    expect(
      files.filter((f) => STALE.includes(f) || f.includes('stale') || f.startsWith('dist/legacy/')),
    ).toEqual([]);
  });
});

describe('installed into a fresh project', () => {
  it('require() gets the CommonJS build of both entry points, and it works (test socket, fixture, ws server)', async () => {
    const report = JSON.parse(await ok(process.execPath, ['check.cjs'], consumer));
    expect(report.resolved).toEqual([
      join(consumer, 'node_modules/realtime-rx/dist/cjs/index.js'),
      join(consumer, 'node_modules/realtime-rx/dist/cjs/testing.js'),
    ]);
    expectWorkingPackage(report, 'node');
  });

  it('import gets the ES module build of both entry points, and it works (test socket, fixture, ws server)', async () => {
    const report = JSON.parse(await ok(process.execPath, ['check.mjs'], consumer));
    expect(report.resolved).toEqual([
      `file://${join(consumer, 'node_modules/realtime-rx/dist/esm/index.js')}`,
      `file://${join(consumer, 'node_modules/realtime-rx/dist/esm/testing.js')}`,
    ]);
    expectWorkingPackage(report, 'node');
  });

  it('the `realtime-rx` command runs from node_modules/.bin', async () => {
    const help = await ok(join(consumer, 'node_modules/.bin/realtime-rx'), ['--help'], consumer);
    expect(help).toContain('realtime-rx <command>');
  });
});

describe('types', () => {
  const tsc = () => join(consumer, 'node_modules/.bin/tsc');

  it('type-check an ESM (.mts) and a CommonJS (.cts) consumer under module/moduleResolution node16', async () => {
    const listed = await ok(tsc(), ['-p', 'tsconfig.node16.json', '--listFiles'], consumer);
    // Each format gets the declarations that sit next to the JavaScript it loads.
    for (const file of ['esm/index', 'esm/testing', 'cjs/index', 'cjs/testing'])
      expect(listed).toContain(join(consumer, `node_modules/realtime-rx/dist/${file}.d.ts`));
  });

  it('type-check a consumer under module esnext / moduleResolution bundler', async () => {
    const listed = await ok(tsc(), ['-p', 'tsconfig.bundler.json', '--listFiles'], consumer);
    expect(listed).toContain(join(consumer, 'node_modules/realtime-rx/dist/esm/index.d.ts'));
    expect(listed).toContain(join(consumer, 'node_modules/realtime-rx/dist/esm/testing.d.ts'));
    expect(listed).not.toContain('/dist/cjs/');
  });

  it('fail a consumer that misuses an event field or reaches past the exports map', async () => {
    const r = await run(tsc(), ['-p', 'tsconfig.misuse.json'], consumer);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/misuse\.mts\(\d+,\d+\): error TS2339: Property 'text' does not exist/);
    expect(r.stdout).toMatch(/misuse\.mts\(\d+,\d+\): error TS2307: Cannot find module 'realtime-rx\/dist\//);
    expect(r.stdout.match(/error TS/g)).toHaveLength(2);
  });
});

describe('linters', () => {
  it('@arethetypeswrong/cli finds no problem, for every entry point under node10, node16 (CJS, ESM) and bundler', async () => {
    const r = await run(join(BIN, 'attw'), ['--pack', tarball, '--format', 'json'], work);
    const { analysis } = JSON.parse(r.stdout) as {
      analysis: {
        problems: unknown[];
        entrypoints: Record<string, { resolutions: Record<string, { resolution?: { fileName: string } }> }>;
      };
    };
    expect(analysis.problems).toEqual([]);
    expect(r.code).toBe(0);
    const types = (entry: string, kind: string) =>
      analysis.entrypoints[entry].resolutions[kind].resolution?.fileName;
    for (const [entry, name] of [
      ['.', 'index'],
      ['./testing', 'testing'],
    ]) {
      // node10 (`moduleResolution: node`, still the default next to `module: commonjs`) finds
      // ./testing through `typesVersions`, as it predates `exports`.
      expect(types(entry, 'node10')).toBe(`/node_modules/realtime-rx/dist/cjs/${name}.d.ts`);
      expect(types(entry, 'node16-cjs')).toBe(`/node_modules/realtime-rx/dist/cjs/${name}.d.ts`);
      expect(types(entry, 'node16-esm')).toBe(`/node_modules/realtime-rx/dist/esm/${name}.d.ts`);
      expect(types(entry, 'bundler')).toBe(`/node_modules/realtime-rx/dist/esm/${name}.d.ts`);
    }
  });

  it('publint reports nothing: no error, warning or suggestion', async () => {
    // The API rather than the CLI: messages come back as data, not as prose to scrape.
    const script = `
      import { readFileSync } from 'node:fs';
      import { publint } from 'publint';
      import { formatMessage } from 'publint/utils';
      const bytes = readFileSync(process.argv[1]);
      const tarball = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      const { messages, pkg } = await publint({ pack: { tarball }, level: 'suggestion', strict: true });
      console.log(JSON.stringify({
        exports: Object.keys(pkg.exports),
        messages: messages.map((m) => ({ type: m.type, code: m.code, text: formatMessage(m, pkg, { color: false }) })),
      }));`;
    const result = JSON.parse(
      await ok(process.execPath, ['--input-type=module', '-e', script, tarball], ROOT),
    );
    expect(result.messages).toEqual([]);
    expect(result.exports).toEqual(['.', './testing', './package.json']); // it read the tarball's package.json
  });
});

describe('in the browser', () => {
  const bundles = new Map<string, Promise<{ code: string; metafile: Metafile }>>();
  /** The consumer's browser entry bundled by esbuild for the browser, as a bundler would do it. */
  function bundle(entry: string) {
    if (!bundles.has(entry))
      bundles.set(
        entry,
        build({
          entryPoints: [join(consumer, entry)],
          absWorkingDir: consumer,
          bundle: true,
          platform: 'browser',
          format: 'iife',
          target: 'es2022',
          write: false,
          metafile: true,
          logLevel: 'silent',
        }).then((r) => ({ code: r.outputFiles[0].text, metafile: r.metafile })),
      );
    return bundles.get(entry)!;
  }

  for (const [entry, format] of [
    ['browser.mjs', 'esm'],
    ['browser.cjs', 'cjs'],
  ]) {
    it(`a bundle that ${format === 'esm' ? 'imports' : 'requires'} both entry points reaches no ws, no node: built-in, only dist/browser/${format}`, async () => {
      const inputs = Object.keys((await bundle(entry)).metafile.inputs);
      const ours = inputs.filter((p) => p.startsWith('node_modules/realtime-rx/'));
      expect(ours).toContain(`node_modules/realtime-rx/dist/browser/${format}/index.js`);
      expect(ours).toContain(`node_modules/realtime-rx/dist/browser/${format}/testing.js`);
      expect(ours).toContain(`node_modules/realtime-rx/dist/browser/${format}/testing/scriptedServer.js`);
      // The dev server's stand-in, and none of the server behind it.
      expect(ours).toContain(`node_modules/realtime-rx/dist/browser/${format}/testing/devServer.js`);
      expect(ours.filter((p) => p.includes('/server/'))).toEqual([]);
      expect(ours.filter((p) => !p.startsWith(`node_modules/realtime-rx/dist/browser/${format}/`))).toEqual(
        [],
      );
      expect(
        inputs.filter((p) => /^node_modules\/ws\/|^node:|^(http|net|stream|events|crypto|zlib)$/.test(p)),
      ).toEqual([]);
    });
  }

  it('sideEffects: false lets a bundle that uses one operator leave the rest out', async () => {
    writeFileSync(
      join(consumer, 'one-operator.mjs'),
      "import { dropNewest } from 'realtime-rx';\nwindow.dropNewest = dropNewest;\n",
    );
    const { metafile } = await bundle('one-operator.mjs');
    const output = Object.values(metafile.outputs)[0];
    const shipped = Object.entries(output.inputs)
      .filter(([path, use]) => path.startsWith('node_modules/realtime-rx/') && use.bytesInOutput > 0)
      .map(([path]) => path.replace('node_modules/realtime-rx/dist/browser/esm/', ''));
    // and the observer it subscribes to its source with
    expect(shipped.sort()).toEqual(['operators/dropNewest.js', 'operators/sourceObserver.js']);
  });

  it('both bundles run in Chromium: test socket and fixture replay work, startScriptedServer and startDevServer say they need Node', async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      timeout: 30_000,
    });
    try {
      for (const entry of ['browser.mjs', 'browser.cjs']) {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.setContent('<!doctype html><meta charset="utf-8"><title>realtime-rx</title>');
        await page.addScriptTag({ content: (await bundle(entry)).code });
        const report = await page.evaluate(() =>
          (window as unknown as { runScenario: () => Promise<unknown> }).runScenario(),
        );
        expect(errors).toEqual([]);
        expectWorkingPackage(report, 'browser');
        await page.close();
      }
    } finally {
      await browser.close();
    }
  });
});

/** What the consumer's scenario (below) reports when the package works. */
function expectWorkingPackage(report: any, platform: 'node' | 'browser') {
  for (const [name, type] of Object.entries(report.exports)) expect([name, type]).toEqual([name, 'function']);
  expect(Object.keys(report.exports)).toHaveLength(15);
  expect(report.fixtureNames).toEqual(['audioTurn', 'dropped1006', 'serverError', 'textTurn']);
  expect(report.replayed.at(-1)).toBe('closed');
  expect(report.replayed).toContain('transcript.done');
  expect(report.testSocket).toEqual({
    events: [
      { type: 'session.created', sessionId: 'sess_live' },
      // The server closed first, never acknowledging the text: it is named.
      { type: 'texts.unconfirmed', texts: ['hi'] },
      { type: 'closed', reason: 'transport_closed', code: 1000, detail: 'bye' },
    ],
    sent: ['session.update', 'conversation.item.create', 'response.create'],
  });
  if (platform === 'node') {
    expect(report.scripted).toEqual({
      events: [
        { type: 'session.created', sessionId: 'sess_1' },
        { type: 'conversation.item.added', item: { type: 'message', role: 'assistant', content: [] } },
        { type: 'texts.unconfirmed', texts: ['hello'] },
        { type: 'closed', reason: 'transport_closed', code: 1000 },
      ],
      received: ['session.update', 'conversation.item.create'],
    });
    expect(report.devServer).toEqual({
      key: true,
      first: { type: 'session.created', sessionId: 'sess_dev_1' },
      last: { type: 'closed', reason: 'requested', code: 1000 },
      path: '/v1/realtime?model=gpt-realtime',
    });
  } else {
    expect(report.scripted).toEqual({
      name: 'RealtimeError',
      kind: 'config',
      isRealtimeError: true,
      message:
        'startScriptedServer needs Node (it listens on a TCP port); in the browser use createTestSocket',
    });
    expect(report.nodeWebSocketFactory).toMatch(/needs Node/);
    expect(report.devServer).toEqual({
      name: 'RealtimeError',
      kind: 'config',
      isRealtimeError: true,
      message: expect.stringMatching(/^startDevServer needs Node \(it listens on a TCP port\)/),
    });
  }
}

/*
 * The consumer project. Plain strings rather than files under spec/: they import `realtime-rx` by name,
 * which only the installed tarball provides, so the repository's own tsc and eslint must not see them.
 */

/** One scenario for every format and platform; the entry files differ only in how they load the package. */
const SCENARIO = String.raw`'use strict';
function same(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(what + ': expected ' + e + ', got ' + a);
}
function until(condition, ms, what) {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () =>
      condition() ? resolve() : Date.now() > end ? reject(new Error('timed out waiting for ' + what)) : setTimeout(tick, 5);
    tick();
  });
}
module.exports = async function scenario({ rx, testing, TestScheduler, node }) {
  const report = { exports: {} };
  for (const name of ['connectConversation', 'realtimeSession', 'dropNewest', 'priorityMerge', 'bargeIn',
    'decodeWav', 'encodeWav', 'nodeWebSocketFactory', 'RealtimeError'])
    report.exports[name] = typeof rx[name];
  for (const name of ['startScriptedServer', 'startDevServer', 'createTestSocket', 'playFixture', 'rawFrame',
    'ScriptFrame'])
    report.exports['testing.' + name] = typeof testing[name];
  report.fixtureNames = Object.keys(testing.fixtures).sort();

  // A recorded conversation, replayed under TestScheduler, gives the recorded events.
  const fixture = testing.fixtures.textTurn;
  const scheduler = new TestScheduler((a, e) => same(a, e, 'marbles'));
  const replayed = [];
  let replay;
  scheduler.run(() => {
    replay = testing.createTestSocket({ server: testing.playFixture(fixture, scheduler) });
    const conversation = rx.connectConversation({
      url: 'ws://test', dialect: fixture.dialect, prompt: 'You are a test.', webSocket: replay, scheduler,
    });
    conversation.events$.subscribe((event) => {
      replayed.push(event);
      if (replayed.length === fixture.events.length - 1) conversation.close();
    });
    conversation.text.next(fixture.client[1].item.content[0].text);
  });
  same(replayed, fixture.events, 'replayed events');
  same(replay.sockets[0].sent.map((f) => f.json), fixture.client, 'replayed client frames');
  report.replayed = replayed.map((e) => e.type);

  // A test socket driven by hand, in real time: the text goes out, the server's close ends events$.
  const live = testing.createTestSocket();
  const conversation = rx.connectConversation({ url: 'ws://test', webSocket: live });
  const events = [];
  const completed = new Promise((resolve) =>
    conversation.events$.subscribe({ next: (e) => events.push(e), complete: resolve }));
  await until(() => live.sockets.length === 1, 2000, 'the socket');
  const socket = live.sockets[0];
  socket.act(testing.server.open());
  socket.act(testing.server.event('session.created', { session: { type: 'realtime', id: 'sess_live' } }));
  conversation.text.next('hi');
  await until(() => socket.sent.some((f) => f.json && f.json.type === 'conversation.item.create'), 2000, 'the text');
  socket.act(testing.server.close(1000, 'bye'));
  await completed;
  report.testSocket = { events, sent: socket.sent.map((f) => f.json.type) };

  if (node) {
    // A real WebSocket server on 127.0.0.1, reached through ws.
    const server = await testing.startScriptedServer([[
      [testing.openaiServerEvent('session.created', { session: { type: 'realtime', id: 'sess_1' } })],
      [testing.openaiServerEvent('conversation.item.added', { item: { type: 'message', role: 'assistant', content: [] } })],
    ]]);
    try {
      const c = rx.connectConversation({ url: server.url, prompt: 'Be brief.' });
      const seen = [];
      const done = new Promise((resolve) => c.events$.subscribe({ next: (e) => seen.push(e), complete: resolve }));
      c.text.next('hello');
      await done;
      report.scripted = { events: seen, received: server.connections()[0].slice(0, 2).map((m) => m.type) };
    } finally {
      await server.close();
    }

    // The dev server of realtime-rx serve, requiring a key that it minted itself.
    const dev = await testing.startDevServer({ requireClientSecret: true });
    try {
      const minted = await (await fetch(dev.clientSecretsUrl, { method: 'POST', body: '{}' })).json();
      const c = rx.connectConversation({ url: dev.url, apiKey: minted.value });
      const seen = [];
      const done = new Promise((resolve) => c.events$.subscribe({ next: (e) => seen.push(e), complete: resolve }));
      await until(() => seen.length > 0, 5000, 'session.created from the dev server');
      c.close();
      await done;
      report.devServer = {
        key: /^ek_/.test(minted.value), first: seen[0], last: seen[seen.length - 1], path: dev.connections()[0].path,
      };
    } finally {
      await dev.close();
    }
  } else {
    const devError = await testing.startDevServer().then(() => undefined, (e) => e);
    report.devServer = {
      name: devError && devError.name, kind: devError && devError.kind,
      isRealtimeError: devError instanceof rx.RealtimeError, message: devError && devError.message,
    };
    const error = await testing.startScriptedServer([]).then(() => undefined, (e) => e);
    report.scripted = {
      name: error && error.name, kind: error && error.kind,
      isRealtimeError: error instanceof rx.RealtimeError, message: error && error.message,
    };
    try {
      rx.nodeWebSocketFactory();
    } catch (e) {
      report.nodeWebSocketFactory = e.message;
    }
  }
  return report;
};
`;

/** The consumer's TypeScript: the public API as an application would use it. */
const CONSUMER_TS = `import { connectConversation, type RealtimeClosed, type RealtimeEvent } from 'realtime-rx';
import { createTestSocket, fixtures, server, startDevServer, startScriptedServer, type DevServerOptions } from 'realtime-rx/testing';

export function describeEvent(event: RealtimeEvent): string {
  switch (event.type) {
    case 'session.created':
      return event.sessionId;
    case 'transcript.done':
      return event.role + ': ' + event.text;
    case 'closed':
      return event.reason satisfies RealtimeClosed['reason'];
    default:
      return event.type;
  }
}

const sockets = createTestSocket();
const conversation = connectConversation({ url: 'ws://test', webSocket: sockets, prompt: 'Hi' });
conversation.events$.subscribe((event) => describeEvent(event));
conversation.text.next('hello');
conversation.audio.next({ data: 'AAAA', sampleRate: 24000, numChannels: 1 });
sockets.sockets[0]?.act(server.open());
export const recorded: number = fixtures.textTurn.events.length;
export const url: Promise<string> = startScriptedServer([[[{ type: 'session.created' }]]]).then((s) => s.url);
const devOptions: DevServerOptions = { requireClientSecret: true, clientSecretTtlMs: 1000, vad: { silenceMs: 300 } };
export const mintAt: Promise<string> = startDevServer(devOptions).then((s) => s.clientSecretsUrl);
`;

const MISUSE_TS = `import { connectConversation } from 'realtime-rx';
import { createTestSocket } from 'realtime-rx/testing';
import { startScriptedServer } from 'realtime-rx/dist/esm/testing/scriptedServer.js';

const conversation = connectConversation({ url: 'ws://test', webSocket: createTestSocket() });
conversation.events$.subscribe((event) => {
  if (event.type === 'session.created') console.log(event.text);
});
export { startScriptedServer };
`;

/** Strict, and the package's own declarations checked too (skipLibCheck off). */
const tsconfig = (compilerOptions: object, files: string[]) =>
  JSON.stringify({
    compilerOptions: {
      target: 'es2022',
      lib: ['es2022', 'dom'],
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: [],
      ...compilerOptions,
    },
    files,
  });

const CONSUMER_FILES: Record<string, string> = {
  'scenario.cjs': SCENARIO,
  'check.cjs': `const scenario = require('./scenario.cjs');
scenario({ rx: require('realtime-rx'), testing: require('realtime-rx/testing'), TestScheduler: require('rxjs/testing').TestScheduler, node: true })
  .then((report) => console.log(JSON.stringify({ ...report, resolved: [require.resolve('realtime-rx'), require.resolve('realtime-rx/testing')] })))
  .catch((error) => { console.error(error); process.exitCode = 1; });
`,
  'check.mjs': `import * as rx from 'realtime-rx';
import * as testing from 'realtime-rx/testing';
import { TestScheduler } from 'rxjs/testing';
import scenario from './scenario.cjs';
const report = await scenario({ rx, testing, TestScheduler, node: true });
console.log(JSON.stringify({ ...report, resolved: [import.meta.resolve('realtime-rx'), import.meta.resolve('realtime-rx/testing')] }));
`,
  'browser.mjs': `import * as rx from 'realtime-rx';
import * as testing from 'realtime-rx/testing';
import { TestScheduler } from 'rxjs/testing';
import scenario from './scenario.cjs';
window.runScenario = () => scenario({ rx, testing, TestScheduler, node: false });
`,
  'browser.cjs': `const scenario = require('./scenario.cjs');
window.runScenario = () => scenario({ rx: require('realtime-rx'), testing: require('realtime-rx/testing'), TestScheduler: require('rxjs/testing').TestScheduler, node: false });
`,
  'consumer.mts': CONSUMER_TS,
  'consumer.cts': CONSUMER_TS,
  'consumer.ts': CONSUMER_TS,
  'misuse.mts': MISUSE_TS,
  'tsconfig.node16.json': tsconfig({ module: 'node16', moduleResolution: 'node16' }, [
    'consumer.mts',
    'consumer.cts',
  ]),
  'tsconfig.bundler.json': tsconfig({ module: 'esnext', moduleResolution: 'bundler' }, ['consumer.ts']),
  'tsconfig.misuse.json': tsconfig({ module: 'node16', moduleResolution: 'node16' }, ['misuse.mts']),
};
