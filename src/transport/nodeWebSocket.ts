import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { maskedTextFrame } from './textFrame.js';
import type { CorkableSocket, SocketSink } from './corkableSocket.js';
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
 * inbound frames reach `onmessage` without a `MessageEvent` each (one reused event object). A
 * handshake the server refuses keeps its HTTP status and the start of its body, as `handshakeResponse`.
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
  return (url, protocols, headers) =>
    // ws's handler properties take ws's own event classes; ours are structurally narrower.
    new RxWebSocket(url, protocols ?? [], {
      headers,
      perMessageDeflate,
      maxPayload,
    }) as unknown as WebSocketLike;
}

/**
 * A `ws` socket with what a {@link WebSocketLike} adds (pongs as `onpong`, cork, our framing) on its
 * prototype, so every socket has the same hidden class. Added to each instance instead (closures, and
 * an `onmessage` accessor per socket), they turned every socket after the first into a dictionary-mode
 * object: every property read on it, ws's own included, went through V8's slow lookup.
 */
class RxWebSocket
  extends WebSocket
  implements Pick<CorkableSocket, 'cork' | 'uncork' | 'frameText' | 'sendFrame' | 'listen'>
{
  onpong: (() => void) | null = null;
  handshakeResponse: WebSocketLike['handshakeResponse'] = undefined;
  /**
   * Our framing of texts: off with permessage-deflate (compressed frames are ws's to make), and for
   * good once a Blob is sent (ws queues what follows a Blob until it has read it: a frame written
   * straight to the TCP socket would overtake them).
   */
  private framing: boolean;
  /** Who hears this socket directly (see `listen`), instead of the `on*` handlers. */
  private sink: SocketSink | undefined = undefined;
  /** The `on*` handlers (see the accessors below and `emit`). */
  private openHandler: WebSocketLike['onopen'] = null;
  private messageHandler: WebSocketLike['onmessage'] = null;
  private closeHandler: WebSocketLike['onclose'] = null;
  private errorHandler: WebSocketLike['onerror'] = null;
  /** The one event object handed to `onmessage` (see the accessor below), made when first needed. */
  private messageEvent: { data: unknown } | undefined = undefined;

  constructor(url: string, protocols: string[], options: WebSocket.ClientOptions) {
    super(url, protocols, options);
    this.framing = options.perMessageDeflate !== true;
    // ws keeps its own copy of the URL's text (its `url`): where it is the same text as the one given,
    // which the caller keeps anyway, that one is kept instead (one string per socket, not two).
    const parsed = this as unknown as { _url?: string };
    if (parsed._url === url) parsed._url = url;
  }

  listen(sink: SocketSink): void {
    this.sink = sink;
  }

  /**
   * ws's events, handed to the sink or the `on*` handlers here, on the prototype: no listener (ws's
   * wrapper of each `on*` handler, with properties of its own) is registered per socket, and an
   * inbound frame reaches its reader in one call; listeners added with `on()` still hear them all.
   * ws emits at most two arguments.
   */
  override emit(event: string | symbol, a?: unknown, b?: unknown): boolean {
    let handled: boolean;
    if (event === 'message') {
      // The hot one: straight to the sink; `onmessage` is a listener of its own (see `toHandler`).
      const sink = this.sink;
      if (sink === undefined) return super.emit(event, a, b);
      if (b === true) sink.binary(a);
      else sink.text((a as Buffer).toString());
      handled = true;
    } else if (event === 'unexpected-response') {
      // Handled here, ws leaves the refused handshake to us: read why, then end it.
      this.refused(b as IncomingMessage);
      handled = true;
    } else {
      const sink = this.sink;
      handled = sink !== undefined ? tellSink(sink, event, a, b) : this.tellHandlers(event, a, b);
    }
    if (handled && this.listenerCount(event) === 0) return true;
    // Also where nobody heard it: ws throws an 'error' nobody hears, as EventEmitter does.
    return super.emit(event, a, b) || handled;
  }

  /** ws's rarer events to the `on*` handlers: whether there was one. */
  private tellHandlers(event: string | symbol, a: unknown, b: unknown): boolean {
    switch (event) {
      case 'pong':
        if (this.onpong === null) return false;
        this.onpong();
        return true;
      case 'open':
        return call(this.openHandler, OPEN_EVENT);
      case 'close':
        return call(this.closeHandler, { code: a as number, reason: String(b) });
      case 'error':
        return call(this.errorHandler, { error: a, message: (a as Error | undefined)?.message });
      default:
        return false;
    }
  }

  /**
   * ws's own `close`, which ws also calls when the peer's close frame arrives (to answer it) or when
   * it gives up on what it reads: the sink hears that the closing handshake is under way, with the
   * peer's code and reason once its close frame is in, so the closing can be bounded in time.
   */
  override close(code?: number, data?: string | Buffer): void {
    const was = this.readyState;
    super.close(code, data);
    const sink = this.sink;
    if (sink === undefined || was === WebSocket.CONNECTING || this.readyState !== WebSocket.CLOSING) return;
    const ws = this as unknown as WsClosing;
    if (ws._closeFrameReceived === true)
      sink.closing({ code: ws._closeCode, reason: String(ws._closeMessage ?? '') });
    else sink.closing();
  }

  /**
   * Sets `onmessage`: while there is one, ws's message listener is `toHandler` (one function for
   * every socket, no wrapper of ws's).
   */
  setMessageHandler(value: unknown): void {
    const handler = typeof value === 'function' ? (value as WebSocketLike['onmessage']) : null;
    if (handler !== null && this.messageHandler === null) this.on('message', toHandler);
    else if (handler === null && this.messageHandler !== null) this.off('message', toHandler);
    this.messageHandler = handler;
  }

  /**
   * Hands a frame to `onmessage`, text as a string (as ws's MessageEvent has it), in one event object
   * whose `data` is replaced for each frame.
   */
  deliverToHandler(data: unknown, isBinary: boolean): void {
    const handler = this.messageHandler;
    if (handler === null) return;
    const event = (this.messageEvent ??= { data: undefined });
    event.data = isBinary ? data : (data as Buffer).toString();
    handler(event);
    event.data = undefined;
  }

  /**
   * The server answered the handshake with a status (401, 503...): keeps it and the start of the
   * body, which says why ("Incorrect API key provided..."), then ends the handshake as ws would.
   */
  private refused(response: IncomingMessage): void {
    const status = response.statusCode ?? 0;
    this.handshakeResponse = { status, body: '' };
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      response.off('data', read);
      this.handshakeResponse = { status, body: bodyText(Buffer.concat(chunks, size)) };
      // Still connecting: ws aborts the request, then reports an error and the close (1006).
      this.terminate();
    };
    const read = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > MAX_REFUSAL_BODY_BYTES) finish();
    };
    response.on('data', read);
    response.on('end', finish);
    response.on('close', finish);
    response.on('error', finish); // also the abort that finish causes
  }

  /** ws has no cork of its own: its frames go to the net.Socket it holds once open. */
  cork(): void {
    netSocketOf(this)?.cork();
  }

  uncork(): void {
    netSocketOf(this)?.uncork();
  }

  /**
   * `send` of text frames of 126 B to 64 KiB (every audio frame) framed here and written straight to
   * the TCP socket, in one chunk, masked a word at a time (see {@link maskedTextFrame}): the rest, and
   * every socket not open, go through ws. The same framing as `frameText` + `sendFrame`, for a writer
   * that frames now and writes later. Safe beside ws's own writes: without permessage-deflate or a
   * Blob ws never queues a frame (it writes each at once, in call order), so nothing it holds can be
   * overtaken, and what waits in the TCP socket counts in `bufferedAmount` as ws's own frames do.
   */
  override send(data: WsSend[0], optionsOrDone?: WsSend[1] | WsSend[2], done?: WsSend[2]): void {
    if (typeof data === 'object' && data instanceof Blob) this.framing = false;
    if (typeof optionsOrDone === 'object') return super.send(data, optionsOrDone, done);
    const frame = typeof data === 'string' ? this.frameText(data) : undefined;
    if (frame === undefined) super.send(data, optionsOrDone);
    else this.sendFrame(frame, optionsOrDone);
  }

  frameText(data: string, head?: string, tail?: string): Buffer | undefined {
    return this.framing && netSocketOf(this) !== undefined && this.readyState === WebSocket.OPEN
      ? maskedTextFrame(data, head, tail)
      : undefined;
  }

  /** Writes a frame made by `frameText`, as ws hands a frame to the socket (its callback type allows null). */
  sendFrame(frame: Uint8Array, done?: (error?: Error) => void): void {
    netSocketOf(this)!.write(frame, done as ((error?: Error | null) => void) | undefined);
  }
}

/**
 * `onopen`, `onmessage`, `onclose` and `onerror` without ws's EventTarget layer, which registers a
 * wrapper per handler and makes an event object per call: `emit` calls them. `onmessage`'s handler
 * gets one event object per socket, its `data` replaced for each frame (read it during the call; a
 * WebSocketSubject does). They shadow ws's own accessors. Defined on the prototype (TypeScript has
 * ws's `on*` as properties, which a class cannot override with accessors).
 */
for (const [name, field] of [
  ['onopen', 'openHandler'],
  ['onclose', 'closeHandler'],
  ['onerror', 'errorHandler'],
] as const) {
  Object.defineProperty(RxWebSocket.prototype, name, {
    configurable: true,
    enumerable: true,
    get(this: Record<typeof field, unknown>) {
      return this[field];
    },
    set(this: Record<typeof field, unknown>, value: unknown) {
      this[field] = typeof value === 'function' ? value : null;
    },
  });
}
Object.defineProperty(RxWebSocket.prototype, 'onmessage', {
  configurable: true,
  enumerable: true,
  get(this: { messageHandler: unknown }) {
    return this.messageHandler;
  },
  set(this: RxWebSocket, value: unknown) {
    this.setMessageHandler(value);
  },
});

/** ws's message listener while a socket has an `onmessage`. */
function toHandler(this: WebSocket, data: unknown, isBinary: boolean): void {
  (this as RxWebSocket).deliverToHandler(data, isBinary);
}

/** ws's rarer events to a sink: whether it takes this one. */
function tellSink(sink: SocketSink, event: string | symbol, a: unknown, b: unknown): boolean {
  switch (event) {
    case 'pong':
      sink.pong();
      return true;
    case 'open':
      sink.open();
      return true;
    case 'close':
      sink.closed(a as number, String(b));
      return true;
    case 'error':
      sink.failed(a, (a as Error | undefined)?.message);
      return true;
    default:
      return false;
  }
}

/** What `onopen` is called with. */
const OPEN_EVENT = Object.freeze({ type: 'open' });

/** Calls an `on*` handler, if there is one: whether there was. */
function call<E>(handler: ((event: E) => void) | null, event: E): boolean {
  if (handler === null) return false;
  handler(event);
  return true;
}

/** How much of a refused handshake's body is kept. */
const MAX_REFUSAL_BODY_BYTES = 200;

/**
 * The first {@link MAX_REFUSAL_BODY_BYTES} bytes of a body as one line of text (an HTML page's lines
 * and indentation become single spaces), with an ellipsis when there was more.
 */
function bodyText(body: Buffer): string {
  const cut = body.length > MAX_REFUSAL_BODY_BYTES;
  let text = body.subarray(0, MAX_REFUSAL_BODY_BYTES).toString('utf8');
  // A character cut in two decodes as U+FFFD.
  if (cut) text = text.replace(/\uFFFD+$/, '');
  text = text.replace(/\s+/g, ' ').trim();
  return cut ? `${text}\u2026` : text;
}

/** What ws keeps of the peer's close frame (its private fields). */
interface WsClosing {
  _closeFrameReceived?: boolean;
  _closeCode: number;
  _closeMessage?: Buffer;
}

/** ws's `send` with options: (data, options, done). */
type WsSend = Parameters<WebSocket['send']>;

/** The TCP socket under a `ws` socket (`_socket`, set once the handshake is done; ws has had it since 1.0). */
function netSocketOf(socket: WebSocket): Socket | undefined {
  return (socket as unknown as { _socket?: Socket })._socket;
}
