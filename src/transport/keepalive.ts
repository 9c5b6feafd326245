import type { SchedulerLike, Subscription } from 'rxjs';
import type { BacklogProbe } from './backlogProbe.js';
import type { WebSocketLike } from './webSocketLike.js';

/** What the keepalive knows of the peer: `heard` is set by every message and pong (a store, no clock read). */
export interface Liveness {
  /** Something arrived since the keepalive last looked. */
  heard: boolean;
  /** How long nothing has arrived (ms, counted in whole keepalive intervals). */
  silentMs: number;
}

/**
 * Pings after `intervalMs` of silence; calls `dead` after `deadMs` of it. Off (undefined) where the
 * socket cannot ping. The ping goes through the backlog probe when there is one: one ping in flight
 * at a time, so each pong is matched to its ping.
 * @internal
 */
export function startKeepalive(
  socket: WebSocketLike,
  options: { intervalMs: number; deadMs: number },
  scheduler: SchedulerLike,
  liveness: Liveness,
  probe: BacklogProbe | undefined,
  dead: (why: string) => void,
): Subscription | undefined {
  if (socket.ping === undefined) return undefined;
  const { intervalMs, deadMs } = options;
  // A recursive action (`this` is the action): one timer for the socket's life.
  return scheduler.schedule(function () {
    if (liveness.heard) {
      liveness.heard = false;
      liveness.silentMs = 0;
    } else {
      liveness.silentMs += intervalMs;
      if (liveness.silentMs >= deadMs)
        return dead(`no answer from the server for ${liveness.silentMs} ms (keepalive)`);
      try {
        if (probe !== undefined) probe.pingNow();
        else socket.ping!(); // answered after everything sent before it has been read
      } catch {
        // not open any more: the close event follows
      }
    }
    this.schedule(undefined, intervalMs);
  }, intervalMs);
}
