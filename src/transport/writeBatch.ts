/**
 * A socket whose writes wait for the end of the current job (one run of synchronous code and the
 * microtasks before it): see {@link joinWriteBatch}.
 * @internal
 */
export interface BatchedWriter {
  /** Writes the frames this job gave it, in order, and the probe ping it asked for: true if it pinged. */
  flushWrites(): boolean;
  /** The whole batch is written: a ping written by `flushWrites` is timed from now. */
  batchWritten(): void;
  /**
   * The process is busy writing: keeps this job's frames for a later batch instead (true), if they
   * may wait (audio only, kept fewer than `depth` batches so far, not released). A writer that keeps
   * them joins the next batch it is given a frame in, or is handed to {@link releaseHeld}'s timer.
   * `batch` numbers this batch.
   */
  holdWrites(depth: number, batch: number): boolean;
  /**
   * The frames it kept in batch `batch` have waited long enough: joins the next batch, if it still
   * holds them and has kept none since (a later hold has a later wait of its own).
   */
  releaseHeld(batch: number): void;
}

/** The members of the batch being filled, and a spare array for the next one (no allocation per job). */
let members: BatchedWriter[] = [];
let spare: BatchedWriter[] = [];
/** Writers that pinged in this batch. */
const pinged: BatchedWriter[] = [];
let queued = false;

/**
 * Adds a socket to the writes done at the end of this job; one microtask for every socket of the
 * process, whatever the number of frames. Call once per job per socket (the socket keeps a flag).
 *
 * Why wait: on a loopback or a busy host, each write can wake the reader's process; writes spread
 * between other work (the pipeline of each conversation) wake it once per frame, while the same
 * writes done back to back wake it once per batch: a thousand conversations fed by one timer then
 * wake it once per job instead of once per frame. It also lets a
 * socket that got several frames in one job (or a frame and a probe ping) write them in one system
 * call (`cork`).
 * @internal
 */
export function joinWriteBatch(writer: BatchedWriter): void {
  members.push(writer);
  if (!queued) {
    queued = true;
    queueMicrotask(flush);
  }
}

/**
 * Under load, audio waits for later batches: the socket then writes two or three frames in one system
 * call, where each would cost one (on a busy host, the call and the kernel's work for it are most of a
 * frame's cost). "Under load": the batches' writes took more than HOLD_FROM of the time over the last
 * window; audio then waits one batch more (up to MAX_DEPTH), and one less once that share is below
 * HOLD_UNTIL. A kept frame waits at most HOLD_MS per batch of depth (its socket's next frames usually
 * come sooner, and take it along). Texts, controls and pings never wait.
 */
const WINDOW_MS = 100;
const HOLD_FROM = 0.35;
const HOLD_UNTIL = 0.15;
const MAX_DEPTH = 2;
const HOLD_MS = 25;
/** How many batches audio may wait now: 0 (none) to MAX_DEPTH. */
let depth = 0;
let windowStart = 0;
let busyMs = 0;
/**
 * The writers that kept their frames, one group per batch, oldest first, each with the time its wait
 * ends; one timer, for the oldest. A group per batch (not one list for the timer): a writer kept just
 * before the timer fires must not be released with those kept a whole wait earlier, or every socket
 * would write in the same batch again.
 */
const held: HeldGroup[] = [];
/** Numbers the batches (for `releaseHeld`). */
let batchCount = 0;
let holdTimer: ReturnType<typeof setTimeout> | undefined;

/** The writers that kept their frames in one batch, and when their wait ends. */
interface HeldGroup {
  readonly writers: BatchedWriter[];
  readonly batch: number;
  readonly until: number;
}

function releaseDue(): void {
  holdTimer = undefined;
  const now = performance.now();
  // Timers fire up to a millisecond early by this clock.
  while (held.length > 0 && held[0].until <= now + 1) {
    const { writers, batch } = held.shift()!;
    for (let i = 0; i < writers.length; i++) writers[i].releaseHeld(batch);
  }
  if (held.length > 0) holdTimer = setTimeout(releaseDue, held[0].until - now);
}

/** Counts a batch's writing time; decides, once per window, how long audio may wait. */
function measured(start: number, end: number): void {
  busyMs += end - start;
  const span = end - windowStart;
  if (span < WINDOW_MS) return;
  const share = busyMs / span;
  if (share > HOLD_FROM) depth = Math.min(depth + 1, MAX_DEPTH);
  // After a pause in writing (a long window), audio goes at once again.
  else if (share < HOLD_UNTIL) depth = span > 4 * WINDOW_MS ? 0 : Math.max(depth - 1, 0);
  windowStart = end;
  busyMs = 0;
}

function flush(): void {
  const start = performance.now();
  const hold = depth;
  const batch = ++batchCount;
  let group: BatchedWriter[] | undefined;
  // Writers that join while this runs (a drained socket turns writable and its drain loop sends
  // more) land in the fresh array and are written in the next round, before the microtask ends.
  while (members.length > 0) {
    const round = members;
    members = spare;
    for (let i = 0; i < round.length; i++) {
      const writer = round[i];
      if (hold > 0 && writer.holdWrites(hold, batch)) {
        (group ??= []).push(writer);
      } else if (writeGuarded(writer)) pinged.push(writer);
    }
    round.length = 0;
    spare = round;
  }
  // A ping's round trip starts when the batch is written: the other sockets' writes after it are
  // this process's time, not the path's queueing (up to 10 ms with a thousand sockets).
  for (let i = 0; i < pinged.length; i++) stampGuarded(pinged[i]);
  pinged.length = 0;
  queued = false;
  if (group !== undefined) {
    held.push({ writers: group, batch, until: start + HOLD_MS * hold });
    holdTimer ??= setTimeout(releaseDue, HOLD_MS * hold);
  }
  measured(start, performance.now());
}

// One writer's failure must not strand the others (nor every later batch): report it and go on.
// Two plain functions rather than one taking a callback: nothing is allocated per socket per job.

/** `flushWrites`, guarded: true if the writer pinged. */
function writeGuarded(writer: BatchedWriter): boolean {
  try {
    return writer.flushWrites();
  } catch (error) {
    report(error);
    return false;
  }
}

/** `batchWritten`, guarded. */
function stampGuarded(writer: BatchedWriter): void {
  try {
    writer.batchWritten();
  } catch (error) {
    report(error);
  }
}

/** Rethrown on its own, as RxJS reports an error nobody handles. */
function report(error: unknown): void {
  setTimeout(() => {
    throw error;
  });
}
