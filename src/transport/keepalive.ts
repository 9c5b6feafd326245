import { asyncScheduler, type SchedulerLike, type Unsubscribable } from 'rxjs';
import type { WebSocketLike } from './webSocketLike.js';

/**
 * What the keepalive knows of the peer, and whom it tells when the peer is gone: `heard` is set by
 * every message and pong (a store, no clock read).
 */
export interface Liveness {
  /** Something arrived since the keepalive last looked. */
  heard: boolean;
  /** How long nothing has arrived (ms, counted in whole keepalive intervals). */
  silentMs: number;
  /** Nothing arrived for `deadMs`: the peer is given up. */
  dead(why: string): void;
  /**
   * Sends a ping, through the backlog probe when there is one (one ping in flight at a time, so
   * each pong is matched to its ping); it may throw when the socket is no longer open.
   */
  ping(): void;
}

/**
 * Pings after `intervalMs` of silence (`liveness.ping`); calls `liveness.dead` after `deadMs` of it. Off
 * (undefined) where the socket cannot ping.
 *
 * Silence is counted in whole intervals, looked at once an interval: on the real clock
 * (`asyncScheduler`), every socket with the same interval is looked at by one shared timer (a timer
 * each would hold a Node timer, an action and a closure per socket for its whole life); on any other
 * scheduler, each socket has its own recursive action.
 * @internal
 */
export function startKeepalive(
  socket: WebSocketLike,
  options: { intervalMs: number; deadMs: number },
  scheduler: SchedulerLike,
  liveness: Liveness,
): Unsubscribable | undefined {
  if (socket.ping === undefined) return undefined;
  const keepalive = new Keepalive(options.intervalMs, options.deadMs, liveness);
  if (scheduler === asyncScheduler) return keepalive.join();
  // A recursive action (`this` is the action): one timer for the socket's life.
  return scheduler.schedule(function () {
    if (keepalive.look()) this.schedule(undefined, keepalive.intervalMs);
  }, keepalive.intervalMs);
}

class Keepalive implements Unsubscribable {
  constructor(
    readonly intervalMs: number,
    private readonly deadMs: number,
    private readonly liveness: Liveness,
  ) {}

  /** One interval has passed: false once the peer is given up. */
  look(): boolean {
    const liveness = this.liveness;
    if (liveness.heard) {
      liveness.heard = false;
      liveness.silentMs = 0;
      return true;
    }
    liveness.silentMs += this.intervalMs;
    if (liveness.silentMs >= this.deadMs) {
      this.unsubscribe();
      liveness.dead(`no answer from the server for ${liveness.silentMs} ms (keepalive)`);
      return false;
    }
    try {
      liveness.ping(); // answered after everything sent before it has been read
    } catch {
      // not open any more: the close event follows
    }
    return true;
  }

  /** Looked at by the shared timer of its interval. */
  join(): this {
    let ticker = tickers.get(this.intervalMs);
    if (ticker === undefined) {
      const members = new Set<Keepalive>();
      const timer = setInterval(() => {
        for (const member of members) member.look();
      }, this.intervalMs);
      tickers.set(this.intervalMs, (ticker = { members, timer }));
    }
    ticker.members.add(this);
    return this;
  }

  unsubscribe(): void {
    const ticker = tickers.get(this.intervalMs);
    if (ticker === undefined || !ticker.members.delete(this)) return;
    if (ticker.members.size > 0) return;
    clearInterval(ticker.timer);
    tickers.delete(this.intervalMs);
  }
}

/** The shared timers of the real clock, one per interval, while a socket uses it. */
const tickers = new Map<number, { members: Set<Keepalive>; timer: ReturnType<typeof setInterval> }>();
