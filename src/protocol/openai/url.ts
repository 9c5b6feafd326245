import { webSocketBase } from '../baseUrl.js';
import { RealtimeError } from '../errors.js';

/**
 * The model of an `openai` session when neither the params nor the URL name one.
 *
 * @example
 * ```ts
 * const conversation = connectConversation({ url: 'https://api.openai.com', model: DEFAULT_OPENAI_MODEL });
 * ```
 */
export const DEFAULT_OPENAI_MODEL = 'gpt-realtime';

/** Host suffixes that mean Azure OpenAI unless `session.provider` says otherwise. */
export const AZURE_HOST_SUFFIXES = [
  '.openai.azure.com',
  '.cognitiveservices.azure.com',
  '.services.ai.azure.com',
] as const;

/** Where an `openai` conversation connects, and which flavour of the API is there. */
export interface OpenAIEndpoint {
  /** The WebSocket URL, `?model=` included. Never carries a key that realtime-rx put there. */
  readonly url: string;
  readonly provider: 'openai' | 'azure';
}

/**
 * The WebSocket URL of the GA Realtime API for a base URL, with the path rules the Codex CLI's
 * realtime v2 also follows: `""` or `/` -> `/v1/realtime` (Azure: `/openai/v1/realtime`); a path
 * ending in `/realtime` is kept, `/realtime/` loses its slash, `/v1` gains `/realtime`, `/v1/` gains
 * `realtime`; anything else is kept. For Azure, `/openai` and `/openai/` (the base URL the Azure SDKs
 * use) also become `/openai/v1/realtime`.
 *
 * The query is kept byte for byte; then `model` is set: `model` (the params' model, which replaces a
 * `model` already in the query), else the query's own `model`, else {@link DEFAULT_OPENAI_MODEL}. On Azure
 * the model is the deployment name and has no default.
 *
 * Errors never quote the URL, which may hold credentials: at most the host is named.
 */
export function openaiEndpoint(
  base: string,
  model: string | undefined,
  provider: 'openai' | 'azure' | undefined,
): OpenAIEndpoint {
  const url = webSocketBase(base);
  const resolved = provider ?? (isAzureHost(url.hostname) ? 'azure' : 'openai');
  url.pathname = realtimePath(url.pathname, resolved === 'azure');

  const query = splitQuery(url.search);
  const given = model !== undefined && model !== '' ? model : undefined;
  const inQuery = given === undefined ? queryModel(query) : undefined;
  const chosen = given ?? inQuery ?? (resolved === 'azure' ? undefined : DEFAULT_OPENAI_MODEL);
  if (chosen === undefined) {
    throw new RealtimeError(
      'config',
      `Azure OpenAI (host ${url.host}) needs the deployment name as model: the URL becomes /openai/v1/realtime?model=<deployment>`,
    );
  }
  if (inQuery === undefined) {
    const kept = query.filter((pair) => paramName(pair) !== 'model');
    kept.push('model=' + encodeURIComponent(chosen));
    url.search = '?' + kept.join('&');
  }
  return { url: url.toString(), provider: resolved };
}

/** WebSocket scheme -> the HTTP scheme of the same server. */
const HTTP_SCHEMES: Record<string, string> = { 'ws:': 'http:', 'wss:': 'https:' };

/**
 * The HTTP URL of the GA `POST .../realtime/client_secrets` for a base URL as a conversation takes it:
 * the same path rules as {@link openaiEndpoint} (`""` or `/` -> `/v1/realtime`, `/v1` -> `/v1/realtime`,
 * ...), then `/client_secrets`; a path the rules keep that does not end in `/realtime` gains
 * `/realtime/client_secrets`. `ws://` and `wss://` become `http://` and `https://`; the query is kept.
 *
 * Errors never quote the URL, which may hold credentials: at most the host is named.
 */
export function clientSecretsEndpoint(
  base: string,
  provider: 'openai' | 'azure' | undefined,
): OpenAIEndpoint {
  const url = webSocketBase(base);
  url.protocol = HTTP_SCHEMES[url.protocol];
  const resolved = provider ?? (isAzureHost(url.hostname) ? 'azure' : 'openai');
  const path = realtimePath(url.pathname, resolved === 'azure');
  url.pathname = `${path.endsWith('/realtime') ? path : path.replace(/\/$/, '') + '/realtime'}/client_secrets`;
  return { url: url.toString(), provider: resolved };
}

/** Whether a host name (lower case, as `URL.hostname` gives it) is an Azure OpenAI endpoint. */
export function isAzureHost(hostname: string): boolean {
  return AZURE_HOST_SUFFIXES.some((suffix) => hostname.endsWith(suffix));
}

/** `localhost`, 127.0.0.0/8 and `[::1]`: hosts where plain `ws://` does not leave the machine. */
export function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

/**
 * Throws when an API key would travel in clear text: over `ws://` (or `http://`) to a host that is not
 * loopback.
 * The message names the host only, never the key.
 */
export function assertKeyTransportSafe(endpoint: string): void {
  const url = new URL(endpoint);
  if ((url.protocol === 'ws:' || url.protocol === 'http:') && !isLoopbackHost(url.hostname)) {
    const secure = url.protocol === 'ws:' ? 'wss:// (or https://)' : 'https://';
    const scheme = url.protocol.slice(0, -1);
    throw new RealtimeError(
      'config',
      `refusing to send the API key in clear text over ${scheme}:// to ${url.host}: use ${secure}; plain ${scheme}:// is only allowed to a loopback host`,
    );
  }
}

function realtimePath(path: string, azure: boolean): string {
  if (path === '' || path === '/') return azure ? '/openai/v1/realtime' : '/v1/realtime';
  if (azure && (path === '/openai' || path === '/openai/')) return '/openai/v1/realtime';
  if (path.endsWith('/realtime')) return path;
  if (path.endsWith('/realtime/')) return path.slice(0, -1);
  if (path.endsWith('/v1')) return path + '/realtime';
  if (path.endsWith('/v1/')) return path + 'realtime';
  return path;
}

/** The `name=value` pairs of a `URL.search`, as written (nothing is re-encoded). */
function splitQuery(search: string): string[] {
  return search.length > 1
    ? search
        .slice(1)
        .split('&')
        .filter((pair) => pair !== '')
    : [];
}

/** The value of the first `model` pair, when it is not empty. */
function queryModel(pairs: string[]): string | undefined {
  for (const pair of pairs) {
    if (paramName(pair) !== 'model') continue;
    const eq = pair.indexOf('=');
    const value = eq < 0 ? '' : decodeComponent(pair.slice(eq + 1));
    if (value !== '') return value;
  }
  return undefined;
}

function paramName(pair: string): string {
  const eq = pair.indexOf('=');
  return decodeComponent(eq < 0 ? pair : pair.slice(0, eq));
}

function decodeComponent(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}
