// `realtime-rx serve`'s refusals: listen failures and bad flags in one line, before anything starts.
import { createServer } from 'node:net';
import { join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import WebSocket from 'ws';
import { connectConversation } from '../../src/index';
import { ROOT, runCli, startCli, startNode, startServe, STACK_TRACE, stopAll } from './cliProcess';

jest.setTimeout(60_000);

afterEach(stopAll);

/** One line on the error stream, nothing on stdout (nothing started), no stack trace. */
function expectOneLine(run: { stdout: string; stderr: string }, line: RegExp): void {
  expect(run.stdout).toBe('');
  expect(run.stderr.split('\n').filter(Boolean)).toEqual([expect.stringMatching(line)]);
  expect(run.stderr).not.toMatch(STACK_TRACE);
}

/** Runs `use(port)` while something else listens on that loopback port. */
async function withBusyPort(use: (port: number) => Promise<void>): Promise<void> {
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  try {
    await use((busy.address() as { port: number }).port);
  } finally {
    await new Promise((resolve) => busy.close(resolve));
  }
}

const inUse = (prefix: string, port: number) =>
  new RegExp(
    `^${prefix}: cannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use \\(EADDRINUSE\\)$`,
  );

describe('realtime-rx serve: listen failures', () => {
  it('a busy port: one line naming the address, exit 1', () =>
    withBusyPort(async (port) => {
      const run = await runCli('serve', '--port', String(port));
      expect(run.code).toBe(1);
      expectOneLine(run, inUse('realtime-rx', port));
    }));

  it('examples/browser/serve.mjs on a busy port: one line, exit 1, before building anything', () =>
    withBusyPort(async (port) => {
      const example = join(ROOT, 'examples/browser/serve.mjs');
      const run = await startNode(example, '--port', String(port), '--no-dev-server').exited;
      expect(run.code).toBe(1);
      expectOneLine(run, inUse('serve\\.mjs', port));
    }));

  it('an address this machine does not have: one line, exit 1', async () => {
    // 192.0.2.0/24 is reserved for documentation: no interface has it, and binding sends nothing.
    const run = await runCli('serve', '--host', '192.0.2.1', '--port', '0');
    expect(run.code).toBe(1);
    expectOneLine(
      run,
      /^realtime-rx: cannot listen on 192\.0\.2\.1:0: this machine has no such address \(EADDRNOTAVAIL\)$/,
    );
  });
});

describe('realtime-rx serve: flags', () => {
  const refusals: [string[], RegExp][] = [
    [['--port', '99999'], /^realtime-rx: --port needs a port number from 0 to 65535, got "99999"$/],
    [['--port', '80.5'], /^realtime-rx: --port needs a port number from 0 to 65535, got "80\.5"$/],
    [['--port'], /^realtime-rx: --port needs a value \(see realtime-rx serve --help\)$/],
    [['--host', ''], /^realtime-rx: --host needs a value, got ""$/],
    [['--dialect', 'gemini'], /^realtime-rx: --dialect must be one of codex, openai, got "gemini"$/],
    [['--latency-ms', 'abc'], /^realtime-rx: --latency-ms needs a number >= 0, got "abc"$/],
    [['--drop-after-ms', '-1'], /^realtime-rx: --drop-after-ms needs a value; for one that starts with "-"/],
    [
      ['--error-after-ms', '9999999999'],
      /^realtime-rx: --error-after-ms needs a number of ms from 0 to 2147483647/,
    ],
    [['--stall-reads', 'abc'], /^realtime-rx: --stall-reads needs a number >= 0, got "abc"$/],
    [
      ['--max-frame-bytes', '1.5'],
      /^realtime-rx: --max-frame-bytes needs a whole number of bytes >= 0, got "1\.5"$/,
    ],
    [['--idle-ms', 'abc'], /^realtime-rx: unknown option --idle-ms \(see realtime-rx serve --help\)$/],
    [['--prot', '8011'], /^realtime-rx: unknown option --prot \(see realtime-rx serve --help\)$/],
    [['8011'], /^realtime-rx: unexpected argument "8011" \(see realtime-rx serve --help\)$/],
  ];

  it.each(refusals)('serve %j: one line naming it, exit 2, nothing started', async (flags, line) => {
    // On port 0 the refusal cannot be a listen failure: the flag is refused before listening.
    const run = await runCli('serve', '--port', '0', ...flags);
    expect(run.code).toBe(2);
    expectOneLine(run, line);
  });

  it('--stall-reads without a value, before another flag or last: the server starts and stops reading for good', async () => {
    const last = await startServe('--stall-reads');
    const first = startCli('serve', '--stall-reads', '--port', '0');
    const [, url] = await first.waitFor(/listening on (ws:\/\/\S+)/);
    expect(last.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    // The server reads nothing after the session message: talk's close frame is never answered, so
    // its close times out and the socket is dropped (1006) instead of closing with 1000.
    const talk = await runCli('talk', '--url', url, '--text', 'hi', '--idle-ms', '200');
    expect(talk.code).toBe(0);
    expect(talk.stdout).toMatch(/closed: requested, code 1006/);
    expect(first.output()).not.toMatch(/connection 1/); // it has not seen the connection end either
  });

  it('--help lists the options and exits 0', async () => {
    const run = await runCli('serve', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/--stall-reads \[N\]/);
    for (const flag of ['--max-frame-bytes N', '--max-send-buffer-bytes N', '--handshake-timeout-ms N'])
      expect(run.stdout).toContain(flag);
  });

  it('--max-frame-bytes: a bigger frame closes that connection with 1009; one within it is answered', async () => {
    const serve = await startServe('--max-frame-bytes', '2000');
    const within = new WebSocket(serve.url, { perMessageDeflate: false });
    const over = new WebSocket(serve.url, { perMessageDeflate: false });
    await Promise.all([within, over].map((socket) => new Promise((resolve) => socket.once('open', resolve))));
    const answered = new Promise((resolve) => within.once('message', resolve));
    const closed = new Promise<number>((resolve) => over.once('close', resolve));
    const item = (text: string) =>
      JSON.stringify({
        type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
      });
    within.send(item('x'.repeat(1800)));
    over.send(item('x'.repeat(2000)));
    expect(await closed).toBe(1009);
    await answered;
    within.close();
  });
});

describe('realtime-rx serve: client secrets from the command line', () => {
  it('--require-client-secret refuses a keyless connection; a minted key connects; --client-secret-ttl-ms expires it', async () => {
    const serve = await startServe('--require-client-secret', '--client-secret-ttl-ms', '300');
    const http = serve.url.replace(/^ws/, 'http');
    const keyless = connectConversation({ url: serve.url });
    const refused = await lastValueFrom(keyless.events$);
    expect(refused).toMatchObject({ type: 'closed', reason: 'error' });
    expect((refused as { detail: string }).detail).toMatch(/401/);

    const minted = (await (
      await fetch(`${http}/v1/realtime/client_secrets`, { method: 'POST', body: '{}' })
    ).json()) as {
      value: string;
    };
    expect(minted.value).toMatch(/^ek_/);
    const keyed = connectConversation({ url: serve.url, apiKey: minted.value });
    const events: string[] = [];
    keyed.events$.subscribe((event) => events.push(event.type));
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (!events.includes('session.created')) return;
        clearInterval(check);
        resolve();
      }, 10);
    });
    keyed.close();
    await new Promise((resolve) => setTimeout(resolve, 400)); // past the key's 300 ms
    const late = await lastValueFrom(connectConversation({ url: serve.url, apiKey: minted.value }).events$);
    expect((late as { detail: string }).detail).toMatch(/expired/);
  });
});
