// Introspection of the wire codecs for table-driven specs: every field a codec declares along a valid
// example (required or optional, and whether the type lets it be null), and a few helpers to edit a
// deep copy of the example at a path.
import * as t from 'io-ts';
import { formatDecodeErrors } from '../../../src/protocol/decodeErrors';
import {
  DiscriminatedType,
  KindUnionType,
  NullableType,
  OptionalType,
  isObject,
} from '../../../src/protocol/openai/wire/primitives';

export type Path = readonly (string | number)[];

export interface Field {
  readonly path: Path;
  readonly required: boolean;
  /** The field's codec, as declared (optional fields: the {@link OptionalType}). */
  readonly codec: t.Mixed;
  /** The tag of a union whose members may leave it out: without it, the value is one of those members. */
  readonly optionalTag: boolean;
}

/** `a.b.0.c`, as formatDecodeErrors writes a path. */
export const pathText = (path: Path): string => path.join('.');

/** Every field that `codec` declares, following `value` into nested objects, arrays and union members. */
export function fieldsOf(codec: t.Mixed, value: unknown, path: Path = []): Field[] {
  return walk(codec, value, path).fields;
}

/** Every object along `value` (itself included) that is an object of the codec's (not a record's entries). */
export function objectPathsOf(codec: t.Mixed, value: unknown): Path[] {
  return walk(codec, value, []).objects;
}

function walk(codec: t.Mixed, value: unknown, path: Path): { fields: Field[]; objects: Path[] } {
  const fields: Field[] = [];
  const objects = new Map<string, Path>();
  const optionalTags = new Set<string>();
  const visit = (c: t.Mixed, v: unknown, at: Path): void => {
    if (c instanceof OptionalType || c instanceof NullableType) {
      if (v !== undefined && v !== null) visit(c.type as t.Mixed, v, at);
      return;
    }
    if (c instanceof DiscriminatedType) {
      const members = c.members as Record<string, t.Mixed>;
      if (c.untagged.length > 0) optionalTags.add(pathText([...at, c.tag]));
      const member = c.memberFor(v) ?? c.untagged.map((key) => members[key]).find((m) => m.is(v));
      if (member !== undefined) visit(member, v, at);
      return;
    }
    if (c instanceof KindUnionType) {
      const members = Object.values(c.members as Record<string, t.Mixed>);
      const member = members.find((m) => m.is(v));
      if (member !== undefined) visit(member, v, at);
      return;
    }
    if (c instanceof t.InterfaceType || c instanceof t.PartialType) {
      if (!isObject(v)) return;
      objects.set(pathText(at), at);
      const required = c instanceof t.InterfaceType;
      for (const [key, fieldCodec] of Object.entries(c.props as t.Props)) {
        const fieldPath = [...at, key];
        fields.push({
          path: fieldPath,
          required,
          codec: fieldCodec,
          optionalTag: optionalTags.has(pathText(fieldPath)),
        });
        if (v[key] !== undefined) visit(fieldCodec, v[key], [...at, key]);
      }
      return;
    }
    if (c instanceof t.IntersectionType) {
      for (const member of c.types as t.Mixed[]) visit(member, v, at);
      return;
    }
    if (c instanceof t.ArrayType && Array.isArray(v)) {
      v.forEach((element, i) => visit(c.type as t.Mixed, element, [...at, i]));
      return;
    }
    if (c instanceof t.DictionaryType && isObject(v)) {
      for (const [key, entry] of Object.entries(v)) visit(c.codomain as t.Mixed, entry, [...at, key]);
    }
  };
  visit(codec, value, path);
  return { fields, objects: [...objects.values()] };
}

export function get(value: unknown, path: Path): unknown {
  let at: unknown = value;
  for (const key of path) at = (at as Record<string | number, unknown>)[key];
  return at;
}

/** A deep copy of `value` with the field at `path` set to `field` (deleted when `field` is `undefined`). */
export function edited(value: unknown, path: Path, field: unknown): unknown {
  const copy: unknown = structuredClone(value);
  const parent = get(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  const key = path[path.length - 1];
  if (field === undefined) delete parent[key];
  else parent[key] = field;
  return copy;
}

/** The one-line error of a value the codec must refuse. */
export function errorOf(codec: t.Mixed, value: unknown): string {
  const result = codec.decode(value);
  if (result._tag === 'Right') throw new Error(`expected a decode failure for ${JSON.stringify(value)}`);
  return formatDecodeErrors(result.left);
}

/** What a decode returns for a value the codec must accept. */
export function decoded(codec: t.Mixed, value: unknown): unknown {
  const result = codec.decode(value);
  if (result._tag === 'Left') throw new Error(formatDecodeErrors(result.left));
  return result.right;
}

/** A value of another JSON kind than `value`, so no codec of a field that holds `value` accepts it. */
export function wrongKind(value: unknown): unknown {
  return typeof value === 'string' ? 12345 : 'not the right kind';
}
