// How late this process's event loop ran while a ping was out, for the congestion probe: a ping's
// round trip includes the time this process took to get round to reading the pong, which is this
// process's load, not a backlog in the path (holding audio back would only add to it). Node only; the
// browser stand-in (`loopLag.browser.ts`) reports nothing, and browsers cannot ping anyway.
//
// One timer for the whole process, every 10 ms (unref'd), on while any probe has a ping out: each tick that
// comes late records when and by how much, so the stalls of any span can be asked for afterwards.
// Not `monitorEventLoopDelay`: its histogram can only be windowed by resetting it, and a reset drops
// the next sample, so a stall that began just after a reset would go unseen.

/** How late this process's event loop has run, for one probe: see {@link watchLoopLag}. @internal */
export interface LoopLag {
  /** A ping goes out: the watch starts with the first one (an idle conversation never pings). */
  mark: () => void;
  /**
   * The longest stall of the event loop that ended in the last `ms` milliseconds, or is still going
   * on (the time since the timer last ran, beyond its period), in ms; 0 if none.
   */
  during: (ms: number) => number;
  /** The ping's pong has been read: nothing to watch until the next `mark`. */
  answered: () => void;
  /** This probe is done watching (once; later calls do nothing). */
  release: () => void;
}

const PERIOD_MS = 10;
/** Two stalls are one run when the later one's tick was due this close to the earlier one's (timers count in whole ms). */
const BACK_TO_BACK_MS = 3;
/** Stalls kept (only those over a millisecond are recorded): seconds of a busy process. */
const RING = 256;

let timer: ReturnType<typeof setInterval> | undefined;
let users = 0;
let lastTick = 0;
const endedAt = new Float64Array(RING);
const stalls = new Float64Array(RING);
let newest = -1;
let stored = 0;

function tick(): void {
  const now = performance.now();
  const stall = now - lastTick - PERIOD_MS;
  lastTick = now;
  if (stall <= 1) return;
  newest = (newest + 1) % RING;
  endedAt[newest] = now;
  stalls[newest] = stall;
  if (stored < RING) stored++;
}

function during(ms: number): number {
  if (timer === undefined) return 0;
  const now = performance.now();
  const from = now - ms;
  // A pong that arrives while the loop is busy is read at its next poll for I/O, which may come only
  // after several busy phases back to back (a long poll phase, then late timers): what counts is the
  // longest run of stalls with no on-time tick between them, not the longest single stall.
  let run = Math.max(0, now - lastTick - PERIOD_MS); // a stall still going on: this very job
  let startedAt = lastTick; // where the run reaches back to
  let longest = run;
  for (let k = 0, i = newest; k < stored && endedAt[i] > from; k++, i = (i + RING - 1) % RING) {
    // Back to back: this stall's tick is the one the later stall's tick was counted from.
    if (Math.abs(startedAt - endedAt[i]) < BACK_TO_BACK_MS) run += stalls[i];
    else run = stalls[i];
    startedAt = endedAt[i] - stalls[i] - PERIOD_MS;
    if (run > longest) longest = run;
  }
  return longest;
}

/**
 * This probe's reader. Nothing runs until its first `mark`; the process's timer then runs while any
 * probe that has marked has not released. @internal
 */
export function watchLoopLag(): LoopLag {
  return new LoopLagWatch();
}

/** One probe's watch: methods on the prototype, so a socket holds one small object, not three closures. */
class LoopLagWatch implements LoopLag {
  private watching = false;

  mark(): void {
    if (this.watching) return;
    this.watching = true;
    if (users++ === 0) {
      lastTick = performance.now();
      stored = 0;
      timer = setInterval(tick, PERIOD_MS);
      timer.unref();
    }
  }

  during(ms: number): number {
    return this.watching ? during(ms) : 0;
  }

  answered(): void {
    this.release();
  }

  release(): void {
    if (!this.watching) return;
    this.watching = false;
    if (--users === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  }
}
