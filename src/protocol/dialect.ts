import type { RealtimeEvent } from './events.js';
import type { RealtimeControl } from './control.js';
import type { RealtimeAudioFrame } from './frame.js';
import type { OpenAISessionOptions } from './openai/options.js';

/** The wire protocols realtime-rx speaks. */
export type DialectName = 'codex' | 'openai';

/** What a dialect needs to know to open a conversation. */
export interface SessionParams {
  /** base URL; http→ws, https→wss; the dialect normalizes the path */
  url: string;
  prompt?: string;
  sessionId?: string;
  model?: string;
  apiKey?: string;
  /** openai: after each text, ask for a response (default true) */
  respondToText?: boolean;
  /** openai: the session configuration */
  session?: OpenAISessionOptions;
}

/** `decode` found a message type it does not know: skip it and count it. */
export const UNKNOWN_TYPE: unique symbol = Symbol('unknown message type');
/** `decode` found a known type that maps to no event: skip it quietly. */
export const IGNORED_TYPE: unique symbol = Symbol('ignored message type');

export type Decoded = RealtimeEvent | typeof UNKNOWN_TYPE | typeof IGNORED_TYPE;

/** What a dialect sends for one control, or why it cannot. */
export type EncodedControl = { frames: string[] } | { problem: string };

/**
 * A wire protocol as data plus codecs: everything that differs between Codex's protocol and OpenAI's
 * lives behind this interface, so the transport and the conversation never branch on the dialect.
 */
export interface Dialect {
  readonly name: DialectName;
  /**
   * Checks the options and fixes what every socket of the conversation uses. Throws a `RealtimeError`
   * of kind `config` for options that cannot work (a bad URL, voice or format), before any socket.
   */
  prepare(params: SessionParams): DialectPlan;
}

/** The connection a dialect asks for, and a fresh protocol state for each socket. */
export interface DialectPlan {
  /** The WebSocket URL. Never contains a secret. */
  readonly url: string;
  /** Handshake headers (honoured on Node; browsers cannot send headers). */
  readonly headers: Record<string, string>;
  /** WebSocket subprotocols, if the dialect uses any. */
  readonly protocols: string[] | undefined;
  /** Why a (generally valid) audio frame cannot be sent in this dialect, e.g. a rate it does not take. */
  audioProblem?(frame: RealtimeAudioFrame): string | undefined;
  /** The protocol state of one socket (e.g. whether a response is active). */
  newSession(): DialectSession;
}

/**
 * One socket's worth of protocol. Encoders run when a frame is really sent (so decisions such as
 * "may a response be requested now" see the latest state); `decode` never throws.
 */
export interface DialectSession {
  /** The first frame on the socket. */
  sessionMessage(): string;
  /** One outbound audio frame (already validated) as a JSON text frame. */
  encodeAudio(frame: RealtimeAudioFrame): string;
  /** The frames for one user text (e.g. the item, then a response request when one may be made). */
  encodeText(text: string): string[];
  /** The frames for one control, or why this dialect cannot express it. */
  encodeControl(control: RealtimeControl): EncodedControl;
  /** One inbound text frame: an event (`invalid` when it cannot be decoded), or a skip marker. */
  decode(data: string): Decoded;
  /** Frames this session wants sent because of what it just decoded (a held `response.create` released by `response.done`). */
  takePending(): string[] | undefined;
}
