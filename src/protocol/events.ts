import type { RealtimeAudioFrame } from './frame.js';

/**
 * Why a conversation ended. Always the last value of `events$`, exactly once.
 *
 * @example
 * ```ts
 * conversation.events$.pipe(last()).subscribe((closed) => {
 *   if (closed.type === 'closed' && closed.reason !== 'requested') console.warn('lost:', closed.code, closed.detail);
 * });
 * ```
 */
export interface RealtimeClosed {
  /** Always `'closed'`. */
  type: 'closed';
  /** `requested`: `close()` was called; `transport_closed`: the socket ended; `error`: the server said error. */
  reason: 'requested' | 'transport_closed' | 'error';
  /** WebSocket close code when there was one (1000, 1006, 4000, ...) */
  code?: number;
  /** close reason text or error message; never contains a secret */
  detail?: string;
}

/**
 * Why a conversation ended, in one word: the `reason` of {@link RealtimeClosed} (and of a session's
 * `closed` event).
 *
 * @example
 * ```ts
 * const retry = (reason: CloseReason): boolean => reason === 'transport_closed';
 * ```
 */
export type CloseReason = RealtimeClosed['reason'];

/**
 * Decoded inbound events. Field names are camelCase; `type` strings are ours, not the wire's.
 *
 * What {@link Conversation.events$} emits; it ends with one {@link RealtimeClosed}. A dialect that has
 * no wire event for a variant never emits it. `error` (the server said error) is terminal; `invalid`
 * (a frame that could not be decoded, or an input refused) is not.
 *
 * @example
 * ```ts
 * conversation.events$.subscribe((event: RealtimeEvent) => {
 *   switch (event.type) {
 *     case 'audio.out':
 *       player.next(event.frame);
 *       break;
 *     case 'transcript.done':
 *       console.log(`${event.role}: ${event.text}`);
 *       break;
 *     case 'closed':
 *       console.log('ended:', event.reason);
 *       break;
 *   }
 * });
 * ```
 *
 * @see {@link RealtimeEventOf}
 */
export type RealtimeEvent =
  | { type: 'session.created'; sessionId: string }
  | { type: 'session.updated'; sessionId?: string; instructions?: string }
  | { type: 'audio.out'; frame: RealtimeAudioFrame }
  | { type: 'conversation.item.added'; item: unknown }
  | { type: 'conversation.item.done'; itemId: string }
  | { type: 'transcript.delta'; role: 'user' | 'assistant'; delta: string }
  | { type: 'transcript.done'; role: 'user' | 'assistant'; text: string }
  | { type: 'speech.started'; itemId?: string }
  | { type: 'response.created' | 'response.done' | 'response.cancelled'; responseId?: string }
  | { type: 'tool.call'; callId: string; name: string; arguments: string }
  /** The server said error: terminal (followed by `closed{reason:'error'}`). */
  | { type: 'error'; message: string; code?: string }
  /** A frame we could not decode, or an input we refused to send: not terminal. */
  | { type: 'invalid'; messageType?: string; detail: string }
  /** The socket was lost and another is coming after `delayMs` (opt-in `reconnect`); not terminal. */
  | { type: 'reconnecting'; attempt: number; delayMs: number; cause: string }
  /** The new socket is open and the session message has been sent. */
  | { type: 'reconnected'; attempt: number }
  | RealtimeClosed;

/**
 * The event variant whose `type` is `T`.
 *
 * @example
 * ```ts
 * const isToolCall = (event: RealtimeEvent): event is RealtimeEventOf<'tool.call'> => event.type === 'tool.call';
 * conversation.events$.pipe(filter(isToolCall)).subscribe((call) => console.log(call.name, call.arguments));
 * ```
 */
export type RealtimeEventOf<T extends RealtimeEvent['type']> = Extract<RealtimeEvent, { type: T }>;
