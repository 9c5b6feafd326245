import { merge, timer, map, type Observable, type SchedulerLike } from 'rxjs';
import type { DialectName } from '../protocol/dialect.js';
import type { RealtimeEvent } from '../protocol/events.js';
import { server, type ServerAction } from './testSocket.js';

/**
 * One conversation recorded against the dev server (`realtime-rx serve`): what the client sent, what
 * the server sent and when, how it ended, and the events a client saw. Replay the server side with
 * {@link playFixture} under `TestScheduler` and compare the client's side with `events`.
 *
 * @example
 * ```ts
 * const recording: RecordedConversation = fixtures.textTurn;
 * const sockets = createTestSocket({ server: playFixture(recording) });
 * const conversation = connectConversation({ url: 'ws://test', dialect: recording.dialect, webSocket: sockets });
 * ```
 */
export interface RecordedConversation {
  /** Its key in {@link fixtures}. */
  readonly name: string;
  /** What happens in it, in a sentence. */
  readonly description: string;
  /** The wire protocol it was recorded in (connect the replay with the same). */
  readonly dialect: DialectName;
  /** The client's frames, JSON, in order. */
  readonly client: readonly unknown[];
  /** The server's text frames, with the ms since the socket opened. */
  readonly server: readonly { readonly atMs: number; readonly data: string }[];
  /**
   * How the server ended the socket, ms since it opened (`dropped`: no close frame, the client sees
   * 1006); absent when the client closed it (call `conversation.close()` in the replay, as it did).
   */
  readonly end?: {
    readonly atMs: number;
    readonly code: number;
    readonly reason: string;
    readonly dropped: boolean;
  };
  /** The events `connectConversation` emitted, `closed` last. */
  readonly events: readonly RealtimeEvent[];
}

/**
 * The server side of a recording as a script for {@link createTestSocket}: open at 0, each frame at
 * its recorded ms, then the recorded end. Virtual time: inside `TestScheduler.run` one frame is 1 ms.
 *
 * @example
 * ```ts
 * testScheduler.run(({ expectObservable }) => {
 *   const sockets = createTestSocket({ server: playFixture(fixtures.textTurn) });
 *   // ...
 * });
 * ```
 */
export function playFixture(
  fixture: RecordedConversation,
  scheduler?: SchedulerLike,
): Observable<ServerAction> {
  const at = (ms: number, action: ServerAction) => timer(ms, scheduler).pipe(map(() => action));
  const actions = [
    at(0, server.open()),
    ...fixture.server.map((frame) => at(frame.atMs, server.raw(frame.data))),
  ];
  const end = fixture.end;
  if (end !== undefined)
    actions.push(at(end.atMs, end.dropped ? server.drop() : server.close(end.code, end.reason)));
  return merge(...actions);
}
