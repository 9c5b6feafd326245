// `realtime-rx talk`'s exit codes (docs/cli.md), each against a local server that fails in one way.
import { createServer, type Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  openaiServerEvent,
  rawFrame,
  startScriptedServer,
  type ScriptedConnection,
  type ScriptedServer,
} from '../../src/testing';
import { runCli, speechWav, startServe, STACK_TRACE, stopAll, TEST_KEY } from './cliProcess';

jest.setTimeout(30_000);

let dir: string;
let scripted: ScriptedServer | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'realtime-rx-exit-'));
  writeFileSync(join(dir, 'speech.wav'), speechWav(1.6)); // 3 s
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

afterEach(async () => {
  await stopAll();
  await scripted?.close();
  scripted = undefined;
});

/** Starts a scripted server that plays `connection` (the script of its one connection); resolves with its URL. */
async function scriptedUrl(connection: ScriptedConnection): Promise<string> {
  scripted = await startScriptedServer([connection], { perMessageDeflate: false });
  return scripted.url;
}

const sessionStarted = [openaiServerEvent('session.created'), openaiServerEvent('session.updated')];

describe('realtime-rx talk: exit codes', () => {
  it('3: a handshake answered 401 never connects; the status is on the error stream, the key nowhere', async () => {
    const url = await scriptedUrl({
      batches: [],
      reject: { status: 401, body: '{"error":{"message":"Incorrect API key provided"}}' },
    });
    const { code, stdout, stderr } = await runCli(
      'talk',
      '--url',
      url,
      '--text',
      'hi',
      '--out',
      join(dir, 'x.wav'),
    );
    expect(code).toBe(3);
    // The status and the server's reason, in the one line.
    expect(stderr).toMatch(/^realtime-rx: could not connect: .*401.*Incorrect API key provided/m);
    expect(stdout).toMatch(/texts sent 0, still queued 0/);
    expect(stdout).toMatch(/did not write .*x\.wav: the conversation never opened/);
    expect(stdout + stderr).not.toContain(TEST_KEY);
    expect(stderr).not.toMatch(STACK_TRACE);
  });

  it('3: a handshake that never completes is given up after --connect-timeout-ms', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket)); // takes the TCP connection, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const started = Date.now();
      const { code, stderr } = await runCli(
        'talk',
        '--url',
        `ws://127.0.0.1:${port}`,
        '--text',
        'hi',
        '--connect-timeout-ms',
        '500',
      );
      expect(code).toBe(3);
      expect(stderr).toMatch(
        /^realtime-rx: could not connect: the handshake did not complete within 500 ms$/m,
      );
      expect(Date.now() - started).toBeLessThan(10_000); // not the 10 s default
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('3: --timeout-ms before the connection opens', async () => {
    const url = await scriptedUrl({ batches: [], acceptDelayMs: 5_000 });
    const { code, stderr } = await runCli('talk', '--url', url, '--text', 'hi', '--timeout-ms', '400');
    expect(code).toBe(3);
    expect(stderr).toMatch(/^realtime-rx: could not connect: no connection within 400 ms \(--timeout-ms\)$/m);
  });

  it('4: --timeout-ms with input not yet sent (3 s of audio paced at real time, cut at 1 s)', async () => {
    const serve = await startServe();
    const { code, stdout, stderr } = await runCli(
      'talk',
      '--url',
      serve.url,
      '--in',
      join(dir, 'speech.wav'),
      '--text',
      'hi',
      '--timeout-ms',
      '1000',
    );
    expect(code).toBe(4);
    const sent = Number(/audio frames sent (\d+)/.exec(stdout)?.[1]);
    const dropped = Number(/dropped (\d+)/.exec(stdout)?.[1]);
    expect(sent).toBeGreaterThan(0);
    expect(sent + dropped).toBeLessThan(150);
    expect(stdout).toMatch(/closed: requested, code 1000/);
    const unsent = 150 - sent - dropped;
    expect(stderr).toMatch(
      new RegExp(
        `^realtime-rx: --timeout-ms 1000 came before the input was sent: ${unsent} audio frames not sent$`,
        'm',
      ),
    );
  });

  it('0: --timeout-ms after all the input was sent is a close as asked', async () => {
    const serve = await startServe();
    // --idle-ms longer than the timeout: the timeout closes it, with everything sent.
    const { code, stdout, stderr } = await runCli(
      'talk',
      '--url',
      serve.url,
      '--text',
      'hi',
      '--idle-ms',
      '5000',
      '--timeout-ms',
      '800',
    );
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/texts sent 1, still queued 0/);
  });

  it('5: a server error, with invalid frames before it: every detail is printed on the error stream', async () => {
    const url = await scriptedUrl({
      batches: [
        [
          ...sessionStarted,
          rawFrame('{"type": "response.done", oops'),
          { type: 'response.created' }, // no `response`: refused by the decoder
          openaiServerEvent('error', {
            error: {
              type: 'invalid_request_error',
              code: 'scripted_refusal',
              message: 'the script\nsays no',
            },
          }),
        ],
      ],
      keepOpen: true,
    });
    const { code, stdout, stderr } = await runCli('talk', '--url', url, '--idle-ms', '5000');
    expect(code).toBe(5);
    const problems = stderr.split('\n').filter(Boolean);
    expect(problems).toEqual([
      expect.stringMatching(/^\[talk\] invalid frame: .*JSON/),
      expect.stringMatching(/^\[talk\] invalid response\.created: .*response/),
      '[talk] server error scripted_refusal: the script says no',
      'realtime-rx: the conversation ended in error: the script says no',
    ]);
    expect(stdout).toMatch(/events session\.created 1, session\.updated 1, invalid 2, error 1, closed 1/);
    expect(stdout).toMatch(/^ {2}closed: error, code 1000, the script says no$/m);
  });

  it('6: the server closes with 1011 after the session started', async () => {
    const url = await scriptedUrl({
      batches: [sessionStarted],
      closeCode: 1011,
      closeReason: 'internal fault',
    });
    const { code, stdout, stderr } = await runCli('talk', '--url', url, '--idle-ms', '5000');
    expect(code).toBe(6);
    expect(stdout).toMatch(/closed: transport_closed, code 1011, internal fault/);
    expect(stderr).toMatch(
      /^realtime-rx: the connection closed before talk closed it \(code 1011: internal fault\)$/m,
    );
  });

  const refusals: [string[], number, RegExp][] = [
    [['--idle-ms', 'abc'], 2, /^realtime-rx: --idle-ms needs a number >= 0, got "abc"$/],
    [
      ['--timeout-ms', '1e10'],
      2,
      /^realtime-rx: --timeout-ms needs a number of ms from 0 to 2147483647, got "1e10"$/,
    ],
    [
      ['--connect-timeout-ms'],
      2,
      /^realtime-rx: --connect-timeout-ms needs a value \(see realtime-rx talk --help\)$/,
    ],
    [['--dialect', 'gemini'], 2, /^realtime-rx: --dialect must be one of codex, openai, got "gemini"$/],
    [
      ['--url', 'ftp://example.com'],
      2,
      /^realtime-rx: --url: unsupported url scheme "ftp": expected http, https, ws or wss$/,
    ],
    [
      ['--transcribe', 'whisper-1', '--dialect', 'codex'],
      2,
      /^realtime-rx: --transcribe works with --dialect openai only$/,
    ],
    [['--txt', 'hi'], 2, /^realtime-rx: unknown option --txt \(see realtime-rx talk --help\)$/],
    [['--in', 'no-such.wav'], 1, /^realtime-rx: --in no-such\.wav: no such file$/],
    [
      ['--in', 'package.json'],
      1,
      /^realtime-rx: --in package\.json: not a WAV file we can read: WAV: not a RIFF file/,
    ],
    [
      ['--out', 'no-such-folder/reply.wav'],
      1,
      /^realtime-rx: --out no-such-folder\/reply\.wav: no such folder /,
    ],
  ];

  it.each(refusals)(
    '%j: refused in one line before anything starts (no embedded server), exit %d',
    async (flags, code, line) => {
      const run = await runCli('talk', ...flags);
      expect(run.code).toBe(code);
      expect(run.stdout).toBe('');
      expect(run.stderr.split('\n').filter(Boolean)).toEqual([expect.stringMatching(line)]);
    },
  );
});
