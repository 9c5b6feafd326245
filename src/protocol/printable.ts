/**
 * A value as short text for a message: its JSON when it has one, else its `String`, else its tag —
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

/** `text`, cut to `maxChars` with an ellipsis when longer. */
export function truncate(text: string, maxChars: number): string {
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}
