// `realtime-rx talk` against `realtime-rx serve`, each in its own child process, as a user runs them.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav, encodeWav, floatToPcm16 } from '../../src/index';
import { refusedPort } from '../helpers';

const ROOT = join(__dirname, '../..');
const CLI = ['--import', 'tsx', join(ROOT, 'src/cli/main.ts')];
const RATE = 44_100;
const SPEECH_S = 1.4;

let dir: string;
let serve: ChildProcess | undefined;
let serveOutput = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'realtime-rx-talk-'));
  // 2 s of stereo 44.1 kHz: 1.4 s of speech-like syllables (160 ms voiced, 40 ms gaps), then 0.6 s of silence.
  const frames = 2 * RATE;
  const stereo = new Float32Array(frames * 2);
  for (let i = 0; i < SPEECH_S * RATE; i++) {
    const t = i / RATE;
    const inSyllable = (t % 0.2) / 0.16;
    if (inSyllable >= 1) continue;
    const envelope = Math.sin(Math.PI * inSyllable) ** 0.3;
    const value =
      0.3 *
      envelope *
      (Math.sin(2 * Math.PI * 150 * t) +
        0.5 * Math.sin(2 * Math.PI * 300 * t) +
        0.25 * Math.sin(2 * Math.PI * 450 * t));
    stereo[2 * i] = value;
    stereo[2 * i + 1] = value;
  }
  writeFileSync(
    join(dir, 'speech.wav'),
    encodeWav(floatToPcm16(stereo), { sampleRate: RATE, numChannels: 2 }),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

afterEach(async () => {
  if (serve && serve.exitCode === null) {
    const exited = new Promise((resolve) => serve!.once('exit', resolve));
    serve.kill('SIGTERM');
    await exited;
  }
  serve = undefined;
});

/** Starts `realtime-rx serve --port 0 ...` and resolves with its URL. */
function startServe(...flags: string[]): Promise<string> {
  serveOutput = '';
  serve = spawn(process.execPath, [...CLI, 'serve', '--port', '0', ...flags], { cwd: ROOT });
  serve.stdout!.on('data', (chunk: Buffer) => (serveOutput += chunk.toString()));
  serve.stderr!.on('data', (chunk: Buffer) => (serveOutput += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timeout = setTimeout(() => reject(new Error(`serve did not start: ${serveOutput}`)), 10_000);
    serve!.stdout!.on('data', () => {
      const url = /listening on (ws:\/\/\S+)/.exec(serveOutput)?.[1];
      if (url) {
        clearTimeout(timeout);
        resolve(url);
      }
    });
  });
}

/** Runs `realtime-rx talk ...` to the end. */
function runTalk(...args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    let output = '';
    const talk = spawn(process.execPath, [...CLI, 'talk', ...args], {
      cwd: ROOT,
      env: { ...process.env, OPENAI_API_KEY: 'sk-test-never-printed-123' },
    });
    talk.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    talk.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    talk.on('exit', (code) => resolve({ code, output }));
  });
}

const waitForServeLine = async (pattern: RegExp) => {
  for (let i = 0; i < 200 && !pattern.test(serveOutput); i++) await new Promise((r) => setTimeout(r, 25));
  return pattern.exec(serveOutput);
};

describe('realtime-rx talk against realtime-rx serve (child processes)', () => {
  it('sends a 2 s WAV, gets the speech echoed into reply.wav, and its summary matches what the server recorded', async () => {
    const url = await startServe();
    const reply = join(dir, 'reply.wav');
    const { code, output } = await runTalk(
      '--url',
      url,
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
    expect(output).not.toContain('sk-test-never-printed');

    const line = await waitForServeLine(
      /audio in (\d+) frames \(([\d.]+) s\), texts in (\d+), replies (\d+) \((\d+) frames, ([\d.]+) s\), closed (\d+)/,
    );
    expect(line).not.toBeNull();
    const [, framesIn, secondsIn, textsIn, replies, replyFrames, replySeconds, closeCode] = line!;
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

  it('--drop-after-ms: talk reports transport_closed with code 1006 and exits 0', async () => {
    const url = await startServe('--drop-after-ms', '300');
    const { code, output } = await runTalk('--url', url, '--text', 'hi', '--idle-ms', '5000');
    expect(output).toMatch(/closed: transport_closed, code 1006/);
    expect(code).toBe(0);
    expect(await waitForServeLine(/closed 1006/)).not.toBeNull();
  });

  it('a refused connection: talk says why at once and exits 1 (no text sent into a closed conversation)', async () => {
    const port = await refusedPort();
    const started = Date.now();
    const { code, output } = await runTalk(
      '--url',
      `http://127.0.0.1:${port}`,
      '--text',
      'hi',
      '--timeout-ms',
      '30000',
    );
    expect(output).toMatch(/closed: error, connect ECONNREFUSED/);
    expect(output).not.toMatch(/not running/);
    expect(code).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000); // not the 30 s deadline
  });

  it('--error-after-ms: talk reports the error and exits 1', async () => {
    const url = await startServe('--error-after-ms', '300');
    const { code, output } = await runTalk('--url', url, '--idle-ms', '5000');
    expect(output).toMatch(/closed: error, code 1000, dev server: error injected after 300 ms/);
    expect(code).toBe(1);
  });

  it('--stall-reads: audio is dropped and counted while the text survives the stall', async () => {
    // 2 minutes of silence sent as fast as possible: about 8 MB of frames, more than loopback buffers hold.
    writeFileSync(
      join(dir, 'long.wav'),
      encodeWav(new Int16Array(8_000 * 120), { sampleRate: 8_000, numChannels: 1 }),
    );
    const url = await startServe('--stall-reads', '1500');
    const { code, output } = await runTalk(
      '--url',
      url,
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
    expect(await waitForServeLine(new RegExp(`audio in ${sent} frames`))).not.toBeNull();
  });
});
