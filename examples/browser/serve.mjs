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
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    'dev-port': { type: 'string', default: '8011' },
    'no-dev-server': { type: 'boolean', default: false },
  },
});

await buildExample();

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
await new Promise((done) => files.listen(Number(values.port), '127.0.0.1', done));

let devServer;
if (!values['no-dev-server']) {
  const tsx = createRequire(import.meta.url).resolve('tsx/cli');
  devServer = spawn(
    process.execPath,
    [tsx, join(root, 'src/cli/main.ts'), 'serve', '--port', values['dev-port']],
    { stdio: 'inherit' },
  );
  devServer.on('exit', (code) => code && console.error(`the dev server exited with code ${code}`));
}

const query = values['dev-port'] === '8011' ? '' : `?url=ws://127.0.0.1:${values['dev-port']}`;
console.log(`open http://127.0.0.1:${files.address().port}/${query} and press Talk (Ctrl-C stops)`);

const stop = () => {
  devServer?.kill('SIGINT');
  files.closeAllConnections();
  files.close();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
