import { constants } from 'node:os';
import type { RealtimeClosed } from '../protocol/events.js';

/** The command's exit codes: 1 and 2 for every command, the others `talk`'s, one per way a conversation can go. */
export const EXIT = {
  /** It opened, the input was sent, and talk closed it (quiet for `--idle-ms`, or `--timeout-ms`). */
  ok: 0,
  /** It could not run: an unreadable WAV, an unwritable `--out`, the embedded server did not start. */
  failed: 1,
  /** A bad flag or value. */
  usage: 2,
  /** It never opened: refused, answered 401 or another status, the handshake timed out. */
  notConnected: 3,
  /** `--timeout-ms` came before all the input was sent. */
  timedOut: 4,
  /** The server said error. */
  serverError: 5,
  /** The server closed it (any code, 1011 or even 1000) or the connection was lost (1006). */
  closedByServer: 6,
} as const;

/** How a conversation went, as far as the exit code cares. */
export interface TalkEnding {
  closed: RealtimeClosed;
  /** The conversation reached `open`. */
  opened: boolean;
  /** `--timeout-ms` closed it. */
  timedOut: boolean;
  /** The signal that stopped it (Ctrl-C: SIGINT). */
  interrupted?: NodeJS.Signals;
  /** Input never sent: texts still queued or never given, audio frames never given. */
  unsent: { texts: number; frames: number };
}

/** The exit code, and the one line that says what went wrong (none for success or an interrupt). */
export function talkVerdict(ending: TalkEnding, timeoutMs: number): { code: number; problem?: string } {
  const { closed } = ending;
  if (ending.interrupted !== undefined) return { code: 128 + constants.signals[ending.interrupted] };
  if (!ending.opened) {
    const why = ending.timedOut
      ? `no connection within ${timeoutMs} ms (--timeout-ms)`
      : oneLine(closed.detail ?? closed.reason);
    return { code: EXIT.notConnected, problem: `could not connect: ${why}` };
  }
  if (closed.reason === 'error') {
    return {
      code: EXIT.serverError,
      problem: `the conversation ended in error: ${oneLine(closed.detail ?? 'no detail')}`,
    };
  }
  if (closed.reason === 'transport_closed') {
    const code = closed.code === undefined ? 'no close code' : `code ${closed.code}`;
    const detail = closed.detail === undefined ? '' : `: ${oneLine(closed.detail)}`;
    return {
      code: EXIT.closedByServer,
      problem: `the connection closed before talk closed it (${code}${detail})`,
    };
  }
  const { texts, frames } = ending.unsent;
  if (ending.timedOut && texts + frames > 0) {
    const left = [texts > 0 ? count(texts, 'text') : '', frames > 0 ? count(frames, 'audio frame') : '']
      .filter(Boolean)
      .join(' and ');
    return {
      code: EXIT.timedOut,
      problem: `--timeout-ms ${timeoutMs} came before the input was sent: ${left} not sent`,
    };
  }
  return { code: EXIT.ok };
}

/** A detail fit for one line (a server's text may hold line breaks). */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}
