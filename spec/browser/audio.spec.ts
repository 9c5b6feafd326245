/**
 * fromMicrophone and createAudioPlayer in real headless Chromium: spec/browser/page.ts is bundled with
 * esbuild, served from 127.0.0.1 (a secure context, as getUserMedia and AudioWorklet require) and driven
 * with playwright-core. The microphone is Chromium's fake device (--use-fake-device-for-media-stream),
 * which beeps; the output is Chromium's (possibly fake) audio sink, whose clock runs in real time.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, chromiumArgs } from './chromium';
import type { Chunk, ErrorResult, MicResult, PlayerResult, Rtx } from './page';

const ARGS = chromiumArgs();

jest.setTimeout(60_000);

let server: Server | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let page: Page;
let origin: string;
/** What the page logged: shown when a scenario fails. */
const pageLog: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: run \`node scripts/ensure-chromium.mjs\` (as root on Debian) or set CHROMIUM_PATH`,
    );
  }
  const bundle = await build({
    entryPoints: [join(__dirname, 'page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'inline',
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0].text;
  server = createServer((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        '<!doctype html><meta charset="utf-8"><title>realtime-rx audio</title><script src="/page.js"></script>',
      );
    } else if (req.url === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(script);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30_000 });
  context = await browser.newContext();
  page = await open(context);
});

afterAll(async () => {
  await browser?.close();
  if (server !== undefined) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server!.close(() => resolve()));
  }
});

/** A page of `ctx` with the bundle loaded, logging to `pageLog`. */
async function open(ctx: BrowserContext): Promise<Page> {
  const p = await ctx.newPage();
  p.on('console', (m) => pageLog.push(`console.${m.type()}: ${m.text()}`));
  p.on('pageerror', (e) => pageLog.push(`pageerror: ${e.message}`));
  await p.goto(`${origin}/`);
  await p.waitForFunction(() => 'rtx' in window);
  return p;
}

/** Runs a scenario of page.ts; a failure carries the page's log. */
async function run<T, A = undefined>(
  p: Page,
  scenario: (rtx: Rtx, arg: A) => Promise<T>,
  arg?: A,
): Promise<T> {
  try {
    return (await p.evaluate(
      // Serialized into the page: `scenario` travels as source text.
      async ([source, a]) => {
        const rtx = (window as unknown as { rtx: Rtx }).rtx;
        const fn = (0, eval)(`(${source})`) as (r: Rtx, a: unknown) => Promise<unknown>;
        return fn(rtx, a);
      },
      [scenario.toString(), arg] as const,
    )) as T;
  } catch (error) {
    throw new Error(`${(error as Error).message}\npage log:\n${pageLog.join('\n')}`);
  }
}

/** Samples per second between the first and the last chunk (the first one's samples are not counted). */
function samplesPerSecond(chunks: Chunk[]): number {
  const counted = chunks.slice(1).reduce((sum, c) => sum + c.length, 0);
  return counted / ((chunks[chunks.length - 1].at - chunks[0].at) / 1000);
}

describe('fromMicrophone in Chromium', () => {
  let at24k: MicResult;

  it('gives 20 ms frames of exactly 480 samples at 24 kHz, in real time', async () => {
    at24k = await run(page, (rtx) => rtx.microphone(24_000, 1500));
    const { chunks, info } = at24k;
    expect(info.sampleRate).toBe(24_000);
    expect(chunks.length).toBeGreaterThan(50);
    for (const c of chunks)
      expect(c).toMatchObject({ length: 480, samplesPerChannel: 480, sampleRate: 24_000, numChannels: 1 });
    const rate = samplesPerSecond(chunks);
    expect(rate).toBeGreaterThan(24_000 * 0.85);
    expect(rate).toBeLessThan(24_000 * 1.15);
  });

  it('hears the fake device (it beeps)', () => {
    expect(Math.max(...at24k.chunks.map((c) => c.peak))).toBeGreaterThan(0.05);
  });

  it('stops the tracks and closes its context on unsubscribe', () => {
    expect(at24k.trackStatesBefore).toEqual(['live']);
    expect(at24k.trackStatesAfter).toEqual(['ended']);
    expect(at24k.contextStateAfter).toBe('closed');
  });

  it('without sampleRate, emits 20 ms chunks at the context rate and reports that rate', async () => {
    const native = await run(page, (rtx) => rtx.microphone(undefined, 1000));
    const rate = native.contextSampleRate;
    expect(native.info).toMatchObject({ sampleRate: rate, contextSampleRate: rate });
    expect(rate).toBeGreaterThanOrEqual(8000);
    for (const c of native.chunks) expect(c.length).toBe(Math.round(rate * 0.02));
    const measured = samplesPerSecond(native.chunks);
    expect(measured).toBeGreaterThan(rate * 0.85);
    expect(measured).toBeLessThan(rate * 1.15);
    expect(native.trackStatesAfter).toEqual(['ended']);
  });

  it.each([
    ['NotAllowedError', /permission denied/],
    ['NotFoundError', /no microphone found/],
    ['NotReadableError', /could not be started/],
  ])('maps getUserMedia %s to AudioError(device)', async (name, message) => {
    const result = (await run(page, (rtx, n: string) => rtx.microphoneError(n), name)) as ErrorResult;
    expect(result).toMatchObject({ name: 'AudioError', kind: 'device' });
    expect(result.message).toMatch(message);
    expect(result.message).toContain(name);
  });

  it('errors with AudioError(device) without AudioWorklet, as the player does', async () => {
    const { microphone, player } = await run(page, (rtx) => rtx.withoutAudioWorklet());
    for (const result of [microphone, player]) {
      expect(result).toMatchObject({ name: 'AudioError', kind: 'device' });
      expect((result as ErrorResult).message).toMatch(/AudioWorklet is not available/);
    }
  });

  it('errors with AudioError(device) when the browser denies the microphone', async () => {
    // --use-fake-ui-for-media-stream grants whatever the permission store says, so deny in a browser without it.
    const args = ARGS.filter((a) => a !== '--use-fake-ui-for-media-stream').concat(
      '--deny-permission-prompts',
    );
    const denying = await chromium.launch({ executablePath: CHROMIUM, args, timeout: 30_000 });
    try {
      const p = await open(await denying.newContext());
      const result = (await run(p, (rtx) => rtx.microphoneError())) as ErrorResult;
      expect(result).toMatchObject({ name: 'AudioError', kind: 'device' });
      expect(result.message).toMatch(/permission denied \(NotAllowedError: .*\); allow the microphone/);
    } finally {
      await denying.close();
    }
  });
});

describe('createAudioPlayer in Chromium', () => {
  let r: PlayerResult;

  beforeAll(async () => {
    r = await run(page, (rtx) => rtx.player());
  });

  it('plays in a running context and queues what it is given', () => {
    expect(r.contextState).toBe('running');
    expect(r.queuedAt0.bufferedMs).toBeCloseTo(1000, 0);
    expect(r.queuedAt0.itemId).toBe('item_a');
  });

  it('advances playedMs$ with playback: monotonic, about the elapsed time, never past what was queued', () => {
    const values = r.first.map((e) => e.ms);
    expect(values[0]).toBe(0); // the current value, on subscribe
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]);
    expect(r.at500.playedMs).toBeGreaterThanOrEqual(300);
    expect(r.at500.playedMs).toBeLessThanOrEqual(Math.min(1000, r.at500.elapsed + 50));
    for (const e of r.first) expect(e.ms).toBeLessThanOrEqual(e.elapsed + 50); // only one output buffer ahead of the clock
    // steps of about reportIntervalMs (20 ms), not of every render quantum (2.7 ms)
    const steps = values.slice(2).map((v, i) => v - values[i + 1]);
    expect(steps.reduce((a, b) => a + b, 0) / steps.length).toBeGreaterThanOrEqual(15);
    expect(r.at500.bufferedMs + r.at500.playedMs).toBeCloseTo(1000, -1);
  });

  it('clear() drops the rest at once: bufferedMs 0, playedMs$ back to 0 and staying there', () => {
    expect(r.afterClear.bufferedMs).toBe(0);
    expect(r.afterClear.playedMs).toBe(0);
    expect(r.afterClear.itemId).toBeUndefined();
    expect(r.afterClearEmissions).toEqual([]);
  });

  it('restarts playedMs$ at 0 when playback reaches another item', () => {
    const b = r.twoItems.filter((e) => e.itemId === 'item_b').map((e) => e.ms);
    const c = r.twoItems.filter((e) => e.itemId === 'item_c').map((e) => e.ms);
    expect(Math.max(...b)).toBeGreaterThanOrEqual(250);
    expect(Math.max(...b)).toBeLessThanOrEqual(300);
    expect(c[0]).toBeLessThan(50); // the reset
    expect(r.drained).toMatchObject({ bufferedMs: 0, itemId: 'item_c' });
    expect(r.drained.playedMs).toBe(300); // the last report is exact once drained
  });

  it('close() closes the context it created and completes playedMs$', () => {
    expect(r.closedContextState).toBe('closed');
    expect(r.playedMsCompleted).toBe(true);
  });
});
