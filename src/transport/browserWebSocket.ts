import type { WebSocketFactory, WebSocketLike } from './webSocketLike.js';

/**
 * The platform's WebSocket (browsers, Deno, workers): no handshake headers possible.
 *
 * The default in browsers; pass it explicitly to use the runtime's own `WebSocket` where `ws` would be
 * the default (Bun, Node 22+), when no handshake header is needed.
 *
 * @example
 * ```ts
 * import { browserWebSocketFactory, connectConversation } from 'realtime-rx';
 *
 * const conversation = connectConversation({ url: 'ws://127.0.0.1:8011', webSocket: browserWebSocketFactory });
 * ```
 */
export const browserWebSocketFactory: WebSocketFactory = (url, protocols) =>
  new globalThis.WebSocket(url, protocols) as unknown as WebSocketLike;
