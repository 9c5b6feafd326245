import type * as t from 'io-ts';
import type { Decoded, ServerEventSink } from './dialect.js';
import { formatDecodeErrors } from './decodeErrors.js';
import { errorText } from './errors.js';
import { truncate } from './printable.js';

/** Keeps `invalid` details short: a parser message may quote part of a huge payload. */
const MAX_DETAIL_CHARS = 120;

/** A parsed inbound message: a JSON object with a string `type`. */
export type ParsedMessage = Record<string, unknown> & { type: string };

/**
 * Parses one inbound text frame, the first step of every dialect's decoding. Returns the message, or
 * why it is not one (the detail of an `invalid` event; it never quotes more than a short prefix of the
 * frame).
 */
export function parseFrame(data: string): ParsedMessage | string {
  let message: unknown;
  try {
    message = JSON.parse(data);
  } catch (error) {
    return truncate(`malformed JSON: ${errorText(error)}`, MAX_DETAIL_CHARS);
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return 'not a JSON object';
  if (typeof (message as { type?: unknown }).type !== 'string') return 'no string "type" field';
  return message as ParsedMessage;
}

/**
 * Decodes one parsed message whose `type` is already known to map to this decoder. `context` is what
 * the dialect's mapping needs beyond the message (e.g. the session's output format); `sink` receives
 * the message when it decodes cleanly.
 */
export type MessageDecoder<X = undefined> = (
  message: unknown,
  messageType: string,
  context: X,
  sink: ServerEventSink | undefined,
) => Decoded;

/**
 * Pairs a codec with its event mapping: a known type with bad fields becomes `invalid` naming the bad
 * path. Built once per type (a dialect's dispatch table), so decoding allocates no closures.
 *
 * A valid message costs one `codec.is` (property checks, no allocation): the codecs decode to the
 * value itself, except where they normalize (a `null` read as absent), which `is` refuses and
 * `decode` then does. A message reaches `sink` only when its event is not `invalid` (the mapping may
 * refuse what the codec allows, e.g. audio of half a sample).
 */
export function decoder<C extends t.Mixed, X = undefined>(
  codec: C,
  toEvent: (message: t.TypeOf<C>, context: X) => Decoded,
): MessageDecoder<X> {
  return (message, messageType, context, sink) => {
    let value: unknown = message;
    if (!codec.is(message)) {
      const result = codec.decode(message);
      // `_tag` is how an fp-ts Either tells Left from Right; testing it directly spares our ESM build an
      // import of fp-ts's CommonJS files (fp-ts has no exports map; io-ts itself uses fp-ts/es6).
      if (result._tag === 'Left')
        return { type: 'invalid', messageType, detail: formatDecodeErrors(result.left) };
      value = result.right;
    }
    const event = toEvent(value, context);
    if (sink !== undefined && (typeof event === 'symbol' || event.type !== 'invalid')) sink(value as object);
    return event;
  };
}
