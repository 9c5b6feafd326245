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

function flush(): void {
  // Writers that join while this runs (a drained socket turns writable and its drain loop sends
  // more) land in the fresh array and are written in the next round, before the microtask ends.
  while (members.length > 0) {
    const round = members;
    members = spare;
    for (let i = 0; i < round.length; i++) if (writeGuarded(round[i])) pinged.push(round[i]);
    round.length = 0;
    spare = round;
  }
  // A ping's round trip starts when the batch is written: the other sockets' writes after it are
  // this process's time, not the path's queueing (up to 10 ms with a thousand sockets).
  for (let i = 0; i < pinged.length; i++) stampGuarded(pinged[i]);
  pinged.length = 0;
  queued = false;
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
