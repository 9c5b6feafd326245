/*
 * Measuring tools of the bench: CPU time of this (the client) process, heap after a forced GC,
 * percentiles, a drift-free real-time tick loop, and the audio the clients send.
 */
import { testAudio } from './protocol.js';

/** CPU time of this process (user + system, all threads) in µs. */
export function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Whether heap figures mean anything: the bench must run with --expose-gc. */
export const canCollect = gc !== undefined;

export interface Memory {
  heapUsed: number;
  external: number;
  rss: number;
}

/** Memory after a full collection (twice: weak callbacks and finalizers free more on the second). */
export async function settledMemory(): Promise<Memory> {
  if (gc !== undefined) {
    gc();
    await sleep(10);
    gc();
  }
  const { heapUsed, external, arrayBuffers, rss } = process.memoryUsage();
  return { heapUsed, external: external + arrayBuffers, rss };
}

/** The p-th percentile (0–100) by nearest rank; NaN for no samples. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface LoopResult {
  ticks: number;
  /** How late each tick ran after its due time (ms). */
  lateness: number[];
  elapsedMs: number;
}

/**
 * Calls `onTick(i)` for i = 0, 1, … at `start + i × periodMs` until `ticks` ticks have run (or
 * `stop()` says so). Due times come from the start, never from the previous tick, so timer lateness
 * does not accumulate; ticks that came due while the process was busy run at once, in order (as a
 * microphone delivers frames it buffered). One timer drives every connection.
 */
export async function realtimeLoop(
  ticks: number,
  periodMs: number,
  onTick: (tick: number) => void,
  stop: () => boolean = () => false,
): Promise<LoopResult> {
  const start = performance.now();
  const lateness: number[] = [];
  let next = 0;
  while (next < ticks && !stop()) {
    const now = performance.now();
    const due = Math.min(ticks, Math.floor((now - start) / periodMs) + 1);
    while (next < due) {
      lateness.push(performance.now() - (start + next * periodMs));
      onTick(next++);
    }
    if (next >= ticks) break;
    const wait = start + next * periodMs - performance.now();
    await sleep(Math.max(1, wait));
  }
  return { ticks: next, lateness, elapsedMs: performance.now() - start };
}

export const FRAME_MS = 20;

/**
 * A pool of distinct 20 ms frames (see `testAudio`), the samples an app would get from a microphone:
 * each client base64-encodes them itself on every send, as an app would.
 */
export const FRAMES: readonly Int16Array[] = testAudio(50, 1);

/** Bytes of one audio frame on the wire, client to server: the JSON text plus a masked frame header. */
export function audioFrameWireBytes(): number {
  const json = JSON.stringify({
    type: 'input_audio_buffer.append',
    audio: Buffer.from(FRAMES[0].buffer).toString('base64'),
  });
  const length = Buffer.byteLength(json);
  const header = 2 + (length > 125 ? (length > 65_535 ? 8 : 2) : 0) + 4; // + the 4-byte client mask
  return length + header;
}
