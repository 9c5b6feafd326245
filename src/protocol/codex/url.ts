import { webSocketBase } from '../baseUrl.js';

/**
 * The codex dialect's WebSocket URL: http(s) -> ws(s), an empty path becomes `/ws` (Codex's
 * default), any other path and the query are kept. Errors never quote the URL, which may hold
 * credentials.
 */
export function codexUrl(base: string): string {
  const url = webSocketBase(base);
  if (url.pathname === '' || url.pathname === '/') url.pathname = '/ws';
  return url.toString();
}
