import * as t from 'io-ts';

/** A JSON Schema, as a tool's `parameters` carries it. */
export type JsonSchema = Record<string, unknown>;

/** Where a codec has no JSON Schema (`args.when`), and why. */
export class NoSchema extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

/** The fields of io-ts's codec classes that the derivation reads (each class has its `_tag`). */
interface Codec {
  readonly _tag?: string;
  readonly name: string;
  readonly type?: Codec;
  readonly types?: readonly Codec[];
  readonly props?: Record<string, Codec>;
  readonly keys?: Record<string, unknown>;
  readonly value?: string | number | boolean;
  readonly domain?: Codec;
  readonly codomain?: Codec;
  is(value: unknown): boolean;
}

type Literal = string | number | boolean | null;

/**
 * The JSON Schema of a tool's arguments, derived from their io-ts codec: an object (t.type, t.partial,
 * t.intersection of them, possibly exact, readonly or refined). The schema allows the JSON values the
 * codec accepts, but for two differences: an exact codec's schema refuses the keys the codec would strip
 * (`additionalProperties: false`, telling the model that nothing else belongs), and a refinement's
 * schema is its base type's (the codec checks the predicate).
 * @throws NoSchema naming the first part of the codec that has none.
 */
export function argumentsSchema(codec: t.Decoder<unknown, unknown>): JsonSchema {
  const schema = schemaOf(codec as unknown as Codec, 'args');
  if (schema.type !== 'object') {
    throw new NoSchema(
      'args',
      `the arguments are a JSON object, so a t.type, t.partial or t.intersection of them, not ${codec.name}`,
    );
  }
  return schema;
}

function schemaOf(codec: Codec, path: string): JsonSchema {
  switch (codec._tag) {
    case 'StringType':
      return { type: 'string' };
    case 'NumberType':
      return { type: 'number' };
    case 'BooleanType':
      return { type: 'boolean' };
    case 'NullType':
      return { type: 'null' };
    case 'UnknownType':
      return {};
    case 'AnyArrayType':
      return { type: 'array' };
    case 'AnyDictionaryType':
      return { type: 'object' };
    case 'LiteralType':
    case 'KeyofType':
      return enumOf(literalsOf(codec) ?? []);
    case 'ArrayType':
    case 'ReadonlyArrayType':
      return { type: 'array', items: schemaOf(codec.type!, `${path}[]`) };
    case 'InterfaceType':
    case 'PartialType':
    case 'StrictType':
      return objectOf(codec, path);
    case 'DictionaryType':
      if (codec.domain?._tag !== 'StringType') break;
      return { type: 'object', additionalProperties: schemaOf(codec.codomain!, `${path}[string]`) };
    case 'ExactType': {
      const schema = schemaOf(codec.type!, path);
      return schema.type === 'object' ? { ...schema, additionalProperties: false } : schema;
    }
    case 'ReadonlyType':
      return schemaOf(codec.type!, path);
    case 'RefinementType':
      // A refinement's predicate has no schema: its base type's does, and the codec still checks it.
      if (codec === (t.Int as unknown) || codec === (t.Integer as unknown)) return { type: 'integer' };
      return schemaOf(codec.type!, path);
    case 'UnionType':
      return unionOf(codec.types!, path);
    case 'IntersectionType':
      return intersectionOf(codec.types!, path);
    default:
      break;
  }
  throw new NoSchema(path, `no JSON Schema for ${codec.name} (${why(codec._tag)})`);
}

function why(tag: string | undefined): string {
  switch (tag) {
    case 'UndefinedType':
    case 'VoidType':
    case 'BigIntType':
    case 'FunctionType':
      return 'not a JSON value';
    case 'RecursiveType':
      return 'recursive codecs are not derived';
    case 'AnyType':
      return 'use t.unknown';
    case undefined:
      return 'a custom codec';
    default:
      return `${tag} is not derived`;
  }
}

/** t.type (a key is required unless its codec accepts undefined), t.partial, t.strict. */
function objectOf(codec: Codec, path: string): JsonSchema {
  const properties: JsonSchema = {};
  const required: string[] = [];
  for (const [key, property] of Object.entries(codec.props!)) {
    properties[key] = schemaOf(property, `${path}.${key}`);
    if (codec._tag !== 'PartialType' && !acceptsUndefined(property)) required.push(key);
  }
  const schema: JsonSchema = { type: 'object', properties };
  if (required.length > 0) schema.required = required;
  if (codec._tag === 'StrictType') schema.additionalProperties = false;
  return schema;
}

function acceptsUndefined(codec: Codec): boolean {
  try {
    return codec.is(undefined);
  } catch {
    return false;
  }
}

/** Literals (and null) become one enum; other members anyOf, or one list of types when that is all they say. */
function unionOf(types: readonly Codec[], path: string): JsonSchema {
  // undefined is no JSON value: where it is a member, the property is optional (see objectOf).
  const members = types.filter((member) => member._tag !== 'UndefinedType' && member._tag !== 'VoidType');
  if (members.length === 0) throw new NoSchema(path, 'a union of undefined alone is not a JSON value');
  const literals = literalsOf({ _tag: 'UnionType', name: '', types: members, is: () => false });
  if (literals !== undefined) return enumOf(literals);
  const schemas = members.map((member) => schemaOf(member, path));
  if (schemas.length === 1) return schemas[0];
  const typeOnly = schemas.every((s) => typeof s.type === 'string' && Object.keys(s).length === 1);
  if (typeOnly) return { type: [...new Set(schemas.map((s) => s.type as string))] };
  return { anyOf: schemas };
}

/** Objects merge into one (a key in several parts must match them all); anything else is allOf. */
function intersectionOf(types: readonly Codec[], path: string): JsonSchema {
  const schemas = types.map((member) => schemaOf(member, path));
  if (!schemas.every((s) => s.type === 'object' && s.properties !== undefined)) return { allOf: schemas };
  const properties: JsonSchema = {};
  const required = new Set<string>();
  for (const schema of schemas) {
    for (const [key, property] of Object.entries(schema.properties as JsonSchema)) {
      properties[key] = key in properties ? { allOf: [properties[key], property] } : property;
    }
    for (const key of (schema.required as string[] | undefined) ?? []) required.add(key);
  }
  const merged: JsonSchema = { type: 'object', properties };
  if (required.size > 0) merged.required = [...required];
  if (schemas.every((s) => s.additionalProperties === false)) merged.additionalProperties = false;
  return merged;
}

/** The values of a literal, a keyof, null, or a union of only those; undefined for anything else. */
function literalsOf(codec: Codec): Literal[] | undefined {
  switch (codec._tag) {
    case 'LiteralType':
      return [codec.value!];
    case 'KeyofType':
      return Object.keys(codec.keys!);
    case 'NullType':
      return [null];
    case 'UnionType': {
      const values: Literal[] = [];
      for (const member of codec.types!) {
        const more = literalsOf(member);
        if (more === undefined) return undefined;
        values.push(...more);
      }
      return values;
    }
    default:
      return undefined;
  }
}

function enumOf(values: Literal[]): JsonSchema {
  const unique = [...new Set(values)];
  const types = [...new Set(unique.map((value) => (value === null ? 'null' : typeof value)))];
  return { type: types.length === 1 ? types[0] : types, enum: unique };
}
