// Builds the browser example, serves it on http://127.0.0.1:8080/ and starts the dev server
// (`realtime-rx serve`, from the sources) on ws://127.0.0.1:8011. Ctrl-C stops both.
//
//   node examples/browser/serve.mjs [--port 8080] [--dev-port 8011] [--no-dev-server]
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
    },
  }));
} catch (error) {
  fail(`${error.message.split('\n')[0]} (options: --port N, --dev-port N, --no-dev-server)`, 2);
}
const portOf = (flag) => {
  const port = Number(values[flag]);
  if (values[flag].trim() === '' || !Number.isInteger(port) || port < 0 || port > 65_535)
    fail(`--${flag} needs a port number from 0 to 65535, got ${JSON.stringify(values[flag])}`, 2);
  return port;
};
const port = portOf('port');
const devPort = portOf('dev-port');

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };
const files = createServer((request, response) => {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  // Only index.html and the bundle in dist/ are served.
  const file = path === '/' ? join(here, 'index.html') : join(here, normalize(path));
  const servable = file === join(here, 'index.html') || file.startsWith(join(here, 'dist') + '/');
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

await buildExample();

let devServer;
let stopping = false;
if (!values['no-dev-server']) {
  const tsx = createRequire(import.meta.url).resolve('tsx/cli');
  devServer = spawn(
    process.execPath,
    [tsx, join(root, 'src/cli/main.ts'), 'serve', '--port', String(devPort)],
    {
      stdio: 'inherit',
    },
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
