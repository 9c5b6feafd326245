import * as t from 'io-ts';

/**
 * Inbound messages of Codex's first-generation realtime protocol, one codec per `type`. The codecs only
 * describe fields: `decodeCodex` has already dispatched on `type`. Extra fields are allowed (and kept).
 */

/** An integer ≥ 0: Codex reads these fields as unsigned 64-bit integers, which refuses negatives and fractions. */
export const WireCount = new t.Type<number, number, unknown>(
  'non-negative integer',
  (u): u is number => Number.isInteger(u) && (u as number) >= 0,
  (u, c) => (Number.isInteger(u) && (u as number) >= 0 ? t.success(u as number) : t.failure(u, c)),
  t.identity,
);

/** Any JSON value, but the key must be there: `t.unknown` would also accept a missing key. */
export const PresentValue = new t.Type<unknown, unknown, unknown>(
  'JSON value',
  (u): u is unknown => u !== undefined,
  (u, c) => (u === undefined ? t.failure(u, c) : t.success(u)),
  t.identity,
);

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

/** `response.output_audio.delta`: the base64 payload is in `delta`, or in `data`; `delta` wins. */
export const AudioInDelta = t.type({ delta: t.string });
export const AudioInData = t.type({ data: t.string });
export const OutputAudioDeltaCodec = t.intersection([
  t.type({ sample_rate: WireCount, num_channels: WireCount }),
  t.partial({ samples_per_channel: WireCount, item_id: t.string }),
  t.union([AudioInDelta, AudioInData]),
]);
export type OutputAudioDeltaMessage = t.TypeOf<typeof OutputAudioDeltaCodec>;

/** `conversation.item.added`: the raw item, which must be a JSON object. */
export const ConversationItemAddedCodec = t.type({ item: t.UnknownRecord });
export type ConversationItemAddedMessage = t.TypeOf<typeof ConversationItemAddedCodec>;

/** `error`: a string `message`, else a string `error.message`, else whatever `error` is (as JSON text). */
export const ErrorWithMessage = t.type({ message: t.string });
export const ErrorWithNestedMessage = t.type({ error: t.type({ message: t.string }) });
export const ErrorWithValue = t.type({ error: PresentValue });
export const ServerErrorCodec = t.union([ErrorWithMessage, ErrorWithNestedMessage, ErrorWithValue]);
export type ServerErrorMessage = t.TypeOf<typeof ServerErrorCodec>;
