import type { SchedulerAction, SchedulerLike, Subscription, Unsubscribable } from 'rxjs';
import { errorText } from '../protocol/errors.js';
import type { Signal } from '../operators/signal.js';
import type { SocketSink } from './corkableSocket.js';
import type { FrameWriter } from './frameWriter.js';
import { startKeepalive, type Liveness } from './keepalive.js';
import type { TransportClose, TransportListener, TransportOpen } from './transportEvent.js';
import type { Writability } from './writability.js';
import { SocketState, type WebSocketLike } from './webSocketLike.js';

/** What a {@link Connection} needs of its subject's configuration (defaults applied). @internal */
export interface ConnectionSettings {
  readonly scheduler: SchedulerLike;
  readonly connectTimeoutMs: number;
  readonly closeTimeoutMs: number;
  readonly keepalive: { readonly intervalMs: number; readonly deadMs: number } | false;
  readonly maxMessageChars: number;
}

const OPEN: TransportOpen = Object.freeze({ type: 'open' });

/**
 * One socket's life, from the handshake to the final `close` event: its timers (connect, close),
 * keepalive, the frames it hands on, and how it ended. One object with its methods on the prototype
 * (the socket calls them directly, see {@link SocketSink}), where closures over shared state would
 * be a dozen objects per socket for its whole life.
 * @internal
 */
export class Connection implements SocketSink, Liveness, Unsubscribable {
  heard = true;
  silentMs = 0;
  private opened = false;
  private ended = false;
  /** What failed, first failure first. */
  private failure: string | undefined;
  /** `ws` refused an inbound frame over `maxPayload`: it closes with 1009 but reports 1006 (it stops reading). */
  private oversize = false;
  private timedOut = false;
  /** The peer's close frame, once it arrived: what the end reports if the socket must be dropped. */
  private peerClose: { readonly code: number; readonly reason: string } | undefined;
  private connectTimer: Subscription | undefined;
  /** Set when the closing handshake starts (ours or the peer's), and never unset: a close is asked for once. */
  private closeTimer: Subscription | undefined;
  private keepalive: Unsubscribable | undefined;

  constructor(
    private readonly socket: WebSocketLike,
    private readonly writer: FrameWriter,
    private readonly flow: Writability,
    /** The subject's `writable$`, completed at the end. */
    private readonly writable: Signal<boolean>,
    private readonly settings: ConnectionSettings,
    private readonly listener: TransportListener,
  ) {
    this.connectTimer = settings.scheduler.schedule(connectTimedOut, settings.connectTimeoutMs, this);
    flow.pings = this;
  }

  open(): void {
    if (this.ended) return;
    this.opened = true;
    this.connectTimer!.unsubscribe();
    this.connectTimer = undefined;
    const flow = this.flow;
    flow.open();
    const options = this.settings.keepalive;
    if (options !== false)
      this.keepalive = startKeepalive(this.socket, options, this.settings.scheduler, this);
    this.listener.next(OPEN);
    flow.afterOpen();
  }

  text(data: string): void {
    if (this.ended) return;
    this.heard = true;
    if (data.length > this.settings.maxMessageChars)
      return this.drop(`an inbound frame of ${data.length} characters exceeds the limit`, 1009, false);
    this.listener.next(data);
  }

  binary(data: unknown): void {
    if (this.ended) return;
    this.heard = true;
    this.listener.next({ type: 'binary', byteLength: byteLengthOf(data) });
  }

  pong(): void {
    this.heard = true;
    this.flow.pong();
    // After the probe: a ping the listener asks for in return is then not refused as one still out.
    if (!this.ended) this.listener.ponged?.();
  }

  /** A ping was written (see Writability): the listener hears of it. */
  pinged(): void {
    if (!this.ended) this.listener.pinged?.();
  }

  /** Sends a ping: the probe's when there is one (it sends none while its own is out). May throw. */
  ping(): void {
    const flow = this.flow;
    if (flow.probe !== undefined) flow.probe.pingNow();
    else flow.ping();
  }

  /**
   * A ping soon, if the socket can ping and is open (not closing): what a listener asks for so that a
   * pong confirms what it wrote. None when one is out already (the probe's).
   */
  requestPing(): void {
    const socket = this.socket;
    if (socket.ping === undefined || socket.readyState !== SocketState.OPEN || this.closeTimer !== undefined)
      return;
    try {
      this.ping();
    } catch {
      // not open any more: the close event follows
    }
  }

  failed(error: unknown, message: string | undefined): void {
    if ((error as { code?: unknown } | undefined)?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')
      this.oversize = true;
    this.failure ??= message || (error === undefined ? 'WebSocket error' : errorText(error));
  }

  closing(peer?: { readonly code: number; readonly reason: string }): void {
    if (this.ended) return;
    if (peer !== undefined) this.peerClose = peer;
    this.closeTimer ??= this.settings.scheduler.schedule(closeTimedOut, this.settings.closeTimeoutMs, this);
  }

  closed(code: number, reason: string): void {
    this.end(code, reason);
  }

  /** The keepalive heard nothing for too long. */
  dead(why: string): void {
    this.drop(why);
  }

  /**
   * Starts the closing handshake: what this job gave goes out first, then the close frame. If the
   * socket has not closed `closeTimeoutMs` later, it is dropped. Once only.
   */
  close(code: number, reason: string): void {
    const socket = this.socket;
    if (this.ended || this.closeTimer !== undefined || socket.readyState === SocketState.CLOSED) return;
    if (this.writer.writeNow()) this.flow.pingWritten();
    this.flow.close();
    // The timer first: a socket may report its close synchronously, and the end must then cancel it.
    this.closeTimer = this.settings.scheduler.schedule(closeTimedOut, this.settings.closeTimeoutMs, this);
    socket.close(code, reason);
  }

  /** A subscriber left (the subscription's teardown): the socket is closed normally. */
  unsubscribe(): void {
    this.close(1000, '');
  }

  /** The handshake took too long. */
  connectTimedOut(): void {
    this.drop(`the handshake did not complete within ${this.settings.connectTimeoutMs} ms`);
  }

  /**
   * The closing handshake took too long: the socket is dropped. Ended with the peer's code and
   * reason when its close frame came (only the TCP connection's end was missing), else as lost.
   */
  closeTimedOut(): void {
    const peer = this.peerClose;
    if (peer === undefined) return this.drop('the closing handshake timed out');
    this.terminate(1006);
    this.end(peer.code, peer.reason);
  }

  /** Drops the socket without a closing handshake and ends now (a timeout, a frame too big). */
  private drop(why: string, code = 1006, timeout = true): void {
    this.failure ??= why;
    this.timedOut ||= timeout;
    this.terminate(code);
    this.end(code, '');
  }

  private terminate(code: number): void {
    const socket = this.socket;
    if (socket.terminate !== undefined) socket.terminate();
    else socket.close(code === 1006 ? 1000 : code);
  }

  private end(code: number, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.connectTimer?.unsubscribe();
    this.keepalive?.unsubscribe();
    this.writer.discard(); // dropped or closed by the peer: nothing more can be written
    this.flow.finish();
    this.closeTimer?.unsubscribe();
    this.writable.complete();
    if (this.oversize) code = 1009;
    const close: { -readonly [K in keyof TransportClose]: TransportClose[K] } = {
      type: 'close',
      code,
      reason,
      opened: this.opened,
    };
    const refused = this.opened ? undefined : this.socket.handshakeResponse;
    if (refused !== undefined) {
      close.status = refused.status;
      // The refusal says more than the error the platform made of it; our own timeout stays the cause.
      if (!this.timedOut) this.failure = refusalText(refused);
    }
    if (this.failure !== undefined) close.error = this.failure;
    if (this.timedOut) close.timedOut = true;
    this.listener.next(close);
    this.listener.complete();
  }
}

/**
 * Has a socket without {@link SocketSink} support (a browser's, a test socket, a user's) call
 * `connection`'s methods from its `on...` handlers.
 */
export function handlersCalling(socket: WebSocketLike, connection: Connection): void {
  socket.onopen = () => connection.open();
  socket.onmessage = (event) => {
    const data = event.data;
    if (typeof data === 'string') connection.text(data);
    else connection.binary(data);
  };
  socket.onpong = () => connection.pong();
  // Kept (never nulled) even after the end: `ws` throws an 'error' that has no listener.
  socket.onerror = (event) => connection.failed(event.error, event.message);
  socket.onclose = (event) => connection.closed(event.code, event.reason);
}

// The timers' work, one function for every connection (the connection is the action's state).
function connectTimedOut(this: SchedulerAction<Connection>, connection?: Connection): void {
  connection!.connectTimedOut();
}
function closeTimedOut(this: SchedulerAction<Connection>, connection?: Connection): void {
  connection!.closeTimedOut();
}

function byteLengthOf(data: unknown): number {
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  if (typeof Blob !== 'undefined' && data instanceof Blob) return data.size;
  return 0;
}

/** A refused handshake in words: its status and, when there is one, the start of its body. */
function refusalText({ status, body }: { status: number; body: string }): string {
  return `Unexpected server response: ${status}${body === '' ? '' : `: ${body}`}`;
}
