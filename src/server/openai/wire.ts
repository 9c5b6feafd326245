// What the openai dialect's pieces share: JSON objects, and the client mistakes they refuse with.

export type Json = Record<string, unknown>;

/** A client mistake: answered with an `error` event (GA `invalid_request_error`), and the session goes on. */
export class ClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One client text frame as a JSON object; throws the `invalid_json` error the API answers with. */
export function clientMessage(data: string): Json {
  let message: unknown;
  try {
    message = JSON.parse(data);
  } catch {
    throw new ClientError('invalid_json', 'The server failed to parse the message: it is not valid JSON.');
  }
  if (!isObject(message)) throw new ClientError('invalid_json', 'The message is not a JSON object.');
  return message;
}

export function missing(path: string): ClientError {
  return new ClientError('missing_required_parameter', `Missing required parameter: '${path}'.`, path);
}

export function invalidType(path: string, expected: string): ClientError {
  return new ClientError('invalid_type', `Invalid type for '${path}': expected ${expected}.`, path);
}

export function invalidValue(path: string, why: string): ClientError {
  return new ClientError('invalid_value', `Invalid '${path}': ${why}.`, path);
}

/** A message of a `type` the connection does not take, answered with the types it does. */
export function unsupportedType(type: string, supported: readonly string[], param?: string): ClientError {
  return new ClientError(
    'invalid_value',
    `Invalid value: '${type}'. Supported values are: ${supported.map((t) => `'${t}'`).join(', ')}.`,
    param,
  );
}

export function objectAt(value: unknown, path: string): Json {
  if (!isObject(value)) throw invalidType(path, 'an object');
  return value;
}

export function stringAt(value: unknown, path: string): string {
  if (typeof value !== 'string') throw invalidType(path, 'a string');
  return value;
}

export function numberAt(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidType(path, 'a number');
  return value;
}

export function booleanAt(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw invalidType(path, 'a boolean');
  return value;
}

/** `value` when it is one of `allowed`, else an `invalid_value` error listing them. */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T {
  if (!allowed.includes(value as T))
    throw invalidValue(
      path,
      `${JSON.stringify(value)}; supported values are ${allowed.map((a) => `'${a}'`).join(', ')}`,
    );
  return value as T;
}

export function refuseUnknown(object: Json, known: readonly string[], path: string): void {
  for (const key of Object.keys(object)) {
    if (!known.includes(key))
      throw new ClientError('unknown_parameter', `Unknown parameter: '${path}.${key}'.`, `${path}.${key}`);
  }
}
