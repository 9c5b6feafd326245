import { printable } from './printable.js';
import type * as t from 'io-ts';

/** Enough distinct paths to locate the problem without burying it in a wall of union alternatives. */
const MAX_PATHS = 3;
const MAX_VALUE_CHARS = 40;

/**
 * io-ts errors as one short line that names where the message was wrong, e.g.
 * `session.id: expected string, got undefined`. Only the first error of each path is kept, and at most
 * {@link MAX_PATHS} paths, so a union that fails in every member stays readable.
 */
export function formatDecodeErrors(errors: t.Errors): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const error of errors) {
    const path = pathOf(error.context);
    if (seen.has(path)) continue;
    seen.add(path);
    if (parts.length < MAX_PATHS) parts.push(describe(path, error));
  }
  const hidden = seen.size - parts.length;
  return hidden > 0 ? `${parts.join('; ')}; and ${hidden} more` : parts.join('; ');
}

function describe(path: string, error: t.ValidationError): string {
  if (error.message !== undefined) return `${path}: ${error.message}`;
  const expected = error.context.length > 0 ? error.context[error.context.length - 1].type.name : 'a value';
  return `${path}: expected ${expected}, got ${compact(error.value)}`;
}

/** The object keys leading to the error; union and intersection member indices are not part of the data. */
function pathOf(context: t.Context): string {
  const keys: string[] = [];
  for (let i = 0; i < context.length; i++) {
    const key = context[i].key;
    if (key === '') continue;
    if (i > 0 && isCombinator(context[i - 1].type)) continue;
    keys.push(key);
  }
  return keys.length > 0 ? keys.join('.') : '(root)';
}

function isCombinator(codec: t.Decoder<unknown, unknown>): boolean {
  const tag = (codec as { _tag?: unknown })._tag;
  return tag === 'UnionType' || tag === 'IntersectionType';
}

function compact(value: unknown): string {
  return printable(value, MAX_VALUE_CHARS);
}
