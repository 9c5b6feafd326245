/**
 * A text in the lossless lane: encoded only when sent, with the item id it carries where the dialect
 * acknowledges items. `state` is where it stands in its {@link TextLedger}.
 */
export class PendingText {
  readonly kind = 'text';
  /**
   * - `lane`: waits in the lossless lane (or behind a commit), the drain loop writes it;
   * - `written`: written to the current socket, not yet confirmed;
   * - `again`: to be written first thing on the next socket (its socket died unconfirmed in a dialect
   *   that acknowledges items, or the socket refused it: then it never left).
   */
  state: 'lane' | 'written' | 'again' = 'lane';
  constructor(
    readonly text: string,
    readonly id: string | undefined,
  ) {}
}

/**
 * Every text of a conversation from the moment it is given until the server has confirmed it, in the
 * order given. The texts written to the current socket come first, then those to be written again,
 * then those still in the lane: texts leave the lane in order, so each group is a run.
 *
 * Confirmed means: where the dialect acknowledges items (`acknowledges`), the server's
 * `conversation.item.added` named its item id, or that of a text written after it on the same socket
 * (a server handles a socket's events in order); elsewhere, where the socket can ping, the pong to a
 * ping written after it came back (a WebSocket endpoint reads frames in order and answers a ping when
 * it reads it; not where items are acknowledged, as a proxy in front of the server may answer pings
 * for it); in any dialect, the closing handshake we asked for completed (the server read everything
 * written before our close frame).
 *
 * Pongs are matched to pings in order, each ping remembering how many texts had been written to the
 * socket before it; a pong with no ping out (one the server sent unasked) confirms nothing.
 *
 * Texts are rare, so the bookkeeping is plain arrays; audio never comes here.
 */
export class TextLedger {
  private readonly texts: PendingText[] = [];
  /** How many of `texts`, from the start, are written to the current socket. */
  private written = 0;
  /** Texts written to the current socket since it opened, confirmed or not. */
  private sentOnSocket = 0;
  /**
   * Per ping out on the current socket, oldest first, `sentOnSocket` when it was written: the oldest's
   * here (-1: none out), the others' in `laterPings` (rare: the probe keeps one out at a time, so most
   * conversations never make the array).
   */
  private oldestPing = -1;
  private laterPings: number[] | undefined;
  /** A ping was asked for (see `wrote`) and has not been written yet. */
  private pingAsked = false;
  private lastId = 0;

  constructor(private readonly acknowledges: boolean) {}

  /** A text given: tracked from now, with an id of its own where the server acknowledges ids. */
  accept(text: string): PendingText {
    // Short and unique per conversation: a base-36 count after a prefix an app's ids are unlikely to use.
    const pending = new PendingText(
      text,
      this.acknowledges ? `rx_t${(++this.lastId).toString(36)}` : undefined,
    );
    this.texts.push(pending);
    return pending;
  }

  /**
   * `pending` was written to the current socket. True when a ping should be asked for, so that its
   * pong can confirm the text: none is out, and none was asked for (at most one at a time).
   */
  wrote(pending: PendingText): boolean {
    pending.state = 'written';
    this.written++;
    this.sentOnSocket++;
    return this.wantsPing();
  }

  /** A ping was written to the current socket, after every text written so far. */
  pinged(): void {
    if (this.acknowledges) return; // pongs confirm nothing there (see ponged)
    if (this.oldestPing < 0) this.oldestPing = this.sentOnSocket;
    else (this.laterPings ??= []).push(this.sentOnSocket);
    this.pingAsked = false;
  }

  /**
   * A pong came back on the current socket: the texts written before the oldest ping out are
   * confirmed. True when a ping should be asked for (texts written after that ping wait, none is out).
   */
  ponged(): boolean {
    const mark = this.oldestPing;
    // Unasked, it proves nothing; where items are acknowledged, only the server's word counts.
    if (mark < 0 || this.acknowledges) return false;
    const later = this.laterPings;
    this.oldestPing = later !== undefined && later.length > 0 ? later.shift()! : -1;
    // The texts of this socket already confirmed (acknowledged, or by an earlier pong) are gone.
    const count = mark - (this.sentOnSocket - this.written);
    if (count > 0) {
      this.texts.splice(0, count);
      this.written -= count;
    }
    return this.wantsPing();
  }

  private wantsPing(): boolean {
    if (this.acknowledges || this.written === 0 || this.pingAsked || this.oldestPing >= 0) return false;
    this.pingAsked = true;
    return true;
  }

  /** The socket refused `pending` (it was closing): it never left, so it goes on the next one. */
  refused(pending: PendingText): void {
    pending.state = 'again';
  }

  /** The texts to write first on a new socket, in order (those still in the lane come after). */
  toWriteAgain(): PendingText[] | undefined {
    const texts = this.texts;
    let count = 0;
    while (count < texts.length && texts[count].state === 'again') count++;
    return count === 0 ? undefined : texts.slice(0, count);
  }

  /**
   * The server acknowledged item `id`: that text, and every text written before it on this socket,
   * is confirmed. Any other id (the app's items, the server's own) changes nothing.
   */
  acknowledge(id: unknown): void {
    if (this.written === 0 || typeof id !== 'string') return;
    const texts = this.texts;
    for (let i = 0; i < this.written; i++) {
      if (texts[i].id !== id) continue;
      texts.splice(0, i + 1);
      this.written -= i + 1;
      return;
    }
  }

  /** The closing handshake we asked for completed: the server read every text written. */
  confirmWritten(): void {
    this.texts.splice(0, this.written);
    this.newSocket();
  }

  /** Forgets the current socket: nothing is written to the next one yet, no ping is out on it. */
  private newSocket(): void {
    this.written = 0;
    this.sentOnSocket = 0;
    this.oldestPing = -1;
    this.laterPings = undefined;
    this.pingAsked = false;
  }

  /**
   * The current socket is gone without confirming what was written to it. Where the server
   * acknowledges ids, those texts are written again on the next socket (returned: how many); else
   * they may or may not have arrived and are no longer tracked (returned: which).
   */
  socketLost(): { again: number } | { unconfirmed: string[] } {
    const written = this.written;
    this.newSocket();
    if (this.acknowledges) {
      for (let i = 0; i < written; i++) this.texts[i].state = 'again';
      return { again: written };
    }
    return { unconfirmed: this.texts.splice(0, written).map(textOf) };
  }

  /** The conversation ended: every text not confirmed, in order (no longer tracked). */
  takeAll(): string[] {
    this.newSocket();
    return this.texts.splice(0).map(textOf);
  }
}

function textOf(pending: PendingText): string {
  return pending.text;
}
