import { browserWebSocketFactory } from './browserWebSocket.js';
import type { WebSocketFactory } from './webSocketLike.js';

/** Browsers: the global `WebSocket` (the size limit is checked on each frame by the WebSocketSubject). */
export function platformWebSocketFactory(_maxPayload: number): WebSocketFactory {
  return browserWebSocketFactory;
}

/** Browsers: the global `WebSocket`. */
export const defaultWebSocketFactory: WebSocketFactory = browserWebSocketFactory;
