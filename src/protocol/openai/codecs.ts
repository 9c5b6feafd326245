import * as t from 'io-ts';
import { base64ByteLength, isBase64 } from '../frame.js';

/**
 * Inbound messages of the GA Realtime API (and their beta aliases), one codec per `type`. The codecs
 * describe only the fields realtime-rx reads: `decodeOpenAIMessage` has already dispatched on `type`,
 * and every other field is allowed (the API adds fields over time).
 */

/** Base64 of whole PCM16 samples: what an audio delta must be for its sample count to mean anything. */
export const Pcm16Base64 = new t.Type<string, string, unknown>(
  'base64 of whole 16-bit samples',
  isPcm16Base64,
  (u, c) => (isPcm16Base64(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

function isPcm16Base64(u: unknown): u is string {
  return typeof u === 'string' && isBase64(u) && base64ByteLength(u) % 2 === 0;
}

/** A string or `null` (the API sends `"code": null` for errors without a code). */
export const NullableString = new t.Type<string | null, string | null, unknown>(
  'string or null',
  isNullableString,
  (u, c) => (isNullableString(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

function isNullableString(u: unknown): u is string | null {
  return u === null || typeof u === 'string';
}

/** `session.created`: the new session's id. */
export const SessionCreatedCodec = t.type({ session: t.type({ id: t.string }) });
export type SessionCreatedMessage = t.TypeOf<typeof SessionCreatedCodec>;

/** `session.updated`: the effective session; realtime-rx reads its id and instructions. */
export const SessionUpdatedCodec = t.type({ session: t.partial({ id: t.string, instructions: t.string }) });
export type SessionUpdatedMessage = t.TypeOf<typeof SessionUpdatedCodec>;

/** `response.output_audio.delta` / beta `response.audio.delta`: 24 kHz mono PCM16 in `delta`. */
export const AudioDeltaCodec = t.intersection([
  t.type({ delta: Pcm16Base64 }),
  t.partial({ item_id: t.string }),
]);
export type AudioDeltaMessage = t.TypeOf<typeof AudioDeltaCodec>;

/** Every text delta: user transcription, assistant audio transcript, assistant text. */
export const TextDeltaCodec = t.type({ delta: t.string });
export type TextDeltaMessage = t.TypeOf<typeof TextDeltaCodec>;

/** `…input_audio_transcription.completed`, `response.output_audio_transcript.done` and its beta alias. */
export const TranscriptDoneCodec = t.type({ transcript: t.string });
export type TranscriptDoneMessage = t.TypeOf<typeof TranscriptDoneCodec>;

/** `response.output_text.done` / beta `response.text.done`. */
export const TextDoneCodec = t.type({ text: t.string });
export type TextDoneMessage = t.TypeOf<typeof TextDoneCodec>;

/** `input_audio_buffer.speech_started`: the user item that the speech will become. */
export const SpeechStartedCodec = t.partial({ item_id: t.string });
export type SpeechStartedMessage = t.TypeOf<typeof SpeechStartedCodec>;

/** `conversation.item.added` / beta `conversation.item.created`: the raw item, a JSON object. */
export const ItemAddedCodec = t.type({ item: t.UnknownRecord });
export type ItemAddedMessage = t.TypeOf<typeof ItemAddedCodec>;

/** A finished function call: what a tool needs to run. */
export const FunctionCallItem = t.type({
  type: t.literal('function_call'),
  call_id: t.string,
  name: t.string,
  arguments: t.string,
});
export type FunctionCallItemMessage = t.TypeOf<typeof FunctionCallItem>;
/** Any other finished item: only its id is read. */
export const ItemWithId = t.type({ id: t.string });

/**
 * The item of `conversation.item.done`, discriminated on `item.type`: a `function_call` must have the
 * call fields (a broken call is `invalid`, not silently an ordinary item), anything else an `id`.
 */
export const DoneItem = new t.Type<
  t.TypeOf<typeof FunctionCallItem> | t.TypeOf<typeof ItemWithId>,
  unknown,
  unknown
>(
  'conversation item',
  (u): u is t.TypeOf<typeof FunctionCallItem> | t.TypeOf<typeof ItemWithId> =>
    FunctionCallItem.is(u) || ItemWithId.is(u),
  (u, c) => (isFunctionCall(u) ? FunctionCallItem.validate(u, c) : ItemWithId.validate(u, c)),
  t.identity,
);
export const ItemDoneCodec = t.type({ item: DoneItem });
export type ItemDoneMessage = t.TypeOf<typeof ItemDoneCodec>;

/** `response.created` / `response.done`: the response object, with its id and (when done) status. */
export const ResponseCodec = t.type({ response: t.partial({ id: t.string, status: t.string }) });
export type ResponseMessage = t.TypeOf<typeof ResponseCodec>;

/** Beta `response.cancelled`: the id in `response.id`, else `response_id`; both optional. */
export const ResponseCancelledCodec = t.partial({
  response: t.partial({ id: t.string }),
  response_id: t.string,
});
export type ResponseCancelledMessage = t.TypeOf<typeof ResponseCancelledCodec>;

/** `error`: `error.message`, and `error.code` when there is one. */
export const ServerErrorCodec = t.type({
  error: t.intersection([t.type({ message: t.string }), t.partial({ code: NullableString })]),
});
export type ServerErrorMessage = t.TypeOf<typeof ServerErrorCodec>;

export function isFunctionCall(u: unknown): boolean {
  return typeof u === 'object' && u !== null && (u as { type?: unknown }).type === 'function_call';
}
