// examples/telephony.ts runs as written: a μ-law call against the dev server, the reply in μ-law.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeWav } from '../../src/index';

const root = join(__dirname, '../..');

it('examples/telephony.ts: the caller is heard, the reply comes back as 8 kHz μ-law frames, the WAV holds it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'telephony-'));
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', require.resolve('tsx'), join(root, 'examples/telephony.ts')],
      { cwd: dir, timeout: 30_000 },
    );
    expect(stdout).toContain('caller stopped at 800 ms');
    expect(stdout).toMatch(/reply done \(completed\), \d+ tokens/);
    const [, frames, bytes] = /reply: (\d+) frames of g711_ulaw at 8000 Hz, (\d+) bytes/.exec(stdout) ?? [];
    expect(Number(frames)).toBeGreaterThan(30);
    expect(Number(bytes)).toBeGreaterThan(0.6 * 8000); // most of the 0.8 s the caller spoke
    expect(stdout).toContain('closed: requested');
    const wav = decodeWav(new Uint8Array(readFileSync(join(dir, 'telephony-reply.wav'))));
    expect(wav.sampleRate).toBe(8000);
    expect(wav.samples.length).toBe(Number(bytes));
    expect(Math.max(...wav.samples.map(Math.abs))).toBeGreaterThan(0.1);
  } finally {
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }
});
