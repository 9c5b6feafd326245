import { RealtimeError } from '../errors.js';

/** The subprotocol that says "OpenAI Realtime" in a browser handshake. */
export const REALTIME_SUBPROTOCOL = 'realtime';
/** Prefix of the subprotocol that carries the key where headers cannot (browsers). */
export const KEY_SUBPROTOCOL_PREFIX = 'openai-insecure-api-key.';

/** Characters Node refuses in a header value (its `checkInvalidHeaderChar`). */
const INVALID_HEADER_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
/** RFC 6455 subprotocol token (what `ws` and browsers accept). */
const SUBPROTOCOL_TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`|a-z~]+$/;

/**
 * Handshake headers: `Authorization: Bearer <key>` (OpenAI) or `api-key: <key>` (Azure) when a key is
 * given, `x-session-id` when a session id is given. Never `OpenAI-Beta`: the GA API closes beta
 * handshakes with 4000 `beta_api_shape_disabled`. An empty key or session id counts as absent.
 */
export function openaiHeaders(
  apiKey: string | undefined,
  sessionId: string | undefined,
  provider: 'openai' | 'azure',
): Record<string, string> {
  const headers: Record<string, string> = {};
  if (apiKey) {
    // The message must not quote the key.
    if (INVALID_HEADER_CHAR.test(apiKey))
      throw new RealtimeError('config', 'apiKey contains characters that cannot be sent in a header');
    if (provider === 'azure') headers['api-key'] = apiKey;
    else headers.Authorization = 'Bearer ' + apiKey;
  }
  if (sessionId) {
    if (INVALID_HEADER_CHAR.test(sessionId)) {
      throw new RealtimeError(
        'config',
        'sessionId contains characters that cannot be sent in the x-session-id header',
      );
    }
    headers['x-session-id'] = sessionId;
  }
  return headers;
}

/**
 * WebSocket subprotocols: `['realtime', 'openai-insecure-api-key.<key>']` for an ephemeral client secret
 * (`ek_...`, the only kind of key that belongs in a browser, where it cannot travel in a header), else
 * none. Not for Azure, which has no subprotocol authentication (browsers need a server-side proxy).
 *
 * Why not always `['realtime']`: a client that offers subprotocols must get one back, and `ws` aborts
 * the handshake with "Server sent no subprotocol" otherwise, so offering one where the key already
 * travels in a header would only add a way to fail. On Node an `ek_` key is sent both ways, which the
 * API accepts.
 */
export function openaiProtocols(
  apiKey: string | undefined,
  provider: 'openai' | 'azure',
): string[] | undefined {
  if (!apiKey || provider === 'azure' || !apiKey.startsWith('ek_')) return undefined;
  if (!SUBPROTOCOL_TOKEN.test(apiKey)) {
    throw new RealtimeError(
      'config',
      'apiKey contains characters that cannot be sent in a WebSocket subprotocol',
    );
  }
  return [REALTIME_SUBPROTOCOL, KEY_SUBPROTOCOL_PREFIX + apiKey];
}
