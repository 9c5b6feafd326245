import type * as t from 'io-ts';
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
    // `_tag` is how an fp-ts Either tells Left from Right; testing it directly spares our ESM build an
    // import of fp-ts's CommonJS files (fp-ts has no exports map; io-ts itself uses fp-ts/es6).
    return result._tag === 'Left'
      ? { type: 'invalid', messageType, detail: formatDecodeErrors(result.left) }
      : toEvent(result.right as t.TypeOf<C>);
  };
}
