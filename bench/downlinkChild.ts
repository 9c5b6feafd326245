/*
 * One client in a process of its own, for the downlink workload (forked by bench/downlinkProcess.ts):
 * it loads only its own client, opens one session, then receives the audio deltas the server floods,
 * on command, timing each batch with `process.cpuUsage()`. The first batch meets code that has never
 * run in this process (cold, as a user's process is when the first answer streams in); later batches
 * meet it warmed up. Nothing else runs here, so the CPU time is the client's alone.
 */
import { getHeapSpaceStatistics } from 'node:v8';
import type { ConversationOptions } from '../src/index.js';
import { rawWs, realtimeRxWith, type BenchClient, type BenchConnection } from './clients.js';
import type { ChildCommand, ChildReply, ClientFlag } from './downlinkProcess.js';
import { cpuMicros } from './measure.js';
import type { Endpoint } from './serverHandle.js';

async function clientFor(flag: ClientFlag, rxOptions: Partial<ConversationOptions>): Promise<BenchClient> {
  switch (flag) {
    case 'rx':
      return realtimeRxWith(rxOptions);
    case 'raw':
      return rawWs;
    case 'openai':
      return (await import('./sdkClients.js')).openaiNode;
    case 'agents':
      return (await import('./sdkClients.js')).agentsRealtime;
  }
}

/** The memory V8's young generation (its new space) holds now: V8 grows it as objects survive. */
function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

function send(message: ChildReply): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const [flag, endpointJson, rxOptionsJson, timeoutText] = process.argv.slice(2);
  const endpoint = JSON.parse(endpointJson) as Endpoint;
  const client = await clientFor(
    flag as ClientFlag,
    JSON.parse(rxOptionsJson) as Partial<ConversationOptions>,
  );
  let conn: BenchConnection;
  try {
    conn = await client.connect(endpoint, Number(timeoutText));
  } catch (error) {
    send({ kind: 'failed', error: (error as Error).message });
    return;
  }
  process.on('message', (command: ChildCommand) => {
    // The clock starts before the parent asks the server to flood: the wait costs next to nothing.
    const cpu0 = cpuMicros();
    const faults0 = process.resourceUsage().minorPageFault;
    const t0 = performance.now();
    const before = conn.audioOut;
    void conn.whenAudioOut(before + command.count).then(() => {
      send({
        kind: 'received',
        id: command.id,
        received: conn.audioOut - before,
        cpuMicros: cpuMicros() - cpu0,
        wallMicros: (performance.now() - t0) * 1000,
        minorFaults: process.resourceUsage().minorPageFault - faults0,
        youngGenerationBytes: youngGenerationBytes(),
      });
    });
    send({ kind: 'armed', id: command.id });
  });
  // The parent is the only reason to live.
  process.once('disconnect', () => {
    void conn.close().finally(() => process.exit(0));
  });
  send({ kind: 'ready' });
}

main().catch((error: unknown) => {
  send({ kind: 'failed', error: (error as Error).stack ?? String(error) });
  process.exit(1);
});
