import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

// How late this process's event loop has been running lately, for the congestion probe: a ping's
// round trip includes the time this process took to get round to reading the pong, which is this
// process's load, not a backlog in the path (holding audio back would only add to it). Node only; the
// browser stand-in (`loopLag.browser.ts`) reports nothing, and browsers cannot ping anyway.
//
// One `monitorEventLoopDelay` histogram for the whole process (a native timer every 10 ms, no
// JavaScript per sample, unref'd), on while any probe that has had a pong watches it.

/** Lag is the largest timer delay of the current window and of the previous one, each this long. */
const WINDOW_MS = 250;
const RESOLUTION_MS = 10;

let histogram: IntervalHistogram | undefined;
let users = 0;
let windowStart = 0;
let previousMaxMs = 0;

/**
 * Starts watching (if nobody is) and returns the reader; call `release` when the probe ends.
 * @internal
 */
export function watchLoopLag(): { recentMs: () => number; release: () => void } {
  if (users++ === 0) {
    histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    histogram.enable();
    windowStart = performance.now();
    previousMaxMs = 0;
  }
  let released = false;
  return {
    recentMs,
    release: () => {
      if (released) return;
      released = true;
      if (--users === 0) {
        histogram?.disable();
        histogram = undefined;
      }
    },
  };
}

/**
 * The largest event-loop delay of the last 250–500 ms (ms), or since the reading before, if that was
 * longer ago. A delay shows once the loop has caught up (the histogram's timer runs late, then
 * records it), so the job running now is not in it.
 */
function recentMs(): number {
  const h = histogram;
  if (h === undefined) return 0;
  const now = performance.now();
  if (now - windowStart >= WINDOW_MS) {
    // Kept even when nobody asked for longer than a window: the delay may be from just now (a long
    // job ends, then its pongs are read), and overstating our lag for a window only delays a verdict.
    previousMaxMs = h.max / 1e6;
    h.reset();
    windowStart = now;
  }
  return Math.max(previousMaxMs, h.max / 1e6);
}
