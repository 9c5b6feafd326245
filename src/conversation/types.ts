import type { Observable, SchedulerLike, Subject } from 'rxjs';
import type { RealtimeControl } from '../protocol/control.js';
import type { DialectName } from '../protocol/dialect.js';
import type { OpenAISessionOptions } from '../protocol/openai/options.js';
import type { RealtimeEvent } from '../protocol/events.js';
import type { RealtimeAudioFrame } from '../protocol/frame.js';
import type { WebSocketFactory } from '../transport/webSocketLike.js';
import type { CongestionConfig } from '../transport/backlogProbe.js';
import type { CodexServerEvent } from '../protocol/codex/wire.js';
import type { OpenAIServerEvent } from '../protocol/openai/wire/index.js';

/**
 * How to open a conversation with {@link connectConversation} (and the defaults of
 * {@link realtimeSession}): where, in which dialect, with which session, and the transport's limits.
 * Only `url` is required.
 *
 * @example
 * ```ts
 * const options: ConversationOptions = {
 *   url: 'https://api.openai.com',
 *   dialect: 'openai',
 *   apiKey: process.env.OPENAI_API_KEY,
 *   prompt: 'You are a friendly assistant.',
 *   session: { voice: 'marin', inputTranscription: { model: 'gpt-4o-mini-transcribe' } },
 *   reconnect: { maxAttempts: 3, initialDelayMs: 500, maxDelayMs: 5_000 },
 * };
 * const conversation = connectConversation(options);
 * ```
 */
export interface ConversationOptions {
  /** base URL; http->ws, https->wss; the dialect normalizes the path */
  url: string;
  /** wire protocol; default 'openai' */
  dialect?: DialectName;
  /** codex: session.backend_prompt; openai: session.instructions */
  prompt?: string;
  /** codex: session.conversation_id; openai: x-session-id header */
  sessionId?: string;
  /** openai: ?model= */
  model?: string;
  /** Node: Authorization: Bearer. Never logged, never put in errors, URLs or stats. */
  apiKey?: string;
  /** extra handshake headers (Node only) */
  headers?: Record<string, string>;
  /** drop-newest capacity of the audio lane, default 256 frames (about 5 s of 20 ms frames) */
  audioBufferFrames?: number;
  /** (url, protocols, headers) => WebSocket-like; default: ws on Node, global WebSocket in browsers */
  webSocket?: WebSocketFactory;
  /** for timers (close timeout, drain polling, stats) so TestScheduler can drive them */
  scheduler?: SchedulerLike;
  /** openai: after each text, ask for a response (default true; held while one is active) */
  respondToText?: boolean;
  /** openai: voice, modalities, turn detection, transcription, tools, ... (validated before connecting) */
  session?: OpenAISessionOptions;
  /** realtimeSession only: wins over every start op's prompt when set and not blank */
  promptOverride?: string;
  /** Bytes in the socket's send buffer above which nothing more is sent (default 64 KiB). */
  sendHighWaterMark?: number;
  /** How long a requested close may take before the socket is dropped (ms, default 3000). */
  closeTimeoutMs?: number;
  /** How often `stats$` emits while subscribed (ms, default 1000). */
  statsIntervalMs?: number;
  /**
   * Opt-in: reconnect after a lost socket, with exponential backoff (`initialDelayMs`, doubling, at most
   * `maxDelayMs`, minus up to `jitter` (default 0.2) of it at random) on the scheduler. Never for a
   * requested close, a handshake answered 400/401/403/404, close codes 1000, 1008, 1009 and 4000-4999,
   * or a server `error`. The attempts start again from 1 only after a socket stayed open for 5 s: a
   * server that accepts and then closes at once gets at most `maxAttempts` more sockets, each after a
   * longer wait. Texts and controls not yet written go out on the new socket, once, in order;
   * a text written to the lost socket and not acknowledged is written again first (openai), or named
   * by a `texts.unconfirmed` event (codex). See docs/reliability.md, "Texts across a dropped socket".
   */
  reconnect?: { maxAttempts: number; initialDelayMs: number; maxDelayMs: number; jitter?: number };
  /** How long a handshake may take (ms, default 10 000). */
  connectTimeoutMs?: number;
  /** Largest inbound frame (bytes, default 16 MiB): a bigger one ends the conversation with code 1009. */
  maxMessageBytes?: number;
  /** Node: ping after `intervalMs` of silence, give the peer up after `deadMs` (default 15 000 / 30 000); `false`: off. */
  keepalive?: { intervalMs: number; deadMs: number } | false;
  /**
   * Node: the socket is not writable while the uplink's queueing delay, measured by ping->pong, is above
   * `maxDelayMs` (default `{ maxDelayMs: 100, probeIntervalMs: 100 }`); `false`: only `bufferedAmount`
   * counts. This process's own event-loop lag is not counted as queueing. See docs/performance.md.
   */
  congestion?: CongestionConfig | false;
}

/**
 * Where a conversation's socket is: what {@link Conversation.state$} emits, each time it changes. After
 * a lost socket with `reconnect` on, the state goes back to `connecting`, and stays there while the
 * handshakes are retried.
 *
 * @example
 * ```ts
 * conversation.state$.subscribe((state: ConversationState) => {
 *   statusLine.textContent = state === 'open' ? 'live' : state;
 * });
 * ```
 */
export type ConversationState = 'connecting' | 'open' | 'closing' | 'closed';

/**
 * Counters of one conversation, emitted by {@link Conversation.stats$}.
 *
 * @example
 * ```ts
 * conversation.stats$.subscribe((stats: ConversationStats) => {
 *   if (stats.audioDropped > 0) console.warn(`${stats.audioDropped} audio frames dropped`);
 * });
 * ```
 */
export interface ConversationStats {
  /** audio frames written to the socket */
  audioSent: number;
  /** audio frames dropped because the buffer was full (or given after the end) */
  audioDropped: number;
  /** audio frames refused by validation (each also reported as an `invalid` event) */
  audioInvalid: number;
  /** texts written to the socket (a text to be written again on the next socket counts as queued until it is) */
  textSent: number;
  /** texts accepted and not yet written (still queued at the end means they were never sent) */
  textQueued: number;
  /** controls written to the socket */
  controlSent: number;
  /** controls accepted and not yet written */
  controlQueued: number;
  /** events emitted on `events$` */
  events: number;
  /** inbound frames that could not be decoded (`invalid` events) */
  invalid: number;
  /** inbound frames of an unknown type, skipped */
  unknown: number;
  /** sockets opened again after a loss (opt-in `reconnect`) */
  reconnects: number;
  /** tokens used, summed over every `response.done` (and `response.cancelled`) that reports usage */
  usage: { inputTokens: number; outputTokens: number; totalTokens: number };
}

/**
 * A server event of either dialect, in its wire shape: what `serverEvents$` emits when the dialect is
 * not known statically.
 *
 * @example
 * ```ts
 * const conversation = connectConversation({ url, dialect: pickDialect() });
 * conversation.serverEvents$.subscribe((event: ServerEvent) => console.log(event.type));
 * ```
 */
export type ServerEvent = OpenAIServerEvent | CodexServerEvent;

/**
 * The server events of a dialect known statically (the `dialect` option's type): its own union
 * (`openai` is the default), else {@link ServerEvent}. What {@link connectConversation} types
 * `serverEvents$` with.
 *
 * @example
 * ```ts
 * type Codex = ServerEventOf<'codex'>; // CodexServerEvent
 * type Default = ServerEventOf<undefined>; // OpenAIServerEvent
 * ```
 */
export type ServerEventOf<D extends DialectName | undefined> = [D] extends ['codex']
  ? CodexServerEvent
  : [D] extends ['openai' | undefined]
    ? OpenAIServerEvent
    : ServerEvent;

/**
 * One realtime conversation, as returned by {@link connectConversation}: three input lanes
 * (`audio`, `text`, `control`) and the observables of what happens.
 *
 * `audio` is drop-newest when the socket is congested; `text` and `control` are lossless and go out
 * first. Completing an input Subject does not close the conversation: call `close()`.
 *
 * @example
 * ```ts
 * const conversation: Conversation = connectConversation({ url: 'http://127.0.0.1:8011' });
 * conversation.events$.subscribe((event) => {
 *   if (event.type === 'transcript.done') console.log(`${event.role}: ${event.text}`);
 * });
 * conversation.text.next('What is the capital of France?');
 * // later
 * conversation.close();
 * ```
 */
export interface Conversation<E extends object = ServerEvent> {
  /** never blocks; drop-newest when full */
  readonly audio: Subject<RealtimeAudioFrame>;
  /** lossless; queued until sent */
  readonly text: Subject<string>;
  /** lossless, same priority as text: response requests, tool results, truncation (openai) */
  readonly control: Subject<RealtimeControl>;
  /** ends with RealtimeClosed, then completes; never errors */
  readonly events$: Observable<RealtimeEvent>;
  /**
   * Every inbound server event of the dialect, validated by its io-ts codec, in its wire shape
   * (snake_case, as parsed; fields the types do not name are kept, and a `null` where the GA types
   * say "optional" reads as absent). A malformed event never appears here (it is an `invalid` on
   * `events$`). Ends when `events$` ends; costs nothing while nobody subscribes. The codex dialect
   * emits its own wire union ({@link CodexServerEvent}).
   */
  readonly serverEvents$: Observable<E>;
  /** Where the socket is, when it changes; replays the current state to each new subscriber. */
  readonly state$: Observable<ConversationState>;
  /** a snapshot now, then every `statsIntervalMs`, and the final one at the end */
  readonly stats$: Observable<ConversationStats>;
  /** idempotent; closes with code 1000; ends events$ with reason 'requested' */
  close(): void;
}
