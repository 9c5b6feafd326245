import { RealtimeError } from '../errors.js';

/** Base URL scheme → WebSocket scheme (WHATWG `URL.protocol` form, colon included). */
const WEBSOCKET_SCHEMES = new Map([
  ['http:', 'ws:'],
  ['https:', 'wss:'],
  ['ws:', 'ws:'],
  ['wss:', 'wss:'],
]);

/**
 * The codex dialect's WebSocket URL: http(s) → ws(s), an empty path becomes `/ws` (the seed's
 * default), any other path and the query are kept. Errors never quote the URL, which may hold
 * credentials.
 */
export function codexUrl(base: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new RealtimeError('config', 'url is not a valid absolute URL');
  }
  const scheme = WEBSOCKET_SCHEMES.get(url.protocol);
  if (scheme === undefined) {
    throw new RealtimeError('config', `unsupported url scheme "${url.protocol.slice(0, -1)}": expected http, https, ws or wss`);
  }
  if (url.hash !== '') {
    // WebSocket clients refuse fragments; say so now rather than at connect time.
    throw new RealtimeError('config', `url for host ${url.host} must not contain a fragment (#...)`);
  }
  url.protocol = scheme;
  if (url.pathname === '' || url.pathname === '/') url.pathname = '/ws';
  return url.toString();
}
