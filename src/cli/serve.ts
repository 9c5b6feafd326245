import { startDevServer } from '../server/devServer.js';
import { errorText } from '../protocol/errors.js';
import {
  bytesOption,
  dialectOption,
  msOption,
  parseCommandLine,
  portOption,
  takeLoneFlag,
  textOption,
} from './options.js';

const HELP = `usage: realtime-rx serve [options]

  --port N              port to listen on (default 8011; 0 picks a free one)
  --host ADDR           interface (default 127.0.0.1)
  --dialect NAME        wire protocol: openai (default: OpenAI Realtime GA, any path, e.g.
                        /v1/realtime?model=gpt-realtime; also the Codex CLI's realtime v2) or
                        codex (path /ws); the Codex CLI's realtime v1 and v3 are recognised per
                        request, whatever the dialect
  --latency-ms N        delay every server frame by N ms
  --drop-after-ms N     drop each connection abruptly (client sees 1006) N ms after it opens
  --error-after-ms N    send a server error N ms after each connection opens
  --stall-reads [N]     stop reading each socket after the session message (for N ms, or for good)
  --require-client-secret
                        refuse every connection without a live key minted by
                        POST /v1/realtime/client_secrets
  --client-secret-ttl-ms N
                        every minted key expires after N ms (to test renewals)
  --max-frame-bytes N   refuse (close 1009) an inbound frame over N bytes (default 1048576;
                        0: no limit)
  --max-send-buffer-bytes N
                        stop reading a client while over N bytes of its replies are unread
                        (default 1048576; 0: no limit); one still over it 10 s later is dropped
  --handshake-timeout-ms N
                        drop a connection whose handshake takes longer (default 10000; 0: Node's
                        own, 60 s)

exit codes: 0 stopped (Ctrl-C, SIGTERM), 1 could not listen, 2 bad option`;

/** Runs the dev server until SIGINT/SIGTERM. Every flag is checked before it listens. */
export async function serveCommand(argv: string[]): Promise<number> {
  // `--stall-reads` may come without a value: stall for good.
  const stallFlag = takeLoneFlag(argv, '--stall-reads');
  const values = parseCommandLine('serve', stallFlag.argv, {
    port: { type: 'string', default: '8011' },
    host: { type: 'string', default: '127.0.0.1' },
    dialect: { type: 'string', default: 'openai' },
    'latency-ms': { type: 'string' },
    'drop-after-ms': { type: 'string' },
    'error-after-ms': { type: 'string' },
    'stall-reads': { type: 'string' },
    'require-client-secret': { type: 'boolean' },
    'client-secret-ttl-ms': { type: 'string' },
    'max-frame-bytes': { type: 'string' },
    'max-send-buffer-bytes': { type: 'string' },
    'handshake-timeout-ms': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const port = portOption(values.port, '--port')!;
  const host = textOption(values.host, '--host')!;
  const dialect = dialectOption(values.dialect);
  const options = {
    port,
    host,
    dialect,
    latencyMs: msOption(values['latency-ms'], '--latency-ms'),
    dropAfterMs: msOption(values['drop-after-ms'], '--drop-after-ms'),
    errorAfterMs: msOption(values['error-after-ms'], '--error-after-ms'),
    stallReads: stallFlag.lone ? true : msOption(values['stall-reads'], '--stall-reads'),
    requireClientSecret: values['require-client-secret'] === true,
    clientSecretTtlMs: msOption(values['client-secret-ttl-ms'], '--client-secret-ttl-ms'),
    maxFrameBytes: bytesOption(values['max-frame-bytes'], '--max-frame-bytes'),
    maxSendBufferBytes: bytesOption(values['max-send-buffer-bytes'], '--max-send-buffer-bytes'),
    handshakeTimeoutMs: msOption(values['handshake-timeout-ms'], '--handshake-timeout-ms'),
    log: (line: string) => console.log(line),
  };
  const server = await startDevServer(options).catch((error: unknown) => {
    throw new Error(listenFailure(error, host, port));
  });
  console.log(`[serve] listening on ${server.url} (dialect ${dialect})`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return 0;
}

const LISTEN_PROBLEMS: Record<string, string> = {
  EADDRINUSE: 'the port is already in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'this machine has no such address',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved',
};

/** Why the server could not listen, in one line: the address, the cause in words, the system's code. */
export function listenFailure(error: unknown, host: string, port: number): string {
  const code = (error as { code?: unknown }).code;
  const problem = typeof code === 'string' ? LISTEN_PROBLEMS[code] : undefined;
  const message = errorText(error);
  return `cannot listen on ${host}:${port}: ${problem === undefined ? message : `${problem} (${String(code)})`}`;
}
