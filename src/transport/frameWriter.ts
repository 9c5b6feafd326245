import { canCork, type CorkableSocket } from './corkableSocket.js';
import { SocketState, type WebSocketLike } from './webSocketLike.js';
import { joinWriteBatch, type BatchedWriter } from './writeBatch.js';

/** What a {@link FrameWriter} tells the one who watches its socket's buffer (see `writability.ts`). */
export interface WriterEvents {
  /** A frame that was left waiting in the socket's buffer has been written out: look at it again. */
  frameSent(): void;
  /** The frames of this job are in the socket's buffer now. */
  flushed(): void;
  /** The batch that held this socket's ping is written: its round trip starts now. */
  pingWritten(): void;
  /** The ping has just been written, after this job's frames (and before anything given after them). */
  pingSent(): void;
}

/** Writers made so far in this process (see `FrameWriter.serial`). */
let writerCount = 0;

const NOBODY: WriterEvents = {
  frameSent: () => undefined,
  flushed: () => undefined,
  pingWritten: () => undefined,
  pingSent: () => undefined,
};

/**
 * Writes one socket's outbound frames. On a socket that can cork (`ws` on Node, through our factory)
 * the frames given in a job wait for its end and are written then, together with every other
 * socket's (see {@link joinWriteBatch}), in order, corked when there are several, with the probe's
 * ping after them in the same system call; elsewhere each frame is written at once.
 *
 * Only writes: whether a frame may be given (the socket is open, the buffer has room) is decided by
 * the subject and its writability.
 * @internal
 */
export class FrameWriter implements BatchedWriter {
  /** Told of what happens to the socket's buffer; set by the writability that watches it. */
  events: WriterEvents = NOBODY;
  /**
   * Frames given in this job, written at its end; undefined for sockets that cannot cork (browsers,
   * test sockets), whose frames are written at once. Framed already where the socket can (`frameText`):
   * then what waits is a small view of bytes outside the heap, not the text.
   */
  private readonly pending: (string | Uint8Array | undefined)[] | undefined;
  /**
   * Frames in `pending`: its slots are emptied, never the array shortened (an array's `length = 0`
   * is a call into V8's runtime, and the next push grows a fresh backing store: both per frame).
   */
  private pendingCount = 0;
  /** Characters in `pending` (a lower bound of its bytes), counted as buffered for the high-water mark. */
  private pendingChars = 0;
  /** In this job's write batch. */
  private batched = false;
  /** `bufferedAmount` after the last batch (or look at it): it can only have shrunk since. */
  private bufferedAfterFlush = 0;
  /** The probe asked for a ping, written after this job's frames, in the same system call. */
  private pingPending = false;
  /** What is pending is audio only (given as parts), so it may wait for a later batch under load. */
  private holdable = true;
  /** Batches its frames have waited for (see `holdWrites`). */
  private heldBatches = 0;
  /** Its kept frames have waited long enough: written in the next batch. */
  private released = false;
  /** The batch it last kept its frames in. */
  private heldIn = 0;
  /** Batches its frames wait in this cycle of holds (see `holdWrites`). */
  private holdTarget = 0;
  /** The depth its cycle was set for: when the depth changes, its phase is set again. */
  private holdDepth = 0;
  /** Which of the process's writers this is, in order: spreads their writes across batches. */
  private readonly serial = writerCount++;
  /**
   * Called by `ws` when a frame has been written out: the moment to look at the buffer again. Made
   * the first time a frame may be left waiting.
   */
  private onSent: (() => void) | undefined;

  constructor(
    private readonly socket: WebSocketLike,
    /** A frame this big may cross the mark alone: its write callback says when it has drained. */
    private readonly highWaterMark: number,
  ) {
    // Room for a few frames: a store past the end of an empty array makes room for 17.
    if (canCork(socket)) this.pending = [undefined, undefined, undefined, undefined];
  }

  /** Whether frames wait for the end of the job (the socket can cork). */
  get batching(): boolean {
    return this.pending !== undefined;
  }

  /** Writes one text frame of an open socket, or holds it for the end of the job. */
  send(data: string): void {
    const socket = this.socket;
    if (this.pending === undefined) return this.write(socket, data, socket.bufferedAmount > 0);
    // Framed now, written at the end of the job: the text (and the audio it holds) is garbage at
    // once instead of living through the rest of the job, where a thousand of them would outlive
    // the young generation whenever the garbage collector runs mid-job and be copied.
    this.holdable = false;
    this.queue((socket as CorkableSocket).frameText?.(data) ?? data, data.length);
  }

  /**
   * Holds the frame of the text `head + body + tail` for the end of the job, framed from its parts
   * without joining them; false (nothing done) where the socket does not frame it: `send` the joined
   * text instead.
   */
  sendParts(head: string, body: string, tail: string): boolean {
    const socket = this.socket;
    const frame =
      this.pending !== undefined && socket.readyState === SocketState.OPEN
        ? (socket as CorkableSocket).frameText?.(body, head, tail)
        : undefined;
    if (frame === undefined) return false;
    this.queue(frame, head.length + body.length + tail.length);
    return true;
  }

  /** Writes the probe's ping after this job's frames, in the same write (batching sockets only). */
  pingAfterFrames(): void {
    this.pingPending = true;
    this.holdable = false;
    this.joinBatch();
  }

  /**
   * What the socket holds: read now where frames are written at once; where they wait, what it held
   * after the last batch plus what waits (only the batch writes to it, so it holds at most that).
   */
  buffered(): number {
    return this.pending === undefined
      ? this.socket.bufferedAmount
      : this.bufferedAfterFlush + this.pendingChars;
  }

  /** Looks at the socket's buffer again (it may have drained): what it holds now. */
  measure(): number {
    return (this.bufferedAfterFlush = this.socket.bufferedAmount);
  }

  /** Writes what this job gave now (before a close frame): true if the probe's ping went with it. */
  writeNow(): boolean {
    return this.writePending() === 'pinged';
  }

  /** The socket ended (dropped or closed by the peer): nothing more can be written. */
  discard(): void {
    this.pending?.fill(undefined, 0, this.pendingCount);
    this.pendingCount = 0;
    this.pendingChars = 0;
    this.pingPending = false;
    this.heldBatches = 0;
    this.released = false;
    this.holdable = true;
  }

  /** Keeps this job's frames for a later batch, if they are audio only and have waited fewer than `depth`. */
  holdWrites(depth: number, batch: number): boolean {
    if (this.released || !this.holdable || this.pendingCount === 0) return false;
    if (this.heldBatches === 0) {
      // A new cycle. When the depth has just changed, the writers start out of step (one in
      // `depth + 1` writes now, the next waits one batch, ...), so that each batch writes a share of
      // the sockets rather than every socket writing in the same one.
      this.holdTarget = depth === this.holdDepth ? depth : this.serial % (depth + 1);
      this.holdDepth = depth;
    }
    if (this.heldBatches >= this.holdTarget) return false;
    this.heldBatches++;
    this.heldIn = batch;
    this.batched = false; // its next frame joins the next batch, and takes these along
    return true;
  }

  /** The frames kept by `holdWrites` in `batch` have waited long enough (unless it kept some since). */
  releaseHeld(batch: number): void {
    if (this.heldBatches === 0 || this.released || this.heldIn !== batch) return;
    this.released = true;
    this.joinBatch();
  }

  /** Writes the frames of this job and the ping it asked for (the end of the job's write batch). */
  flushWrites(): boolean {
    this.batched = false;
    const wrote = this.writePending();
    if (wrote !== 'nothing') this.events.flushed();
    return wrote === 'pinged';
  }

  /** The batch with this socket's ping is written. */
  batchWritten(): void {
    this.events.pingWritten();
  }

  /** Holds a frame for the end of the job. */
  private queue(frame: string | Uint8Array, chars: number): void {
    this.pending![this.pendingCount++] = frame;
    this.pendingChars += chars;
    this.joinBatch();
  }

  /** Has this job's write batch write to this socket at its end (once per job). */
  private joinBatch(): void {
    if (this.batched) return;
    this.batched = true;
    joinWriteBatch(this);
  }

  /**
   * Writes what is pending, and the probe's ping after it, in one system call when there is more
   * than one (corked: the ping then costs the peer no wake-up and the path no packet of its own).
   */
  private writePending(): 'nothing' | 'frames' | 'pinged' {
    const pending = this.pending;
    if (pending === undefined) return 'nothing';
    const socket = this.socket as CorkableSocket;
    const count = this.pendingCount;
    let ping = this.pingPending;
    if (count === 0 && !ping) return 'nothing';
    this.pingPending = false;
    if (socket.readyState === SocketState.OPEN) {
      const corked = count + (ping ? 1 : 0) > 1;
      if (corked) socket.cork();
      // Corked, every frame after the first waits behind it (until the uncork).
      const waiting = this.bufferedAfterFlush > 0;
      for (let i = 0; i < count; i++) {
        const frame = pending[i]!;
        pending[i] = undefined;
        this.write(socket, frame, waiting || i > 0);
      }
      if (ping) ping = writePing(socket);
      if (corked) socket.uncork();
      if (ping) this.events.pingSent();
      this.bufferedAfterFlush = socket.bufferedAmount;
    } else {
      ping = false;
      pending.fill(undefined, 0, count);
    }
    this.pendingCount = 0;
    this.pendingChars = 0;
    this.heldBatches = 0;
    this.released = false;
    this.holdable = true;
    return ping ? 'pinged' : 'frames';
  }

  /**
   * Writes one frame (a text, or one framed by `frameText`); `behindOthers`: something is already in
   * the socket's buffer ahead of it.
   */
  private write(socket: WebSocketLike, data: string | Uint8Array, behindOthers: boolean): void {
    // The write callback only matters for a frame that may be left waiting in the buffer: one sent
    // behind others, or one big enough to cross the high-water mark alone (its callback is then the
    // moment the buffer has drained). The common case, an empty buffer, saves Node's per-write
    // callback bookkeeping.
    const size = typeof data === 'string' ? data.length : data.byteLength;
    const done = behindOthers || size >= this.highWaterMark ? (this.onSent ??= this.newOnSent()) : undefined;
    if (typeof data === 'string') socket.send(data, done);
    else (socket as CorkableSocket).sendFrame!(data, done);
  }
  private newOnSent(): () => void {
    return () => {
      this.bufferedAfterFlush = this.socket.bufferedAmount;
      this.events.frameSent();
    };
  }
}

/** False when the socket refused it (not open any more: the close event follows). */
function writePing(socket: WebSocketLike): boolean {
  try {
    socket.ping!();
    return true;
  } catch {
    return false;
  }
}
