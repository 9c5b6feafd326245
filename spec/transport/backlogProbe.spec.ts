import { BacklogProbe } from '../../src/transport/backlogProbe';

/** A probe on a hand-driven clock, counting its pings. */
function probe(maxDelayMs = 100, probeIntervalMs = 50) {
  const clock = { now: 0, pings: 0 };
  const p = new BacklogProbe(
    { ping: () => (clock.pings++, true), now: () => clock.now },
    { maxDelayMs, probeIntervalMs },
  );
  return { p, clock };
}

describe('BacklogProbe', () => {
  it('pings on the first send, never twice in flight, and backs off while the path stays clear', () => {
    const { p, clock } = probe(100, 50);
    expect(p.afterSend(1000)).toBe(false);
    expect(clock.pings).toBe(1);
    clock.now = 5;
    p.afterSend(1000);
    expect(clock.pings).toBe(1); // in flight
    p.onPong(); // no queueing: the gap doubles to 100
    clock.now = 55;
    p.afterSend(1000);
    expect(clock.pings).toBe(1);
    clock.now = 105;
    p.afterSend(1000);
    expect(clock.pings).toBe(2);
    // Clear pongs double the gap up to 10 × probeIntervalMs (500 ms).
    const gaps: number[] = [];
    let last = 105;
    for (let i = 0; i < 8; i++) {
      p.onPong(); // at `last`: RTT 0
      const before = clock.pings;
      while (clock.pings === before) {
        clock.now += 5;
        p.afterSend(1000);
      }
      gaps.push(clock.now - last);
      last = clock.now;
    }
    expect(gaps).toEqual([200, 400, 500, 500, 500, 500, 500, 500]);
  });

  it('over half the bound of queueing it probes at probeIntervalMs, over three quarters at every send; clear pongs back off again', () => {
    const { p, clock } = probe(100, 50);
    p.afterSend(1000);
    clock.now = 1;
    p.onPong(); // base 1; gap 100
    clock.now = 101;
    p.afterSend(1000); // ping 2 at 101
    p.afterSend(1000); // sent after it
    clock.now = 133;
    p.onPong(); // 31 ms of queueing: at most half the bound, still clear (the gap doubles to 200)
    clock.now = 300;
    p.afterSend(1000);
    expect(clock.pings).toBe(2);
    clock.now = 333;
    p.afterSend(1000); // ping 3 at 333
    p.afterSend(1000);
    clock.now = 394;
    p.onPong(); // 60 ms of queueing (> half the bound): back to probeIntervalMs
    clock.now = 395;
    p.afterSend(1000);
    expect(clock.pings).toBe(3);
    clock.now = 444;
    p.afterSend(1000); // ping 4 at 444
    p.afterSend(1000);
    expect(clock.pings).toBe(4);
    clock.now = 525;
    p.onPong(); // 80 ms of queueing (> three quarters of the bound): the next send pings at once
    clock.now = 526;
    p.afterSend(1000);
    expect(clock.pings).toBe(5);
    clock.now = 527;
    p.onPong(); // clear again: the gap is back to probeIntervalMs, then doubles
    clock.now = 576;
    p.afterSend(1000);
    expect(clock.pings).toBe(5);
    clock.now = 627;
    p.afterSend(1000);
    expect(clock.pings).toBe(6);
  });

  it('turns congested when the ping in flight is older than base RTT + maxDelayMs at a send', () => {
    const { p, clock } = probe();
    p.afterSend(1000); // ping at 0
    clock.now = 100;
    expect(p.afterSend(1000)).toBe(false); // exactly the bound: not yet
    clock.now = 101;
    expect(p.afterSend(1000)).toBe(true);
    expect(p.congested).toBe(true);
    expect(p.delayMs).toBe(101);
    clock.now = 150;
    expect(p.afterSend(1000)).toBe(false); // already congested: reported once
  });

  it('clears only on a pong after which nothing was sent; otherwise pings again at once', () => {
    const { p, clock } = probe();
    p.afterSend(1000); // ping 1 at 0
    clock.now = 120;
    p.afterSend(1000); // sent after ping 1: congested
    expect(p.congested).toBe(true);
    clock.now = 300;
    expect(p.onPong()).toBe(false); // frames sent after ping 1 still wait
    expect(p.congested).toBe(true);
    expect(clock.pings).toBe(2); // ping 2 at 300
    expect(p.delayMs).toBe(0); // the first pong is also the first base sample
    clock.now = 320;
    expect(p.onPong()).toBe(true); // nothing sent after ping 2: clear
    expect(p.congested).toBe(false);
  });

  it('subtracts the base round trip: a slow but empty path is not congested', () => {
    const { p, clock } = probe(100);
    p.afterSend(1000); // ping at 0
    clock.now = 250;
    p.onPong(); // base RTT 250 (nothing sent after the ping)
    expect(p.baseRttMs).toBe(250);
    expect(p.congested).toBe(false);
    clock.now = 350; // the clear pong doubled the gap to 100
    p.afterSend(1000); // ping at 350
    clock.now = 550;
    expect(p.afterSend(1000)).toBe(false); // 200 ms in flight < 250 + 100
    clock.now = 610;
    p.onPong(); // RTT 260: 10 ms of queueing
    expect(p.delayMs).toBe(10);
    expect(p.congested).toBe(false);
    clock.now = 810; // 10 ms is a tenth of the bound: still clear, the gap doubled to 200
    p.afterSend(1000); // ping at 810
    clock.now = 1161;
    expect(p.afterSend(1000)).toBe(true); // 351 > 250 + 100
  });

  it('a pong for a ping after which nothing was sent ends the congestion', () => {
    const { p, clock } = probe();
    p.afterSend(1000); // ping at 0 (base unknown: 0)
    clock.now = 10;
    p.onPong(); // base 10
    clock.now = 110; // a clear pong doubled the gap to 100
    p.afterSend(1000); // ping at 110
    clock.now = 250;
    expect(p.afterSend(1000)).toBe(true); // 140 > 10 + 100
    clock.now = 450;
    expect(p.onPong()).toBe(false); // sent after the ping: ping again
    expect(clock.pings).toBe(3);
    clock.now = 500;
    expect(p.onPong()).toBe(true); // nothing since: the pipe is empty
    expect(p.congested).toBe(false);
    expect(p.delayMs).toBe(40);
  });

  it('learns the drain rate from a congestion and then caps a burst at rate × maxDelayMs, with no time passing', () => {
    const { p, clock } = probe(100, 50);
    p.afterSend(1000); // ping 1 at 0
    clock.now = 1;
    p.onPong(); // base RTT 1
    clock.now = 110; // a clear pong doubled the gap to 100
    p.afterSend(1000); // ping 2 at 110
    for (clock.now = 120; clock.now <= 190; clock.now += 10) expect(p.afterSend(1000)).toBe(false); // 8 KB
    clock.now = 220;
    expect(p.afterSend(1000)).toBe(true); // late: 9 KB behind ping 2
    clock.now = 450;
    expect(p.onPong()).toBe(false); // 9 KB still in flight: ping 3, time the drain
    expect(clock.pings).toBe(3);
    clock.now = 540;
    expect(p.onPong()).toBe(true); // drained 9 KB in 90 ms: 100 B/ms → a 10 KB window
    clock.now = 550;
    p.afterSend(1000); // right after a congestion: a ping at once (no probe interval)
    expect(clock.pings).toBe(4);
    let sends = 0;
    while (!p.afterSend(1000) && sends < 100) sends++;
    expect(sends).toBe(10); // the 11th KB after ping 4 is over the window
    expect(p.congested).toBe(true);
  });

  it('a window learnt from a drain grows back with every pong that shows room, so pings return to the probe pace', () => {
    const { p, clock } = probe(100, 50);
    p.afterSend(1000); // ping 1 at 0
    clock.now = 1;
    p.onPong(); // base RTT 1
    clock.now = 110;
    p.afterSend(1000); // ping 2 at 110
    clock.now = 220;
    expect(p.afterSend(300)).toBe(true); // late, 300 B behind ping 2
    clock.now = 230;
    p.onPong(); // ping 3 at 230, timing the drain of those 300 B
    clock.now = 240;
    expect(p.onPong()).toBe(true); // 300 B in 10 ms: 3 KB, so the least window, 4 KB (a ping every 4 frames)
    /** Sends 1 KB every 10 ms for `ms`, each ping answered 1 ms later (no queueing): the pings sent. */
    const stream = (ms: number) => {
      const before = clock.pings;
      for (const end = clock.now + ms; clock.now < end; clock.now += 10) {
        const pinged = clock.pings;
        p.afterSend(1000);
        if (clock.pings > pinged) {
          clock.now += 1;
          p.onPong();
        }
      }
      return clock.pings - before;
    };
    // A 4 KB window kept for good would mean a ping every 5 sends: 20 a second.
    expect(stream(1000)).toBeLessThanOrEqual(6); // 4, 8, 16, 32 KB, then the probe interval
    expect(stream(1000)).toBeLessThanOrEqual(3); // one per probe interval (at most 500 ms)
  });

  it('a burst while no ping is in flight sends one at once, so the burst is measured', () => {
    const { p, clock } = probe(100, 50);
    p.afterSend(1000);
    clock.now = 1;
    p.onPong();
    // No window learnt yet: only the probe interval paces pings.
    for (let i = 0; i < 20; i++) p.afterSend(1000);
    expect(clock.pings).toBe(1);
  });

  it('a ping queued behind the frames of a job is timed from when it is written, and the window still caps the job', () => {
    const clock = { now: 0, requested: 0 };
    const p = new BacklogProbe(
      { ping: () => (clock.requested++, false), now: () => clock.now }, // queued: written at the end of the job
      { maxDelayMs: 100, probeIntervalMs: 50 },
    );
    expect(p.afterSend(1000)).toBe(false); // asks for a ping
    expect(p.pinging).toBe(true);
    clock.now = 30; // the rest of the job: the client's own time
    expect(p.afterSend(1000)).toBe(false); // before the ping: no second one, no verdict
    expect(clock.requested).toBe(1);
    p.pingWritten();
    clock.now = 31;
    p.onPong(); // 1 ms from the write, not 31 from the request
    expect(p.baseRttMs).toBe(1);
    // Learn a window: a late ping, then a drain of 300 B in 10 ms (3 KB: the least window, 4 KB).
    clock.now = 200;
    p.afterSend(1000); // ping 2 queued
    p.pingWritten();
    clock.now = 310;
    expect(p.afterSend(300)).toBe(true); // 110 ms in flight: congested
    clock.now = 320;
    p.onPong(); // 300 B after ping 2: ping 3 (queued), timing the drain
    p.pingWritten();
    clock.now = 330;
    expect(p.onPong()).toBe(true); // clear, with a 4 KB window
    // The flush of held audio is one job: the ping waits for its end, the window stops it at 4 KB.
    let sends = 0;
    while (!p.afterSend(1000) && sends < 100) sends++;
    expect(sends).toBe(4);
    expect(p.congested).toBe(true);
    expect(clock.requested).toBe(4); // the ping that will answer for these 5 KB
  });

  it("does not count this process's own event-loop lag as queueing (late pongs, pings in flight, drain timing)", () => {
    const clock = { now: 0, pings: 0, lag: 0, marks: [] as number[], asked: [] as number[] };
    const p = new BacklogProbe(
      { ping: () => (clock.pings++, true), now: () => clock.now },
      { maxDelayMs: 100, probeIntervalMs: 50 },
      {
        mark: () => clock.marks.push(clock.now), // each ping is marked as it goes out
        during: (ms) => (clock.asked.push(ms), clock.lag), // over how long the ping has been out
        answered: () => undefined,
      },
    );
    p.afterSend(1000);
    clock.now = 2;
    p.onPong(); // base 2
    // A busy process: its loop has lately run 150 ms late, so pongs are read that much later.
    clock.lag = 150;
    clock.now = 200;
    p.afterSend(1000); // ping at 200
    clock.now = 330; // 128 ms past the base RTT: late by the clock, not by the path
    expect(p.afterSend(1000)).toBe(false);
    clock.now = 360;
    p.onPong();
    expect(p.delayMs).toBe(8); // 158 ms of queueing by the clock, 150 of them our own lag
    expect(p.congested).toBe(false);
    // Lag explains only so much: a pong 400 ms late is still congestion.
    clock.now = 700;
    p.afterSend(1000); // ping at 700
    clock.now = 1100;
    expect(p.afterSend(1000)).toBe(true);
    expect(p.delayMs).toBe(248);
    expect(clock.marks).toEqual([0, 200, 700]);
    expect(clock.asked).toEqual([2, 130, 160, 400]);
  });

  it('without an own-lag source, the same late pong is congestion', () => {
    const { p, clock } = probe(100, 50);
    p.afterSend(1000);
    clock.now = 2;
    p.onPong();
    clock.now = 200;
    p.afterSend(1000);
    clock.now = 330;
    expect(p.afterSend(1000)).toBe(true);
  });

  it('ignores unsolicited pongs and survives a ping that throws', () => {
    const clock = { now: 0 };
    const p = new BacklogProbe(
      {
        ping: () => {
          throw new Error('not open');
        },
        now: () => clock.now,
      },
      { maxDelayMs: 100, probeIntervalMs: 50 },
    );
    expect(p.onPong()).toBe(false);
    expect(p.afterSend(1000)).toBe(false);
    expect(p.pinging).toBe(false); // the failed ping is not in flight
    clock.now = 1000;
    expect(p.afterSend(1000)).toBe(false); // never congested by a ping that was not sent
  });
});
