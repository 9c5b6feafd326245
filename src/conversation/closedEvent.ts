import type { RealtimeClosed } from '../protocol/events.js';
import type { TransportClose } from '../transport/webSocketSubject.js';
import { redact } from './redact.js';

/** Why the conversation is closing, once it is known: the `closed` event to come, less its code. */
export type ClosingCause = Omit<RealtimeClosed, 'type' | 'code'>;

/** What the conversation knows, besides the last socket's end, when it ends. */
export interface ClosedContext {
  /** Why we closed, if we did (`close()`, or a server `error`): the first cause wins. */
  readonly cause: ClosingCause | undefined;
  /** Reconnect attempts made since a socket last stayed up (see attemptsMade). */
  readonly attempts: number;
  /** The inbound frame limit, named when a frame exceeded it. */
  readonly maxMessageBytes: number;
  /** Redacted from every detail: the close reason or a failure may echo a credential. */
  readonly secrets: readonly string[];
}

/**
 * The conversation's final event, from how its last socket ended: what we asked for if we asked,
 * else a frame too big, else giving up on reconnecting, else a failure to connect, else a lost
 * transport (closed by the peer, or given up by a timeout of ours: connect, keepalive).
 */
export function closedEvent(close: TransportClose, context: ClosedContext): RealtimeClosed {
  const { cause, attempts, secrets } = context;
  if (cause !== undefined)
    return compact({ type: 'closed', ...cause, code: close.opened ? close.code : undefined });
  if (close.code === 1009) {
    return {
      type: 'closed',
      reason: 'error',
      code: 1009,
      detail: `an inbound frame exceeded maxMessageBytes (${context.maxMessageBytes} bytes)`,
    };
  }
  if (attempts > 0) {
    return compact({
      type: 'closed',
      reason: 'transport_closed',
      code: close.opened ? close.code : undefined,
      detail: `gave up after ${attempts} reconnect attempts: ${redact(describeClose(close), secrets)}`,
    });
  }
  if (!close.opened && !close.timedOut) {
    return {
      type: 'closed',
      reason: 'error',
      detail: redact(
        close.error ?? `connection closed before the handshake completed (code ${close.code})`,
        secrets,
      ),
    };
  }
  const detail = close.reason || close.error;
  return compact({
    type: 'closed',
    reason: 'transport_closed',
    code: close.opened ? close.code : undefined,
    detail: detail && redact(detail, secrets),
  });
}

/** A socket's end, in words, for `reconnecting.cause` and details (not redacted). */
export function describeClose(close: TransportClose): string {
  const what = close.error ?? close.reason;
  return close.opened
    ? `closed with ${close.code}${what ? `: ${what}` : ''}`
    : what || `could not connect (code ${close.code})`;
}

/** Drops keys whose value is undefined, so events compare and print cleanly. */
function compact<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}
