import type { WebSocketLike } from './webSocketLike.js';

/**
 * A socket that can hold its writes and frame texts itself: what our `ws` factory makes. Not part of
 * {@link WebSocketLike} (a plugged-in transport need not know of it): a {@link WebSocketSubject}
 * looks for these methods on the socket it is given and, where they are, writes the frames of one
 * job at its end (see `frameWriter.ts`).
 * @internal
 */
export interface CorkableSocket extends WebSocketLike {
  /**
   * Holds this socket's writes until `uncork`, which writes them in one system call: the frames given
   * in one job are then written at the job's end, back to back, with the probe's ping in the same call.
   */
  cork(): void;
  /** Writes what `cork` held. */
  uncork(): void;
  /**
   * The bytes `send(head + data + tail)` would write, framed now without joining the parts, for
   * `sendFrame` later; `undefined` when this text is not framed here (its size, compression), so
   * `send` it.
   */
  frameText?(data: string, head?: string, tail?: string): Uint8Array | undefined;
  /** Writes a frame made by `frameText` (while the socket is open). */
  sendFrame?(frame: Uint8Array, done?: (error?: Error) => void): void;
  /**
   * Has `sink`'s methods called instead of the `on...` handlers (which then hear nothing): no event
   * object per frame, and no closure between the socket and the one who reads it.
   */
  listen?(sink: SocketSink): void;
}

/**
 * Who hears a socket that can call it directly (see {@link CorkableSocket.listen}): what the `on...`
 * handlers would be told, one method each.
 * @internal
 */
export interface SocketSink {
  /** The handshake completed. */
  open(): void;
  /** A text frame arrived. */
  text(data: string): void;
  /** A binary frame arrived. */
  binary(data: unknown): void;
  /** A pong arrived. */
  pong(): void;
  /** Something failed; `closed` follows. */
  failed(error: unknown, message: string | undefined): void;
  /**
   * The closing handshake is under way (a close frame went out or came in), with the peer's code and
   * reason once its close frame has arrived; called again when that frame arrives after ours.
   */
  closing(peer?: { readonly code: number; readonly reason: string }): void;
  /** The socket closed (the last call). */
  closed(code: number, reason: string): void;
}

/** Whether the socket can cork (and so have its writes batched at the end of the job). */
export function canCork(socket: WebSocketLike): socket is CorkableSocket {
  const corkable = socket as Partial<CorkableSocket>;
  return corkable.cork !== undefined && corkable.uncork !== undefined;
}
