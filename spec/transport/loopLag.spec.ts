import { watchLoopLag } from '../../src/transport/loopLag';

/** Keeps the event loop busy for `ms` (what a process carrying a thousand conversations does). */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('watchLoopLag', () => {
  it('reports how late the event loop has lately run, then forgets it', async () => {
    const lag = watchLoopLag();
    try {
      await tick(30); // the histogram's timer has run once
      block(250);
      await tick(30); // it runs (late) once the loop is free, and records the delay
      expect(lag.recentMs()).toBeGreaterThanOrEqual(230);
      await tick(600); // two windows later
      lag.recentMs(); // rolls the window
      await tick(30);
      expect(lag.recentMs()).toBeLessThan(200);
    } finally {
      lag.release();
    }
  });

  it('is shared: watching stops with the last release, and a release twice counts once', async () => {
    const a = watchLoopLag();
    const b = watchLoopLag();
    a.release();
    a.release(); // no effect: b still watches
    await tick(30); // the histogram's timer has run once
    block(80);
    await tick(30);
    expect(b.recentMs()).toBeGreaterThanOrEqual(60);
    b.release();
    expect(b.recentMs()).toBe(0); // nobody watches
  });
});
