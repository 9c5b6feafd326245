import { RealtimeError } from './errors.js';

/** Base URL scheme -> WebSocket scheme (WHATWG `URL.protocol` form, colon included). */
const WEBSOCKET_SCHEMES = new Map([
  ['http:', 'ws:'],
  ['https:', 'wss:'],
  ['ws:', 'ws:'],
  ['wss:', 'wss:'],
]);

/**
 * Parses a dialect's base URL and switches it to its WebSocket scheme (http -> ws, https -> wss); the
 * dialect then sets the path and query. Errors never quote the URL, which may hold credentials: at
 * most the host is named.
 */
export function webSocketBase(base: string): URL {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new RealtimeError('config', 'url is not a valid absolute URL');
  }
  const scheme = WEBSOCKET_SCHEMES.get(url.protocol);
  if (scheme === undefined) {
    throw new RealtimeError(
      'config',
      `unsupported url scheme "${url.protocol.slice(0, -1)}": expected http, https, ws or wss`,
    );
  }
  if (url.hash !== '') {
    // WebSocket clients refuse fragments; say so now rather than at connect time.
    throw new RealtimeError('config', `url for host ${url.host} must not contain a fragment (#...)`);
  }
  url.protocol = scheme;
  return url;
}
