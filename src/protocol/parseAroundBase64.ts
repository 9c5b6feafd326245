import { isBase64 } from './frame.js';

/** Values shorter than this are parsed with the rest: the detour would cost more than it saves. */
const MIN_VALUE_CHARS = 256;

/**
 * A parser of JSON texts that gives `JSON.parse(text)` for a JSON object holding one long base64 string at its top level under a known
 * key (an audio delta's `"delta"`), or `undefined` when that is not shown to be the case (the caller
 * then parses the whole text). Most of the time `JSON.parse` spends on an audio delta goes into
 * scanning and copying the base64, character by character; here the value is found with `indexOf`,
 * cut out of the text as it is, and checked once, as base64 (which the codec needs anyway), while
 * `JSON.parse` reads everything else with the value emptied. The result is exactly `JSON.parse`'s:
 *
 * - the text has no `\` (no escapes), so every string is the span between two quotes, the key can be
 *   spelt only one way, and a `"` is never inside a string;
 * - `quotedKey` occurs exactly once, followed by `:"`: the only member of that name anywhere;
 * - the value is base64, so it holds no quote and nothing JSON would reject or unescape: emptying
 *   it changes no other token, and the rest is valid JSON exactly when the text is;
 * - the rest parses to an object whose member of that name is `""`: the member is at the top level.
 *
 * @example
 * ```ts
 * const parseAudioDelta = parserAroundBase64('delta');
 * const message = parseAudioDelta(frameText) ?? JSON.parse(frameText);
 * ```
 * @internal
 */
export function parserAroundBase64(key: string): (text: string) => Record<string, unknown> | undefined {
  const quotedKey = JSON.stringify(key);
  return (text) => parseAround(text, key, quotedKey);
}

function parseAround(text: string, key: string, quotedKey: string): Record<string, unknown> | undefined {
  const keyAt = text.indexOf(quotedKey);
  if (keyAt === -1) return undefined;
  const valueStart = keyAt + quotedKey.length + 2;
  if (text.charCodeAt(valueStart - 2) !== COLON || text.charCodeAt(valueStart - 1) !== QUOTE)
    return undefined;
  const valueEnd = text.indexOf('"', valueStart);
  if (valueEnd - valueStart < MIN_VALUE_CHARS) return undefined; // also: no closing quote (-1)
  if (text.indexOf(quotedKey, valueEnd) !== -1 || text.indexOf('\\') !== -1) return undefined;
  const value = text.slice(valueStart, valueEnd);
  if (!isBase64(value)) return undefined;
  let rest: unknown;
  try {
    rest = JSON.parse(text.slice(0, valueStart) + text.slice(valueEnd));
  } catch {
    return undefined;
  }
  if (typeof rest !== 'object' || rest === null || Array.isArray(rest)) return undefined;
  const message = rest as Record<string, unknown>;
  if (message[key] !== '') return undefined;
  message[key] = value;
  return message;
}

const COLON = 0x3a;
const QUOTE = 0x22;
