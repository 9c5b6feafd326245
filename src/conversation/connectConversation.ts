import {
  asyncScheduler,
  noop,
  Observable,
  type SchedulerLike,
  type Subscriber,
  type Subscription,
  type TeardownLogic,
} from 'rxjs';
import { dropNewest } from '../operators/dropNewest.js';
import { Multicast } from '../operators/multicast.js';
import { priorityMerge } from '../operators/priorityMerge.js';
import { Signal } from '../operators/signal.js';
import { SourceObserver, type SourceHandlers } from '../operators/sourceObserver.js';
import type { RealtimeControl } from '../protocol/control.js';
import {
  IGNORED_TYPE,
  UNKNOWN_TYPE,
  type Decoded,
  type Dialect,
  type DialectName,
  type DialectPlan,
} from '../protocol/dialect.js';
import { errorText, RealtimeError } from '../protocol/errors.js';
import type { RealtimeEvent, RealtimeUsage } from '../protocol/events.js';
import { audioFrameProblem, type RealtimeAudioFrame } from '../protocol/frame.js';
import { dialects } from '../protocol/index.js';
import { setTextCutter } from '../protocol/printable.js';
import { platformWebSocketFactory } from '../transport/platformWebSocket.js';
import {
  WebSocketSubject,
  type TransportClose,
  type TransportEvent,
  type TransportListener,
  type WebSocketSubjectConfig,
} from '../transport/webSocketSubject.js';
import { closedEvent, describeClose, type ClosingCause } from './closedEvent.js';
import { reportUnhandled } from '../operators/sourceObserver.js';
import { InputLane, type InputLaneHandlers } from './inputLane.js';
import { stateOf, type Open, type Phase } from './phase.js';
import { redactorOf, secretsOf, type Redactor } from './redact.js';
import { attemptsMade, backoffDelayMs, nextAttempt } from './retryPolicy.js';
import { PendingText, TextLedger } from './textLedger.js';
import type {
  Conversation,
  ConversationOptions,
  ConversationState,
  ConversationStats,
  ServerEventOf,
} from './types.js';

/**
 * Opens one realtime conversation: the socket starts connecting now.
 *
 * Audio goes through a bounded drop-newest buffer, text through a lossless queue, and a priority
 * merge sends pending text before pending audio whenever the socket can take more. Inbound frames
 * are decoded by the dialect into `events$`, which ends with `closed` (why it ended) and completes.
 *
 * Subscribe to `events$` in the same tick: events are not replayed, except the final `closed`.
 * Throws a `RealtimeError` of kind `config` for options that cannot work (a bad URL scheme, a bad
 * buffer size), before any socket is opened.
 *
 * @example
 * ```ts
 * const conversation = connectConversation({ url: 'http://127.0.0.1:8011', prompt: 'Be brief.' });
 * conversation.events$.subscribe((event) => console.log(event));
 * fromMicrophone({ sampleRate: 24_000 })
 *   .pipe(toAudioFrames({ sampleRate: 24_000, numChannels: 1, frameMs: 20 }))
 *   .subscribe(conversation.audio);
 * conversation.text.next('hello');
 * ```
 */
export function connectConversation<O extends ConversationOptions>(
  options: O,
): Conversation<ServerEventOf<'dialect' extends keyof O ? O['dialect'] : undefined>> {
  return new RealtimeConversation(options);
}

/** What waits in the lossless lane: encoded only when sent, so the dialect decides with its latest state. */
type Pending =
  | PendingText
  /** `audioBefore`: for a commit or clear, how many audio frames must have left the lane before it is sent. */
  | { readonly kind: 'control'; readonly control: RealtimeControl; readonly audioBefore?: number }
  /** a frame the dialect asked for (a held response.create released by response.done) */
  | { readonly kind: 'frame'; readonly data: string };

const DEFAULT_DIALECT: DialectName = 'openai';

class RealtimeConversation<E extends object> implements Conversation<E> {
  readonly audio: InputLane<RealtimeAudioFrame>;
  readonly text: InputLane<string>;
  readonly control: InputLane<RealtimeControl>;
  // events$, serverEvents$, state$ and stats$ are made when first asked for (getters below).
  private eventsObservable: Observable<RealtimeEvent> | undefined;
  private serverEventsObservable: Observable<E> | undefined;
  private stateObservable: Observable<ConversationState> | undefined;
  private statsObservable: Observable<ConversationStats> | undefined;

  private readonly dialect: Dialect;
  private readonly plan: DialectPlan;
  /** Where the conversation is in its life (see Phase); changed only by `transition`. */
  private phase!: Phase;
  /**
   * What `state$` says of the phase (stateOf), kept for its subscribers; the first phase is
   * `connecting`. A Signal: told only of changes, and never of a state already left.
   */
  private readonly state = new Signal<ConversationState>('connecting');
  private readonly statsIntervalMs: number;
  /** Hides the conversation's secrets in every text that leaves it (see Redactor). */
  private readonly redactor: Redactor;
  /** The item id of the last audio delta, found to hold no secret: the item's next deltas skip the search. */
  private cleanItemId: string | undefined;
  private readonly socketConfig: WebSocketSubjectConfig;
  private readonly scheduler: SchedulerLike;
  private readonly reconnect: ConversationOptions['reconnect'];
  /** The current socket's writability, for the drain loop that outlives sockets. */
  private readonly writable = new Signal(false);
  private readonly events = new Multicast<RealtimeEvent>();
  /** serverEvents$'s subscribers: made with the first. */
  private serverEvents: Multicast<E> | undefined;
  /** Valid audio frames given; of them, dropped by the lane; emitted by the lane (sent or refused). */
  private audioAccepted = 0;
  private audioLaneDropped = 0;
  private audioEmitted = 0;
  /**
   * Lossless values held behind a commit or clear whose audio has not all left the lane yet: the
   * lane's order is kept, so what was given after it waits for it.
   */
  private blocked: Pending[] | undefined;
  private readonly counts: ConversationStats = {
    audioSent: 0,
    audioDropped: 0,
    audioInvalid: 0,
    textSent: 0,
    textQueued: 0,
    controlSent: 0,
    controlQueued: 0,
    events: 0,
    invalid: 0,
    unknown: 0,
    reconnects: 0,
    usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
  };
  private textAccepted = 0;
  private controlAccepted = 0;
  /** Every text from when it is given until the server confirmed it (see TextLedger). */
  private readonly texts: TextLedger;
  /**
   * The drain loop (priorityMerge of the lossless lane and the audio lane's dropNewest, into `send`);
   * it outlives sockets (texts not yet written go out on the next one).
   */
  private readonly outbound: Subscription;
  /** The lossless lane's one subscriber (priorityMerge's high lane): texts, controls, dialect frames. */
  private highSink: Subscriber<Pending> | undefined;

  constructor(options: ConversationOptions) {
    // An option's checks may quote its value (cut short), and any option may hold a secret.
    const early = redactorOf(secretsOf(options.apiKey, options.headers ?? {}));
    const cutter = setTextCutter(early.cutter);
    let capacity: number;
    try {
      const dialect = (dialects as Partial<Record<DialectName, Dialect>>)[options.dialect ?? DEFAULT_DIALECT];
      if (dialect === undefined) {
        throw new RealtimeError(
          'config',
          `dialect ${JSON.stringify(options.dialect)} is not available; available: ${Object.keys(dialects).join(', ')}`,
        );
      }
      this.dialect = dialect;
      this.texts = new TextLedger(dialect.acknowledgesItems === true);
      capacity = options.audioBufferFrames ?? 256;
      if (!Number.isInteger(capacity) || capacity < 0) {
        throw new RealtimeError('config', `audioBufferFrames must be a whole number >= 0, got ${capacity}`);
      }
      this.plan = dialect.prepare({
        url: options.url,
        prompt: options.prompt,
        sessionId: options.sessionId,
        model: options.model,
        apiKey: options.apiKey,
        respondToText: options.respondToText,
        session: options.session,
      });
    } catch (error) {
      throw early.thrown(error);
    } finally {
      setTextCutter(cutter);
    }
    // Nothing writes to either: the plan's own when no headers are added.
    const headers =
      options.headers === undefined ? this.plan.headers : { ...this.plan.headers, ...options.headers };
    this.redactor = redactorOf(secretsOf(options.apiKey, headers));
    const scheduler = (this.scheduler = options.scheduler ?? asyncScheduler);
    this.reconnect = options.reconnect;
    const maxMessageBytes = options.maxMessageBytes ?? 16 * 1024 * 1024;
    this.socketConfig = {
      url: this.plan.url,
      protocols: this.plan.protocols,
      headers,
      factory: options.webSocket ?? platformWebSocketFactory(maxMessageBytes),
      highWaterMark: options.sendHighWaterMark,
      closeTimeoutMs: options.closeTimeoutMs,
      connectTimeoutMs: options.connectTimeoutMs,
      keepalive: options.keepalive,
      congestion: options.congestion,
      maxMessageChars: maxMessageBytes, // UTF-8 bytes >= UTF-16 units: more units is surely too many bytes
      scheduler,
    };

    this.statsIntervalMs = options.statsIntervalMs ?? 1000;

    // The lanes check their values and report a producer's failure themselves (InputLane); text and
    // controls share the lossless lane, in the order they were given.
    this.audio = new InputLane<RealtimeAudioFrame>(new AudioLane(this));
    this.text = new InputLane<string>(new TextLane(this));
    this.control = new InputLane<RealtimeControl>(new ControlLane(this));

    // Outbound first: the inbound subscription may end everything synchronously (a factory that throws).
    // The lanes hand values to the one operator subscribed (no Subject between): the lossless lane to
    // priorityMerge's high lane, the audio lane (values$) to dropNewest.
    this.outbound = priorityMerge<Pending, RealtimeAudioFrame>({
      writable: this.writable,
      high: new Observable<Pending>((subscriber) => {
        this.highSink = subscriber;
      }),
      low: (ready) =>
        this.audio.values$.pipe(
          dropNewest<RealtimeAudioFrame>({ capacity, writable: ready, onDrop: () => this.lowDropped() }),
        ),
      // One object per value's hop, not a partial observer's wrappers (see SourceObserver). Nothing
      // upstream errors; should it, the error is reported as RxJS reports one nobody handles.
    }).subscribe(
      new SourceObserver<Pending | RealtimeAudioFrame, RealtimeConversation<object>>(OUTBOUND, this),
    );
    this.connectSocket(0);
  }

  get events$(): Observable<RealtimeEvent> {
    return (this.eventsObservable ??= new EventsObservable(this));
  }

  /** @internal A subscriber of `events$` (see EventsObservable). */
  joinEvents(subscriber: Subscriber<RealtimeEvent>): TeardownLogic {
    const phase = this.phase;
    if (phase.name !== 'closed') return this.events.add(subscriber);
    subscriber.next(phase.event);
    subscriber.complete();
  }

  get serverEvents$(): Observable<E> {
    return (this.serverEventsObservable ??= new Observable((subscriber) => {
      if (this.phase.name !== 'closed') return (this.serverEvents ??= new Multicast<E>()).add(subscriber);
      subscriber.complete();
    }));
  }

  get state$(): Observable<ConversationState> {
    return (this.stateObservable ??= new Observable((subscriber) => {
      if (this.phase.name !== 'closed') return this.state.subscribe(subscriber);
      subscriber.next('closed');
      subscriber.complete();
      return undefined;
    }));
  }

  get stats$(): Observable<ConversationStats> {
    return (this.statsObservable ??= new Observable((subscriber) => {
      subscriber.next(this.snapshot());
      if (this.phase.name === 'closed') return subscriber.complete();
      const emit = () => subscriber.next(this.snapshot());
      const intervalMs = this.statsIntervalMs;
      // A recursive action (`this` is the action): one timer for the whole subscription.
      const tick = this.scheduler.schedule(function () {
        emit();
        this.schedule(undefined, intervalMs);
      }, intervalMs);
      const end = this.state.subscribe({
        complete: () => (subscriber.next(this.snapshot()), subscriber.complete()),
      });
      return () => (tick.unsubscribe(), end.unsubscribe());
    }));
  }

  /**
   * The one place the phase changes. Leaving `waiting` cancels its timer; entering `closing` or
   * `closed` ends the input lanes (what is given from then on is refused, not queued), and entering
   * `closed` stops the drain loop; then `state$` hears of it if the caller's view changed.
   */
  private transition(next: Phase): void {
    const previous = this.phase as Phase | undefined; // undefined only before the first socket
    this.phase = next;
    if (previous?.name === 'waiting') previous.timer.unsubscribe();
    if (next.name === 'closing' || next.name === 'closed') {
      this.audio.end();
      this.text.end();
      this.control.end();
    }
    if (next.name === 'closed') {
      this.outbound.unsubscribe();
      this.highSink = undefined;
    }
    const state = stateOf(next);
    this.state.set(state);
  }

  /**
   * Opens a socket (reconnect attempt `attempt`, 0 for the first) and routes its events here; its
   * writability drives the drain loop, until it ends (its `writable$` completes then).
   */
  private connectSocket(attempt: number): void {
    const socket = new WebSocketSubject(this.socketConfig);
    this.transition({ name: 'connecting', socket, attempt });
    socket.watchWritable(this.writable);
    socket.open(new SocketListener(this));
  }

  close(): void {
    this.beginClose({ reason: 'requested' });
  }

  /** @internal A text given (TextLane). */
  acceptText(text: string): Pending {
    this.textAccepted++;
    return this.texts.accept(text);
  }

  /** @internal A control given (ControlLane). */
  acceptControl(control: RealtimeControl): Pending {
    this.controlAccepted++;
    // A commit or clear waits for the frames in the lane now (the lane only drops frames as they
    // arrive, so these will all be emitted).
    return endsInput(control)
      ? { kind: 'control', control, audioBefore: this.audioAccepted - this.audioLaneDropped }
      : { kind: 'control', control };
  }

  /** @internal Whether a frame given may be sent (AudioLane); if not, an `invalid` event says why. */
  acceptAudio(frame: RealtimeAudioFrame): boolean {
    if ((audioFrameProblem(frame) ?? this.plan.audioProblem?.(frame)) === undefined) {
      this.audioAccepted++;
      return true;
    }
    this.counts.audioInvalid++;
    // Said again with the secrets hidden before what it quotes is cut (rare: only a refused frame).
    const problem = this.redactor.quoting(() => audioFrameProblem(frame) ?? this.plan.audioProblem?.(frame));
    this.emit({ type: 'invalid', messageType: 'audio', detail: `audio frame not sent: ${problem}` });
    return false;
  }

  /** @internal A frame given after the end (AudioLane): counted as dropped. */
  audioAfterEnd(): void {
    this.counts.audioDropped++;
  }

  /** @internal A text, control or dialect frame into the lossless lane (TextLane, ControlLane). */
  pushHigh(value: Pending): void {
    this.highSink?.next(value);
  }

  /** An audio frame found the lane's buffer full (dropNewest). */
  private lowDropped(): void {
    this.counts.audioDropped++;
    this.audioLaneDropped++;
  }

  /** @internal An input lane errored: that lane ends, the conversation goes on, and the caller is told. */
  laneFailed(lane: 'text' | 'control' | 'audio', error: unknown): void {
    const reason = errorText(error);
    this.emit({
      type: 'invalid',
      messageType: lane,
      detail: this.redactor.text(`${lane} input failed: ${reason}`),
    });
  }

  /**
   * The end of the drain loop: encode (audio only if it is really sent;
   * text and controls with the dialect's latest state) and write. What the socket refuses (the peer
   * started closing) is not counted as sent: a text or control stays queued in the stats, an audio
   * frame counts as dropped. @internal (the drain loop's handler)
   */
  sendOutbound(value: Pending | RealtimeAudioFrame): void {
    // Writable implies open: a socket is writable only after its open event, and no more once closing.
    const open = this.phase as Open;
    if (!isPending(value)) {
      // The dialect says what surrounds the data; a socket that can copies the parts: no JSON string.
      const envelope = open.session.audioEnvelope(value);
      const sent = open.socket.sendJoined(envelope[0], value.data, envelope[1]);
      if (sent) this.counts.audioSent++;
      else this.counts.audioDropped++;
      this.audioEmitted++;
      if (this.blocked !== undefined) this.unblock();
      return;
    }
    if (value.kind !== 'frame' && (this.blocked !== undefined || this.mustWait(value))) {
      (this.blocked ??= []).push(value);
      return;
    }
    this.sendPending(value, open);
  }

  /** A commit or clear whose audio has not all left the lane. */
  private mustWait(value: Pending): boolean {
    return (
      value.kind === 'control' && value.audioBefore !== undefined && this.audioEmitted < value.audioBefore
    );
  }

  /**
   * Sends what a blocked commit or clear held back, up to the next one that must wait, while the
   * socket is open (closing, it would refuse them).
   */
  private unblock(): void {
    const blocked = this.blocked!;
    for (let phase = this.phase; phase.name === 'open'; phase = this.phase) {
      if (blocked.length === 0 || this.mustWait(blocked[0])) break;
      this.sendPending(blocked.shift()!, phase);
    }
    if (blocked.length === 0) this.blocked = undefined;
  }

  private sendPending(value: Pending, { socket, session }: Open): void {
    switch (value.kind) {
      case 'text':
        return this.sendText(value, socket, session);
      case 'control': {
        const encoded = this.redactor.quoting(() => session.encodeControl(value.control));
        if ('problem' in encoded) {
          this.controlAccepted--; // refused, not queued
          this.emit({
            type: 'invalid',
            messageType: 'control',
            detail: this.redactor.text(`${value.control.type} not sent: ${encoded.problem}`),
          });
        } else if (this.sendAll(socket, encoded.frames)) {
          this.counts.controlSent++;
        }
        return;
      }
      case 'frame':
        socket.send(value.data);
        return;
    }
  }

  /** Writes a text; one the socket refuses (it is closing) goes on the next socket, if there is one. */
  private sendText(text: PendingText, socket: WebSocketSubject, session: Open['session']): void {
    if (this.sendAll(socket, session.encodeText(text.text, text.id))) {
      this.counts.textSent++;
      // A ping after it, unless one is out already: its pong confirms the text.
      if (this.texts.wrote(text)) socket.pingSoon();
    } else {
      this.texts.refused(text);
    }
  }

  /** Writes frames that belong together (an item and its response request); true if the first went out. */
  private sendAll(socket: WebSocketSubject, frames: readonly string[]): boolean {
    let sent = false;
    for (let i = 0; i < frames.length; i++) {
      if (socket.send(frames[i])) sent ||= i === 0;
    }
    return sent;
  }

  /**
   * @internal What the socket says (SocketListener): mostly a text frame, decoded here rather than in a
   * method of its own (each call on the way from the socket to `events$` costs, most in a fresh process).
   */
  onTransport(event: TransportEvent): void {
    if (typeof event !== 'string') return this.onSocketEvent(event);
    const phase = this.phase;
    if (phase.name !== 'open') return; // closing: the conversation is over for the caller
    const session = phase.session;
    let decoded: Decoded;
    // What decoding quotes of the frame is redacted before it is cut (see Redactor.cut).
    const cutter = setTextCutter(this.redactor.cutter);
    try {
      // The sink only while someone listens: otherwise serverEvents$ costs nothing per frame.
      decoded = session.decode(
        event,
        this.serverEvents?.observed === true
          ? (this.serverEventSink ??= this.newServerEventSink())
          : undefined,
      );
    } catch (error) {
      // Dialects never throw; if one does, a hostile frame must not crash the process.
      decoded = {
        type: 'invalid',
        detail: `the ${this.dialect.name} decoder failed: ${error instanceof Error ? error.message : 'unknown error'}`,
      };
    }
    setTextCutter(cutter); // every path gets here (the catch ends the throw): no finally on the hot path
    // Audio, most of what arrives, goes straight on (it releases no frames: see takePending). Its
    // samples are passed as they came; its item id is the server's text, checked like any other.
    if (typeof decoded !== 'symbol' && decoded.type === 'audio.out') {
      this.counts.events++;
      const itemId = decoded.frame.itemId;
      if (itemId === undefined || itemId === this.cleanItemId) return this.events.next(decoded);
      const shown = this.redactor.text(itemId);
      if (shown === itemId) this.cleanItemId = itemId;
      return this.events.next(
        shown === itemId ? decoded : { ...decoded, frame: { ...decoded.frame, itemId: shown } },
      );
    }
    const released = session.takePending();
    if (released !== undefined) for (const frame of released) this.pushHigh({ kind: 'frame', data: frame });
    this.onDecoded(decoded);
  }

  /** @internal A ping went out on the current socket, after every text written to it (SocketListener). */
  onPinged(): void {
    this.texts.pinged();
  }

  /** @internal A pong came back on the current socket (SocketListener): the peer read what preceded its ping. */
  onPonged(): void {
    // A closing socket sends no ping; between sockets there is none.
    if (this.texts.ponged() && this.phase.name === 'open') this.phase.socket.pingSoon();
  }

  private onSocketEvent(event: Exclude<TransportEvent, string>): void {
    switch (event.type) {
      case 'open':
        return this.onOpen();
      case 'binary':
        this.counts.invalid++;
        this.emit({
          type: 'invalid',
          detail: `unexpected binary frame (${event.byteLength} bytes): the ${this.dialect.name} dialect speaks JSON text`,
        });
        return;
      case 'close':
        return this.onClose(event);
    }
  }

  private onOpen(): void {
    const phase = this.phase;
    if (phase.name !== 'connecting') return; // closed while connecting: this socket is on its way out
    const { socket, attempt } = phase;
    const session = this.plan.newSession();
    this.transition({ name: 'open', socket, session, attempt, openedAt: this.scheduler.now() });
    socket.send(session.sessionMessage());
    // Texts the last socket did not confirm (or refused) go first, before anything still in the lane.
    const again = this.texts.toWriteAgain();
    if (again !== undefined) for (const text of again) this.sendText(text, socket, session);
    if (attempt > 0) {
      this.counts.reconnects++;
      this.emit({ type: 'reconnected', attempt });
    }
  }

  /** The current socket ended: try another if the policy says so, else the conversation ends. */
  private onClose(close: TransportClose): void {
    const phase = this.phase;
    if (phase.name === 'closing') return this.end(close);
    const made = attemptsMade(phase, this.scheduler.now());
    const attempt = nextAttempt(this.reconnect, made, close);
    if (attempt === undefined) return this.end(close, made);
    // Written again on the next socket (counted as queued until then), or named now.
    const lost = this.texts.socketLost();
    if ('again' in lost) this.counts.textSent -= lost.again;
    const delayMs = backoffDelayMs(this.reconnect!, attempt);
    // The timer before the phase: a close() in reaction to the news finds it to cancel.
    const timer = this.scheduler.schedule(() => this.connectSocket(attempt), delayMs);
    this.transition({ name: 'waiting', attempt, timer });
    // Closed already, by a state$ subscriber: `closed` was the last event.
    if (this.phase.name !== 'waiting') return;
    if ('unconfirmed' in lost && lost.unconfirmed.length > 0) {
      this.emit({ type: 'texts.unconfirmed', texts: this.shown(lost.unconfirmed) });
      if (this.phase.name !== 'waiting') return; // closed in reaction
    }
    this.emit({ type: 'reconnecting', attempt, delayMs, cause: this.redactor.text(describeClose(close)) });
  }

  /** A decoded frame: on `events$`, counted, or the end (a server `error`). */
  private onDecoded(decoded: Decoded): void {
    if (decoded === UNKNOWN_TYPE) {
      this.counts.unknown++;
      return;
    }
    if (decoded === IGNORED_TYPE) return;
    // Any text a server sends may echo a credential: an error quoting the request, a bad field, a
    // model repeating what it was told. Every string of the event is checked (the same event when clean).
    const event = this.redactor.value(decoded);
    if (event.type === 'invalid') {
      this.counts.invalid++;
      return this.emit(event);
    }
    if (event.type === 'error') {
      // Close the lanes before anyone hears of the error, so nothing given in reaction to it is queued in vain.
      this.beginClose({ reason: 'error', detail: event.message });
      return this.emit(event);
    }
    if ((event.type === 'response.done' || event.type === 'response.cancelled') && event.usage)
      this.addUsage(event.usage);
    // The id as the server sent it (not as shown), to match the id the text was written with.
    else if (decoded.type === 'conversation.item.added')
      this.texts.acknowledge((decoded.item as { id?: unknown } | null)?.id);
    this.emit(event);
  }

  /** Hands a valid server event on, redacted as events are (an audio delta's samples passed as they came). */
  private serverEventSink: ((event: object) => void) | undefined;

  private newServerEventSink(): (event: object) => void {
    return (event) => {
      const { type, delta } = event as { type?: unknown; delta?: unknown };
      const audio = type === 'response.output_audio.delta' || type === 'response.audio.delta';
      this.serverEvents!.next(
        (audio
          ? this.redactor.withPayload(event, typeof delta === 'string' ? 'delta' : 'data')
          : this.redactor.value(event)) as E,
      );
    };
  }

  /** The app's own texts as an event names them: like every string that leaves, with the secrets hidden. */
  private shown(texts: string[]): string[] {
    return texts.map((text) => this.redactor.text(text));
  }

  /** @internal A thrown error's message, with the secrets hidden (ControlLane). */
  redactText(text: string): string {
    return this.redactor.text(text);
  }

  private addUsage(usage: RealtimeUsage): void {
    const total = this.counts.usage;
    total.inputTokens += usage.inputTokens;
    total.outputTokens += usage.outputTokens;
    total.totalTokens += usage.totalTokens;
  }

  private emit(event: RealtimeEvent): void {
    this.counts.events++;
    this.events.next(event);
  }

  private beginClose(cause: ClosingCause): void {
    const phase = this.phase;
    if (phase.name === 'closing' || phase.name === 'closed') return;
    const socket = phase.name === 'waiting' ? undefined : phase.socket;
    this.transition({ name: 'closing', cause, socket });
    if (socket !== undefined) return socket.close(1000);
    // Between sockets: nothing to close, the end is now.
    this.end({ type: 'close', code: 1006, reason: '', opened: false });
  }

  /**
   * The last socket ended (or there was none to close), `attempts` reconnect attempts having been made
   * since one stayed up: the texts never confirmed, if any, the final `closed`, then every stream
   * completes.
   */
  private end(close: TransportClose, attempts = 0): void {
    const phase = this.phase;
    const texts = this.texts;
    if (phase.name === 'closing' && phase.socket !== undefined && closedCleanly(close))
      texts.confirmWritten();
    const unconfirmed = texts.takeAll();
    const event = closedEvent(close, {
      cause: phase.name === 'closing' ? phase.cause : undefined,
      attempts,
      maxMessageBytes: this.socketConfig.maxMessageChars!,
      secrets: this.redactor.secrets,
    });
    this.transition({ name: 'closed', event });
    // The events below, counted before the final stats snapshot that state's completion triggers.
    this.counts.events += unconfirmed.length > 0 ? 2 : 1;
    this.state.complete();
    if (unconfirmed.length > 0)
      this.events.next({ type: 'texts.unconfirmed', texts: this.shown(unconfirmed) });
    this.events.next(event);
    this.events.complete();
    this.serverEvents?.complete();
  }

  private snapshot(): ConversationStats {
    return {
      ...this.counts,
      usage: { ...this.counts.usage },
      textQueued: this.textAccepted - this.counts.textSent,
      controlQueued: this.controlAccepted - this.counts.controlSent,
    };
  }
}

/**
 * Hears the current socket (`WebSocketSubject.open`): no subscription, so none of the subscriber
 * objects RxJS makes for one. A failure in the conversation is reported as RxJS reports one nobody
 * handles, never thrown into the socket.
 */
class SocketListener implements TransportListener {
  constructor(private readonly conversation: RealtimeConversation<object>) {}
  next(event: TransportEvent): void {
    try {
      this.conversation.onTransport(event);
    } catch (error) {
      reportUnhandled(error);
    }
  }
  complete(): void {}
  pinged(): void {
    this.conversation.onPinged();
  }
  ponged(): void {
    this.conversation.onPonged();
  }
}

// The lanes' handlers: methods of one small object per lane, where closures would be four each.

class AudioLane implements InputLaneHandlers<RealtimeAudioFrame> {
  constructor(private readonly conversation: RealtimeConversation<object>) {}
  afterEnd(): void {
    this.conversation.audioAfterEnd();
  }
  accept(frame: RealtimeAudioFrame): boolean {
    return this.conversation.acceptAudio(frame);
  }
  failed(error: unknown): void {
    this.conversation.laneFailed('audio', error);
  }
}

class TextLane implements InputLaneHandlers<string> {
  constructor(private readonly conversation: RealtimeConversation<object>) {}
  afterEnd(): never {
    throw new RealtimeError('not_running', 'conversation is not running: the text was not sent');
  }
  deliver(text: string): void {
    this.conversation.pushHigh(this.conversation.acceptText(text));
  }
  failed(error: unknown): void {
    this.conversation.laneFailed('text', error);
  }
}

class ControlLane implements InputLaneHandlers<RealtimeControl> {
  constructor(private readonly conversation: RealtimeConversation<object>) {}
  afterEnd(control: RealtimeControl): never {
    throw new RealtimeError(
      'not_running',
      this.conversation.redactText(`conversation is not running: ${control.type} was not sent`),
    );
  }
  deliver(control: RealtimeControl): void {
    this.conversation.pushHigh(this.conversation.acceptControl(control));
  }
  failed(error: unknown): void {
    this.conversation.laneFailed('control', error);
  }
}

/**
 * A control that ends what the user said so far (commits it, or clears it): it applies to the audio
 * given before it, so it waits for that audio to be sent.
 */
function endsInput(control: RealtimeControl): boolean {
  if (control.type === 'input.commit' || control.type === 'input.clear') return true;
  if (control.type !== 'client.event') return false;
  const type = (control.event as { type?: unknown } | undefined)?.type;
  return type === 'input_audio_buffer.commit' || type === 'input_audio_buffer.clear';
}

/**
 * Our closing handshake completed: the server answered our close frame, so it read everything
 * written before it.
 */
function closedCleanly(close: TransportClose): boolean {
  return close.code !== 1006 && close.timedOut === undefined && close.error === undefined;
}

function isPending(value: Pending | RealtimeAudioFrame): value is Pending {
  return typeof (value as Partial<Pending>).kind === 'string';
}

/** The drain loop's handler, called on its conversation: one function for every conversation (see SourceObserver). */
function sendOutbound(this: RealtimeConversation<object>, value: Pending | RealtimeAudioFrame): void {
  this.sendOutbound(value);
}

/** An error handed on as thrown: SourceObserver reports it as RxJS reports one nobody handles. */
function rethrow(error: unknown): never {
  throw error;
}

/** The drain loop's handlers, one object for every conversation (see SourceObserver). */
const OUTBOUND: SourceHandlers<Pending | RealtimeAudioFrame, RealtimeConversation<object>> = {
  next: sendOutbound,
  error: rethrow,
  complete: noop,
};

/**
 * `events$`: subscribed through one function for every conversation (RxJS calls it with the
 * Observable as `this`), where a closure would hold a context of its own per conversation.
 */
class EventsObservable extends Observable<RealtimeEvent> {
  constructor(readonly conversation: RealtimeConversation<object>) {
    super(joinEvents);
  }
}

function joinEvents(this: Observable<RealtimeEvent>, subscriber: Subscriber<RealtimeEvent>): TeardownLogic {
  return (this as EventsObservable).conversation.joinEvents(subscriber);
}
