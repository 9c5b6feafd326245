import { parseArgs } from 'node:util';
import { startDevServer } from '../server/devServer.js';
import { dialectOption, numberOption } from './options.js';

const HELP = `usage: realtime-rx serve [options]

  --port N              port to listen on (default 8011; 0 picks a free one)
  --host ADDR           interface (default 127.0.0.1)
  --dialect NAME        wire protocol: openai (default: OpenAI Realtime GA, any path, e.g.
                        /v1/realtime?model=gpt-realtime) or codex (path /ws)
  --latency-ms N        delay every server frame by N ms
  --drop-after-ms N     drop each connection abruptly (client sees 1006) N ms after it opens
  --error-after-ms N    send a server error N ms after each connection opens
  --stall-reads [N]     stop reading each socket after the session message (for N ms, or for good)`;

/** Runs the dev server until SIGINT/SIGTERM. */
export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '8011' },
      host: { type: 'string', default: '127.0.0.1' },
      dialect: { type: 'string', default: 'openai' },
      'latency-ms': { type: 'string' },
      'drop-after-ms': { type: 'string' },
      'error-after-ms': { type: 'string' },
      'stall-reads': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    // `--stall-reads` may come without a value.
    strict: false,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const stall = values['stall-reads'];
  const dialect = dialectOption(values.dialect);
  const server = await startDevServer({
    port: numberOption(values.port, '--port'),
    host: String(values.host),
    dialect,
    latencyMs: numberOption(values['latency-ms'], '--latency-ms'),
    dropAfterMs: numberOption(values['drop-after-ms'], '--drop-after-ms'),
    errorAfterMs: numberOption(values['error-after-ms'], '--error-after-ms'),
    stallReads:
      stall === undefined ? undefined : stall === true ? true : numberOption(stall, '--stall-reads'),
    log: (line) => console.log(line),
  });
  console.log(`[serve] listening on ${server.url} (dialect ${dialect})`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return 0;
}
