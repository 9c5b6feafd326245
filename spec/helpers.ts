import { createServer } from 'node:net';
import { firstValueFrom, type Observable } from 'rxjs';
import type { Conversation, RealtimeAudioFrame } from '../src/index';

/** Everything an observable emits, and a promise of its completion. */
export function record<T>(source: Observable<T>): { values: T[]; done: Promise<T[]> } {
  const values: T[] = [];
  const done = new Promise<T[]>((resolve, reject) =>
    source.subscribe({ next: (v) => values.push(v), error: reject, complete: () => resolve(values) }),
  );
  return { values, done };
}

/** Resolves with the first value that matches, or rejects after `ms`. */
export function waitFor<T>(values: T[], match: (value: T) => boolean, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      const found = values.find(match);
      if (found !== undefined) return resolve(found);
      if (Date.now() - started > ms)
        return reject(new Error(`timed out after ${ms} ms; saw ${JSON.stringify(values).slice(0, 500)}`));
      setTimeout(check, 5);
    };
    check();
  });
}

/** A PCM16 mono frame of `samples` samples at `sampleRate`, filled with `fill`. */
export function pcmFrame(samples: number, sampleRate = 24_000, fill = 0): RealtimeAudioFrame {
  const pcm = new Int16Array(samples).fill(fill);
  return {
    data: Buffer.from(pcm.buffer).toString('base64'),
    sampleRate,
    numChannels: 1,
    samplesPerChannel: samples,
  };
}

/** A loopback port that nothing listens on (bound, then released). */
export async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The current stats of a conversation (`stats$` emits a snapshot on subscription). */
export function statsOf<T>(stats$: Observable<T>): Promise<T> {
  return firstValueFrom(stats$);
}

/** Runs `fn` with globalThis.Buffer hidden, as in a browser; Buffer is back before anything is asserted. */
export function withoutBuffer<T>(fn: () => T): T {
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'Buffer')!;
  Object.defineProperty(globalThis, 'Buffer', { value: undefined, configurable: true, writable: true });
  try {
    return fn();
  } finally {
    Object.defineProperty(globalThis, 'Buffer', saved);
  }
}

/** Closes a conversation (if any) and waits for its `events$` to complete. */
export async function closeConversation(conversation: Conversation | undefined): Promise<void> {
  if (conversation === undefined) return;
  const done = record(conversation.events$).done;
  conversation.close();
  await done;
}
