import { browserWebSocketFactory } from './browserWebSocket.js';
import { nodeWebSocketFactory } from './nodeWebSocket.js';
import type { WebSocketFactory } from './webSocketLike.js';

// Browser bundles get platformWebSocket.browser.js instead (the `browser` map in package.json), so
// they never reach `ws`.

const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;

/** The default factory for this platform: `ws` on Node (headers, `maxPayload`), the global `WebSocket` elsewhere. */
export function platformWebSocketFactory(maxPayload: number): WebSocketFactory {
  return isNode ? nodeWebSocketFactory({ maxPayload }) : browserWebSocketFactory;
}

/** `ws` on Node (it can send headers), the global `WebSocket` everywhere else. */
export const defaultWebSocketFactory: WebSocketFactory = isNode
  ? nodeWebSocketFactory()
  : browserWebSocketFactory;
