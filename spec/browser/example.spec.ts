/**
 * examples/browser in real headless Chromium: the page is built and served by its own serve.mjs (on
 * 127.0.0.1, into a directory of our own), gets a client secret from it, and talks to an in-process dev
 * server with the browser's WebSocket and that key. The microphone is Chromium's fake device playing
 * examples/speech.wav once (2 s of speech, then silence), so the dev server's VAD hears one utterance and
 * echoes it back; the page plays the echo.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { RealtimeClosed } from '../../src/index';
import { startDevServer, type DevConnectionStats, type DevServer } from '../../src/testing';
import { CHROMIUM, chromiumArgs } from './chromium';

const ROOT = join(__dirname, '../..');
const EXAMPLE = join(ROOT, 'examples/browser');
const SPEECH = join(ROOT, 'examples/speech.wav');
const ARGS = chromiumArgs(`--use-file-for-fake-audio-capture=${SPEECH}%noloop`);

/** What main.ts exposes as `window.example`. */
interface Probe {
  state: string;
  heardMs: number;
  peak: number;
  closed: RealtimeClosed | undefined;
  keyExpiresAt: number | undefined;
}

jest.setTimeout(60_000);

let outdir: string;
let devServer: DevServer | undefined;
let serve: ChildProcess | undefined;
let browser: Browser | undefined;
let page: Page;
/** What the page and serve.mjs logged: shown when a wait times out. */
const pageLog: string[] = [];
const serverLines: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: run \`node scripts/ensure-chromium.mjs\` (as root on Debian) or set CHROMIUM_PATH`,
    );
  }
  // Only a key minted by POST /v1/realtime/client_secrets gets in: the page must have fetched one.
  devServer = await startDevServer({ requireClientSecret: true, log: (line) => serverLines.push(line) });
  const devPort = new URL(devServer.url).port;

  // The example's own server (it builds the page first), into a directory of our own (examples/browser/dist
  // is the user's), with our dev server instead of one of its own.
  outdir = mkdtempSync(join(tmpdir(), 'realtime-rx-example-'));
  serve = spawn(
    process.execPath,
    [join(EXAMPLE, 'serve.mjs'), '--port', '0', '--no-dev-server', '--dev-port', devPort, '--outdir', outdir],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const pageUrl = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`serve.mjs did not start:\n${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /open (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(output)?.[1];
      if (url !== undefined) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    serve!.stdout!.on('data', read);
    serve!.stderr!.on('data', read);
    serve!.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve.mjs exited with ${code}:\n${output}`));
    });
  });
  expect(pageUrl).toMatch(new RegExp(`/\\?url=ws://127\\.0\\.0\\.1:${devPort}$`));

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30_000 });
  page = await browser.newPage();
  page.on('console', (m) => pageLog.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => pageLog.push(`pageerror: ${e.message}`));
  await page.goto(pageUrl);
  await page.waitForFunction(() => 'example' in window, undefined, { timeout: 10_000 });
});

afterAll(async () => {
  await browser?.close();
  await devServer?.close();
  if (serve !== undefined && serve.exitCode === null) {
    const exited = new Promise((resolve) => serve!.once('exit', resolve));
    serve.kill('SIGINT');
    await exited;
  }
  if (outdir !== undefined) rmSync(outdir, { recursive: true, force: true });
});

const probe = (): Promise<Probe> => page.evaluate(() => (window as unknown as { example: Probe }).example);
const logLines = (): Promise<string[]> => page.locator('#log li').allTextContents();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits (at most `ms`) until `check` holds; a timeout says what was awaited and what the page showed. */
async function until(what: string, check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) {
      const state = JSON.stringify(await probe());
      const log = (await logLines()).join('\n');
      throw new Error(
        `timed out after ${ms} ms waiting for ${what}\nprobe: ${state}\nlog:\n${log}\npage:\n${pageLog.join('\n')}\nserver:\n${serverLines.join('\n')}`,
      );
    }
    await sleep(50);
  }
}

describe('the browser example against the dev server', () => {
  it('gets a client secret, connects with it, streams the microphone, plays the echo, and ends with the close reason on Stop', async () => {
    await page.click('#talk', { timeout: 5_000 });
    await until('the conversation to open', async () => (await probe()).state === 'open', 10_000);
    // The key serve.mjs minted from the dev server, for the default 10 minutes.
    const now = Date.now() / 1000;
    expect((await probe()).keyExpiresAt).toBeGreaterThan(now + 590);
    expect((await probe()).keyExpiresAt).toBeLessThan(now + 610);
    expect(serverLines[0]).toMatch(/^\[serve\] minted client secret 1 /);
    const connection = (): DevConnectionStats | undefined => devServer!.connections()[0];

    // The server side: microphone frames arrive (20 ms each at 24 kHz), and its VAD hears an utterance.
    await until('1 s of audio at the server', () => (connection()?.audioMsIn ?? 0) >= 1000, 10_000);
    expect(devServer!.connections()).toHaveLength(1);
    await until('an echo from the server', () => (connection()?.replyFramesOut ?? 0) > 10, 15_000);

    // The page side: the whole reply (the 2 s utterance) is played, by the player's position, and is
    // loud, by the analyser the player plays into.
    await until('the reply to be played', async () => (await probe()).heardMs >= 1800, 15_000);
    expect(connection()!.replies).toBe(1);
    expect((await probe()).heardMs).toBeLessThanOrEqual(connection()!.replyMsOut + 5); // never more than was sent
    expect((await probe()).peak).toBeGreaterThan(0.05);
    await until(
      'response.done',
      async () => (await logLines()).some((l) => l.startsWith('response.done')),
      5_000,
    );
    expect(await page.locator('#transcript').textContent()).toBe('assistant: (echo)');
    const lines = await logLines();
    expect(lines[0]).toMatch(/^client secret: valid until /);
    expect(lines[1]).toMatch(/^session\.created: \{"sessionId":"sess_dev_1"\}/);
    // Every reply frame the server sent, folded into one line.
    const { replyFramesOut, replyMsOut } = connection()!;
    expect(lines.filter((l) => l.startsWith('audio.out'))).toEqual([
      `audio.out ×${replyFramesOut}: ${Math.round(replyMsOut)} ms of audio`,
    ]);
    expect(await page.locator('#status').textContent()).toMatch(/^open · sent \d+ frames, dropped 0/);

    await page.click('#stop', { timeout: 5_000 });
    await until('the closed event', async () => (await probe()).closed !== undefined, 5_000);
    expect((await probe()).closed).toEqual({ type: 'closed', reason: 'requested', code: 1000 });
    expect((await logLines()).at(-1)).toBe('closed: requested (code 1000)');
    expect(await page.locator('#closed').textContent()).toBe('Closed: requested (code 1000)');
    expect(await page.locator('#closed').isVisible()).toBe(true);
    await until('the server to see the close', () => connection()?.closeCode !== undefined, 5_000);
    expect(connection()!.closeCode).toBe(1000);
    expect(connection()!.audioFramesIn).toBeGreaterThan(50);
  });

  it('shows transport_closed when the server goes away', async () => {
    await page.click('#talk', { timeout: 5_000 });
    await until('a second conversation to open', async () => (await probe()).state === 'open', 10_000);
    await until('audio at the server', () => (devServer!.connections()[1]?.audioFramesIn ?? 0) > 0, 10_000);
    await devServer!.close(); // drops every socket without a close frame

    await until('the closed event', async () => (await probe()).closed !== undefined, 5_000);
    expect((await probe()).closed).toMatchObject({ type: 'closed', reason: 'transport_closed', code: 1006 });
    expect((await logLines()).at(-1)).toMatch(/^closed: transport_closed \(code 1006\)/);
    expect(await page.locator('#stop').isDisabled()).toBe(true);
  });

  it('a key the server refuses (expired): closed{reason:error}, without the status or body a browser cannot see', async () => {
    const expiring = await startDevServer({ clientSecretTtlMs: 1, log: (line) => serverLines.push(line) });
    try {
      await page.fill('#url', expiring.url); // serve.mjs mints from the server the page names
      await page.click('#talk', { timeout: 5_000 });
      await until('the closed event', async () => (await probe()).closed !== undefined, 10_000);
      expect(serverLines.at(-1)).toMatch(
        /^\[serve\] refused a handshake on \/v1\/realtime\?model=gpt-realtime: 401 The client secret/,
      );
      const closed = (await probe()).closed!;
      expect(closed).toEqual({ type: 'closed', reason: 'error', detail: 'WebSocket error' });
      expect((await logLines()).at(-1)).toBe('closed: error: WebSocket error');
      expect(expiring.connections()).toEqual([]);
      expect(await page.locator('#talk').isEnabled()).toBe(true);
    } finally {
      await expiring.close();
    }
  });
});
