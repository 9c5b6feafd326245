// The example end to end, as a user runs it: the built app in headless Chromium, served with its Node
// side (key-server.mjs's endpoint, minting with createClientSecret), against a dev server that accepts
// only the keys it minted. The user clicks Talk, types a text the dev server's scripted model answers
// with a call of get_weather, sees the tool's output and the answer in the item list, and clicks Stop.
// Run by ci.sh after `npm run build`; needs the repository's playwright-core (which downloads nothing)
// and Chromium (scripts/ensure-chromium.mjs). Ends with the line "angular e2e: N passed, N failed".
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeWav } from 'realtime-rx';
import { startDevServer } from 'realtime-rx/testing';
import { clientSecretEndpoint } from './key-server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const app = join(here, 'dist/realtime-rx-angular/browser');
const { chromium } = createRequire(join(here, '../../package.json'))('playwright-core');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WAIT_MS = 15_000;

let passed = 0;
let failed = 0;
/** One check: passes when `run` resolves, fails (with what the page shows) when it throws. */
async function check(name, run) {
  try {
    await run();
    passed++;
    console.log(`ok   ${name}`);
  } catch (error) {
    failed++;
    console.log(`FAIL ${name}\n     ${String(error?.message ?? error).split('\n').join('\n     ')}`);
    if (page) console.log(`     the page shows: ${(await page.locator('body').innerText().catch(() => '?')).replace(/\s+/g, ' ')}`);
  }
}

const serverLog = [];
// Silence for the fake microphone: the dev server hears no speech, so only the typed text gets answers.
const work = mkdtempSync(join(tmpdir(), 'angular-e2e-'));
const silence = join(work, 'silence.wav');
writeFileSync(silence, encodeWav(new Int16Array(48_000), { sampleRate: 48_000, numChannels: 1 }));

const devServer = await startDevServer({ requireClientSecret: true, log: (line) => serverLog.push(line) });
const realtimeUrl = devServer.url.replace(/^ws/, 'http');
const endpoint = clientSecretEndpoint({ realtimeUrl, apiKey: 'dev-server' });
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
const files = createServer((request, response) => {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (path === '/realtime/client-secret') return void endpoint(request, response);
  const file = join(app, path === '/' ? 'index.html' : normalize(path));
  let body;
  try {
    if (!file.startsWith(app + '/')) throw new Error('outside');
    body = readFileSync(file);
  } catch {
    return void response.writeHead(404).end();
  }
  response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
});
await new Promise((resolve) => files.listen(0, '127.0.0.1', resolve));

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-quic',
    '--no-first-run',
    '--disable-component-update',
    '--disable-sync',
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-audio-capture=${silence}`,
    '--autoplay-policy=no-user-gesture-required',
  ],
});
const page = await browser.newPage();
const items = () => page.locator('ol.items li').allInnerTexts();

try {
  await page.goto(`http://127.0.0.1:${files.address().port}/`);

  await check('Talk: the page gets a key from its server and connects with it', async () => {
    await page.locator('button.talk').click();
    await page.locator('.status', { hasText: /^open$/ }).waitFor({ timeout: WAIT_MS });
    if (!serverLog.some((line) => line.includes('minted client secret 1')))
      throw new Error(`the dev server minted no key:\n${serverLog.join('\n')}`);
    if (serverLog.some((line) => line.includes('refused a handshake')))
      throw new Error(`the dev server refused a handshake:\n${serverLog.join('\n')}`);
  });

  await check('a text makes the model call get_weather; the tool runs and its output is answered', async () => {
    await page.locator('.say input').fill('call get_weather {"city":"Paris"}');
    await page.locator('.say button').click();
    await page
      .locator('ol.items li', { hasText: 'tool function_call_output: {"city":"Paris","sky":"sunny","celsius":21}' })
      .waitFor({ timeout: WAIT_MS });
  });

  await check('the item list shows the turn: the text, the call, its output, the answer', async () => {
    await page
      .locator('ol.items li', { hasText: /assistant message: The function call \S+ returned/ })
      .waitFor({ timeout: WAIT_MS });
    const lines = (await items()).map((line) => line.replace(/\s+/g, ' ').trim());
    const expected = [
      /^user message: call get_weather \{"city":"Paris"\}$/,
      /^assistant function_call: get_weather\(\{"city":"Paris"\}\)$/,
      /^tool function_call_output: \{"city":"Paris","sky":"sunny","celsius":21\}$/,
      /^assistant message: The function call \S+ returned/,
    ];
    if (lines.length !== expected.length || !expected.every((pattern, i) => pattern.test(lines[i])))
      throw new Error(`the items are\n${lines.join('\n')}`);
  });

  // E2E_SCREENSHOT=page.png keeps a picture of the page at its fullest, to look at.
  if (process.env.E2E_SCREENSHOT) await page.screenshot({ path: process.env.E2E_SCREENSHOT, fullPage: true });

  await check('Stop closes the conversation: closed: requested (1000)', async () => {
    await page.locator('button.stop').click();
    await page.locator('.closed', { hasText: 'closed: requested (1000)' }).waitFor({ timeout: WAIT_MS });
  });
} finally {
  await browser.close();
  files.close();
  await devServer.close();
  rmSync(work, { recursive: true, force: true });
}

console.log(`\nangular e2e: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
