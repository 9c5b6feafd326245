import type { RealtimeAudioFrame } from './frame.js';

/** Why a conversation ended. Always the last value of `events$`, exactly once. */
export interface RealtimeClosed {
  type: 'closed';
  reason: 'requested' | 'transport_closed' | 'error';
  /** WebSocket close code when there was one (1000, 1006, 4000, ...) */
  code?: number;
  /** close reason text or error message; never contains a secret */
  detail?: string;
}

export type CloseReason = RealtimeClosed['reason'];

/** Decoded inbound events. Field names are camelCase; `type` strings are ours, not the wire's. */
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

/** The event variant whose `type` is `T`. */
export type RealtimeEventOf<T extends RealtimeEvent['type']> = Extract<RealtimeEvent, { type: T }>;
