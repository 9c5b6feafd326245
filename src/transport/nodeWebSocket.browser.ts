import type { WebSocketFactory } from './webSocketLike.js';
import type { NodeWebSocketOptions } from './nodeWebSocket.js';

export type { NodeWebSocketOptions };

/** Node only: browser bundles get this stand-in, so they never include `ws`. */
export function nodeWebSocketFactory(_options?: NodeWebSocketOptions): WebSocketFactory {
  throw new Error(
    'nodeWebSocketFactory needs Node (the ws package); in a browser the platform WebSocket is used by default',
  );
}
