import type { IncomingMessage } from 'node:http';
import type { ServerDialect } from '../serverDialect.js';
import { codexCliV1ServerDialect } from './v1.js';
import { codexCliV3ServerDialect } from './v3.js';

/**
 * The server dialect of one WebSocket request. The Codex CLI's v1 and v3 name themselves: the
 * `openai-alpha` header (`quicksilver=v1`, `quicksilver=v2` for v3), else the path (`.../live` is v3)
 * and `?intent=quicksilver` (v1). Any other request, Codex's v2 included (it is the GA protocol,
 * with nothing to tell it apart), gets `fallback`: the server's `dialect`.
 */
export function dialectOfRequest(request: IncomingMessage, fallback: ServerDialect): ServerDialect {
  const alpha = request.headers['openai-alpha'];
  const features = (Array.isArray(alpha) ? alpha.join(',') : (alpha ?? '')).split(',').map((f) => f.trim());
  if (features.includes('quicksilver=v1')) return codexCliV1ServerDialect;
  if (features.includes('quicksilver=v2')) return codexCliV3ServerDialect;
  let url: URL;
  try {
    url = new URL(request.url ?? '/', 'http://localhost');
  } catch {
    return fallback;
  }
  if (/\/live\/?$/.test(url.pathname)) return codexCliV3ServerDialect;
  if (url.searchParams.get('intent') === 'quicksilver') return codexCliV1ServerDialect;
  return fallback;
}
