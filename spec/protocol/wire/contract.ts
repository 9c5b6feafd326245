// The contract every wire codec keeps, as table-driven tests over one valid example: identity decoding,
// errors that name the path of a missing or mistyped required field, extra fields kept, and null read as
// absent in optional fields whose type does not allow null (kept where it does).
import type * as t from 'io-ts';
import { OptionalType, present } from '../../../src/protocol/openai/wire/primitives';
import { decoded, edited, errorOf, fieldsOf, get, objectPathsOf, pathText, wrongKind } from './fields';

/** Defines the contract's tests for `codec` over `example` (call inside a `describe`). */
export function itKeepsTheWireContract(codec: t.Mixed, example: unknown): void {
  it('decodes the example to the same object, and `is` accepts it', () => {
    expect(codec.is(example)).toBe(true);
    expect(decoded(codec, example)).toBe(example);
  });

  const required = fieldsOf(codec, example).filter((field) => field.required);
  it.each(required.map((field) => [pathText(field.path), field] as const))(
    'names %s when it is missing or of the wrong kind',
    (path, field) => {
      // A union member whose tag is optional takes a value without the tag (e.g. a tool without `type`
      // is a function tool), so only a wrong tag is an error there.
      if (!field.optionalTag) {
        const missing = edited(example, field.path, undefined);
        expect(codec.is(missing)).toBe(false);
        expect(errorOf(codec, missing)).toMatch(new RegExp(`^${escape(path)}: `));
      }
      // A field of type `unknown` takes a value of any kind.
      if (field.codec === present) return;
      const mistyped = edited(example, field.path, wrongKind(get(example, field.path)));
      expect(codec.is(mistyped)).toBe(false);
      expect(errorOf(codec, mistyped)).toMatch(new RegExp(`^${escape(path)}: `));
    },
  );

  it('keeps unknown extra fields, at the top and in every nested object', () => {
    const objects = objectPathsOf(codec, example);
    expect(objects.length).toBeGreaterThan(0);
    for (const at of objects) {
      const extended = edited(example, [...at, 'x_new_field'], { added: at.length });
      expect(codec.is(extended)).toBe(true);
      const result = decoded(codec, extended);
      expect(result).toBe(extended);
      expect(get(result, [...at, 'x_new_field'])).toEqual({ added: at.length });
    }
  });

  it('reads null as absent in optional fields that are not nullable, and keeps it where they are', () => {
    const optionalFields = fieldsOf(codec, example).filter((field) => field.codec instanceof OptionalType);
    const problems: string[] = [];
    for (const field of optionalFields) {
      const withNull = edited(example, field.path, null);
      const inner = (field.codec as OptionalType<t.Mixed>).type;
      const result = codec.decode(withNull);
      if (result._tag === 'Left') {
        problems.push(`${pathText(field.path)}: null refused`);
      } else if (inner.is(null)) {
        if (!codec.is(withNull) || result.right !== withNull)
          problems.push(`${pathText(field.path)}: null not kept`);
      } else {
        if (codec.is(withNull)) problems.push(`${pathText(field.path)}: \`is\` accepts null`);
        if (get(result.right, field.path) !== undefined)
          problems.push(`${pathText(field.path)}: null not absent`);
        if (!equalIgnoringUndefined(result.right, edited(example, field.path, undefined)))
          problems.push(`${pathText(field.path)}: other fields changed`);
      }
    }
    expect(problems).toEqual([]);
  });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function equalIgnoringUndefined(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
