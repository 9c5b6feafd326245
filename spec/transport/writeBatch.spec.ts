import { TestScheduler } from 'rxjs/testing';
import { WebSocketSubject, type WebSocketLike } from '../../src/index';
import type { CorkableSocket } from '../../src/transport/corkableSocket';
import { joinWriteBatch } from '../../src/transport/writeBatch';

/** A `ws`-like socket that can cork and ping; every write goes to a log shared by several sockets. */
class CorkingSocket implements CorkableSocket {
  readyState = 0;
  bufferedAmount = 0;
  binaryType = 'nodebuffer';
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  onpong: (() => void) | null = null;
  /** Keeps what was written in the send buffer (as a peer that does not read would). */
  holdWrites = false;

  constructor(
    private readonly name: string,
    readonly log: string[],
  ) {}

  send(data: string): void {
    this.log.push(`${this.name}:${data}`);
    if (this.holdWrites) this.bufferedAmount += data.length;
  }
  cork(): void {
    this.log.push(`${this.name}:cork`);
  }
  uncork(): void {
    this.log.push(`${this.name}:uncork`);
  }
  ping(): void {
    this.log.push(`${this.name}:ping`);
  }
  close(code = 1000): void {
    this.log.push(`${this.name}:close ${code}`);
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
}

/** A corking socket that frames texts itself (as our `ws` factory does): `[text]` is a framed one. */
class FramingSocket extends CorkingSocket {
  framed: string[] = [];

  frameText(data: string, head = '', tail = ''): Uint8Array | undefined {
    if (`${head}${data}${tail}`.includes('short')) return undefined; // not framed here: `send` it
    this.framed.push(`${head}|${data}|${tail}`);
    return new TextEncoder().encode(`[${head}${data}${tail}]`);
  }
  sendFrame(frame: Uint8Array): void {
    this.log.push(`f:${new TextDecoder().decode(frame)}`);
  }
}

/** Lets the microtasks queued so far run (the write batch is one). */
const endOfJob = () => new Promise<void>((resolve) => setImmediate(resolve));

function openSubject(
  socket: CorkingSocket,
  config: Partial<ConstructorParameters<typeof WebSocketSubject>[0]> = {},
) {
  const subject = new WebSocketSubject({
    url: 'ws://x',
    factory: () => socket,
    keepalive: false,
    congestion: false,
    ...config,
  });
  subject.subscribe();
  socket.open();
  return subject;
}

describe('WebSocketSubject on a socket that can cork: writes at the end of the job', () => {
  it('writes the frames of one job at its end, in order, corked when there are several', async () => {
    const log: string[] = [];
    const socket = new CorkingSocket('s', log);
    const subject = openSubject(socket);
    expect(subject.send('a')).toBe(true);
    subject.next('b');
    subject.next('c');
    expect(log).toEqual([]); // still this job
    await endOfJob();
    expect(log).toEqual(['s:cork', 's:a', 's:b', 's:c', 's:uncork']);
    subject.next('d');
    await endOfJob();
    expect(log.slice(5)).toEqual(['s:d']); // one frame: no cork
    subject.close();
  });

  it('a close in the same job writes what is pending first, then the close frame; nothing after it', async () => {
    const log: string[] = [];
    const socket = new CorkingSocket('s', log);
    const subject = openSubject(socket);
    subject.next('text');
    subject.close();
    expect(subject.send('late')).toBe(false);
    await endOfJob();
    expect(log).toEqual(['s:text', 's:close 1000']);
  });

  it('writes the probe ping in the same corked write as the frames of the job, and times it from that write', async () => {
    const log: string[] = [];
    const one = new CorkingSocket('one', log);
    const two = new CorkingSocket('two', log);
    const scheduler = new TestScheduler(() => undefined); // a clock the test moves
    const congestion = { maxDelayMs: 100, probeIntervalMs: 50 };
    const subjectOne = openSubject(one, { congestion, scheduler });
    const subjectTwo = openSubject(two, { congestion, scheduler });
    const writable: boolean[] = [];
    subjectOne.writable$.subscribe((w) => writable.push(w));
    subjectOne.next('a1'); // asks for the first ping
    subjectTwo.next('b1');
    subjectOne.next('a2');
    await endOfJob();
    expect(log).toEqual([
      ...['one:cork', 'one:a1', 'one:a2', 'one:ping', 'one:uncork'],
      ...['two:cork', 'two:b1', 'two:ping', 'two:uncork'],
    ]);
    scheduler.frame = 1;
    one.onpong?.(); // base round trip: 1 ms
    scheduler.frame = 300;
    subjectOne.next('a3'); // the probe gap has passed: asks for a ping
    scheduler.frame = 450; // the rest of the job took 150 ms: the client's own time, not queueing
    await endOfJob();
    expect(log.slice(-4)).toEqual(['one:cork', 'one:a3', 'one:ping', 'one:uncork']);
    subjectOne.next('a4'); // a later job, sent after the ping: its pong decides for it
    scheduler.frame = 451;
    one.onpong?.(); // 1 ms after its write (151 after the request would be a late pong: unwritable)
    expect(writable).toEqual([true]);
    subjectOne.close();
    subjectTwo.close();
  });

  it('counts pending frames against the high-water mark, and looks at the buffer again once they are written', async () => {
    const log: string[] = [];
    const socket = new CorkingSocket('s', log);
    socket.holdWrites = true;
    const scheduler = new TestScheduler(() => undefined);
    const subject = openSubject(socket, { highWaterMark: 10, drainPollMs: 5, scheduler });
    const writable: boolean[] = [];
    subject.writable$.subscribe((w) => writable.push(w));
    subject.next('123456');
    expect(writable.at(-1)).toBe(true);
    subject.next('789012'); // 12 pending >= 10, though nothing is in the socket's buffer yet
    expect(writable.at(-1)).toBe(false);
    await endOfJob(); // written: 12 bytes in the buffer, above the low-water mark: poll
    expect(socket.bufferedAmount).toBe(12);
    expect(writable.at(-1)).toBe(false);
    socket.bufferedAmount = 0;
    scheduler.maxFrames = 10;
    scheduler.flush();
    expect(writable.at(-1)).toBe(true);
    subject.close();
  });

  it.each([
    ['a socket that corks', CorkingSocket],
    ['a socket that frames texts itself', FramingSocket],
  ])('%s: frames given in the job it is dropped in are not written', async (_what, Socket) => {
    const log: string[] = [];
    const socket = new Socket('s', log);
    const subject = openSubject(socket);
    subject.next('lost');
    socket.readyState = 3;
    socket.onclose?.({ code: 1006, reason: '' }); // the peer vanished in this job
    await endOfJob();
    expect(log).toEqual([]);
  });
});

describe('WebSocketSubject on a socket that frames texts itself', () => {
  it('frames each text when it is given, writes the frames at the end of the job, in order with the others', async () => {
    const log: string[] = [];
    const socket = new FramingSocket('s', log);
    const subject = openSubject(socket);
    subject.next('audio 1');
    expect(socket.framed).toEqual(['|audio 1|']); // framed at once: the text need not wait
    subject.next('short text');
    subject.next('audio 2');
    expect(log).toEqual([]); // written at the end of the job
    await endOfJob();
    expect(log).toEqual(['s:cork', 'f:[audio 1]', 's:short text', 'f:[audio 2]', 's:uncork']);
    subject.close();
  });
});

describe('WebSocketSubject.sendJoined', () => {
  it('hands the parts to a socket that frames texts itself, unjoined, and writes them in order with the rest', async () => {
    const log: string[] = [];
    const socket = new FramingSocket('s', log);
    const subject = openSubject(socket);
    expect(subject.sendJoined('{"a":"', 'audio', '"}')).toBe(true);
    subject.next('audio 2');
    expect(subject.sendJoined('<', 'short', '>')).toBe(true); // not framed by the socket: joined, sent
    expect(socket.framed).toEqual(['{"a":"|audio|"}', '|audio 2|']);
    await endOfJob();
    expect(log).toEqual(['s:cork', 'f:[{"a":"audio"}]', 'f:[audio 2]', 's:<short>', 's:uncork']);
    subject.close();
  });

  it('sends the joined text on a socket that cannot frame, and refuses when the socket is not open', async () => {
    const log: string[] = [];
    const socket = new CorkingSocket('s', log);
    const subject = openSubject(socket);
    expect(subject.sendJoined('{"a":"', 'audio', '"}')).toBe(true);
    await endOfJob();
    expect(log).toEqual(['s:{"a":"audio"}']);
    subject.close();
    expect(subject.sendJoined('{"a":"', 'late', '"}')).toBe(false);
  });

  it('counts the joined length against the high-water mark', () => {
    const log: string[] = [];
    const socket = new FramingSocket('s', log);
    const subject = openSubject(socket, { highWaterMark: 20 });
    const writable: boolean[] = [];
    subject.writable$.subscribe((value) => writable.push(value));
    subject.sendJoined('0123456', 'audio-data', '789'); // 20 characters
    expect(writable.at(-1)).toBe(false);
    subject.close();
  });
});

describe('the write batch', () => {
  it('tells the writers that pinged once every writer of the batch has written', async () => {
    const log: string[] = [];
    const writer = (name: string, pings: boolean) => ({
      flushWrites: () => (log.push(`${name} writes`), pings),
      batchWritten: () => log.push(`${name} times its ping`),
      holdWrites: () => false,
      releaseHeld: () => undefined,
    });
    joinWriteBatch(writer('a', true));
    joinWriteBatch(writer('b', false));
    joinWriteBatch(writer('c', true));
    await endOfJob();
    expect(log).toEqual(['a writes', 'b writes', 'c writes', 'a times its ping', 'c times its ping']);
  });

  it("one writer's failure is reported and does not strand the others, nor later batches", async () => {
    const written: string[] = [];
    const thrown: unknown[] = [];
    const realSetTimeout = setTimeout;
    const spy = jest.spyOn(global, 'setTimeout').mockImplementation((fn: () => void) => {
      try {
        fn();
      } catch (error) {
        thrown.push(error);
      }
      return realSetTimeout(() => undefined, 0);
    });
    const writer = (name: string) => ({
      flushWrites: () => (written.push(name), false),
      batchWritten: () => undefined,
      holdWrites: () => false,
      releaseHeld: () => undefined,
    });
    try {
      joinWriteBatch({
        flushWrites: () => {
          throw new Error('broken socket');
        },
        batchWritten: () => undefined,
        holdWrites: () => false,
        releaseHeld: () => undefined,
      });
      joinWriteBatch(writer('frames'));
      await endOfJob();
      joinWriteBatch(writer('next job'));
      await endOfJob();
    } finally {
      spy.mockRestore();
    }
    expect(written).toEqual(['frames', 'next job']);
    expect(thrown).toEqual([new Error('broken socket')]);
  });
});
