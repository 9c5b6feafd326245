// Ctrl-C during `realtime-rx talk`: the summary, a partial --out, exit 130.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav } from '../../src/index';
import { SPEECH_S, speechWav, startCli, stopAll } from './cliProcess';

jest.setTimeout(30_000);

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'realtime-rx-interrupt-'));
  writeFileSync(join(dir, 'speech.wav'), speechWav(8.6)); // 10 s: the echo comes long before the end
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

afterEach(stopAll);

describe('realtime-rx talk: SIGINT', () => {
  it('while the reply plays: closes the conversation, writes the reply so far as a valid WAV, prints the summary, exits 130', async () => {
    const out = join(dir, 'partial.wav');
    // The embedded dev server: it must be closed on the way out too, or the process would not exit.
    const talk = startCli('talk', '--in', join(dir, 'speech.wav'), '--out', out);
    await talk.waitFor(/first audio\.out/, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 300)); // some of the echo, not all of it
    talk.child.kill('SIGINT');
    const { code, stdout, stderr } = await talk.exited;

    expect(code).toBe(130);
    expect(stderr).toMatch(/^\[talk\] SIGINT: closing the conversation/m);
    expect(stderr).not.toMatch(/^realtime-rx:/m);
    const sent = Number(/audio frames sent (\d+)/.exec(stdout)?.[1]);
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(500); // 10 s is 500 frames: cut short
    expect(stdout).toMatch(/closed: requested, code 1000/);
    const received = Number(/audio\.out (\d+)/.exec(stdout)?.[1]);
    expect(received).toBeGreaterThan(0);

    expect(existsSync(out)).toBe(true);
    const wav = decodeWav(readFileSync(out));
    expect(wav.sampleRate).toBe(24_000);
    const seconds = wav.samples.length / wav.sampleRate;
    expect(seconds).toBeCloseTo(received * 0.02, 5); // every frame received, and only those
    expect(seconds).toBeLessThan(SPEECH_S - 0.2); // a part of the echo
    expect(stdout).toContain(`[talk] wrote ${out}: ${seconds.toFixed(2)} s at 24000 Hz`);
  });
});
