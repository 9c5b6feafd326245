/**
 * Secrets shorter than this are not searched for: they would match ordinary words. It is also the
 * shortest piece of a key that is hidden where a text quotes only part of it.
 */
const MIN_SECRET_LENGTH = 6;
const MASK = '***';

/**
 * Replaces every occurrence of a secret (an API key, an auth header's value) in `text` with `***`,
 * and every quote of part of a key (a secret without spaces): any run of 6 or more of its characters,
 * such as a server's "Incorrect API key provided: sk-proj-abc…" or a body cut in the middle of a key.
 * Used on every message that leaves the library from a socket or a server (error details, close
 * reasons, refused handshakes' bodies), in case the platform or a proxy echoed a credential back.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    if (out.includes(secret)) out = out.split(secret).join(MASK);
    // A header value such as `Bearer <key>` is hidden whole; its key is a secret of its own.
    if (secret.length > MIN_SECRET_LENGTH && !/\s/.test(secret)) out = hidePartialQuotes(out, secret);
  }
  return out;
}

/** `text` with every run of at least MIN_SECRET_LENGTH characters of `key` replaced by `***`. */
function hidePartialQuotes(text: string, key: string): string {
  // Where each piece of the key occurs; overlapping and touching ones then merge into one run.
  let found: [start: number, end: number][] | undefined;
  for (let i = 0; i + MIN_SECRET_LENGTH <= key.length; i++) {
    const piece = key.slice(i, i + MIN_SECRET_LENGTH);
    for (let at = text.indexOf(piece); at >= 0; at = text.indexOf(piece, at + 1))
      (found ??= []).push([at, at + MIN_SECRET_LENGTH]);
  }
  if (found === undefined) return text;
  found.sort((a, b) => a[0] - b[0]);
  let out = '';
  let copied = 0;
  let run = found[0];
  for (const next of found) {
    if (next[0] <= run[1]) run[1] = Math.max(run[1], next[1]);
    else {
      out += text.slice(copied, run[0]) + MASK;
      copied = run[1];
      run = next;
    }
  }
  return out + text.slice(copied, run[0]) + MASK + text.slice(run[1]);
}

/** The secrets worth hiding among the options: the API key, and every handshake header value that looks like a credential. */
export function secretsOf(apiKey: string | undefined, headers: Record<string, string>): string[] {
  const secrets: string[] = [];
  if (apiKey) secrets.push(apiKey);
  for (const [name, value] of Object.entries(headers)) {
    if (/authorization|api[-_]?key|token|secret|cookie/i.test(name)) {
      secrets.push(value);
      const bearer = /^\s*bearer\s+(.+)$/i.exec(value);
      if (bearer) secrets.push(bearer[1]);
    }
  }
  // Kept for the conversation's life: a copy of its own size, not the room a push makes for 17.
  return secrets.slice();
}

/**
 * `value` with every string in it redacted: the same object when nothing had to change, else a copy
 * (for a server event that may quote the client's input, such as an `error`).
 */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === 'string') return redact(value, secrets) as T;
  if (typeof value !== 'object' || value === null) return value;
  let copy: Record<string, unknown> | unknown[] | undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [key, item] of entries) {
    const redacted = redactDeep(item, secrets);
    if (redacted === item) continue;
    copy ??= Array.isArray(value) ? [...(value as unknown[])] : { ...(value as Record<string, unknown>) };
    (copy as Record<string, unknown>)[key] = redacted;
  }
  return (copy ?? value) as T;
}
