/**
 * The part of the WebSocket API that realtime-rx uses: the browser's `WebSocket` and `ws` both have it.
 * Handlers are the `on*` properties, so no listener bookkeeping is needed.
 */
export interface WebSocketLike {
  readonly readyState: number;
  /** Bytes queued by `send` and not yet handed to the network. */
  readonly bufferedAmount: number;
  binaryType: string;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: { message?: string; error?: unknown }) => void) | null;
  /** `ws` calls `done` once the frame is written out; browsers ignore it. */
  send(data: string, done?: (error?: Error) => void): void;
  close(code?: number, reason?: string): void;
  /** `ws` only: drop the connection without a closing handshake. */
  terminate?(): void;
  /** `ws` only (through our factory): send a ping; `onpong` hears the answer. Browsers cannot ping. */
  ping?(): void;
  onpong?: (() => void) | null;
}

/** Opens a WebSocket. `headers` are honoured where the platform can send them (Node), ignored elsewhere. */
export type WebSocketFactory = (
  url: string,
  protocols: string[] | undefined,
  headers: Record<string, string> | undefined,
) => WebSocketLike;

/** `readyState` values, as in the WebSocket standard. */
export const SocketState = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 } as const;
