import { browserWebSocketFactory } from './browserWebSocket.js';
import { nodeWebSocketFactory } from './nodeWebSocket.js';
import type { WebSocketFactory } from './webSocketLike.js';

// Browser bundles get platformWebSocket.browser.js instead (the `browser` map in package.json), so
// they never reach `ws`.

const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;

/** The default factory for this platform: `ws` on Node (headers, `maxPayload`), the global `WebSocket` elsewhere. */
export function platformWebSocketFactory(maxPayload: number): WebSocketFactory {
  if (!isNode) return browserWebSocketFactory;
  // The last one made, shared by the conversations that follow with the same limit (almost always
  // the default one): no factory per conversation, and no list of them to grow.
  if (lastNode === undefined || lastNode.maxPayload !== maxPayload)
    lastNode = { maxPayload, factory: nodeWebSocketFactory({ maxPayload }) };
  return lastNode.factory;
}

let lastNode: { readonly maxPayload: number; readonly factory: WebSocketFactory } | undefined;

/**
 * `ws` on Node (it can send headers), the global `WebSocket` everywhere else.
 *
 * What a conversation uses when {@link ConversationOptions.webSocket} is not given; handy to wrap.
 *
 * @example
 * ```ts
 * import { defaultWebSocketFactory, WebSocketSubject } from 'realtime-rx';
 *
 * const socket = new WebSocketSubject({ url: 'ws://127.0.0.1:8011/ws', factory: defaultWebSocketFactory });
 * ```
 */
export const defaultWebSocketFactory: WebSocketFactory = isNode
  ? nodeWebSocketFactory()
  : browserWebSocketFactory;
