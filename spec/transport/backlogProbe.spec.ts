import { BacklogProbe } from '../../src/transport/backlogProbe';

/** A probe on a hand-driven clock, counting its pings. */
function probe(maxDelayMs = 100, probeIntervalMs = 50) {
  const clock = { now: 0, pings: 0 };
  const p = new BacklogProbe(
    () => clock.pings++,
    () => clock.now,
    { maxDelayMs, probeIntervalMs },
  );
  return { p, clock };
}

describe('BacklogProbe', () => {
  it('pings on the first send, then at most once per probeIntervalMs and never twice in flight', () => {
    const { p, clock } = probe();
    expect(p.afterSend()).toBe(false);
    expect(clock.pings).toBe(1);
    clock.now = 5;
    p.afterSend();
    expect(clock.pings).toBe(1); // in flight
    p.onPong();
    clock.now = 30;
    p.afterSend();
    expect(clock.pings).toBe(1); // 25 ms since the pong
    clock.now = 55;
    p.afterSend();
    expect(clock.pings).toBe(2);
  });

  it('turns congested when the ping in flight is older than base RTT + maxDelayMs at a send', () => {
    const { p, clock } = probe();
    p.afterSend(); // ping at 0
    clock.now = 100;
    expect(p.afterSend()).toBe(false); // exactly the bound: not yet
    clock.now = 101;
    expect(p.afterSend()).toBe(true);
    expect(p.congested).toBe(true);
    expect(p.delayMs).toBe(101);
    clock.now = 150;
    expect(p.afterSend()).toBe(false); // already congested: reported once
  });

  it('clears only on a pong after which nothing was sent; otherwise pings again at once', () => {
    const { p, clock } = probe();
    p.afterSend(); // ping 1 at 0
    clock.now = 120;
    p.afterSend(); // sent after ping 1: congested
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
    p.afterSend(); // ping at 0
    clock.now = 250;
    p.onPong(); // base RTT 250 (nothing sent after the ping)
    expect(p.baseRttMs).toBe(250);
    expect(p.congested).toBe(false);
    clock.now = 300;
    p.afterSend(); // ping at 300
    clock.now = 500;
    expect(p.afterSend()).toBe(false); // 200 ms in flight < 250 + 100
    clock.now = 560;
    p.onPong(); // RTT 260: 10 ms of queueing
    expect(p.delayMs).toBe(10);
    expect(p.congested).toBe(false);
    clock.now = 610;
    p.afterSend(); // ping at 610
    clock.now = 961;
    expect(p.afterSend()).toBe(true); // 351 > 250 + 100
  });

  it('a pong for a ping after which nothing was sent ends the congestion', () => {
    const { p, clock } = probe();
    p.afterSend(); // ping at 0 (base unknown: 0)
    clock.now = 10;
    p.onPong(); // base 10
    clock.now = 60;
    p.afterSend(); // ping at 60
    clock.now = 200;
    expect(p.afterSend()).toBe(true); // 140 > 10 + 100
    clock.now = 400;
    expect(p.onPong()).toBe(false); // sent after the ping: ping again
    expect(clock.pings).toBe(3);
    clock.now = 450;
    expect(p.onPong()).toBe(true); // nothing since: the pipe is empty
    expect(p.congested).toBe(false);
    expect(p.delayMs).toBe(40);
  });

  it('ignores unsolicited pongs and survives a ping that throws', () => {
    const clock = { now: 0 };
    const p = new BacklogProbe(
      () => {
        throw new Error('not open');
      },
      () => clock.now,
      { maxDelayMs: 100, probeIntervalMs: 50 },
    );
    expect(p.onPong()).toBe(false);
    expect(p.afterSend()).toBe(false);
    expect(p.pinging).toBe(false); // the failed ping is not in flight
    clock.now = 1000;
    expect(p.afterSend()).toBe(false); // never congested by a ping that was not sent
  });
});
