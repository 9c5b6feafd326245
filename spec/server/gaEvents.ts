// The check every frame of the openai dev server must pass: the library's GA codecs (their types are
// proved equivalent to the `openai` package's in spec/protocol/wire/conformance.spec.ts), strictly: a
// codec's `is` refuses a `null` where the GA types do not allow one, which decoding would forgive.
import type * as t from 'io-ts';
import { formatDecodeErrors } from '../../src/protocol/decodeErrors';
import { OPENAI_GA_SERVER_EVENT_TYPES, OpenAIServerEventCodecs } from '../../src/protocol/openai/wire';

const GA: ReadonlySet<string> = new Set(OPENAI_GA_SERVER_EVENT_TYPES);

/**
 * A `null` the API documents where its types say "optional": an out-of-band response's
 * `conversation_id` (the types' own comment says it is `null`).
 */
function withoutDocumentedNulls(frame: Record<string, unknown>): Record<string, unknown> {
  const response = frame.response as Record<string, unknown> | undefined;
  if (response?.conversation_id !== null) return frame;
  const { conversation_id: _null, ...rest } = response;
  return { ...frame, response: rest };
}

/** Why `frame` is not a valid GA server event (naming the bad path), or undefined when it is. */
export function gaProblem(frame: Record<string, unknown>): string | undefined {
  const type = String(frame.type);
  if (!GA.has(type)) return `${type}: not a GA server event`;
  const codec = (OpenAIServerEventCodecs as Record<string, t.Mixed>)[type];
  const checked = withoutDocumentedNulls(frame);
  if (codec.is(checked)) return undefined;
  const result = codec.decode(checked);
  return result._tag === 'Left'
    ? `${type}: ${formatDecodeErrors(result.left)}`
    : `${type}: a null where the GA types do not allow one`;
}
