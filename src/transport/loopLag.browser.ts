import type { LoopLag } from './loopLag.js';

/** Browsers: no event-loop watch (and no pings, so no probe that would ask). @internal */
export function watchLoopLag(): LoopLag {
  return { mark: () => undefined, during: () => 0, answered: () => undefined, release: () => undefined };
}
