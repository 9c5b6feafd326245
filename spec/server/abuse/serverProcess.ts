// The dev server alone in a child process, so that its memory can be measured apart from the clients
// that attack it. argv[2]: the options as JSON. Prints `url <url>` once listening; answers each stdin
// line `rss` with `rss <bytes>` (after a full GC, so what is counted is what is still held), and each
// line `lag` with `lag <ms>`: the longest its event loop was blocked since the last `lag`.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { startDevServer, type DevServerOptions } from '../../../src/server/devServer';

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as DevServerOptions;
  const server = await startDevServer(options);
  console.log(`url ${server.url}`);
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line === 'lag') {
      console.log(`lag ${Math.round(lag.max / 1e6)}`);
      lag.reset();
      return;
    }
    if (line !== 'rss') return;
    (globalThis as { gc?: () => void }).gc?.();
    console.log(`rss ${process.memoryUsage().rss}`);
  });
  lines.on('close', () => void server.close().then(() => process.exit(0)));
}

void main();
