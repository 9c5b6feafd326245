/*
 * The IPC protocol between the bench (parent, the measured client process) and its server
 * (bench/server.ts, a forked child): the parent sends a Command with an id, the child answers with
 * a Reply carrying the same id.
 */

/** A text the server received, with when it was sent (stamped by the client) and when it arrived. */
export interface TextArrival {
  seq: number;
  /** client clock (performance.timeOrigin + performance.now()) when the app handed the text over */
  sentAt: number;
  /** server clock, same formula, when the server read it */
  arrivedAt: number;
}

export interface ServerCounts {
  /** `input_audio_buffer.append` frames read since the last reset */
  audio: number;
  /** bytes of those frames' payloads */
  audioBytes: number;
  /** `conversation.item.create` texts read since the last reset */
  texts: number;
  /** any other message (session.update, response.create, ...) since the last reset */
  other: number;
  /** pings read since the last reset (each answered by a pong) */
  pings: number;
  /** open connections now */
  connections: number;
  /** the server process's CPU time since it started, in µs (user + system) */
  cpuMicros: number;
}

export type Command =
  | { id: number; cmd: 'reset' }
  | { id: number; cmd: 'counts' }
  | { id: number; cmd: 'texts' }
  /** answers once `audio >= target` (the parent times out on its side) */
  | { id: number; cmd: 'waitAudio'; target: number }
  /** answers once `texts >= target` */
  | { id: number; cmd: 'waitTexts'; target: number }
  /** sends `count` audio deltas to every open connection; answers when all were handed to the socket */
  | { id: number; cmd: 'flood'; count: number }
  /** the congested uplink forwards this many bytes/s of each connection (null: all at once) */
  | { id: number; cmd: 'throttle'; bytesPerSecond: number | null }
  /** drops every open connection; answers once none is left */
  | { id: number; cmd: 'closeAll' }
  /** the server's clock now, to estimate the offset to the parent's */
  | { id: number; cmd: 'clock' }
  /**
   * the server reads its sockets in turns `ms` apart, sleeping in between, instead of whenever a
   * client writes (null: whenever a client writes again); see bench/server.ts
   */
  | { id: number; cmd: 'readInTurns'; ms: number | null };

export type Reply =
  | { id: number; ok: true; counts?: ServerCounts; texts?: TextArrival[]; clock?: number }
  | { id: number; ok: false; error: string };

/** The first message of the child: where it listens. */
export interface Ready {
  ready: true;
  /** the WebSocket server */
  port: number;
  /** the same server behind the congested uplink (see `throttle`) */
  congestedPort: number;
}

/** The wire prefix of every uplink audio frame, realtime-rx's and the raw client's alike. */
export const AUDIO_PREFIX = '{"type":"input_audio_buffer.append","audio":"';

/** The text content the bench sends: a sequence number and the client's send time. */
export function benchText(seq: number, sentAt: number): string {
  return `bench text #${seq} sent@${sentAt.toFixed(3)}`;
}

export const BENCH_TEXT = /#(\d+) sent@([\d.]+)/;

/** A clock both processes share: the wall clock at process start plus a monotonic high-resolution offset. */
export function clock(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * `count` distinct 20 ms frames of 24 kHz PCM16 that look like a microphone's or a voice's: a tone
 * whose pitch glides from frame to frame, plus noise from a seeded generator (the same every run).
 *
 * The noise matters: base64 of real audio is close to random text, and checking it (a RegExp over
 * 1 280 characters) costs about three times more on random text than on a pure tone, whose
 * repeating characters the CPU's branch predictor learns.
 */
export function testAudio(count: number, seed: number): Int16Array[] {
  let state = seed >>> 0;
  const random = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0; // LCG (Numerical Recipes)
    return state / 2 ** 32;
  };
  return Array.from({ length: count }, (_, k) => {
    const samples = new Int16Array(480);
    const hz = 180 + 7 * k;
    for (let i = 0; i < samples.length; i++)
      samples[i] = Math.round(
        6000 * Math.sin((2 * Math.PI * hz * (i + 480 * k)) / 24_000) + 600 * (random() - 0.5),
      );
    return samples;
  });
}
