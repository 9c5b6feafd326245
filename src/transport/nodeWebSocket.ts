import WebSocket from 'ws';
import type { WebSocketFactory, WebSocketLike } from './webSocketLike.js';

/** Options for sockets made with `ws` on Node. */
export interface NodeWebSocketOptions {
  /**
   * Offer permessage-deflate. Off by default: base64 PCM barely compresses, and zlib on every audio
   * frame costs more CPU and latency than the bytes it saves.
   */
  perMessageDeflate?: boolean;
  /** Largest inbound frame accepted, in bytes (default 16 MiB); larger ones close the socket with 1009. */
  maxPayload?: number;
}

/** A {@link WebSocketFactory} backed by the `ws` package: handshake headers work here. */
export function nodeWebSocketFactory(options: NodeWebSocketOptions = {}): WebSocketFactory {
  const { perMessageDeflate = false, maxPayload = 16 * 1024 * 1024 } = options;
  return (url, protocols, headers) => {
    const socket = new WebSocket(url, protocols ?? [], { headers, perMessageDeflate, maxPayload });
    // ws's handler properties take ws's own event classes; ours are structurally narrower.
    const like = socket as unknown as WebSocketLike;
    // ws reports pongs as an event only; expose them as the `onpong` property the keepalive reads.
    socket.on('pong', () => like.onpong?.());
    return like;
  };
}
