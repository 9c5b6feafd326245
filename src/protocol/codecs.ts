import * as t from 'io-ts';

/*
 * Codecs and checks that both dialects' wire codecs use. Each is an io-ts refinement declared as a
 * plain `t.Type`, so the codecs built from it keep the static types they describe.
 */

/** An integer >= 0: an index, a count of samples or of milliseconds. */
export function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}

/**
 * A required field of type `unknown`: any value, but the field must be there (JSON has no `undefined`,
 * and a plain `t.unknown` would let the field go missing).
 */
export const present: t.Type<unknown, unknown, unknown> = t.refinement(
  t.unknown,
  (u: unknown): boolean => u !== undefined,
  'any value',
);

/** An integer >= 0 on the wire (the static type stays `number`). */
export const count: t.Type<number, number, unknown> = t.refinement(t.number, isCount, 'non-negative integer');
