#!/usr/bin/env node
// Holds a realtime round with the real Codex CLI (the `@openai/codex` npm package, pinned) in each of
// its realtime protocol versions, v1, v2 and v3, against `realtime-rx serve`, fully offline, and prints
// what it checked. Exits 1 when a round fails; exits 0 with a SKIPPED line only when the CLI cannot be
// installed (or its binary does not run on this platform).
//
//   node scripts/codex-rounds.mjs [--serve-from src|dist] [--codex PATH] [--versions v1,v2,v3]
//
// The CLI is installed once into a cache folder outside the repository (REALTIME_RX_CODEX_CACHE, else
// $XDG_CACHE_HOME/realtime-rx/codex-<version>, else ~/.cache/...); the repository does not depend on it.
// Each round: `codex app-server` (JSON-RPC over stdio) with a CODEX_HOME whose config.toml points the
// realtime WebSocket at `serve` and everything else (model provider, proxies) at a local server that
// refuses, then thread/realtime/start, 400 ms of tone and 700 ms of silence, a user text, a developer
// text, a text to speak, and thread/realtime/stop.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const CODEX_VERSION = '0.171.0';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WAIT_MS = 10_000;
const RATE = 24_000;
const CHUNK = 480; // 20 ms, as a microphone sends it
const TONE_MS = 400;
const SILENCE_MS = 700;

const { values } = parseArgs({
  options: {
    'serve-from': { type: 'string', default: 'src' },
    codex: { type: 'string' },
    versions: { type: 'string', default: 'v1,v2,v3' },
  },
});
const versions = values.versions.split(',');
for (const v of versions) if (!['v1', 'v2', 'v3'].includes(v)) usage(`unknown version ${JSON.stringify(v)}`);
if (!['src', 'dist'].includes(values['serve-from'])) usage('--serve-from must be src or dist');

function usage(problem) {
  console.error(
    `codex-rounds: ${problem}\nusage: node scripts/codex-rounds.mjs [--serve-from src|dist] [--codex PATH] [--versions v1,v2,v3]`,
  );
  process.exit(2);
}

const cacheDir =
  process.env.REALTIME_RX_CODEX_CACHE ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'realtime-rx', `codex-${CODEX_VERSION}`);

// --- the CLI ---

/** The command that runs the CLI: the given binary, else the package's launcher in the cache (installed if need be). */
function codexCommand() {
  if (values.codex !== undefined) return [values.codex];
  const launcher = join(cacheDir, 'node_modules', '@openai', 'codex', 'bin', 'codex.js');
  const installed = join(cacheDir, 'node_modules', '@openai', 'codex', 'package.json');
  const version = existsSync(installed) ? JSON.parse(readFileSync(installed, 'utf8')).version : undefined;
  if (version !== CODEX_VERSION) {
    console.log(`codex-rounds: installing @openai/codex@${CODEX_VERSION} into ${cacheDir}`);
    try {
      mkdirSync(cacheDir, { recursive: true });
      if (!existsSync(join(cacheDir, 'package.json')))
        writeFileSync(join(cacheDir, 'package.json'), '{ "private": true }\n');
    } catch (error) {
      skip(`cannot use the cache folder ${cacheDir}: ${error.message}`);
    }
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const run = spawnSync(
      npm,
      [
        'install',
        '--prefix',
        cacheDir,
        '--save-exact',
        '--no-audit',
        '--no-fund',
        `@openai/codex@${CODEX_VERSION}`,
      ],
      { cwd: cacheDir, encoding: 'utf8', timeout: 180_000 },
    );
    if (run.status !== 0) {
      const why =
        (run.error?.message ?? `${run.stderr}`.trim().split('\n').slice(-3).join(' / ')) ||
        `exit ${run.status}`;
      skip(`could not install @openai/codex@${CODEX_VERSION} into ${cacheDir}: ${why}`);
    }
  }
  return [process.execPath, launcher];
}

function skip(why) {
  console.log(`codex-rounds: SKIPPED (the Codex CLI rounds did not run): ${why}`);
  process.exit(0);
}

// --- processes ---

/** Every child still running and CODEX_HOME still there: ended and removed if this script is stopped (e.g. by CI's `timeout`). */
const children = new Set();
const homes = new Set();
function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
for (const signal of ['SIGINT', 'SIGTERM'])
  process.once(signal, () => {
    console.log(`codex-rounds: stopped by ${signal}`);
    for (const child of children) child.kill('SIGKILL');
    for (const home of homes) rmSync(home, { recursive: true, force: true });
    process.exit(1);
  });

/** A local HTTP server that refuses everything, proxy CONNECTs included: Codex's only way out. */
async function startRefuser() {
  const seen = [];
  const server = createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    response.writeHead(403).end('offline\n');
  });
  server.on('connect', (request, socket) => {
    seen.push(`CONNECT ${request.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.address().port, seen, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** `realtime-rx serve --port 0`, from the sources (tsx) or the build. */
async function startServe() {
  const entry =
    values['serve-from'] === 'dist'
      ? [join(ROOT, 'dist', 'cjs', 'cli', 'main.js')]
      : ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts')];
  const child = track(spawn(process.execPath, [...entry, 'serve', '--port', '0'], { cwd: ROOT }));
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`serve did not start within ${WAIT_MS} ms:\n${output}`)),
      WAIT_MS,
    );
    const check = () => {
      const found = /listening on (ws:\/\/\S+)/.exec(output);
      if (found === null) return;
      clearTimeout(timer);
      resolve(found[1]);
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => reject(new Error(`serve exited (${code}) before listening:\n${output}`)));
  });
  return {
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    },
  };
}

/** `codex app-server` with its own CODEX_HOME; requests and notifications over stdio. */
function startAppServer(command, { home, servePort, refuserPort, version }) {
  writeFileSync(
    join(home, 'config.toml'),
    [
      'check_for_update_on_startup = false',
      'model_provider = "local"',
      `experimental_realtime_ws_base_url = "http://127.0.0.1:${servePort}"`,
      'experimental_realtime_ws_startup_context = ""',
      '',
      '[model_providers.local]',
      'name = "local"',
      `base_url = "http://127.0.0.1:${refuserPort}/v1"`,
      'env_key = "OPENAI_API_KEY"',
      'wire_api = "responses"',
      '',
      '[realtime]',
      `version = "${version}"`,
      '',
      '[features]',
      'plugins = false',
      'remote_plugin = false',
      'api_key_model_discovery = false',
      'apps = false',
      'in_app_updates = false',
      '',
      '[analytics]',
      'enabled = false',
      '',
    ].join('\n'),
  );
  const proxy = `http://127.0.0.1:${refuserPort}`;
  const child = track(
    spawn(command[0], [...command.slice(1), 'app-server'], {
      cwd: home,
      env: {
        ...process.env,
        CODEX_HOME: home,
        OPENAI_API_KEY: 'sk-test-local',
        NO_COLOR: '1',
        HTTPS_PROXY: proxy,
        HTTP_PROXY: proxy,
        https_proxy: proxy,
        http_proxy: proxy,
        NO_PROXY: '127.0.0.1,localhost',
        no_proxy: '127.0.0.1,localhost',
      },
    }),
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const notifications = [];
  const pending = new Map();
  let nextId = 0;
  createInterface({ input: child.stdout }).on('line', (line) => {
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      return;
    }
    if (message.id !== undefined && pending.has(message.id)) {
      pending.get(message.id)(message);
      pending.delete(message.id);
    } else if (message.method !== undefined) notifications.push({ ...message, at: Date.now() });
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    notifications,
    stderr: () => stderr,
    notify: (method, params) =>
      child.stdin.write(`${JSON.stringify(params ? { method, params } : { method })}\n`),
    /** Sends a request; resolves with its result, rejects with its error. */
    request: (method, params) =>
      within(
        new Promise((resolve, reject) => {
          const id = ++nextId;
          pending.set(id, (answer) =>
            answer.error !== undefined
              ? reject(new Error(`${method}: ${JSON.stringify(answer.error)}`))
              : resolve(answer.result),
          );
          child.stdin.write(`${JSON.stringify({ id, method, params })}\n`);
        }),
        `the answer to ${method}`,
      ),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await within(exited, 'app-server to exit').catch(() => child.kill('SIGKILL'));
    },
  };
}

/** `a, b ×3, c`: a list with its repeats counted. */
function runs(names) {
  const out = [];
  for (const name of names) {
    const last = out.at(-1);
    if (last?.name === name) last.count++;
    else out.push({ name, count: 1 });
  }
  return out.map(({ name, count }) => (count > 1 ? `${name} ×${count}` : name)).join(', ');
}

function within(promise, what, ms = WAIT_MS) {
  let timer;
  return Promise.race([
    promise,
    new Promise(
      (_, reject) =>
        (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)),
    ),
  ]).finally(() => clearTimeout(timer));
}

// --- a round ---

function toneChunks() {
  const chunks = [];
  for (let t = 0; t < TONE_MS + SILENCE_MS; t += 20) {
    const pcm = new Int16Array(CHUNK);
    if (t < TONE_MS)
      for (let i = 0; i < CHUNK; i++)
        pcm[i] = Math.round(0.3 * 32767 * Math.sin((2 * Math.PI * 200 * ((t * RATE) / 1000 + i)) / RATE));
    chunks.push(pcm);
  }
  return chunks;
}

const base64 = (pcm) => Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64');

/** What each version's stand-in answers: the round is the same, what the CLI reports differs. */
const EXPECT = {
  v1: {
    label: 'v1 (quicksilver)',
    path: '/v1/realtime?intent=quicksilver&model=',
    speechDetected: 'user transcript deltas (v1 reports no speech start)',
    userText: {
      itemAdded: { role: 'user', text: 'hello from the rounds' },
      answer: 'You said: "hello from the rounds"',
    },
    developerText: { itemAdded: { role: 'developer', text: 'a developer note' } },
    speech: 'speak this please',
    textsIn: 2,
  },
  v2: {
    label: 'v2 (default, the GA protocol)',
    path: '/v1/realtime?model=',
    speechDetected: 'itemAdded input_audio_buffer.speech_started',
    userText: { itemAdded: { role: 'user', text: '[USER] hello from the rounds' } },
    developerText: { itemAdded: { role: 'system', text: 'a developer note' } },
    speech: 'You said: "[BACKEND] speak this please"',
    textsIn: 3,
  },
  v3: {
    label: 'v3 (/v1/live)',
    path: '/v1/live?model=',
    speechDetected: 'user transcript deltas (v3 reports no speech start)',
    userText: { answer: 'You said: "hello from the rounds"' },
    developerText: { answer: 'You said: "a developer note"' },
    speech: 'speak this please',
    textsIn: 3,
  },
};

async function round(command, version, { serve, refuser, checks }) {
  const expected = EXPECT[version];
  const home = mkdtempSync(join(cacheDir, 'home-'));
  homes.add(home);
  const app = startAppServer(command, {
    home,
    servePort: new URL(serve.url).port,
    refuserPort: refuser.port,
    version,
  });
  const check = (what) => {
    checks.push(what);
    console.log(`  ✓ ${what}`);
  };
  const realtime = (suffix) => app.notifications.filter((n) => n.method === `thread/realtime/${suffix}`);
  /** Waits for a thread/realtime notification that matches, seen after index `from` of the notifications. */
  const waitFor = async (what, test, from = 0) => {
    const started = Date.now();
    for (;;) {
      const found = app.notifications
        .slice(from)
        .find((n) => n.method.startsWith('thread/realtime/') && test(n));
      if (found !== undefined) return found;
      const failure = realtime('error')[0] ?? realtime('closed')[0];
      if (failure !== undefined && !test(failure))
        throw new Error(`waiting for ${what}, got ${failure.method} ${JSON.stringify(failure.params)}`);
      if (Date.now() - started > WAIT_MS) {
        throw new Error(
          `timed out after ${WAIT_MS} ms waiting for ${what}; notifications so far: ${runs(app.notifications.map((n) => n.method))}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const transcriptDone = (role, text) => (n) =>
    n.method === 'thread/realtime/transcript/done' && n.params.role === role && n.params.text === text;
  const itemAdded =
    ({ role, text }) =>
    (n) =>
      n.method === 'thread/realtime/itemAdded' &&
      n.params.item.role === role &&
      n.params.item.content?.[0]?.text === text;
  try {
    await app.request('initialize', {
      clientInfo: { name: 'realtime_rx_rounds', title: null, version: '1.0.0' },
      capabilities: { experimentalApi: true, requestAttestation: false },
    });
    app.notify('initialized');
    const { thread } = await app.request('thread/start', { ephemeral: true, cwd: home });
    const threadId = thread.id;
    await app.request('thread/realtime/start', {
      threadId,
      version,
      transport: { type: 'websocket' },
      outputModality: 'audio',
      prompt: 'You are the realtime-rx dev server.',
      includeStartupContext: false,
    });
    const started = await waitFor('thread/realtime/started', (n) => n.method === 'thread/realtime/started');
    if (started.params.version !== version) throw new Error(`started as ${started.params.version}`);
    check(
      `started: thread/realtime/started ${version}${version === 'v3' ? ' (the CLI waits for session.started)' : ''}`,
    );

    const tone = toneChunks();
    for (const pcm of tone)
      await app.request('thread/realtime/appendAudio', {
        threadId,
        audio: {
          data: base64(pcm),
          sampleRate: RATE,
          numChannels: 1,
          samplesPerChannel: CHUNK,
          itemId: null,
        },
      });
    check(
      `audio in: ${tone.length} chunks of 20 ms (${TONE_MS} ms of a 200 Hz tone, then ${SILENCE_MS} ms of silence)`,
    );
    if (version === 'v2')
      await waitFor(
        'speech detected',
        (n) =>
          n.method === 'thread/realtime/itemAdded' &&
          n.params.item.type === 'input_audio_buffer.speech_started',
      );
    else
      await waitFor(
        'speech detected',
        (n) => n.method === 'thread/realtime/transcript/delta' && n.params.role === 'user',
      );
    check(`speech detected: ${expected.speechDetected}`);
    const transcript = `(${(TONE_MS / 1000).toFixed(2)} s of audio)`;
    await waitFor(`the user transcript ${transcript}`, transcriptDone('user', transcript));
    check(`user transcript: "${transcript}"`);
    await waitFor('the echo to end', transcriptDone('assistant', '(echo)'));
    const frames = realtime('outputAudio/delta');
    const echoed = Buffer.concat(frames.map((n) => Buffer.from(n.params.audio.data, 'base64')));
    const sent = Buffer.concat(tone.slice(0, TONE_MS / 20).map((pcm) => Buffer.from(pcm.buffer)));
    if (!echoed.equals(sent))
      throw new Error(
        `the echo is not the tone: ${echoed.length / 2} samples back for ${sent.length / 2} sent`,
      );
    const rates = [
      ...new Set(frames.map((n) => `${n.params.audio.sampleRate} Hz/${n.params.audio.numChannels} ch`)),
    ];
    check(
      `echoed audio: ${frames.length} outputAudio/delta frames (${rates.join(', ')}), the tone sample for sample; assistant transcript "(echo)"`,
    );

    let from = app.notifications.length;
    await app.request('thread/realtime/appendText', {
      threadId,
      text: 'hello from the rounds',
      role: 'user',
    });
    const { itemAdded: userItem, answer } = expected.userText;
    const seen = [];
    if (userItem) {
      await waitFor('the user text item', itemAdded(userItem), from);
      seen.push(`itemAdded ${JSON.stringify(userItem.text)}`);
    }
    if (answer) {
      await waitFor('the quote of the text', transcriptDone('assistant', answer), from);
      seen.push(`assistant transcript ${JSON.stringify(answer)}`);
    }
    check(`text in: ${seen.join(', ')}`);

    from = app.notifications.length;
    await app.request('thread/realtime/appendText', {
      threadId,
      text: 'a developer note',
      role: 'developer',
    });
    if (expected.developerText.itemAdded)
      await waitFor('the developer item', itemAdded(expected.developerText.itemAdded), from);
    else
      await waitFor(
        'the developer text quoted',
        transcriptDone('assistant', expected.developerText.answer),
        from,
      );
    check(
      `developer text accepted: ${expected.developerText.itemAdded ? `itemAdded with role ${expected.developerText.itemAdded.role}` : `assistant transcript ${JSON.stringify(expected.developerText.answer)} (v3 has no roles)`}`,
    );

    from = app.notifications.length;
    await app.request('thread/realtime/appendSpeech', { threadId, text: 'speak this please' });
    await waitFor('the text to speak, said', transcriptDone('assistant', expected.speech), from);
    check(`speech: assistant transcript ${JSON.stringify(expected.speech)}`);

    await app.request('thread/realtime/stop', { threadId });
    await waitFor(
      'closed (requested)',
      (n) => n.method === 'thread/realtime/closed' && n.params.reason === 'requested',
    );
    const unexpected = [
      ...realtime('error'),
      ...realtime('closed').filter((n) => n.params.reason !== 'requested'),
    ];
    if (unexpected.length > 0)
      throw new Error(`unexpected: ${JSON.stringify(unexpected.map((n) => [n.method, n.params]))}`);
    check('stop: thread/realtime/closed "requested", no error notification in the whole round');

    const line = await within(
      (async () => {
        for (;;) {
          const lines = serve
            .output()
            .split('\n')
            .filter((l) => l.includes(` ${expected.path}`));
          if (lines.length > 0) return lines.at(-1);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })(),
      `serve's log line for the ${version} connection`,
    );
    const stats = /sess_dev_\d+: audio in (\d+) frames .*texts in (\d+), replies (\d+) .*closed (\d+)/.exec(
      line,
    );
    if (
      stats === null ||
      Number(stats[1]) !== tone.length ||
      Number(stats[2]) !== expected.textsIn ||
      Number(stats[3]) !== 1 ||
      stats[4] !== '1006'
    )
      throw new Error(`serve logged: ${line}`);
    check(`serve: session acknowledged and logged: ${line.replace(/^\[serve\] /, '')}`);
  } catch (error) {
    const tail = app.stderr().trim().split('\n').slice(-15).join('\n    ');
    throw new Error(`${error.message}${tail ? `\n    app-server stderr (last lines):\n    ${tail}` : ''}`);
  } finally {
    await app.stop();
    rmSync(home, { recursive: true, force: true });
    homes.delete(home);
  }
}

// --- main ---

const began = Date.now();
const command = codexCommand();
const probe = spawnSync(command[0], [...command.slice(1), '--version'], {
  encoding: 'utf8',
  timeout: 30_000,
});
if (probe.status !== 0) {
  const why = `${command.join(' ')} --version: ${probe.error?.message ?? (probe.stderr.trim() || `exit ${probe.status}`)}`;
  // A binary given with --codex must run; the package's may not support this platform.
  if (values.codex !== undefined) {
    console.log(`codex-rounds: FAILED: ${why}`);
    process.exit(1);
  }
  skip(`the installed Codex CLI does not run here (${why})`);
}
const codexVersion = probe.stdout.trim();

const refuser = await startRefuser();
let serve;
let failed = 0;
try {
  serve = await startServe();
  console.log(
    `codex-rounds: ${codexVersion} against realtime-rx serve (${values['serve-from']}) at ${serve.url}`,
  );
  for (const version of versions) {
    console.log(`${EXPECT[version].label}:`);
    const roundBegan = Date.now();
    const checks = [];
    try {
      await round(command, version, { serve, refuser, checks });
      console.log(
        `  ${version}: passed (${checks.length} checks, ${((Date.now() - roundBegan) / 1000).toFixed(1)} s)`,
      );
    } catch (error) {
      failed++;
      console.log(`  ✗ ${error.message}`);
      console.log(`  ${version}: FAILED after ${checks.length} checks`);
    }
  }
  console.log(
    refuser.seen.length === 0
      ? 'codex-rounds: offline: nothing went to the model provider or the proxies (a local server that refuses)'
      : `codex-rounds: refused on the way out (offline): ${refuser.seen.join(', ')}`,
  );
} finally {
  await serve?.stop();
  await refuser.close();
}
const passed = versions.length - failed;
console.log(
  `codex-rounds: ${passed} of ${versions.length} rounds passed in ${((Date.now() - began) / 1000).toFixed(1)} s`,
);
process.exit(failed === 0 ? 0 : 1);
