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
  it('reports the stalls since a ping went out, not those before it', async () => {
    const lag = watchLoopLag();
    lag.mark(); // an earlier ping starts the watch
    try {
      await tick(30);
      block(250); // before the ping: a garbage collection, another workload
      await tick(30); // recorded once the loop is free
      const sent = performance.now(); // the ping goes out
      await tick(30);
      expect(lag.during(performance.now() - sent)).toBeLessThan(200);
      block(250); // while the ping is out: its pong is read this late
      await tick(30);
      expect(lag.during(performance.now() - sent)).toBeGreaterThanOrEqual(230);
      const next = performance.now(); // the next ping
      await tick(30);
      expect(lag.during(performance.now() - next)).toBeLessThan(200);
    } finally {
      lag.release();
    }
  });

  it('is shared: watching stops with the last release, and a release twice counts once', async () => {
    const a = watchLoopLag();
    const b = watchLoopLag();
    a.mark();
    b.mark();
    a.release();
    a.release(); // no effect: b still watches
    await tick(30);
    const sent = performance.now();
    block(80);
    expect(b.during(performance.now() - sent)).toBeGreaterThanOrEqual(60); // still going on: this job
    await tick(30);
    expect(b.during(performance.now() - sent)).toBeGreaterThanOrEqual(60); // recorded
    b.release();
    expect(b.during(1000)).toBe(0); // nobody watches
  });

  it('watches only while a ping is out: its timer stops once the pong is read, and starts with the next ping', async () => {
    const started = jest.spyOn(global, 'setInterval');
    const stopped = jest.spyOn(global, 'clearInterval');
    try {
      const lag = watchLoopLag();
      lag.mark(); // a ping goes out
      expect(started).toHaveBeenCalledTimes(1);
      await tick(15);
      lag.answered(); // its pong was read
      expect(stopped).toHaveBeenCalledTimes(1);
      expect(lag.during(1000)).toBe(0);
      lag.mark(); // the next ping
      expect(started).toHaveBeenCalledTimes(2);
      const sent = performance.now();
      block(60);
      expect(lag.during(performance.now() - sent)).toBeGreaterThanOrEqual(40);
      lag.release();
      expect(stopped).toHaveBeenCalledTimes(2);
    } finally {
      started.mockRestore();
      stopped.mockRestore();
    }
  });

  it('does nothing until the first ping', () => {
    const lag = watchLoopLag();
    block(30);
    expect(lag.during(1000)).toBe(0);
    lag.release(); // a release without a watch changes nothing
  });
});

describe('watchLoopLag runs of stalls', () => {
  it('adds up stalls with no on-time tick between them (a pong waits through all of them)', async () => {
    const lag = watchLoopLag();
    lag.mark(); // an earlier ping starts the watch
    try {
      await tick(30);
      const sent = performance.now();
      await new Promise<void>((resolve) => {
        setTimeout(() => {
          block(120); // a long timer job...
          setImmediate(() => {
            block(120); // ...and a long job right after it, before the loop can poll in between
            resolve();
          });
        }, 0);
      });
      await tick(30);
      expect(lag.during(performance.now() - sent)).toBeGreaterThanOrEqual(200);
      await tick(60); // the loop runs on time again
      const later = performance.now();
      block(120);
      await tick(30);
      // A run after an on-time tick starts afresh, and a stall from before `later` is not in it.
      const since = lag.during(performance.now() - later);
      expect(since).toBeGreaterThanOrEqual(100);
      expect(since).toBeLessThan(200);
    } finally {
      lag.release();
    }
  });
});
