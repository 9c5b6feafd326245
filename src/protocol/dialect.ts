import type { RealtimeEvent } from './events.js';
import type { RealtimeAudioFrame } from './frame.js';

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
}

/** `decode` found a message type it does not know: skip it and count it. */
export const UNKNOWN_TYPE: unique symbol = Symbol('unknown message type');
/** `decode` found a known type that maps to no event: skip it quietly. */
export const IGNORED_TYPE: unique symbol = Symbol('ignored message type');

export type Decoded = RealtimeEvent | typeof UNKNOWN_TYPE | typeof IGNORED_TYPE;

/**
 * A wire protocol as data plus codecs: everything that differs between Codex's protocol and OpenAI's
 * lives behind this interface, so the transport and the conversation never branch on the dialect.
 * Every method is pure; `decode` never throws.
 */
export interface Dialect {
  readonly name: DialectName;
  /** The WebSocket URL to connect to. Throws a `RealtimeError` of kind `config` for a bad base URL. */
  url(params: SessionParams): string;
  /** Handshake headers (honoured on Node; browsers cannot send headers). */
  headers(params: SessionParams): Record<string, string>;
  /** WebSocket subprotocols, if the dialect uses any. */
  protocols(params: SessionParams): string[] | undefined;
  /** The first frame on every new socket. */
  sessionMessage(params: SessionParams): string;
  /** One outbound audio frame (already validated) as a JSON text frame. */
  encodeAudio(frame: RealtimeAudioFrame): string;
  /** One user text as a JSON text frame. */
  encodeText(text: string): string;
  /** One inbound text frame: an event (`invalid` when it cannot be decoded), or a skip marker. */
  decode(data: string): Decoded;
}
