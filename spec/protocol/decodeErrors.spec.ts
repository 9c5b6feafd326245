import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either';
import { formatDecodeErrors } from '../../src/protocol/decodeErrors';

function errorsOf(codec: t.Mixed, value: unknown): string {
  const result = codec.decode(value);
  if (!isLeft(result)) throw new Error('expected a decode failure');
  return formatDecodeErrors(result.left);
}

describe('formatDecodeErrors', () => {
  it('names a nested path, the expected type and the value', () => {
    expect(errorsOf(t.type({ session: t.type({ id: t.string }) }), { session: {} })).toBe(
      'session.id: expected string, got undefined',
    );
  });

  it('skips union and intersection member indices but keeps array indices', () => {
    const codec = t.intersection([
      t.type({ list: t.array(t.number) }),
      t.union([t.type({ a: t.string }), t.type({ b: t.string })]),
    ]);
    expect(errorsOf(codec, { list: [1, 'x'], a: 1 })).toBe(
      'list.1: expected number, got "x"; a: expected string, got 1; b: expected string, got undefined',
    );
  });

  it('keeps the first error per path and caps the number of paths', () => {
    const codec = t.type({ a: t.string, b: t.string, c: t.string, d: t.string, e: t.string });
    expect(errorsOf(codec, {})).toBe(
      'a: expected string, got undefined; b: expected string, got undefined; c: expected string, got undefined; and 2 more',
    );
    expect(errorsOf(t.union([t.type({ a: t.string }), t.type({ a: t.number })]), { a: true })).toBe(
      'a: expected string, got true',
    );
  });

  it('truncates long values', () => {
    expect(errorsOf(t.type({ a: t.number }), { a: 'x'.repeat(100) })).toBe(
      `a: expected number, got "${'x'.repeat(39)}…`,
    );
  });

  it('calls a failure at the top "(root)" and uses custom messages', () => {
    expect(errorsOf(t.string, 5)).toBe('(root): expected string, got 5');
    const even = new t.Type<number>(
      'even',
      (u): u is number => u === 2,
      (u, c) => t.failure(u, c, 'must be even'),
      t.identity,
    );
    expect(errorsOf(t.type({ n: even }), { n: 3 })).toBe('n: must be even');
  });
});
