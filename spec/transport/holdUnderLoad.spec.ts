/**
 * Under load, audio frames wait for later batches and go out two or three to a system call: the
 * process's write batches decide it from how much of the time they spent writing, and the sockets
 * take turns (each batch writes a share of them). Texts and pings never wait; a kept frame waits a
 * bounded time (its socket's next frames take it along, or a timer sends it).
 */
import type { CorkableSocket } from '../../src/transport/corkableSocket';
import { FrameWriter } from '../../src/transport/frameWriter';
import type { WebSocketLike } from '../../src/transport/webSocketLike';

let clock = 0;
/** What one system call (a write, or an uncork) costs, on the mocked clock. */
let callCostMs = 0;

/** A corking socket that frames texts itself; logs each system call (a write, or an uncork) with what it wrote. */
class FramingSocket implements CorkableSocket {
  readyState = 1;
  bufferedAmount = 0;
  binaryType = 'nodebuffer';
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  readonly calls: string[][] = [];
  private corked = false;
  private group: string[] = [];
  frameText(data: string, head = '', tail = ''): Uint8Array {
    return Buffer.from(head + data + tail);
  }
  sendFrame(frame: Uint8Array): void {
    this.group.push(JSON.parse(Buffer.from(frame).toString()).audio ?? 'text');
    if (!this.corked) this.endCall();
  }
  send(data: string): void {
    this.group.push(JSON.parse(data).text === undefined ? 'audio' : 'text');
    if (!this.corked) this.endCall();
  }
  cork(): void {
    this.corked = true;
  }
  uncork(): void {
    this.corked = false;
    this.endCall();
  }
  close(): void {}
  private endCall(): void {
    clock += callCostMs;
    this.calls.push(this.group);
    this.group = [];
  }
}

const endOfJob = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('audio under load', () => {
  const sockets = Array.from({ length: 4 }, () => new FramingSocket());
  const writers = sockets.map((socket) => new FrameWriter(socket, 1 << 20));
  let frame = 0;

  /** Where the timers' clock is: behind `clock` by what the writes cost since. */
  let timersAt = 0;
  /** Moves time on by `ms`, the writes' cost since the last move included, timers and all. */
  async function advance(ms: number): Promise<void> {
    clock += ms;
    jest.advanceTimersByTime(clock - timersAt);
    timersAt = clock;
    await endOfJob();
  }

  /** What each socket wrote since `from`, one array of frame numbers per system call. */
  const writtenSince = (from: number[]) => sockets.map((socket, i) => socket.calls.slice(from[i]));
  const marks = () => sockets.map((socket) => socket.calls.length);

  /** One job of the app's timer, every 20 ms: every writer gets an audio frame. */
  async function tick(stepMs = 20): Promise<string[][][]> {
    const from = marks();
    const start = clock;
    frame++;
    for (const writer of writers) writer.sendParts('{"audio":"', String(frame), '"}');
    await endOfJob();
    const written = writtenSince(from);
    await advance(Math.max(0, start + stepMs - clock)); // the writes took some of the 20 ms
    return written;
  }

  /** Over `ticks` ticks: the calls each socket made, and how many sockets wrote in each tick. */
  async function observe(ticks: number): Promise<{ calls: string[][][]; writersPerTick: number[] }> {
    const calls: string[][][] = sockets.map(() => []);
    const writersPerTick: number[] = [];
    for (let t = 0; t < ticks; t++) {
      const written = await tick();
      written.forEach((made, i) => calls[i].push(...made));
      writersPerTick.push(written.filter((made) => made.length > 0).length);
    }
    return { calls, writersPerTick };
  }

  /** Whether each call holds `size` frames in a row. */
  const runsOf = (calls: string[][], size: number) =>
    calls.every(
      (call) =>
        call.length === size && call.every((f, k) => k === 0 || Number(f) === Number(call[k - 1]) + 1),
    );

  beforeAll(() => {
    timersAt = clock;
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'queueMicrotask', 'nextTick', 'performance'] });
    jest.spyOn(performance, 'now').mockImplementation(() => clock);
  });
  afterAll(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('is written at once while writing takes little of the time', async () => {
    callCostMs = 0.5; // 2 ms of each 20
    for (let i = 0; i < 8; i++) expect(await tick()).toEqual(sockets.map(() => [[String(frame)]]));
  });

  it('waits one batch when writing takes much of the time: two frames a call, half the sockets a batch', async () => {
    callCostMs = 2; // 8 ms of each 20 (40 %) when each frame is a call; 8 of 40 (20 %) when two are
    for (let i = 0; i < 12; i++) await tick(); // past a window or two
    const { calls, writersPerTick } = await observe(8);
    for (const made of calls) {
      expect(made).toHaveLength(4);
      expect(runsOf(made, 2)).toBe(true);
    }
    expect(writersPerTick).toEqual(Array(8).fill(2));
  });

  it('waits two batches when that is still too much: three frames a call, and no more', async () => {
    callCostMs = 3.6; // 14.4 ms of 20; of 40 with two frames a call (still over 35 %); of 60 with three
    for (let i = 0; i < 24; i++) await tick();
    const { calls, writersPerTick } = await observe(9);
    for (const made of calls) {
      expect(made).toHaveLength(3);
      expect(runsOf(made, 3)).toBe(true);
    }
    expect(Math.max(...writersPerTick)).toBeLessThan(4);
  });

  it('never keeps a text waiting, nor the audio before it', async () => {
    const from = marks();
    // Every socket holds audio now or soon: a text through each goes at once, after its audio.
    writers.forEach((writer) => writer.send('{"text":"hi"}'));
    await endOfJob();
    for (const made of writtenSince(from)) expect(made).toEqual([expect.arrayContaining(['text'])]);
    for (const made of writtenSince(from)) expect(made[0].at(-1)).toBe('text');
  });

  it('sends kept frames within a bounded wait when no other frame comes', async () => {
    await advance(100);
    const from = marks();
    frame++;
    for (const writer of writers) writer.sendParts('{"audio":"', String(frame), '"}');
    await endOfJob();
    expect(writtenSince(from).flat(2)).not.toContain(String(frame)); // kept...
    await advance(50); // ...at most 25 ms per batch of depth
    expect(writtenSince(from).flat(2)).toEqual(Array(4).fill(String(frame)));
  });

  it('is written at once again when writing takes little of the time again', async () => {
    callCostMs = 0.1;
    for (let i = 0; i < 24; i++) await tick();
    for (let i = 0; i < 4; i++) expect(await tick()).toEqual(sockets.map(() => [[String(frame)]]));
  });
});
