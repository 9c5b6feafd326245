/**
 * Under load, audio frames wait one batch and go out two to a system call: the process's write
 * batches decide it from how much of the time they spent writing. Texts and pings never wait; a
 * kept frame waits at most one hold (its socket's next frame takes it along, or a timer does).
 */
import type { CorkableSocket } from '../../src/transport/corkableSocket';
import { FrameWriter } from '../../src/transport/frameWriter';
import type { WebSocketLike } from '../../src/transport/webSocketLike';

let clock = 0;
/** What one frame's write costs, on the mocked clock. */
let writeCostMs = 0;

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
    clock += writeCostMs;
    this.group.push(Buffer.from(frame).toString());
    if (!this.corked) this.endCall();
  }
  send(data: string): void {
    clock += writeCostMs;
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
    return calls.map((call) => [...call]);
  }

  beforeAll(() => {
    jest.spyOn(performance, 'now').mockImplementation(() => clock);
  });
  afterAll(() => jest.restoreAllMocks());

  it('is written at once while writing takes little of the time', async () => {
    writeCostMs = 0.5; // 2 ms of each 20 ms
    for (let i = 0; i < 8; i++) expect(await tick()).toHaveLength(4);
  });

  it('waits one batch once writing takes most of the time, then goes two frames to a call', async () => {
    writeCostMs = 4; // 16 ms of each 20 ms
    for (let i = 0; i < 8; i++) await tick(); // past a window
    let calls1 = await tick();
    if (calls1.length === 4) calls1 = await tick(); // this job's frames were due to go
    expect(calls1).toEqual([]);
    const calls2 = await tick();
    expect(calls2).toEqual(Array(4).fill([`{"audio":"${frame - 1}"}`, `{"audio":"${frame}"}`]));
  });

  it('never keeps a text waiting, nor the audio before it', async () => {
    let kept = await tick();
    if (kept.length > 0) kept = await tick();
    expect(kept).toEqual([]);
    calls.length = 0;
    writers[0].send('{"text":"hi"}');
    await endOfJob();
    expect(calls).toEqual([[`{"audio":"${frame}"}`, '{"text":"hi"}']]);
  });

  it('sends a kept frame after the hold when no other frame comes', async () => {
    await new Promise((resolve) => setTimeout(resolve, 60)); // what the text left waiting goes
    expect(await tick()).toEqual([]);
    calls.length = 0;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(calls).toEqual(Array(4).fill([`{"audio":"${frame}"}`]));
  });

  it('is written at once again when writing takes little of the time again', async () => {
    writeCostMs = 0.1;
    for (let i = 0; i < 12; i++) await tick();
    for (let i = 0; i < 4; i++) expect(await tick()).toHaveLength(4);
  });
});
