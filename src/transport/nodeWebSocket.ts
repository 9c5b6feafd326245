import type { Socket } from 'node:net';
import WebSocket, { type RawData } from 'ws';
import { maskedTextFrame } from './textFrame.js';
import type { WebSocketFactory, WebSocketLike } from './webSocketLike.js';

/**
 * Options for sockets made with `ws` on Node, by {@link nodeWebSocketFactory}.
 *
 * @example
 * ```ts
 * const options: NodeWebSocketOptions = { perMessageDeflate: false, maxPayload: 4 * 1024 * 1024 };
 * const webSocket = nodeWebSocketFactory(options);
 * ```
 */
export interface NodeWebSocketOptions {
  /**
   * Offer permessage-deflate. Off by default: base64 PCM barely compresses, and zlib on every audio
   * frame costs more CPU and latency than the bytes it saves.
   */
  perMessageDeflate?: boolean;
  /** Largest inbound frame accepted, in bytes (default 16 MiB); larger ones close the socket with 1009. */
  maxPayload?: number;
}

/**
 * A {@link WebSocketFactory} backed by the `ws` package: handshake headers work here.
 *
 * It is the default on Node; call it yourself to change the `ws` options. Sockets it makes can ping,
 * so a conversation's keepalive works with them, and can cork, so a WebSocketSubject writes a job's
 * frames together. Two hot paths skip a layer of `ws`: text frames of 126 B to 64 KiB (every audio
 * frame) are framed and masked here and written in one piece (unless `perMessageDeflate` is on), and
 * inbound frames reach `onmessage` without a `MessageEvent` each (one reused event object).
 *
 * @example
 * ```ts
 * import { connectConversation, nodeWebSocketFactory } from 'realtime-rx';
 *
 * const conversation = connectConversation({
 *   url: 'https://api.openai.com',
 *   apiKey: process.env.OPENAI_API_KEY,
 *   webSocket: nodeWebSocketFactory({ perMessageDeflate: true }),
 * });
 * ```
 *
 * @param options `ws` options: compression and the inbound frame limit.
 * @return A factory of `ws` sockets.
 */
export function nodeWebSocketFactory(options: NodeWebSocketOptions = {}): WebSocketFactory {
  const { perMessageDeflate = false, maxPayload = 16 * 1024 * 1024 } = options;
  return (url, protocols, headers) => {
    const socket = new WebSocket(url, protocols ?? [], { headers, perMessageDeflate, maxPayload });
    // ws's handler properties take ws's own event classes; ours are structurally narrower.
    const like = socket as unknown as WebSocketLike;
    // ws reports pongs as an event only; expose them as the `onpong` property the keepalive reads.
    socket.on('pong', () => like.onpong?.());
    // ws has no cork of its own: its frames go to the net.Socket it holds once open.
    like.cork = () => netSocketOf(socket)?.cork();
    like.uncork = () => netSocketOf(socket)?.uncork();
    bridgeMessages(socket);
    if (!perMessageDeflate) sendFramed(socket, like); // compressed frames are ws's to make
    return like;
  };
}

/** The TCP socket under a `ws` socket (`_socket`, set once the handshake is done; ws has had it since 1.0). */
function netSocketOf(socket: WebSocket): Socket | undefined {
  return (socket as unknown as { _socket?: Socket })._socket;
}

/**
 * `onmessage` without ws's EventTarget layer, which makes a `MessageEvent` per frame: the handler gets
 * one event object per socket, its `data` replaced for each frame (read it during the call; a
 * WebSocketSubject does). The property is an own one, so ws's `onmessage` setter never registers
 * its own listener.
 */
function bridgeMessages(socket: WebSocket): void {
  let handler: WebSocketLike['onmessage'] = null;
  const event: { data: unknown } = { data: undefined };
  Object.defineProperty(socket, 'onmessage', {
    configurable: true,
    enumerable: true,
    get: () => handler,
    set: (value: WebSocketLike['onmessage']) => {
      handler = typeof value === 'function' ? value : null;
    },
  });
  socket.on('message', (data: RawData, isBinary: boolean) => {
    if (handler === null) return;
    // Text comes as one Buffer; handed on as a string, as by ws's MessageEvent.
    event.data = isBinary ? data : (data as Buffer).toString();
    handler(event);
    event.data = undefined;
  });
}

/**
 * `send` of text frames of 126 B to 64 KiB (every audio frame) framed here and written straight to the
 * TCP socket, in one chunk, masked a word at a time (see {@link maskedTextFrame}): the rest, and every
 * socket not open, go through ws. The same framing as `frameText` + `sendFrame`, for a writer that
 * frames now and writes later. Safe beside ws's own writes: without permessage-deflate ws never
 * queues a frame (it writes each at once, in call order), so nothing it holds can be overtaken, and
 * what waits in the TCP socket counts in `bufferedAmount` as ws's own frames do.
 */
function sendFramed(socket: WebSocket, like: WebSocketLike): void {
  const wsSend = socket.send.bind(socket);
  const frameText = (data: string, head?: string, tail?: string): Buffer | undefined =>
    netSocketOf(socket) !== undefined && socket.readyState === WebSocket.OPEN
      ? maskedTextFrame(data, head, tail)
      : undefined;
  // As ws hands a frame to the socket (its callback type allows null).
  const sendFrame = (frame: Uint8Array, done?: (error?: Error) => void): void => {
    netSocketOf(socket)!.write(frame, done as ((error?: Error | null) => void) | undefined);
  };
  like.frameText = frameText;
  like.sendFrame = sendFrame;
  like.send = (data: string, done?: (error?: Error) => void) => {
    const frame = frameText(data);
    if (frame === undefined) wsSend(data, done);
    else sendFrame(frame, done);
  };
}
