/**
 * The part of the WebSocket API that realtime-rx uses: the browser's `WebSocket` and `ws` both have it.
 * Handlers are the `on*` properties, so no listener bookkeeping is needed.
 *
 * Implement it to plug another transport into a conversation through a {@link WebSocketFactory}.
 *
 * @example
 * ```ts
 * const socket: WebSocketLike = new WebSocket('wss://example.com/ws') as unknown as WebSocketLike;
 * socket.onopen = () => socket.send(JSON.stringify({ type: 'hello' }));
 * socket.onmessage = (event) => console.log(event.data);
 * ```
 *
 * @see {@link WebSocketFactory}
 */
export interface WebSocketLike {
  /** 0 connecting, 1 open, 2 closing, 3 closed (the standard's values). */
  readonly readyState: number;
  /** Bytes queued by `send` and not yet handed to the network. */
  readonly bufferedAmount: number;
  /** How binary frames are delivered (`'arraybuffer'`, `'blob'`, `'nodebuffer'`). */
  binaryType: string;
  /** The handshake completed. */
  onopen: ((event: unknown) => void) | null;
  /** A frame arrived: a string for text frames. */
  onmessage: ((event: { data: unknown }) => void) | null;
  /** The socket closed (the last callback). */
  onclose: ((event: { code: number; reason: string }) => void) | null;
  /** Something failed; `onclose` follows. */
  onerror: ((event: { message?: string; error?: unknown }) => void) | null;
  /** `ws` calls `done` once the frame is written out; browsers ignore it. */
  send(data: string, done?: (error?: Error) => void): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
  /** `ws` only: drop the connection without a closing handshake. */
  terminate?(): void;
  /** `ws` only (through our factory): send a ping; `onpong` hears the answer. Browsers cannot ping. */
  ping?(): void;
  /** A pong arrived (the answer to `ping`). */
  onpong?: (() => void) | null;
  /**
   * `ws` only (through our factory): the server answered the handshake with an HTTP status instead of
   * switching protocols. Set when the answer arrives, its `body` (the first 200 bytes, on one line)
   * once read; `onerror` and `onclose` follow. Browsers never see the status or the body.
   */
  readonly handshakeResponse?: { readonly status: number; readonly body: string };
}

/**
 * Opens a WebSocket. `headers` are honoured where the platform can send them (Node), ignored elsewhere.
 *
 * Pass one as {@link ConversationOptions.webSocket} to choose or wrap the transport, e.g. to log every
 * socket a conversation opens.
 *
 * @example
 * ```ts
 * import { connectConversation, defaultWebSocketFactory, type WebSocketFactory } from 'realtime-rx';
 *
 * const logging: WebSocketFactory = (url, protocols, headers) => {
 *   console.log('opening', url);
 *   return defaultWebSocketFactory(url, protocols, headers);
 * };
 * const conversation = connectConversation({ url: 'http://127.0.0.1:8011', webSocket: logging });
 * ```
 *
 * @see {@link nodeWebSocketFactory}
 * @see {@link browserWebSocketFactory}
 * @see {@link defaultWebSocketFactory}
 */
export type WebSocketFactory = (
  url: string,
  protocols: string[] | undefined,
  headers: Record<string, string> | undefined,
) => WebSocketLike;

/** `readyState` values, as in the WebSocket standard. */
export const SocketState = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 } as const;
