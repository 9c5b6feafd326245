import * as t from 'io-ts';
import { count, present } from '../codecs.js';

/**
 * Inbound messages of Codex's first-generation realtime protocol, one codec per `type`. The codecs only
 * describe fields: `decodeCodex` has already dispatched on `type`. Extra fields are allowed (and kept).
 */

/** `session.created`: the id in `session.id`, or (older servers) top-level `session_id`. */
export const SessionIdInSession = t.type({ session: t.type({ id: t.string }) });
export const SessionIdTopLevel = t.type({ session_id: t.string });
export const SessionCreatedCodec = t.union([SessionIdInSession, SessionIdTopLevel]);
export type SessionCreatedMessage = t.TypeOf<typeof SessionCreatedCodec>;

/** `session.updated`: `backend_prompt` is Codex's name for the instructions. */
export const SessionUpdatedCodec = t.type({
  session: t.partial({ id: t.string, backend_prompt: t.string }),
});
export type SessionUpdatedMessage = t.TypeOf<typeof SessionUpdatedCodec>;

/**
 * `response.output_audio.delta`: the base64 payload is in `delta`, or in `data`; `delta` wins. Codex
 * reads the counts as unsigned 64-bit integers, which refuses negatives and fractions.
 */
export const AudioInDelta = t.type({ delta: t.string });
export const AudioInData = t.type({ data: t.string });
export const OutputAudioDeltaCodec = t.intersection([
  t.type({ sample_rate: count, num_channels: count }),
  t.partial({ samples_per_channel: count, item_id: t.string }),
  t.union([AudioInDelta, AudioInData]),
]);
export type OutputAudioDeltaMessage = t.TypeOf<typeof OutputAudioDeltaCodec>;

/** `conversation.item.added`: the raw item, which must be a JSON object. */
export const ConversationItemAddedCodec = t.type({ item: t.UnknownRecord });
export type ConversationItemAddedMessage = t.TypeOf<typeof ConversationItemAddedCodec>;

/** `error`: a string `message`, else a string `error.message`, else whatever `error` is (as JSON text). */
export const ErrorWithMessage = t.type({ message: t.string });
export const ErrorWithNestedMessage = t.type({ error: t.type({ message: t.string }) });
export const ErrorWithValue = t.type({ error: present });
export const ServerErrorCodec = t.union([ErrorWithMessage, ErrorWithNestedMessage, ErrorWithValue]);
export type ServerErrorMessage = t.TypeOf<typeof ServerErrorCodec>;
