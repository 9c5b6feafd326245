/** Secrets shorter than this are not searched for: they would match ordinary words. */
const MIN_SECRET_LENGTH = 6;

/**
 * Replaces every occurrence of a secret (an API key, an auth header's value) in `text` with `***`.
 * Used on every message that leaves the library from a socket or a server (error details, close
 * reasons), in case the platform or a proxy echoed a credential back.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH && out.includes(secret)) out = out.split(secret).join('***');
  }
  return out;
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
  return secrets;
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
