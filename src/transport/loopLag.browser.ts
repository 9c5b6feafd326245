/** Browsers: no event-loop delay monitor (and no pings, so no probe that would ask). @internal */
export function watchLoopLag(): { recentMs: () => number; release: () => void } {
  return { recentMs: () => 0, release: () => undefined };
}
