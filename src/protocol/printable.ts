/**
 * A value as short text for a message: its JSON when it has one, else its `String`, else its tag -
 * never a throw (BigInt, cycles, and values nested deeper than the stack make `JSON.stringify` and
 * `String` throw, and a server controls what it nests).
 */
export function printable(value: unknown, maxChars = Infinity): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) {
    try {
      text = String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  return truncate(text, maxChars);
}

/**
 * Makes a text for a message fit `maxChars`, with an ellipsis when it was longer: what
 * {@link truncate} does by default, or what the caller of {@link setTextCutter} set.
 */
export type TextCutter = (text: string, maxChars: number) => string;

/** The cutter in force, if a caller set one (see setTextCutter). */
let cutter: TextCutter | undefined;

/**
 * Routes every text this module cuts for a message (decode details, quoted values) through `next`
 * until it is set back; returns the cutter it replaces, to be set back when the call is done. A
 * conversation sets one around the synchronous calls that may quote a server's or a caller's text
 * (decoding a frame, checking an input), so that it can hide its secrets in the whole text before it
 * is cut: a cut made first may leave a piece of a secret too short to be recognized.
 */
export function setTextCutter(next: TextCutter | undefined): TextCutter | undefined {
  const previous = cutter;
  cutter = next;
  return previous;
}

/** `text`, cut to `maxChars` with an ellipsis when longer (through the cutter in force, if any). */
export function truncate(text: string, maxChars: number): string {
  if (cutter !== undefined) return cutter(text, maxChars);
  return text.length > maxChars ? `${text.slice(0, maxChars)}\u2026` : text;
}
