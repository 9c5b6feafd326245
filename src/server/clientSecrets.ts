// Browser keys: `POST /v1/realtime/client_secrets` mints a short-lived `ek_` key (the GA request and
// response shapes), and the WebSocket handshake is checked against the keys minted.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { KEY_SUBPROTOCOL_PREFIX } from '../protocol/openai/handshake.js';
import { DEFAULT_OPENAI_MODEL } from '../protocol/openai/url.js';
import { MAX_CLIENT_SECRETS } from './limits.js';
import { defaultSession, mergeSession } from './openai/session.js';
import {
  ClientError,
  invalidType,
  invalidValue,
  numberAt,
  objectAt,
  oneOf,
  refuseUnknown,
  type Json,
} from './openai/wire.js';
import type { VadOptions } from './vad.js';

/** What the GA API allows for `expires_after.seconds`, and its default. */
const MIN_SECONDS = 10;
const MAX_SECONDS = 7200;
const DEFAULT_SECONDS = 600;
/** A mint request bigger than this is refused: a session configuration is a few KiB at most. */
const MAX_REQUEST_BYTES = 1024 * 1024;

/** An HTTP answer: a status and its JSON body. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

export interface ClientSecretsOptions {
  /** Every key lives this long (ms), whatever its request asked; default: the request's `expires_after`. */
  readonly ttlMs?: number;
  /** Refuse a WebSocket without a live key minted here (default: only a key that starts with `ek_` is checked). */
  readonly required?: boolean;
  /** The server's VAD and output rate, for the effective session a mint answers with. */
  readonly vad: VadOptions;
  readonly outputRate: number;
  /** One line per key minted and per handshake refused. */
  readonly log?: (line: string) => void;
}

/**
 * The client secrets one dev server minted, and the check of every WebSocket handshake: a key that
 * starts with `ek_` must be one of them and not expired, else the handshake is answered 401 with a GA
 * error body that says why. With `required`, a handshake without such a key is refused too; without
 * it, a handshake with no key or another kind of key goes through (`npm start`, the tests and the
 * examples connect keyless).
 */
export class ClientSecrets {
  /** The latest keys minted, oldest first, with the time (ms) each expires. */
  private readonly minted = new Map<string, number>();
  private count = 0;

  constructor(private readonly options: ClientSecretsOptions) {}

  /** Whether `request` is a mint request (any path that ends in `/realtime/client_secrets`). */
  static isMintRequest(request: IncomingMessage): boolean {
    const path = new URL(request.url ?? '/', 'http://dev').pathname;
    return path.endsWith('/realtime/client_secrets');
  }

  /** Answers a mint request: a new key (200), or a GA error (400, 405). */
  async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { status, body } =
      request.method === 'POST'
        ? await this.mint(request)
        : gaError(405, 'invalid_request_error', null, `${request.method} is not allowed here: use POST.`);
    response.writeHead(status, {
      'Content-Type': 'application/json',
      ...(status === 405 ? { Allow: 'POST' } : {}),
    });
    response.end(body);
  }

  /** Why this handshake must be refused (a 401 and its GA error body), or undefined to let it through. */
  refusal(request: IncomingMessage): HttpAnswer | undefined {
    const key = presentedKey(request);
    const refuse = (message: string, code: string | null) => {
      this.options.log?.(`[serve] refused a handshake on ${request.url ?? '/'}: 401 ${message}`);
      return gaError(401, 'invalid_request_error', code, message);
    };
    if (key === undefined) {
      return this.options.required
        ? refuse(
            "You didn't provide an API key. This dev server accepts only the client secrets it mints " +
              '(POST /v1/realtime/client_secrets), as the subprotocol openai-insecure-api-key.<key> ' +
              'or as Authorization: Bearer <key>.',
            null,
          )
        : undefined;
    }
    if (!key.startsWith('ek_') && !this.options.required) return undefined;
    const expiresAt = this.minted.get(key);
    if (expiresAt === undefined) {
      return refuse(
        `Incorrect API key provided: ${masked(key)}. Use a client secret that this server minted.`,
        'invalid_api_key',
      );
    }
    if (Date.now() >= expiresAt) {
      return refuse(
        `The client secret ${masked(key)} expired at ${new Date(expiresAt).toISOString()}: mint a new one.`,
        'invalid_api_key',
      );
    }
    return undefined;
  }

  private async mint(request: IncomingMessage): Promise<HttpAnswer> {
    const text = await readBody(request);
    if (text === undefined)
      return gaError(
        400,
        'invalid_request_error',
        null,
        `The request body exceeds ${MAX_REQUEST_BYTES} bytes.`,
      );
    let params: unknown;
    try {
      params = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      return gaError(400, 'invalid_request_error', null, 'We could not parse the JSON body of your request.');
    }
    try {
      return { status: 200, body: JSON.stringify(this.create(objectAt(params, 'body'))) };
    } catch (error) {
      if (!(error instanceof ClientError)) throw error;
      return gaError(400, 'invalid_request_error', error.code, error.message, error.param);
    }
  }

  /** A new key for a checked request: `{ value, expires_at, session }`, the GA response. */
  private create(params: Json): Json {
    refuseUnknown(params, ['session', 'expires_after'], 'body');
    let seconds = DEFAULT_SECONDS;
    if (params.expires_after !== undefined) {
      const path = 'expires_after';
      const after = objectAt(params.expires_after, path);
      refuseUnknown(after, ['anchor', 'seconds'], path);
      if (after.anchor !== undefined) oneOf(after.anchor, ['created_at'], `${path}.anchor`);
      if (after.seconds !== undefined) seconds = secondsAt(after.seconds, `${path}.seconds`);
    }
    const { vad, outputRate, ttlMs } = this.options;
    let session = defaultSession(DEFAULT_OPENAI_MODEL, vad, outputRate);
    if (params.session !== undefined)
      session = mergeSession(session, objectAt(params.session, 'session'), vad);

    const createdAt = Date.now();
    // GA counts from `created_at` in whole seconds; a `ttlMs` counts from now.
    const expiresAt =
      ttlMs === undefined ? (Math.floor(createdAt / 1000) + seconds) * 1000 : createdAt + ttlMs;
    const value = `ek_${randomBytes(16).toString('hex')}`;
    // The oldest is forgotten (and then refused as not minted here), so minting in a loop holds little.
    if (this.minted.size >= MAX_CLIENT_SECRETS) this.minted.delete(this.minted.keys().next().value!);
    this.minted.set(value, expiresAt);
    this.count++;
    this.options.log?.(
      `[serve] minted client secret ${this.count} (${masked(value)}), valid until ${new Date(expiresAt).toISOString()}`,
    );
    return {
      value,
      expires_at: Math.floor(expiresAt / 1000),
      session: { ...session, id: `sess_dev_secret_${this.count}` },
    };
  }
}

/**
 * The key a handshake carries: a browser's subprotocol `openai-insecure-api-key.<key>`, else
 * `Authorization: Bearer <key>` (Node sends an `ek_` key both ways).
 */
function presentedKey(request: IncomingMessage): string | undefined {
  const protocols = request.headers['sec-websocket-protocol'];
  if (protocols !== undefined) {
    for (const protocol of protocols.split(',')) {
      const trimmed = protocol.trim();
      if (trimmed.startsWith(KEY_SUBPROTOCOL_PREFIX)) return trimmed.slice(KEY_SUBPROTOCOL_PREFIX.length);
    }
  }
  return /^\s*bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
}

/** A key as an error message may quote it: its first 6 and last 4 characters, as the API does. */
function masked(key: string): string {
  return key.length <= 12 ? '***' : `${key.slice(0, 6)}${'*'.repeat(key.length - 10)}${key.slice(-4)}`;
}

function secondsAt(value: unknown, path: string): number {
  const seconds = numberAt(value, path);
  if (!Number.isInteger(seconds)) throw invalidType(path, 'an integer');
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS)
    throw invalidValue(path, `${seconds}; expected ${MIN_SECONDS} to ${MAX_SECONDS}`);
  return seconds;
}

/** The GA shape of an HTTP error: `{ error: { message, type, param, code } }`. */
function gaError(
  status: number,
  type: string,
  code: string | null,
  message: string,
  param: string | null = null,
): HttpAnswer {
  return { status, body: JSON.stringify({ error: { message, type, param, code } }) };
}

/** The request's body as text, or undefined when it is too big (read to its end all the same, so the answer can go out). */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
  }
  return size > MAX_REQUEST_BYTES ? undefined : Buffer.concat(chunks, size).toString('utf8');
}
