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
  /** Part of a transcript: the user's speech (when transcription is on) or the assistant's text or speech. */
  | {
      type: 'transcript.delta';
      role: 'user' | 'assistant';
      delta: string;
      itemId?: string;
      responseId?: string;
    }
  | {
      type: 'transcript.done';
      role: 'user' | 'assistant';
      text: string;
      itemId?: string;
      responseId?: string;
    }
  /** The user's transcription failed (the turn itself goes on). */
  | { type: 'transcript.failed'; itemId?: string; message: string }
  | { type: 'speech.started'; itemId?: string }
  /** The server heard the user stop talking (`audioEndMs`: where, in the input audio). */
  | { type: 'speech.stopped'; itemId?: string; audioEndMs?: number }
  /** The input audio buffer became a user item (by server VAD or an `input.commit`). */
  | { type: 'input.committed'; itemId?: string; previousItemId?: string | null }
  | { type: 'input.cleared' }
  /** The idle timeout of server VAD fired: the user said nothing for `idleTimeoutMs`. */
  | { type: 'input.timeout'; itemId?: string }
  /** A response began; `metadata` is what its `response.create` asked for (out-of-band responses). */
  | { type: 'response.created'; responseId?: string; metadata?: Record<string, string> }
  /**
   * A response ended: `response.cancelled` when it was cancelled (barge-in, `response.cancel`),
   * else `response.done` with its `status` (`failed` and `incomplete` say why in `statusDetails`).
   */
  | {
      type: 'response.done' | 'response.cancelled';
      responseId?: string;
      status?: ResponseStatus;
      statusDetails?: ResponseStatusDetails;
      usage?: RealtimeUsage;
      metadata?: Record<string, string>;
    }
  | {
      type: 'tool.call';
      callId: string;
      name: string;
      arguments: string;
      itemId?: string;
      responseId?: string;
    }
  /** The item asked for with an `item.retrieve` control, as the server sent it (JSON). */
  | { type: 'item.retrieved'; item: unknown }
  | { type: 'item.truncated'; itemId: string; contentIndex: number; audioEndMs: number }
  | { type: 'item.deleted'; itemId: string }
  | { type: 'rate_limits'; limits: RateLimit[] }
  /** The server said error: terminal (followed by `closed{reason:'error'}`). */
  | { type: 'error'; message: string; code?: string }
  /** A frame we could not decode, or an input we refused to send: not terminal. */
  | { type: 'invalid'; messageType?: string; detail: string }
  /** The socket was lost and another is coming after `delayMs` (opt-in `reconnect`); not terminal. */
  | { type: 'reconnecting'; attempt: number; delayMs: number; cause: string }
  /** The new socket is open and the session message has been sent. */
  | { type: 'reconnected'; attempt: number }
  /**
   * Texts the server never confirmed receiving, in the order given: they may be lost. Emitted before
   * `reconnecting` for the texts written to the lost socket where the dialect has no acknowledgement
   * (codex; the openai dialect writes them again instead), and before `closed` for every text not
   * confirmed when the conversation ends (written to its last socket, or never written). Secrets in
   * them are hidden, as in every string that leaves the library.
   */
  | { type: 'texts.unconfirmed'; texts: string[] }
  | RealtimeClosed;

/**
 * How a response ended (the `status` of `response.done` and `response.cancelled`).
 *
 * @example
 * ```ts
 * conversation.events$.subscribe((event) => {
 *   if (event.type === 'response.done' && event.status === 'failed') alert(event.statusDetails?.error?.code);
 * });
 * ```
 */
export type ResponseStatus = 'completed' | 'cancelled' | 'failed' | 'incomplete';

/**
 * Why a response did not complete: `reason` (`turn_detected`, `client_cancelled`, `max_output_tokens`,
 * `content_filter`) or, for a failed one, the `error`.
 *
 * @example
 * ```ts
 * const why = (details: ResponseStatusDetails): string => details.error?.code ?? details.reason ?? 'unknown';
 * ```
 */
export interface ResponseStatusDetails {
  /** Why it was cancelled or is incomplete. */
  reason?: string;
  /** What went wrong, for a failed response. */
  error?: { type?: string; code?: string };
}

/**
 * The tokens a response used, as `response.done` reports them (camelCase). Missing totals read as 0.
 * {@link ConversationStats.usage} sums them over a conversation.
 *
 * @example
 * ```ts
 * const cost = (usage: RealtimeUsage): number =>
 *   (usage.inputTokenDetails?.audioTokens ?? 0) * 32e-6 + (usage.outputTokenDetails?.audioTokens ?? 0) * 64e-6;
 * ```
 */
export interface RealtimeUsage {
  /** Tokens read: the conversation so far, the instructions and the tools. */
  inputTokens: number;
  /** Tokens written: text, audio. */
  outputTokens: number;
  /** inputTokens + outputTokens */
  totalTokens: number;
  /** The input tokens by kind (cached tokens are a part of the others). */
  inputTokenDetails?: {
    textTokens?: number;
    audioTokens?: number;
    imageTokens?: number;
    cachedTokens?: number;
  };
  /** The output tokens by kind. */
  outputTokenDetails?: { textTokens?: number; audioTokens?: number };
}

/**
 * One limit of a `rate_limits` event: how much of it is left, and when it resets.
 *
 * @example
 * ```ts
 * conversation.events$.subscribe((event) => {
 *   if (event.type === 'rate_limits') {
 *     const tokens = event.limits.find((limit) => limit.name === 'tokens');
 *     if (tokens !== undefined && tokens.remaining < 1000) console.warn(`tokens reset in ${tokens.resetSeconds} s`);
 *   }
 * });
 * ```
 */
export interface RateLimit {
  /** `requests` or `tokens` */
  name: string;
  /** The most allowed per window. */
  limit: number;
  /** What is left in this window. */
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

/**
 * The event variant whose `type` is `T`.
 *
 * @example
 * ```ts
 * const isToolCall = (event: RealtimeEvent): event is RealtimeEventOf<'tool.call'> => event.type === 'tool.call';
 * conversation.events$.pipe(filter(isToolCall)).subscribe((call) => console.log(call.name, call.arguments));
 * ```
 */
export type RealtimeEventOf<T extends RealtimeEvent['type']> = RealtimeEvent extends infer E
  ? E extends { type: infer U }
    ? T extends U
      ? E
      : never
    : never
  : never;
