// Builds the browser example, serves it on http://127.0.0.1:8080/ and starts the dev server
// (`realtime-rx serve`, from the sources) on ws://127.0.0.1:8011. Ctrl-C stops both.
//
//   node examples/browser/serve.mjs [--port 8080] [--dev-port 8011] [--no-dev-server] [--outdir DIR]
//
// It is also the page's own server, as your app has one: the page never holds an API key, it asks
// POST /realtime/client-secret for a short-lived one, which this server mints from the realtime server.
//
// 127.0.0.1 (or localhost) counts as a secure context, which getUserMedia and AudioWorklet require.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildExample } from './build.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

/** One line on the error stream, never a stack trace, and the exit code. */
function fail(message, code) {
  console.error(`serve.mjs: ${message}`);
  process.exit(code);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string', default: '8080' },
      'dev-port': { type: 'string', default: '8011' },
      'no-dev-server': { type: 'boolean', default: false },
      outdir: { type: 'string' },
    },
  }));
} catch (error) {
  fail(`${error.message.split('\n')[0]} (options: --port N, --dev-port N, --no-dev-server, --outdir DIR)`, 2);
}
const portOf = (flag) => {
  const port = Number(values[flag]);
  if (values[flag].trim() === '' || !Number.isInteger(port) || port < 0 || port > 65_535)
    fail(`--${flag} needs a port number from 0 to 65535, got ${JSON.stringify(values[flag])}`, 2);
  return port;
};
const port = portOf('port');
const devPort = portOf('dev-port');
const outdir = values.outdir === undefined ? join(here, 'dist') : resolve(values.outdir);

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };
const files = createServer((request, response) => {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (path === '/realtime/client-secret') return void handOutClientSecret(request, response);
  // Only index.html and the bundle are served.
  const file =
    path === '/' ? join(here, 'index.html') : join(outdir, normalize(path).replace(/^\/dist\//, ''));
  const servable = file === join(here, 'index.html') || file.startsWith(outdir + '/');
  if (!servable || !existsSync(file)) return void response.writeHead(404).end('not found\n');
  response.writeHead(200, {
    'content-type': `${TYPES[extname(file)] ?? 'application/octet-stream'}; charset=utf-8`,
  });
  response.end(readFileSync(file));
});
// Listen before building, so that a busy port is said at once.
await new Promise((done, failed) => {
  files.once('error', failed);
  files.listen(port, '127.0.0.1', done);
}).catch((error) => {
  const why = error.code === 'EADDRINUSE' ? 'the port is already in use (EADDRINUSE)' : error.message;
  fail(`cannot listen on 127.0.0.1:${port}: ${why}`, 1);
});

await buildExample({ outdir });

/**
 * POST /realtime/client-secret `{ url }`: what your server does for its page. It mints a client secret
 * with POST /v1/realtime/client_secrets and hands the page `{ value, expires_at }`, never its own key.
 * Here the realtime server is the local dev server the page connects to (`url`); in an app it is
 * https://api.openai.com/v1/realtime/client_secrets, called with `Authorization: Bearer <your API key>`.
 */
async function handOutClientSecret(request, response) {
  const answer = (status, body) =>
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  if (request.method !== 'POST') return answer(405, { error: 'use POST' });
  let chunks = '';
  for await (const chunk of request) chunks += chunk;
  let target;
  try {
    target = new URL(JSON.parse(chunks || '{}').url);
  } catch {
    return answer(400, { error: 'the body must be {"url": "ws://127.0.0.1:8011"}' });
  }
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname))
    return answer(400, {
      error: `this example mints keys from a local dev server only, not from ${target.host}`,
    });
  const mintUrl = `http://${target.host}/v1/realtime/client_secrets`;
  try {
    const minted = await fetch(mintUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        session: { type: 'realtime', instructions: 'Be brief.' },
        expires_after: { anchor: 'created_at', seconds: 600 },
      }),
    });
    const body = await minted.json();
    if (!minted.ok)
      return answer(502, { error: `${mintUrl} answered ${minted.status}: ${body.error?.message}` });
    answer(200, { value: body.value, expires_at: body.expires_at });
  } catch (error) {
    answer(502, {
      error: `could not mint at ${mintUrl}: ${error.cause?.code ?? error.cause?.message ?? error.message}`,
    });
  }
}

let devServer;
let stopping = false;
if (!values['no-dev-server']) {
  const tsx = createRequire(import.meta.url).resolve('tsx/cli');
  devServer = spawn(
    process.execPath,
    [tsx, join(root, 'src/cli/main.ts'), 'serve', '--port', String(devPort)],
    { stdio: 'inherit' },
  );
  // The dev server says why it stopped (one `realtime-rx:` line); the page is of no use without it.
  devServer.on('exit', (code) => {
    if (stopping || !code) return;
    stop();
    process.exitCode = code;
  });
}

const query = devPort === 8011 ? '' : `?url=ws://127.0.0.1:${devPort}`;
console.log(`open http://127.0.0.1:${files.address().port}/${query} and press Talk (Ctrl-C stops)`);

function stop() {
  stopping = true;
  devServer?.kill('SIGINT');
  files.closeAllConnections();
  files.close();
}
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
