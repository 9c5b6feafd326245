/**
 * A socket whose writes wait for the end of the current job (one run of synchronous code and the
 * microtasks before it): see {@link joinWriteBatch}.
 * @internal
 */
export interface BatchedWriter {
  /** Writes the frames this job gave it, in order. */
  flushWrites(): void;
  /** Writes the probe ping this job asked for, if any: after every socket's frames. */
  flushPing(): void;
}

/** The members of the batch being filled, and a spare array for the next one (no allocation per job). */
let members: BatchedWriter[] = [];
let spare: BatchedWriter[] = [];
let queued = false;

/**
 * Adds a socket to the writes done at the end of this job; one microtask for every socket of the
 * process, whatever the number of frames. Call once per job per socket (the socket keeps a flag).
 *
 * Why wait: on a loopback or a busy host, each write can wake the reader's process; writes spread
 * between other work (the pipeline of each conversation) wake it once per frame, while the same
 * writes done back to back wake it once per batch. A thousand conversations fed by one timer then
 * cost a fraction of the system time (bench: server wake-ups per frame 0.7 → 0.03). It also lets a
 * socket that got several frames in one job write them in one system call (`cork`).
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
    // Every socket's frames first, then the pings: a ping's round trip then excludes the other
    // sockets' writes of this job, which are the client's own time, not the path's queueing.
    for (let i = 0; i < round.length; i++) guarded(round[i], 'flushWrites');
    for (let i = 0; i < round.length; i++) guarded(round[i], 'flushPing');
    round.length = 0;
    spare = round;
  }
  queued = false;
}

/** One writer's failure must not strand the others (nor every later batch): report it and go on. */
function guarded(writer: BatchedWriter, step: 'flushWrites' | 'flushPing'): void {
  try {
    writer[step]();
  } catch (error) {
    setTimeout(() => {
      throw error;
    });
  }
}
