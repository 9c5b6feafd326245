import type { RealtimeEvent } from './events.js';
import type { RealtimeControl } from './control.js';
import type { RealtimeAudioFrame } from './frame.js';
import type { OpenAISessionOptions } from './openai/options.js';

/**
 * The wire protocols realtime-rx speaks: `openai` (the OpenAI Realtime GA API, the default) and `codex`
 * (the Codex realtime protocol). Also the keys of {@link dialects}.
 *
 * @example
 * ```ts
 * const dialect: DialectName = process.env.REALTIME_DIALECT === 'codex' ? 'codex' : 'openai';
 * const conversation = connectConversation({ url: 'http://127.0.0.1:8011', dialect });
 * ```
 */
export type DialectName = 'codex' | 'openai';

/**
 * What a dialect needs to know to open a conversation: the part of {@link ConversationOptions} that
 * reaches the wire. The argument of {@link Dialect.prepare}.
 *
 * @example
 * ```ts
 * const params: SessionParams = { url: 'https://api.openai.com', model: 'gpt-realtime', prompt: 'Be brief.' };
 * const plan = openaiDialect.prepare(params);
 * ```
 */
export interface SessionParams {
  /** base URL; http->ws, https->wss; the dialect normalizes the path */
  url: string;
  /** The instructions (codex: `backend_prompt`; openai: `session.instructions`). */
  prompt?: string;
  /** codex: `conversation_id`; openai: the `x-session-id` header. */
  sessionId?: string;
  /** openai: the `?model=` of the URL (on Azure, the deployment). */
  model?: string;
  /** Sent in the handshake only (a header; openai `ek_` keys also as a subprotocol), never in the URL. */
  apiKey?: string;
  /** openai: after each text, ask for a response (default true) */
  respondToText?: boolean;
  /** openai: the session configuration */
  session?: OpenAISessionOptions;
}

/**
 * `decode` found a message type it does not know: skip it and count it.
 *
 * @example
 * ```ts
 * if (session.decode(message) === UNKNOWN_TYPE) unknownCount++;
 * ```
 *
 * @see {@link Decoded}
 */
export const UNKNOWN_TYPE: unique symbol = Symbol('unknown message type');
/**
 * `decode` found a known type that maps to no event: skip it quietly.
 *
 * @example
 * ```ts
 * const decoded = session.decode(message);
 * if (decoded !== IGNORED_TYPE && decoded !== UNKNOWN_TYPE) events$.next(decoded);
 * ```
 *
 * @see {@link Decoded}
 */
export const IGNORED_TYPE: unique symbol = Symbol('ignored message type');

/**
 * What {@link DialectSession.decode} makes of one inbound frame: an event, or a marker saying to skip
 * it ({@link UNKNOWN_TYPE}: counted in the stats; {@link IGNORED_TYPE}: not).
 *
 * @example
 * ```ts
 * const session = openaiDialect.prepare({ url: 'https://api.openai.com' }).newSession();
 * const decoded: Decoded = session.decode('{"type":"session.created","session":{"id":"sess_1"}}');
 * if (decoded !== UNKNOWN_TYPE && decoded !== IGNORED_TYPE) console.log(decoded.type); // 'session.created'
 * ```
 */
export type Decoded = RealtimeEvent | typeof UNKNOWN_TYPE | typeof IGNORED_TYPE;

/**
 * What a dialect sends for one control, or why it cannot (the codex dialect has no controls).
 *
 * @example
 * ```ts
 * const encoded: EncodedControl = session.encodeControl({ type: 'response.cancel' });
 * if ('problem' in encoded) console.warn(encoded.problem);
 * else encoded.frames.forEach((frame) => socket.next(frame));
 * ```
 */
export type EncodedControl = { frames: string[] } | { problem: string };

/**
 * A wire protocol as data plus codecs: everything that differs between Codex's protocol and OpenAI's
 * lives behind this interface, so the transport and the conversation never branch on the dialect.
 *
 * @example
 * See the URL, headers and first frame a conversation would use, without connecting
 * ```ts
 * import { dialects } from 'realtime-rx';
 *
 * const plan = dialects.openai.prepare({ url: 'https://api.openai.com', prompt: 'Be brief.' });
 * console.log(plan.url); // wss://api.openai.com/v1/realtime?model=gpt-realtime
 * console.log(plan.newSession().sessionMessage()); // {"type":"session.update",...}
 * ```
 *
 * @see {@link openaiDialect}
 * @see {@link codexDialect}
 */
export interface Dialect {
  /** The key of this dialect in {@link dialects}, and the value of {@link ConversationOptions.dialect}. */
  readonly name: DialectName;
  /**
   * Whether the server acknowledges a text: it takes the item id the client gives the text
   * ({@link DialectSession.encodeText}'s `itemId`) and names it in its `conversation.item.added`.
   */
  readonly acknowledgesItems?: boolean;
  /**
   * Checks the options and fixes what every socket of the conversation uses. Throws a `RealtimeError`
   * of kind `config` for options that cannot work (a bad URL, voice or format), before any socket.
   */
  prepare(params: SessionParams): DialectPlan;
}

/**
 * The connection a dialect asks for, and a fresh protocol state for each socket: what
 * {@link Dialect.prepare} returns.
 *
 * @example
 * ```ts
 * const plan: DialectPlan = codexDialect.prepare({ url: 'http://127.0.0.1:8011' });
 * const socket = new WebSocketSubject({ url: plan.url, headers: plan.headers, factory: defaultWebSocketFactory });
 * ```
 */
export interface DialectPlan {
  /** The WebSocket URL. Never contains a secret. */
  readonly url: string;
  /** Handshake headers (honoured on Node; browsers cannot send headers). */
  readonly headers: Record<string, string>;
  /** WebSocket subprotocols, if the dialect uses any. */
  readonly protocols: string[] | undefined;
  /** Why a (generally valid) audio frame cannot be sent in this dialect, e.g. a rate it does not take. */
  audioProblem?: (frame: RealtimeAudioFrame) => string | undefined;
  /** The protocol state of one socket (e.g. whether a response is active). */
  newSession(): DialectSession;
}

/**
 * How a dialect encodes one audio frame: the text before and after the frame's data, so that the JSON
 * text frame is `head + frame.data + tail` (see {@link DialectSession.audioEnvelope}).
 *
 * @example
 * ```ts
 * const envelope: AudioEnvelope = ['{"type":"input_audio_buffer.append","audio":"', '"}'];
 * ```
 */
export type AudioEnvelope = readonly [head: string, tail: string];

/**
 * Receives each valid server event of a dialect in its wire shape (what `serverEvents$` emits).
 *
 * @example
 * ```ts
 * const seen: object[] = [];
 * session.decode('{"type":"input_audio_buffer.cleared","event_id":"event_1"}', (event) => seen.push(event));
 * ```
 */
export type ServerEventSink = (event: object) => void;

/**
 * One socket's worth of protocol. Encoders run when a frame is really sent (so decisions such as
 * "may a response be requested now" see the latest state); `decode` never throws.
 *
 * @example
 * ```ts
 * const session: DialectSession = openaiDialect.prepare({ url: 'https://api.openai.com' }).newSession();
 * const frames = [session.sessionMessage(), ...session.encodeText('hello')];
 * const [head, tail] = session.audioEnvelope(frame); // the audio frame's text: head + frame.data + tail
 * // ['{"type":"session.update",...}', '{"type":"conversation.item.create",...}', '{"type":"response.create"}']
 * ```
 */
export interface DialectSession {
  /** The first frame on the socket. */
  sessionMessage(): string;
  /**
   * One outbound audio frame (already validated), in parts: its JSON text frame is
   * `head + frame.data + tail`. A socket that frames texts itself copies the three parts without
   * joining them (no string built and copied per audio frame); others send the joined text.
   */
  audioEnvelope(frame: RealtimeAudioFrame): AudioEnvelope;
  /**
   * The frames for one user text (e.g. the item, then a response request when one may be made);
   * `itemId`, where the dialect acknowledges items, is the id the item carries.
   */
  encodeText(text: string, itemId?: string): string[];
  /** The frames for one control, or why this dialect cannot express it. */
  encodeControl(control: RealtimeControl): EncodedControl;
  /**
   * One inbound text frame: an event (`invalid` when it cannot be decoded), or a skip marker. When
   * `sink` is given, a frame that is a valid server event of the dialect is also handed to it, as
   * parsed (before the event is returned); nothing else is.
   */
  decode(data: string, sink?: ServerEventSink): Decoded;
  /**
   * Frames this session wants sent because of what it just decoded (a held `response.create` released
   * by `response.done`). Never asked after an `audio.out`: audio ends nothing, so it releases nothing.
   */
  takePending(): string[] | undefined;
}
