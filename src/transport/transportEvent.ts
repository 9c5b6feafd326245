/*
 * What a WebSocket Subject reports of its socket (public types), and who hears it without a
 * subscription (internal).
 */

/**
 * The socket finished its handshake: the first event of a {@link WebSocketSubject} that connects.
 *
 * @example
 * ```ts
 * socket.pipe(filter((event): event is TransportOpen => typeof event !== 'string' && event.type === 'open'));
 * ```
 */
export interface TransportOpen {
  /** Always `'open'`. */
  readonly type: 'open';
}
/**
 * A binary frame arrived (realtime dialects speak JSON text, so this is reported, not decoded).
 *
 * @example
 * ```ts
 * socket.subscribe((event) => {
 *   if (typeof event !== 'string' && event.type === 'binary') console.warn(`ignored ${event.byteLength} bytes`);
 * });
 * ```
 */
export interface TransportBinary {
  /** Always `'binary'`. */
  readonly type: 'binary';
  /** The frame's size in bytes. */
  readonly byteLength: number;
}
/**
 * The socket is closed; always the last event of a {@link WebSocketSubject}, which never errors.
 *
 * @example
 * ```ts
 * socket.subscribe((event) => {
 *   if (typeof event !== 'string' && event.type === 'close') {
 *     console.log(`closed ${event.code}`, event.error ?? event.reason, event.timedOut ? '(timed out)' : '');
 *   }
 * });
 * ```
 */
export interface TransportClose {
  /** Always `'close'`. */
  readonly type: 'close';
  /** The close code (1006 when the connection dropped without a close frame). */
  readonly code: number;
  /** The close reason text (empty when none was given). */
  readonly reason: string;
  /** Whether the handshake had completed. */
  readonly opened: boolean;
  /**
   * What failed, when something did (a refused connection, a reset, a handshake answered with a status:
   * `Unexpected server response: 401: <the first 200 bytes of the body>` on Node).
   */
  readonly error?: string;
  /**
   * The HTTP status of a handshake the server refused instead of switching protocols (401, 503...).
   * Known where the socket can see it (`ws` on Node, through our factory); browsers cannot.
   */
  readonly status?: number;
  /** The socket was given up by a timeout of ours (connect, keepalive or close), not by the peer. */
  readonly timedOut?: true;
}
/**
 * What a {@link WebSocketSubject} emits. A text frame is the string itself: the inbound hot path
 * allocates no wrapper per message.
 *
 * @example
 * ```ts
 * function describe(event: TransportEvent): string {
 *   if (typeof event === 'string') return `text: ${event}`;
 *   switch (event.type) {
 *     case 'open':
 *       return 'open';
 *     case 'binary':
 *       return `binary: ${event.byteLength} bytes`;
 *     case 'close':
 *       return `closed: ${event.code}`;
 *   }
 * }
 * ```
 */
export type TransportEvent = string | TransportOpen | TransportBinary | TransportClose;

/** Who hears a socket's events: a subscriber, or (see `WebSocketSubject.open`) a conversation. @internal */
export interface TransportListener {
  next(event: TransportEvent): void;
  complete(): void;
  /**
   * A ping was written, after every frame sent before it (sockets that can ping). Pings and pongs
   * are rare: neither is told per frame.
   */
  pinged?(): void;
  /** A pong arrived: a ping's, or one the peer sent unasked (pongs match pings in order). */
  ponged?(): void;
}
