import * as t from 'io-ts';
import { isBase64 } from '../../base64.js';

export { present } from '../../codecs.js';

/**
 * Building blocks of the wire codecs. Every codec here decodes a valid value to itself (the same object),
 * except that `null` in an optional field whose type does not allow null reads as absent; and its `is`
 * holds exactly when `decode` would succeed without changing anything (a decoder tries `is` first).
 */

/** A JSON value's kind, as far as choosing a union member goes. */
export type JsonKind = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';

/** A plain object (what a JSON object parses to): not null, not an array. */
export function isObject(u: unknown): u is Record<string, unknown> {
  return typeof u === 'object' && u !== null && !Array.isArray(u);
}

function kindOf(u: unknown): JsonKind | undefined {
  switch (typeof u) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'object':
      return u === null ? 'null' : Array.isArray(u) ? 'array' : 'object';
    default:
      return undefined;
  }
}

/**
 * The context to validate a value against one of a combinator's members: an entry without a key (the
 * path stays that of the data) that names the member at work, as io-ts's own unions do; without it, the
 * indices of an intersection inside a member would read as part of the path.
 */
function inner(c: t.Context, codec: t.Decoder<unknown, unknown>, u: unknown): t.Context {
  return t.appendContext(c, '', codec, u);
}

/**
 * Whether an error's context names no key of the data past `depth`: only keyless entries and the member
 * indices of io-ts's unions and intersections (which `formatDecodeErrors` leaves out too).
 */
function isAtDepth(context: t.Context, depth: number): boolean {
  for (let i = depth; i < context.length; i++) {
    if (context[i].key === '') continue;
    const tag = (context[i - 1].type as { _tag?: unknown })._tag;
    if (tag !== 'IntersectionType' && tag !== 'UnionType') return false;
  }
  return true;
}

/** Base64 text, padded (audio payloads). The static type stays `string`. */
export const base64: t.Type<string, string, unknown> = t.refinement(t.string, isBase64, 'base64');

/** One of a few strings (`'a' | 'b'`), named by them in errors. */
export function oneOf<L extends string>(...values: readonly [L, ...L[]]): t.KeyofC<Record<L, null>> {
  const keys = {} as Record<L, null>;
  for (const value of values) keys[value] = null;
  return t.keyof(keys);
}

/**
 * A string enum that also reads the names a server is known to send instead (`aliases`, alias ->
 * name), as the name: decoding normalizes them, and `is` is false for them so a decoder does.
 */
export function withAliases<L extends string>(
  codec: t.KeyofC<Record<L, null>>,
  aliases: Readonly<Record<string, L>>,
): t.Type<L, L, unknown> {
  return new t.Type<L, L, unknown>(
    codec.name,
    (u): u is L => codec.is(u),
    (u, c) =>
      typeof u === 'string' && Object.hasOwn(aliases, u) ? t.success(aliases[u]) : codec.validate(u, c),
    t.identity,
  );
}

/**
 * An optional field: absent, or a value of `type`. `null` where `type` does not accept null also reads
 * as absent (decoded to `undefined`, and `is` false so a decoder normalizes it): the API sends
 * `"usage": null` and the like for fields its types call optional but not nullable.
 */
export class OptionalType<C extends t.Mixed> extends t.Type<
  t.TypeOf<C> | undefined,
  t.OutputOf<C> | undefined,
  unknown
> {
  readonly _tag = 'OptionalType' as const;
  constructor(readonly type: C) {
    const nullIsAbsent = !type.is(null);
    super(
      type.name,
      (u): u is t.TypeOf<C> | undefined => u === undefined || type.is(u),
      (u, c) =>
        u === undefined || (u === null && nullIsAbsent)
          ? t.success(undefined)
          : type.validate(u, inner(c, type, u)),
      t.identity,
    );
  }
}

/** See {@link OptionalType}. */
export function optional<C extends t.Mixed>(
  type: C,
): t.Type<t.TypeOf<C> | undefined, t.OutputOf<C> | undefined, unknown> {
  return new OptionalType(type);
}

/** A value of `type` or `null` (fields the types declare `| null`); errors inside name their own path. */
export class NullableType<C extends t.Mixed> extends t.Type<
  t.TypeOf<C> | null,
  t.OutputOf<C> | null,
  unknown
> {
  readonly _tag = 'NullableType' as const;
  constructor(readonly type: C) {
    super(
      `${type.name} | null`,
      (u): u is t.TypeOf<C> | null => u === null || type.is(u),
      (u, c) => {
        if (u === null) return t.success(null);
        const result = type.validate(u, inner(c, type, u));
        // A value refused as a whole is reported as not this (`expected string | null`); errors
        // deeper inside keep their own paths.
        return result._tag === 'Left' && result.left.every((error) => isAtDepth(error.context, c.length))
          ? t.failure(u, c)
          : result;
      },
      t.identity,
    );
  }
}

/** See {@link NullableType}. */
export function nullable<C extends t.Mixed>(
  type: C,
): t.Type<t.TypeOf<C> | null, t.OutputOf<C> | null, unknown> {
  return new NullableType(type);
}

/**
 * Codecs of optional fields, each read through {@link optional}. Spelled out where used (not an alias)
 * so that the declarations of the codecs mention io-ts's types only.
 */
type OptionalProps<P extends t.Props> = {
  [K in keyof P]: t.Type<t.TypeOf<P[K]> | undefined, t.OutputOf<P[K]> | undefined, unknown>;
};

function optionalProps<P extends t.Props>(props: P): OptionalProps<P> {
  const wrapped: t.Props = {};
  for (const key of Object.keys(props)) wrapped[key] = optional(props[key]);
  return wrapped as OptionalProps<P>;
}

/** An object with only optional fields; extra fields are kept. */
export function allOptional<O extends t.Props>(
  name: string,
  fields: O,
): t.PartialC<{ [K in keyof O]: t.Type<t.TypeOf<O[K]> | undefined, t.OutputOf<O[K]> | undefined, unknown> }> {
  return t.partial(optionalProps(fields), name);
}

/** An object with required fields and, when given, optional ones; extra fields are kept. */
export function struct<R extends t.Props>(name: string, required: R): t.TypeC<R>;
export function struct<R extends t.Props, O extends t.Props>(
  name: string,
  required: R,
  optionalFields: O,
): t.IntersectionC<
  [
    t.TypeC<R>,
    t.PartialC<{ [K in keyof O]: t.Type<t.TypeOf<O[K]> | undefined, t.OutputOf<O[K]> | undefined, unknown> }>,
  ]
>;
export function struct(name: string, required: t.Props, optionalFields?: t.Props): t.Mixed {
  const requiredCodec = t.type(required, name);
  return optionalFields === undefined
    ? requiredCodec
    : t.intersection([requiredCodec, t.partial(optionalProps(optionalFields), name)], name);
}

type Members = Readonly<Record<string, t.Mixed>>;
type MemberOf<M extends Members> = t.TypeOf<M[keyof M]>;

/**
 * A union of objects told apart by one field (`tag`): only the member that the tag names is validated,
 * so its errors name the real path (`item.content.0.text: expected string, got 5`), and an unknown tag
 * is one error at the tag's path. Members whose tag is optional (`untagged`) are tried in order for a
 * value without the tag (or with a null one). `is` allocates nothing.
 */
export class DiscriminatedType<M extends Members> extends t.Type<MemberOf<M>, MemberOf<M>, unknown> {
  readonly _tag = 'DiscriminatedType' as const;
  private readonly byTag: ReadonlyMap<unknown, t.Mixed>;
  constructor(
    name: string,
    readonly tag: string,
    readonly members: M,
    readonly untagged: readonly (keyof M & string)[] = [],
  ) {
    const byTag = new Map<unknown, t.Mixed>(Object.entries(members));
    const tagCodec = t.keyof(Object.fromEntries(Object.keys(members).map((key) => [key, null])));
    const fallback = untagged.map((key) => members[key]);
    const isUntagged = (u: Record<string, unknown>): boolean => {
      for (let i = 0; i < fallback.length; i++) if (fallback[i].is(u)) return true;
      return false;
    };
    super(
      name,
      (u): u is MemberOf<M> => {
        if (!isObject(u)) return false;
        const value = u[tag];
        const member = byTag.get(value);
        if (member !== undefined) return member.is(u);
        return value === undefined && isUntagged(u);
      },
      (u, c) => {
        if (!isObject(u)) return t.failure(u, c);
        const value = u[tag];
        const member = byTag.get(value);
        if (member !== undefined) return member.validate(u, inner(c, member, u));
        if ((value === undefined || value === null) && fallback.length > 0) {
          // As `is` decides: a member that takes the value unchanged wins over one that would normalize it.
          if (isUntagged(u)) return t.success(u);
          let firstFailure: t.Validation<MemberOf<M>> | undefined;
          for (const codec of fallback) {
            const result = codec.validate(u, inner(c, codec, u));
            if (result._tag === 'Right') return result;
            firstFailure ??= result;
          }
          return firstFailure as t.Validation<MemberOf<M>>;
        }
        return t.failure(value, t.appendContext(c, tag, tagCodec, value));
      },
      t.identity,
    );
    this.byTag = byTag;
  }

  /** The member a value's tag selects (`undefined` for an unknown or missing tag). */
  memberFor(u: unknown): t.Mixed | undefined {
    return isObject(u) ? this.byTag.get(u[this.tag]) : undefined;
  }
}

/** See {@link DiscriminatedType}. */
export function discriminated<M extends Members>(
  tag: string,
  members: M,
  name: string,
  untagged: readonly (keyof M & string)[] = [],
): t.Type<t.TypeOf<M[keyof M]>, t.TypeOf<M[keyof M]>, unknown> {
  return new DiscriminatedType(name, tag, members, untagged);
}

type KindMembers = Readonly<Partial<Record<JsonKind, t.Mixed>>>;
type KindMemberOf<M extends KindMembers> = {
  [K in keyof M]: M[K] extends t.Mixed ? t.TypeOf<M[K]> : never;
}[keyof M];

/**
 * A union whose members are told apart by the JSON kind of the value (`'inf'` or a number, a tool
 * choice string or object, ...): only the member of the value's kind is validated, so errors stay
 * precise; a value of no member's kind is one error at the field. `is` allocates nothing.
 */
export class KindUnionType<M extends KindMembers> extends t.Type<KindMemberOf<M>, KindMemberOf<M>, unknown> {
  readonly _tag = 'KindUnionType' as const;
  constructor(readonly members: M) {
    const byKind = members as Partial<Record<JsonKind, t.Mixed>>;
    super(
      Object.values(byKind)
        .map((codec) => codec.name)
        .join(' | '),
      (u): u is KindMemberOf<M> => {
        const kind = kindOf(u);
        const member = kind === undefined ? undefined : byKind[kind];
        return member !== undefined && member.is(u);
      },
      (u, c) => {
        const kind = kindOf(u);
        const member = kind === undefined ? undefined : byKind[kind];
        return member === undefined ? t.failure(u, c) : member.validate(u, inner(c, member, u));
      },
      t.identity,
    );
  }
}

/** See {@link KindUnionType}. */
export function byKind<M extends KindMembers>(
  members: M,
): t.Type<
  { [K in keyof M]: M[K] extends t.Mixed ? t.TypeOf<M[K]> : never }[keyof M],
  { [K in keyof M]: M[K] extends t.Mixed ? t.TypeOf<M[K]> : never }[keyof M],
  unknown
> {
  return new KindUnionType(members);
}
