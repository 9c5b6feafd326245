import type { WebSocket } from 'ws';

/** What {@link SendBuffer} tells its connection. */
export interface SendBufferHost {
  /** The client's unread replies went over the bound (`true`: stop reading it) or drained to half (`false`). */
  congested(on: boolean): void;
  /** The client stayed over the bound for `stallMs`: drop it. */
  stalled(): void;
}

/**
 * Back-pressure of one client's replies. Every reply is caused by something the client sent, so while
 * its unread replies (ws's `bufferedAmount`) are over `bound`, the connection stops reading it and
 * generates nothing new for it; once they drain to half, reading resumes. A client still over the
 * bound `stallMs` after it went over (seen on a send: replies already under way still go out) is not
 * reading at all, and is dropped.
 *
 * A send under the bound costs one comparison; only sends over it carry a callback, which fires once
 * the frame has left for the kernel and is where the drain is noticed (ws has no drain event).
 */
export class SendBuffer {
  private overSince: number | undefined;
  private readonly drained = () => this.check();

  constructor(
    private readonly socket: WebSocket,
    private readonly bound: number,
    private readonly stallMs: number,
    private readonly host: SendBufferHost,
  ) {}

  send(frame: string): void {
    const socket = this.socket;
    if (socket.readyState !== socket.OPEN) return;
    if (
      this.bound <= 0 ||
      (this.overSince === undefined && socket.bufferedAmount + frame.length <= this.bound)
    )
      return socket.send(frame);
    if (this.overSince === undefined) {
      this.overSince = Date.now();
      this.host.congested(true);
    } else if (socket.bufferedAmount > this.bound && Date.now() - this.overSince > this.stallMs) {
      return this.host.stalled();
    }
    socket.send(frame, this.drained);
  }

  private check(): void {
    const socket = this.socket;
    // A dropped socket calls back every frame it still held: that is not a drain.
    if (
      this.overSince === undefined ||
      socket.readyState !== socket.OPEN ||
      socket.bufferedAmount > this.bound / 2
    )
      return;
    this.overSince = undefined;
    this.host.congested(false);
  }
}
