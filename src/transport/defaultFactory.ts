import { nodeWebSocketFactory } from './nodeWebSocket.js';
import type { WebSocketFactory, WebSocketLike } from './webSocketLike.js';

const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;

/** The platform's WebSocket (browsers, Deno, workers): no handshake headers possible. */
export const browserWebSocketFactory: WebSocketFactory = (url, protocols) =>
  new globalThis.WebSocket(url, protocols) as unknown as WebSocketLike;

/** `ws` on Node (it can send headers), the global `WebSocket` everywhere else. */
export const defaultWebSocketFactory: WebSocketFactory = isNode ? nodeWebSocketFactory() : browserWebSocketFactory;
