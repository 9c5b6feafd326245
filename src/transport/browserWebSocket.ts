import type { WebSocketFactory, WebSocketLike } from './webSocketLike.js';

/** The platform's WebSocket (browsers, Deno, workers): no handshake headers possible. */
export const browserWebSocketFactory: WebSocketFactory = (url, protocols) =>
  new globalThis.WebSocket(url, protocols) as unknown as WebSocketLike;
