// Prints the dev server's memory growth and a well-behaved client's worst wait under each attack:
// `node --import tsx spec/server/abuse/measure.ts`. The figures in docs/reliability.md come from it.
import {
  bigFrame,
  endlessSpeech,
  neverReads,
  oddRate,
  startServerProcess,
  wellBehaved,
  type Attack,
} from './attacks';

const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function scenario(name: string, dialect: 'openai' | 'codex', attack: (url: string) => Promise<Attack>) {
  const server = await startServerProcess({ dialect });
  const client = await wellBehaved(server.url, dialect);
  await sleep(500);
  const before = await server.rss();
  await server.lagMs();
  const started = Date.now();
  const attacker = await attack(server.url);
  await sleep(300);
  const lag = await server.lagMs();
  const after = await server.rss();
  const took = Date.now() - started;
  const worst = client.worstWaitMs();
  const dropped = attacker.dropped;
  attacker.end();
  await client.stop();
  await server.stop();
  console.log(
    `${name}: sent ${(attacker.sentBytes / MB).toFixed(1)} MB in ${took} ms, dropped ${dropped}, ` +
      `server RSS +${((after - before) / MB).toFixed(1)} MB, worst wait ${worst} ms, server blocked ${lag} ms at most (${client.answered()} answered)`,
  );
}

async function main(): Promise<void> {
  const only = process.argv[2];
  if (!only || only === 'never-reads')
    await scenario('never reads', 'openai', (url) => neverReads(url, 100 * MB, 5000));
  if (!only || only === 'big-frame') await scenario('64 MB frame', 'openai', (url) => bigFrame(url, 64 * MB));
  if (!only || only === 'endless-speech')
    await scenario('endless speech', 'codex', (url) => endlessSpeech(url, 150));
  if (!only || only === 'huge-rate')
    await scenario('huge rate', 'codex', (url) => oddRate(url, 2_400_000_007));
}

void main();
