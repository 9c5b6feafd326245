/**
 * examples/browser in real headless Chromium: the page is built with its own build.mjs, served from
 * 127.0.0.1, and talks to an in-process dev server with the browser's WebSocket. The microphone is
 * Chromium's fake device playing examples/speech.wav once (2 s of speech, then silence), so the dev
 * server's VAD hears one utterance and echoes it back; the page plays the echo.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { RealtimeClosed } from '../../src/index';
import { startDevServer, type DevConnectionStats, type DevServer } from '../../src/server/devServer';
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
}

jest.setTimeout(60_000);

let outdir: string;
let devServer: DevServer | undefined;
let files: Server | undefined;
let browser: Browser | undefined;
let page: Page;
/** What the page logged: shown when a wait times out. */
const pageLog: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: run \`node scripts/ensure-chromium.mjs\` (as root on Debian) or set CHROMIUM_PATH`,
    );
  }
  // The example's own build, into a directory of our own (examples/browser/dist is the user's).
  outdir = mkdtempSync(join(tmpdir(), 'realtime-rx-example-'));
  await promisify(execFile)(process.execPath, [join(EXAMPLE, 'build.mjs'), '--outdir', outdir], {
    cwd: ROOT,
    timeout: 30_000,
  });

  devServer = await startDevServer();
  files = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file =
      path === '/'
        ? join(EXAMPLE, 'index.html')
        : path.startsWith('/dist/')
          ? join(outdir, path.slice(6))
          : '';
    if (file === '' || !existsSync(file)) return void res.writeHead(404).end();
    const type = extname(file) === '.html' ? 'text/html' : 'text/javascript';
    res.writeHead(200, { 'content-type': `${type}; charset=utf-8` }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => files!.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30_000 });
  page = await browser.newPage();
  page.on('console', (m) => pageLog.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => pageLog.push(`pageerror: ${e.message}`));
  await page.goto(`${origin}/?url=${encodeURIComponent(devServer.url)}`);
  await page.waitForFunction(() => 'example' in window, undefined, { timeout: 10_000 });
});

afterAll(async () => {
  await browser?.close();
  await devServer?.close();
  if (files !== undefined) {
    files.closeAllConnections();
    await new Promise<void>((resolve) => files!.close(() => resolve()));
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
        `timed out after ${ms} ms waiting for ${what}\nprobe: ${state}\nlog:\n${log}\npage:\n${pageLog.join('\n')}`,
      );
    }
    await sleep(50);
  }
}

describe('the browser example against the dev server', () => {
  it('connects, streams the microphone, plays the echo, and ends with the close reason on Stop', async () => {
    await page.click('#talk', { timeout: 5_000 });
    await until('the conversation to open', async () => (await probe()).state === 'open', 10_000);
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
    expect(lines[0]).toMatch(/^session\.created: \{"sessionId":"sess_dev_1"\}/);
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
});
