import type * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import type { Decoded } from './dialect.js';
import { formatDecodeErrors } from './decodeErrors.js';

/** Decodes one parsed message whose `type` is already known to map to this decoder. */
export type MessageDecoder = (message: unknown, messageType: string) => Decoded;

/**
 * Pairs a codec with its event mapping: a known type with bad fields becomes `invalid` naming the bad
 * path. Built once per type (a dialect's dispatch table), so decoding allocates no closures.
 */
export function decoder<C extends t.Mixed>(
  codec: C,
  toEvent: (message: t.TypeOf<C>) => Decoded,
): MessageDecoder {
  return (message, messageType) => {
    const result = codec.decode(message);
    return isLeft(result)
      ? { type: 'invalid', messageType, detail: formatDecodeErrors(result.left) }
      : toEvent(result.right as t.TypeOf<C>);
  };
}
