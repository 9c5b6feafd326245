/**
 * Under load, audio frames wait for later batches and go out two or three to a system call: the
 * process's write batches decide it from how much of the time they spent writing. Texts and pings
 * never wait; a kept frame waits a bounded time (its socket's next frames take it along, or a timer
 * sends it).
 */
import type { CorkableSocket } from '../../src/transport/corkableSocket';
import { FrameWriter } from '../../src/transport/frameWriter';
import type { WebSocketLike } from '../../src/transport/webSocketLike';

let clock = 0;
/** What one system call (a write, or an uncork) costs, on the mocked clock. */
let callCostMs = 0;

/** A corking socket that frames texts itself; logs each write and each system call (an uncork). */
class FramingSocket implements CorkableSocket {
  readyState = 1;
  bufferedAmount = 0;
  binaryType = 'nodebuffer';
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  private corked = false;
  private group: string[] = [];
  constructor(readonly calls: string[][]) {}
  frameText(data: string, head = '', tail = ''): Uint8Array {
    return Buffer.from(head + data + tail);
  }
  sendFrame(frame: Uint8Array): void {
    this.group.push(Buffer.from(frame).toString());
    if (!this.corked) this.endCall();
  }
  send(data: string): void {
    this.group.push(data);
    if (!this.corked) this.endCall();
  }
  ping(): void {
    this.group.push('ping');
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
  const calls: string[][] = [];
  const writers = Array.from({ length: 4 }, () => new FrameWriter(new FramingSocket(calls), 1 << 20));
  let frame = 0;

  /** One job of the app's timer: every writer gets an audio frame, then time moves on. */
  async function tick(stepMs = 20): Promise<string[][]> {
    calls.length = 0;
    frame++;
    for (const writer of writers) writer.sendParts('{"audio":"', String(frame), '"}');
    await endOfJob();
    clock += stepMs;
    const written = calls.map((call) => [...call]);
    jest.advanceTimersByTime(stepMs); // the hold timer, on the same clock
    await endOfJob();
    return written;
  }

  /** Ticks until a tick where every socket writes, and returns what they wrote. */
  async function untilWritten(): Promise<string[][]> {
    for (let i = 0; i < 4; i++) {
      const written = await tick();
      if (written.length === 4) return written;
    }
    throw new Error('the sockets never wrote together');
  }

  const frames = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => `{"audio":"${from + i}"}`);

  beforeAll(() => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'queueMicrotask', 'nextTick', 'performance'] });
    jest.spyOn(performance, 'now').mockImplementation(() => clock);
  });
  afterAll(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('is written at once while writing takes little of the time', async () => {
    callCostMs = 0.5; // 2 ms of each 20 ms
    for (let i = 0; i < 8; i++) expect(await tick()).toHaveLength(4);
  });

  it('waits one batch when writing takes much of the time, then goes two frames to a call', async () => {
    callCostMs = 3; // 12 ms of each 32 when each frame is a call; 12 of 52 when two are
    for (let i = 0; i < 12; i++) await tick(); // past a window or two
    const written = await untilWritten();
    expect(written).toEqual(Array(4).fill(frames(frame - 1, 2)));
    expect(await tick()).toEqual([]);
    expect(await tick()).toEqual(Array(4).fill(frames(frame - 1, 2)));
  });

  it('waits two batches when that is still too much, three frames to a call and no more', async () => {
    callCostMs = 6; // 24 ms of each 44, of 64 with two frames a call (still over 35 %), of 84 with three
    for (let i = 0; i < 24; i++) await tick();
    const written = await untilWritten();
    expect(written).toEqual(Array(4).fill(frames(frame - 2, 3)));
    expect(await tick()).toEqual([]);
    expect(await tick()).toEqual([]);
    expect(await tick()).toEqual(Array(4).fill(frames(frame - 2, 3)));
  });

  it('never keeps a text waiting, nor the audio before it', async () => {
    await untilWritten();
    expect(await tick()).toEqual([]);
    calls.length = 0;
    writers[0].send('{"text":"hi"}');
    await endOfJob();
    expect(calls).toEqual([[`{"audio":"${frame}"}`, '{"text":"hi"}']]);
  });

  it('sends kept frames after a bounded wait when no other frame comes', async () => {
    jest.advanceTimersByTime(50); // what the text left waiting goes
    await endOfJob();
    calls.length = 0;
    frame++;
    for (const writer of writers) writer.sendParts('{"audio":"', String(frame), '"}');
    await endOfJob();
    expect(calls).toEqual([]);
    jest.advanceTimersByTime(49); // at most 25 ms per batch of depth
    await endOfJob();
    expect(calls).toEqual([]);
    jest.advanceTimersByTime(1);
    await endOfJob();
    expect(calls).toEqual(Array(4).fill([`{"audio":"${frame}"}`]));
  });

  it('is written at once again when writing takes little of the time again', async () => {
    callCostMs = 0.1;
    for (let i = 0; i < 24; i++) await tick();
    for (let i = 0; i < 4; i++) expect(await tick()).toHaveLength(4);
  });
});
