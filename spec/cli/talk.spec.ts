// `realtime-rx talk` against `realtime-rx serve`, each in its own child process, as a user runs them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav, encodeWav } from '../../src/index';
import { refusedPort } from '../helpers';
import { runCli, SPEECH_S, speechWav, startServe, stopAll, TEST_KEY } from './cliProcess';

jest.setTimeout(30_000);

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'realtime-rx-talk-'));
  writeFileSync(join(dir, 'speech.wav'), speechWav(0.6)); // 2 s in all
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

afterEach(stopAll);

describe('realtime-rx talk against realtime-rx serve (child processes)', () => {
  it('sends a 2 s WAV, gets the speech echoed into reply.wav, and its summary matches what the server recorded', async () => {
    const serve = await startServe();
    const reply = join(dir, 'reply.wav');
    const { code, output } = await runCli(
      'talk',
      '--url',
      serve.url,
      '--in',
      join(dir, 'speech.wav'),
      '--text',
      'hello there',
      '--out',
      reply,
      '--no-realtime',
      '--idle-ms',
      '800',
    );
    expect(code).toBe(0);
    expect(output).not.toContain(TEST_KEY);

    const line = await serve.waitFor(
      /audio in (\d+) frames \(([\d.]+) s\), texts in (\d+), replies (\d+) \((\d+) frames, ([\d.]+) s\), closed (\d+)/,
    );
    const [, framesIn, secondsIn, textsIn, replies, replyFrames, replySeconds, closeCode] = line;
    expect(Number(framesIn)).toBe(100); // 2 s in 20 ms frames
    expect(Number(secondsIn)).toBe(2);
    expect(Number(textsIn)).toBe(1);
    expect(Number(replies)).toBe(1);
    expect(closeCode).toBe('1000');

    const summary = (label: RegExp) => Number(label.exec(output)?.[1]);
    expect(summary(/audio frames sent (\d+)/)).toBe(Number(framesIn));
    expect(summary(/dropped (\d+)/)).toBe(0);
    expect(summary(/texts sent (\d+)/)).toBe(1);
    expect(summary(/audio\.out (\d+)/)).toBe(Number(replyFrames));
    expect(output).toMatch(/closed: requested, code 1000/);
    expect(output).toMatch(/time to first audio \d+ ms/);

    const wav = decodeWav(readFileSync(reply));
    expect(wav.sampleRate).toBe(24_000);
    expect(wav.numChannels).toBe(1);
    const seconds = wav.samples.length / wav.sampleRate;
    expect(Math.abs(seconds - Number(replySeconds))).toBeLessThanOrEqual(0.02);
    expect(Math.abs(seconds - SPEECH_S)).toBeLessThanOrEqual(0.1); // the echoed speech, within 100 ms
  });

  it('prints each transcript as it completes: the reply to the text, the user speech (--transcribe) and its echo', async () => {
    // A second of silence first, paced at real time: the text's reply is over before the speech starts.
    writeFileSync(join(dir, 'late-speech.wav'), speechWav(0.6, 1));
    const serve = await startServe();
    const { code, stdout, stderr } = await runCli(
      'talk',
      '--url',
      serve.url,
      '--in',
      join(dir, 'late-speech.wav'),
      '--text',
      'hello there',
      '--transcribe',
      'gpt-4o-mini-transcribe',
      '--idle-ms',
      '800',
    );
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const transcripts = stdout.split('\n').filter((line) => /^\[talk\] (user|assistant):/.test(line));
    expect(transcripts).toEqual([
      '[talk] assistant: You said: "hello there"',
      expect.stringMatching(/^\[talk\] user: \([\d.]+ s of audio\)$/),
      '[talk] assistant: (echo)',
    ]);
    // The dev server's transcription says how much speech its VAD heard.
    const heard = Number(/user: \(([\d.]+) s of audio\)/.exec(transcripts[1])?.[1]);
    expect(Math.abs(heard - SPEECH_S)).toBeLessThanOrEqual(0.2);
    expect(/transcript\.done (\d+)/.exec(stdout)?.[1]).toBe('3');
  });

  it('--dialect codex: the quoted reply to a text is printed from its message item (the embedded server)', async () => {
    const { code, stdout } = await runCli(
      'talk',
      '--dialect',
      'codex',
      '--text',
      'hello codex',
      '--idle-ms',
      '300',
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\[talk\] assistant: You said: "hello codex"$/m);
  });

  it('--drop-after-ms: talk reports transport_closed with code 1006 and exits 6', async () => {
    const serve = await startServe('--drop-after-ms', '300');
    const { code, stdout, stderr } = await runCli(
      'talk',
      '--url',
      serve.url,
      '--text',
      'hi',
      '--idle-ms',
      '5000',
    );
    expect(stdout).toMatch(/closed: transport_closed, code 1006/);
    expect(stderr).toMatch(/^realtime-rx: the connection closed before talk closed it \(code 1006\)$/m);
    expect(code).toBe(6);
    await serve.waitFor(/closed 1006/);
  });

  it('a refused connection: talk says why at once, on the error stream, and exits 3 (no text sent into a closed conversation)', async () => {
    const port = await refusedPort();
    const started = Date.now();
    const { code, stdout, stderr } = await runCli(
      'talk',
      '--url',
      `http://127.0.0.1:${port}`,
      '--text',
      'hi',
      '--timeout-ms',
      '30000',
    );
    expect(stdout).toMatch(/closed: error, connect ECONNREFUSED/);
    expect(stderr).toMatch(/^realtime-rx: could not connect: connect ECONNREFUSED 127\.0\.0\.1:\d+$/m);
    expect(stdout).not.toMatch(/not running/);
    expect(code).toBe(3);
    expect(Date.now() - started).toBeLessThan(10_000); // not the 30 s deadline
  });

  it('--error-after-ms: talk prints the error, reports it and exits 5', async () => {
    const serve = await startServe('--error-after-ms', '300');
    const { code, stdout, stderr } = await runCli('talk', '--url', serve.url, '--idle-ms', '5000');
    expect(stdout).toMatch(/closed: error, code 1000, dev server: error injected after 300 ms/);
    expect(stderr).toMatch(/^\[talk\] server error \S+: dev server: error injected after 300 ms$/m);
    expect(stderr).toMatch(
      /^realtime-rx: the conversation ended in error: dev server: error injected after 300 ms$/m,
    );
    expect(code).toBe(5);
  });

  it('--stall-reads: audio is dropped and counted while the text survives the stall', async () => {
    // 2 minutes of silence sent as fast as possible: about 8 MB of frames, more than loopback buffers hold.
    writeFileSync(
      join(dir, 'long.wav'),
      encodeWav(new Int16Array(8_000 * 120), { sampleRate: 8_000, numChannels: 1 }),
    );
    const serve = await startServe('--stall-reads', '1500');
    const { code, output } = await runCli(
      'talk',
      '--url',
      serve.url,
      '--in',
      join(dir, 'long.wav'),
      '--text',
      'survivor',
      '--no-realtime',
      '--idle-ms',
      '2500',
    );
    expect(code).toBe(0);
    const sent = Number(/audio frames sent (\d+)/.exec(output)?.[1]);
    const dropped = Number(/dropped (\d+)/.exec(output)?.[1]);
    expect(dropped).toBeGreaterThan(0);
    expect(sent + dropped).toBe(6000);
    expect(output).toMatch(/texts sent 1, still queued 0/);
    expect(output).toMatch(/transcript\.done 1/); // the quoted reply to the text
    await serve.waitFor(new RegExp(`audio in ${sent} frames`));
  });
});
