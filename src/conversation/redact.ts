import { RealtimeError } from '../protocol/errors.js';
import { setTextCutter } from '../protocol/printable.js';

/**
 * Secrets shorter than this are not searched for: they would match ordinary words. It is also the
 * shortest piece of a key (a secret without spaces) that is hidden where a text quotes only part of it.
 */
const MIN_SECRET_LENGTH = 6;
/**
 * The shortest piece of a secret with spaces (a cookie, a passphrase) that is hidden: longer than a
 * key's, as such a secret is made of words, and its short pieces of ordinary ones.
 */
const MIN_PHRASE_PIECE = 8;
const MASK = '***';
/** The longest text remembered as clean (ids; not transcripts, kept alive for nothing). */
const MAX_REMEMBERED = 64;

/**
 * A secret searched for in pieces: the shortest piece that is hidden, and where each of its
 * characters starts one (by character code), so a text is matched without cutting it into strings.
 */
interface Pieces {
  readonly secret: string;
  readonly length: number;
  readonly starts: Map<number, number[]>;
}

/**
 * Hides a conversation's secrets (its API key, its credential-looking header values) in every text
 * that leaves the library: every whole occurrence, and every quote of part of one (any run of 6 or
 * more characters of a key, 8 or more of a secret with spaces), such as a server's "Incorrect API key
 * provided: sk-proj-abc..." or a text cut in the middle of a key. Shared by the conversations with the
 * same secrets (see redactorOf).
 *
 * The search is a scan for runs of characters that occur in some secret (a piece of a secret is such
 * a run): a text with no run long enough, such as most of a transcript, costs one pass over its
 * characters and nothing else.
 */
export class Redactor {
  /** Hidden wherever they appear whole. */
  private readonly whole: readonly string[];
  /** Searched for in pieces. */
  private readonly pieces: readonly Pieces[];
  /** The shortest piece hidden; no run of the secrets' characters shorter than this is looked into. */
  private readonly shortestPiece: number;
  /** The longest secret: how far past a cut a secret that the cut would break can reach. */
  readonly longest: number;
  /** The secrets' ASCII characters, a bit each; and their other characters. */
  private readonly ascii = [0, 0, 0, 0];
  private readonly wide: string = '';
  /**
   * Short texts found to hold nothing, in a slot by their length and first character: an item's id,
   * repeated on every delta of the item, and its response's are checked once.
   */
  private readonly clean: (string | undefined)[] = new Array<string | undefined>(8).fill(undefined);
  /** `cut` bound to this redactor, for protocol's truncation (see setTextCutter). */
  readonly cutter: (text: string, maxChars: number) => string;

  constructor(readonly secrets: readonly string[]) {
    // In the order given: `Bearer <key>` after its key reads `Bearer ***`, before it `***`.
    const whole = [...new Set(secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH))];
    this.whole = whole;
    const pieces: Pieces[] = [];
    for (const secret of whole) {
      const spaced = /\s/.test(secret);
      // `Bearer <key>`, `Basic <token>`: the token is a secret of its own, searched for in pieces.
      if (spaced && isSchemeAndToken(secret, whole)) continue;
      const length = spaced ? MIN_PHRASE_PIECE : MIN_SECRET_LENGTH;
      if (secret.length <= length) continue;
      const starts = new Map<number, number[]>();
      for (let at = 0; at + length <= secret.length; at++) {
        const code = secret.charCodeAt(at);
        const list = starts.get(code);
        if (list === undefined) starts.set(code, [at]);
        else list.push(at);
      }
      pieces.push({ secret, length, starts });
    }
    this.pieces = pieces;
    this.shortestPiece = Math.min(...pieces.map((p) => p.length));
    this.longest = Math.max(0, ...whole.map((secret) => secret.length));
    for (const { secret } of pieces) {
      for (let i = 0; i < secret.length; i++) {
        const code = secret.charCodeAt(i);
        if (code < 128) this.ascii[code >> 5] |= 1 << (code & 31);
        else if (!this.wide.includes(secret[i])) this.wide += secret[i];
      }
    }
    this.cutter = (text, maxChars) => this.cut(text, maxChars);
  }

  /** Whether there is anything to hide at all. */
  get active(): boolean {
    return this.whole.length > 0;
  }

  /** `text` with every secret and every piece of one replaced by `***`; the same string when none. */
  text(text: string): string {
    if (this.whole.length === 0) return text;
    const slot = (text.length + text.charCodeAt(0)) & 7; // NaN & 7 is 0 for ''
    if (text === this.clean[slot]) return text;
    let out = text;
    for (const secret of this.whole) if (out.includes(secret)) out = out.split(secret).join(MASK);
    out = this.hidePieces(out);
    if (out === text && text.length <= MAX_REMEMBERED) this.clean[slot] = text;
    return out;
  }

  /**
   * `text` redacted, then cut to `maxChars` with an ellipsis when longer: what protocol's truncation
   * does while this redactor is its cutter. Only the start of the text that can show, and as much
   * after it as a secret is long, is redacted: a secret crossing the cut is hidden whole, and a
   * huge text costs no more than a short one.
   */
  cut(text: string, maxChars: number): string {
    const room = maxChars + this.longest;
    const head = text.length > room ? text.slice(0, room) : text;
    const clean = this.text(head);
    return clean.length > maxChars || head.length < text.length ? `${clean.slice(0, maxChars)}\u2026` : clean;
  }

  /**
   * What `fn` returns, having had every text it cut for a message (a quoted value) redacted first:
   * this redactor is protocol's cutter while it runs.
   */
  quoting<T>(fn: () => T): T {
    const previous = setTextCutter(this.cutter);
    try {
      return fn();
    } finally {
      setTextCutter(previous);
    }
  }

  /**
   * A thrown error, to be thrown on with its message redacted: a RealtimeError anew (its stack
   * holds the message), any other error with its message and stack redacted.
   */
  thrown(error: unknown): unknown {
    if (!(error instanceof Error) || this.text(error.message) === error.message) return error;
    if (error instanceof RealtimeError) return new RealtimeError(error.kind, this.text(error.message));
    error.message = this.text(error.message);
    if (error.stack !== undefined) error.stack = this.text(error.stack);
    return error;
  }

  /**
   * `value` with every string in it redacted (an event, a server message): the same object when
   * nothing had to change, else a copy of what changed.
   */
  value<T>(value: T): T {
    if (typeof value === 'string') return this.text(value) as T;
    if (typeof value !== 'object' || value === null || this.whole.length === 0) return value;
    return this.object(value, undefined);
  }

  /**
   * A server message carrying audio: its strings redacted but its audio (`payload`, base64), which
   * is passed on as it came (it is samples, not words, and too long to search per delta).
   */
  withPayload<T extends object>(message: T, payload: string): T {
    return this.whole.length === 0 ? message : this.object(message, payload);
  }

  private object<T>(value: T & object, skip: string | undefined): T {
    let copy: Record<string, unknown> | unknown[] | undefined;
    const source = value as Record<string, unknown>;
    for (const key in source) {
      if (key === skip || !Object.prototype.hasOwnProperty.call(source, key)) continue;
      const item = source[key];
      const redacted = typeof item === 'string' ? this.text(item) : this.value(item);
      if (redacted === item) continue;
      copy ??= Array.isArray(value) ? [...(value as unknown[])] : { ...source };
      (copy as Record<string, unknown>)[key] = redacted;
    }
    return (copy ?? value) as T;
  }

  /** `text` with every run of a secret's characters that holds a piece of one replaced by `***`. */
  private hidePieces(text: string): string {
    const min = this.shortestPiece;
    let found: [start: number, end: number][] | undefined;
    let run = 0;
    for (let i = 0; i <= text.length; i++) {
      if (i < text.length && this.inSecrets(text.charCodeAt(i), text, i)) {
        run++;
        continue;
      }
      if (run >= min) found = this.findPieces(text, i - run, i, found);
      run = 0;
    }
    if (found === undefined) return text;
    found.sort((a, b) => a[0] - b[0]);
    let out = '';
    let copied = 0;
    let span = found[0];
    for (const next of found) {
      if (next[0] <= span[1]) span[1] = Math.max(span[1], next[1]);
      else {
        out += text.slice(copied, span[0]) + MASK;
        copied = span[1];
        span = next;
      }
    }
    return out + text.slice(copied, span[0]) + MASK + text.slice(span[1]);
  }

  /** Whether the character at `i` occurs in a secret searched for in pieces. */
  private inSecrets(code: number, text: string, i: number): boolean {
    if (code < 128) return (this.ascii[code >> 5] & (1 << (code & 31))) !== 0;
    return this.wide.length > 0 && this.wide.includes(text[i]);
  }

  /** The pieces of secrets within `text[start, end)`, a run of the secrets' characters. */
  private findPieces(
    text: string,
    start: number,
    end: number,
    found: [number, number][] | undefined,
  ): [number, number][] | undefined {
    for (const { secret, length, starts } of this.pieces) {
      for (let at = start; at + length <= end; at++) {
        const candidates = starts.get(text.charCodeAt(at));
        if (candidates === undefined) continue;
        for (const from of candidates) {
          if (sameRun(secret, from, text, at, length)) {
            (found ??= []).push([at, at + length]);
            break;
          }
        }
      }
    }
    return found;
  }
}

/** Whether `a` from `i` and `b` from `j` hold the same `length` characters (the first known equal). */
function sameRun(a: string, i: number, b: string, j: number, length: number): boolean {
  for (let n = 1; n < length; n++) if (a.charCodeAt(i + n) !== b.charCodeAt(j + n)) return false;
  return true;
}

/**
 * Redactors by their secrets, held only while a conversation holds one: the conversations with the
 * same secrets (a server's, one key for all) share one, which costs them a pointer each.
 */
const shared = new Map<string, WeakRef<Redactor>>();
const forget = new FinalizationRegistry<string>((id) => {
  if (shared.get(id)?.deref() === undefined) shared.delete(id);
});

/** The redactor of `secrets`: the one conversations with the same secrets hold, else a new one. */
export function redactorOf(secrets: readonly string[]): Redactor {
  const id = JSON.stringify(secrets);
  const known = shared.get(id)?.deref();
  if (known !== undefined) return known;
  const redactor = new Redactor(secrets);
  shared.set(id, new WeakRef(redactor));
  forget.register(redactor, id);
  return redactor;
}

/** Whether `secret` is an auth scheme and a token that is itself among `secrets` (`Bearer <key>`). */
function isSchemeAndToken(secret: string, secrets: readonly string[]): boolean {
  const match = /^\s*[A-Za-z][\w-]*\s+(\S+)\s*$/.exec(secret);
  return match !== null && secrets.includes(match[1]);
}

/**
 * Replaces every occurrence of a secret (an API key, an auth header's value) in `text` with `***`,
 * and every quote of part of one (see {@link Redactor}). For a one-off text; a conversation keeps a
 * Redactor.
 */
export function redact(text: string, secrets: readonly string[]): string {
  return new Redactor(secrets).text(text);
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
