import type { TransportClose } from '../transport/webSocketSubject.js';
import type { Phase } from './phase.js';
import type { ConversationOptions } from './types.js';

/** The opt-in `reconnect` option of a conversation. */
export type ReconnectOptions = NonNullable<ConversationOptions['reconnect']>;

/**
 * Whether another socket could fare better than one that ended this way. Not when the server ended
 * it on purpose (1000, a policy violation 1008, a frame too big 1009, an application's 4000-4999),
 * nor when it refused the handshake as a bad request, unauthorized, forbidden or not found: the next
 * handshake would be refused too. Only `ws` sees the status: in a browser every refused handshake
 * looks alike, and is retried.
 */
export function isRetryable(close: TransportClose): boolean {
  if (close.opened) {
    const code = close.code;
    return !(code === 1000 || code === 1008 || code === 1009 || (code >= 4000 && code <= 4999));
  }
  const status = close.status;
  return !(status === 400 || status === 401 || status === 403 || status === 404);
}

/**
 * How long a socket must have been open to count as stable (ms): one lost after that starts the
 * reconnect attempts again from 1; one lost sooner (a server that accepts and then closes, again and
 * again) counts as one more failed attempt, so the backoff keeps growing and `maxAttempts` ends the
 * storm. Long enough for a handshake, a session message and its answer over a slow link; short
 * beside a conversation.
 */
export const STABLE_AFTER_MS = 5000;

/**
 * The reconnect attempts made so far when the socket of `phase` ended at `now` (the scheduler's
 * clock): those that led to it, or none if it stayed open for {@link STABLE_AFTER_MS}.
 */
export function attemptsMade(phase: Phase, now: number): number {
  switch (phase.name) {
    case 'connecting':
      return phase.attempt;
    case 'open':
      return now - phase.openedAt >= STABLE_AFTER_MS ? 0 : phase.attempt;
    default:
      return 0;
  }
}

/**
 * The number of the reconnect attempt to make after a socket ended, `attempts` having been made
 * since a socket last stayed up (see {@link attemptsMade}); undefined when none is to be made (the option is off, the attempts are
 * used up, or retrying cannot help).
 */
export function nextAttempt(
  reconnect: ReconnectOptions | undefined,
  attempts: number,
  close: TransportClose,
): number | undefined {
  if (reconnect === undefined || attempts >= reconnect.maxAttempts || !isRetryable(close)) return undefined;
  return attempts + 1;
}

/**
 * How long to wait before reconnect attempt `attempt` (1 for the first): `initialDelayMs`, doubled
 * per attempt, at most `maxDelayMs`, minus up to `jitter` (default 0.2) of it so that clients lost
 * together do not all come back at once. `random` returns a number in [0, 1).
 */
export function backoffDelayMs(
  reconnect: ReconnectOptions,
  attempt: number,
  random: () => number = Math.random,
): number {
  const { initialDelayMs, maxDelayMs, jitter = 0.2 } = reconnect;
  const full = Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1));
  return Math.round(full - full * jitter * random());
}
