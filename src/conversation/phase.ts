import type { Subscription } from 'rxjs';
import type { DialectSession } from '../protocol/dialect.js';
import type { RealtimeClosed } from '../protocol/events.js';
import type { WebSocketSubject } from '../transport/webSocketSubject.js';
import type { ClosingCause } from './closedEvent.js';
import type { ConversationState } from './types.js';

/**
 * A socket's handshake is under way; `attempt`: which reconnect attempt since a socket last stayed
 * up (0: not a reconnect).
 */
export interface Connecting {
  readonly name: 'connecting';
  readonly socket: WebSocketSubject;
  readonly attempt: number;
}

/**
 * The socket is open; `session` is the dialect's protocol state for it. `attempt` and `openedAt` (the
 * scheduler's clock) decide whether its loss starts the reconnect attempts again (see attemptsMade).
 */
export interface Open {
  readonly name: 'open';
  readonly socket: WebSocketSubject;
  readonly session: DialectSession;
  readonly attempt: number;
  readonly openedAt: number;
}

/** Between sockets: the last one was lost; reconnect attempt `attempt` starts when `timer` fires. */
export interface Waiting {
  readonly name: 'waiting';
  readonly attempt: number;
  readonly timer: Subscription;
}

/**
 * The conversation is over for the caller (`close()`, or a server `error`), and its socket closing;
 * no `socket` when it ended between sockets, which ends it at once.
 */
export interface Closing {
  readonly name: 'closing';
  readonly cause: ClosingCause;
  readonly socket: WebSocketSubject | undefined;
}

/** The end; `event` is the final event of `events$`, replayed to late subscribers. */
export interface Closed {
  readonly name: 'closed';
  readonly event: RealtimeClosed;
}

/**
 * Where a conversation is in its life: each phase holds what exists only in it (a socket, a
 * session, a reconnect timer, a cause, the final event).
 *
 * ```
 * connecting --open--> open --lost, retryable--> waiting --timer--> connecting
 *   |                    |                          |
 *   +------ close() or server error ---> closing --socket ended--> closed
 * ```
 * A socket that ends unasked and is not retried goes straight to `closed`.
 */
export type Phase = Connecting | Open | Waiting | Closing | Closed;

/** What `state$` says of a phase: waiting to reconnect is still `connecting` for the caller. */
export function stateOf(phase: Phase): ConversationState {
  return phase.name === 'waiting' ? 'connecting' : phase.name;
}
