import { Redactor, secretsOf } from '../conversation/redact.js';
import { RealtimeError, errorText } from '../protocol/errors.js';
import { openaiHeaders } from '../protocol/openai/handshake.js';
import type { OpenAISessionOptions } from '../protocol/openai/options.js';
import { sessionObject } from '../protocol/openai/sessionUpdate.js';
import { assertKeyTransportSafe, clientSecretsEndpoint } from '../protocol/openai/url.js';
import { validateSessionOptions } from '../protocol/openai/validate.js';
import { ClientSecretError } from './clientSecretError.js';

/** Where keys are minted when no `url` is given. */
const DEFAULT_URL = 'https://api.openai.com/v1';
/** What the GA API allows for `expires_after.seconds` (its default is 600). */
const MIN_SECONDS = 10;
const MAX_SECONDS = 7200;
/** The most of a server's text an error quotes. */
const MAX_QUOTED_CHARS = 300;

/**
 * What {@link createClientSecret} asks for.
 *
 * @example
 * ```ts
 * const options: ClientSecretOptions = {
 *   apiKey: process.env.OPENAI_API_KEY!,
 *   session: { voice: 'marin', outputModalities: ['audio'] },
 *   expiresAfterSeconds: 120,
 * };
 * ```
 */
export interface ClientSecretOptions {
  /** The API key that mints the secret (server side only: it never goes to a browser). */
  apiKey: string;
  /**
   * A base URL as {@link connectConversation} takes it: default `https://api.openai.com/v1`; a URL
   * without a path gets `/v1`; `ws://` and `wss://` mean `http://` and `https://`. The request goes to
   * its `.../realtime/client_secrets`. The dev server's `url` works as it is.
   */
  url?: string;
  /**
   * The configuration of the sessions the secret opens, checked as a conversation's `session` is;
   * a conversation's own `session` may still change it.
   */
  session?: OpenAISessionOptions;
  /** How long the secret may open sessions: 10 to 7200 s; default the API's (600). */
  expiresAfterSeconds?: number;
}

/**
 * A client secret: a short-lived key (`ek_...`) for a browser's {@link ConversationOptions.apiKey}.
 *
 * @example
 * ```ts
 * const secret: ClientSecret = await createClientSecret({ apiKey: process.env.OPENAI_API_KEY! });
 * console.log(`valid until ${new Date(secret.expiresAt * 1000).toISOString()}`);
 * ```
 */
export interface ClientSecret {
  /** The key, `ek_...`. */
  value: string;
  /** When it stops opening sessions, in seconds since the epoch (the API's `expires_at`). */
  expiresAt: number;
}

/**
 * Mints a short-lived browser key: the GA `POST <base>/realtime/client_secrets`, with
 * `Authorization: Bearer <apiKey>`, the body `{ session: { type: 'realtime', ... }, expires_after: {
 * anchor: 'created_at', seconds } }` (the session in the wire form a conversation's `session.update`
 * gives it; `expires_after` only when `expiresAfterSeconds` is given). The dev server
 * (`realtime-rx serve`, `startDevServer`) answers it too, and then accepts the key it minted.
 *
 * For a server (Node 20 and later: it uses the global `fetch`): your API key stays there, and the
 * browser gets only the secret, which expires.
 *
 * Rejects with a {@link RealtimeError} of kind `config` for options that cannot work (before any
 * request: a missing key, a bad URL, a key over plain `http://` to a host that is not loopback, a bad
 * session option or `expiresAfterSeconds`), and with a {@link ClientSecretError} (kind `http`) when the
 * server answers with an error, does not answer, or answers with something that is not a client
 * secret. No message or stack holds the key or any part of it, even where the server's error quotes it.
 *
 * @example
 * A server route that hands the browser a key
 * ```ts
 * import { createServer } from 'node:http';
 * import { createClientSecret } from 'realtime-rx';
 *
 * createServer(async (_request, response) => {
 *   const { value, expiresAt } = await createClientSecret({
 *     apiKey: process.env.OPENAI_API_KEY!,
 *     session: { voice: 'marin', turnDetection: { type: 'semantic_vad' } },
 *   });
 *   response.setHeader('Content-Type', 'application/json');
 *   response.end(JSON.stringify({ value, expiresAt }));
 * }).listen(8080);
 * // in the browser: connectConversation({ url: 'https://api.openai.com', apiKey: value })
 * ```
 *
 * @see {@link ClientSecretError}
 *
 * @param options The API key, where to mint it, the session it opens, and how long it lives.
 * @return The secret and when it expires.
 */
export async function createClientSecret(options: ClientSecretOptions): Promise<ClientSecret> {
  const { url, headers, body, host, redactor } = prepare(options);
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers, body });
  } catch (error) {
    throw failure(redactor, `no answer from ${host}: ${causeText(error, url)}`);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw failure(redactor, `the answer from ${host} broke off: ${causeText(error, url)}`, response.status);
  }
  if (!response.ok) throw httpError(response, text, host, redactor);
  return secretOf(text, response.status, host, redactor);
}

/** The request, checked: throws RealtimeError('config') naming what is wrong, never quoting the key or URL. */
function prepare(options: ClientSecretOptions) {
  if (typeof options !== 'object' || options === null)
    throw new RealtimeError('config', 'createClientSecret: options must be an object');
  const { apiKey, url = DEFAULT_URL, session, expiresAfterSeconds } = options;
  if (typeof apiKey !== 'string' || apiKey.trim() === '')
    throw new RealtimeError('config', 'createClientSecret: apiKey must be a non-empty string');
  if (typeof url !== 'string') throw new RealtimeError('config', 'createClientSecret: url must be a string');
  if (
    expiresAfterSeconds !== undefined &&
    !(
      Number.isInteger(expiresAfterSeconds) &&
      expiresAfterSeconds >= MIN_SECONDS &&
      expiresAfterSeconds <= MAX_SECONDS
    )
  ) {
    throw new RealtimeError(
      'config',
      `createClientSecret: expiresAfterSeconds must be an integer from ${MIN_SECONDS} to ${MAX_SECONDS}, got ${String(expiresAfterSeconds)}`,
    );
  }
  validateSessionOptions(session);
  const endpoint = clientSecretsEndpoint(url, session?.provider);
  const { host, username, password } = new URL(endpoint.url);
  // fetch refuses them, quoting the URL: say so first, naming only the host.
  if (username !== '' || password !== '')
    throw new RealtimeError('config', `url for host ${host} must not contain credentials (user:password@)`);
  assertKeyTransportSafe(endpoint.url);
  const auth = openaiHeaders(apiKey, undefined, endpoint.provider);
  const request: Record<string, unknown> = { session: sessionObject(session ?? {}) };
  if (expiresAfterSeconds !== undefined)
    request.expires_after = { anchor: 'created_at', seconds: expiresAfterSeconds };
  return {
    url: endpoint.url,
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify(request),
    host,
    redactor: new Redactor(secretsOf(apiKey, auth)),
  };
}

/** The error of an answer with an error status: the server's GA error message when it gave one. */
function httpError(response: Response, text: string, host: string, redactor: Redactor): ClientSecretError {
  const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  const error = gaError(text);
  const said = error?.message ?? text.trim();
  return failure(
    redactor,
    `${host} answered ${status}${said === '' ? '' : `: ${redactor.cut(said, MAX_QUOTED_CHARS)}`}`,
    response.status,
    error?.code,
  );
}

/** The `error` of a GA error body (`{ error: { message, type, code, param } }`), if it is one. */
function gaError(text: string): { message?: string; code?: string } | undefined {
  const body = parse(text);
  const error = isRecord(body) ? body.error : undefined;
  if (!isRecord(error)) return undefined;
  return {
    message: typeof error.message === 'string' ? error.message : undefined,
    code: typeof error.code === 'string' ? error.code : undefined,
  };
}

/** The secret of a successful answer (`{ value, expires_at, session }`), or why it is not one. */
function secretOf(text: string, status: number, host: string, redactor: Redactor): ClientSecret {
  const body = parse(text);
  const problem =
    body === undefined
      ? 'it is not JSON'
      : !isRecord(body)
        ? 'it is not a JSON object'
        : typeof body.value !== 'string' || body.value === ''
          ? 'it has no value'
          : typeof body.expires_at !== 'number' || !Number.isFinite(body.expires_at)
            ? 'it has no expires_at'
            : undefined;
  if (problem !== undefined || !isRecord(body)) {
    const quoted = text.trim() === '' ? 'an empty body' : redactor.cut(text.trim(), MAX_QUOTED_CHARS);
    throw failure(redactor, `the answer from ${host} is not a client secret (${problem}): ${quoted}`, status);
  }
  return { value: body.value as string, expiresAt: body.expires_at as number };
}

function failure(redactor: Redactor, message: string, status?: number, code?: string): ClientSecretError {
  return new ClientSecretError(redactor.text(`createClientSecret: ${message}`), status, code);
}

/**
 * A fetch failure's text: Node's `fetch failed` says why only in its cause (`connect ECONNREFUSED ...`).
 * The URL, which may hold credentials in its query, is never quoted.
 */
function causeText(error: unknown, url: string): string {
  const cause = fieldOf(error, 'cause');
  const text = cause === undefined ? messageOf(error) : `${messageOf(error)} (${messageOf(cause)})`;
  return text.split(url).join('the URL');
}

/** An error's message; by its shape, as fetch's errors may come from another realm (a test runner's). */
function messageOf(error: unknown): string {
  const message = fieldOf(error, 'message');
  return typeof message === 'string' ? message : errorText(error);
}

function fieldOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
