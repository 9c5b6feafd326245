import * as t from 'io-ts';
import {
  ConversationItemAddedCodec,
  OutputAudioDeltaCodec,
  ServerErrorCodec,
  SessionCreatedCodec,
  SessionUpdatedCodec,
} from './codecs.js';

/** A codec that also requires `type` to be `name`. */
const event = <N extends string, C extends t.Mixed>(name: N, fields: C) =>
  t.intersection([t.type({ type: t.literal(name) }), fields]);

/**
 * The server events of the codex dialect, one codec per wire `type`: what its `serverEvents$` emits,
 * validated. Extra fields are allowed (and kept).
 *
 * @example
 * ```ts
 * const message: unknown = JSON.parse('{"type":"session.created","session":{"id":"s1"}}');
 * CodexServerEventCodecs['session.created'].is(message); // true
 * ```
 */
export const CodexServerEventCodecs = {
  'session.created': event('session.created', SessionCreatedCodec),
  'session.updated': event('session.updated', SessionUpdatedCodec),
  'response.output_audio.delta': event('response.output_audio.delta', OutputAudioDeltaCodec),
  'conversation.item.added': event('conversation.item.added', ConversationItemAddedCodec),
  error: event('error', ServerErrorCodec),
};

/**
 * A server event of the codex dialect in its wire shape: what `serverEvents$` emits for
 * `dialect: 'codex'`.
 *
 * @example
 * ```ts
 * const conversation = connectConversation({ url: 'http://127.0.0.1:8011', dialect: 'codex' });
 * conversation.serverEvents$.subscribe((event: CodexServerEvent) => {
 *   if (event.type === 'response.output_audio.delta') console.log(event.sample_rate);
 * });
 * ```
 */
export type CodexServerEvent = t.TypeOf<(typeof CodexServerEventCodecs)[keyof typeof CodexServerEventCodecs]>;
