import {
  computed,
  DestroyRef,
  inject,
  Injectable,
  InjectionToken,
  signal,
  type Provider,
  type Signal,
} from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import {
  BehaviorSubject,
  EMPTY,
  filter,
  finalize,
  from,
  map,
  merge,
  of,
  scan,
  share,
  shareReplay,
  startWith,
  Subject,
  Subscription,
  switchMap,
  takeUntil,
  type Observable,
  type Observer,
} from 'rxjs';
import {
  connectConversation,
  conversationItems,
  runTools,
  toolDefinitions,
  type Conversation,
  type ConversationItemView,
  type ConversationOptions,
  type ConversationState,
  type RealtimeAudioFrame,
  type RealtimeClosed,
  type RealtimeEvent,
  type RealtimeEventOf,
  type RealtimeTool,
} from 'realtime-rx';

/**
 * How to connect: the URL, the prompt, and (in tests) `createTestSocket()`'s factory as `webSocket` and a
 * `TestScheduler` as `scheduler`. Read at each `start()`.
 */
export const REALTIME_CONVERSATION_OPTIONS = new InjectionToken<ConversationOptions>(
  'REALTIME_CONVERSATION_OPTIONS',
);

/** Provides the options every {@link RealtimeConversationService} below this injector connects with. */
export function provideRealtimeConversation(options: ConversationOptions): Provider {
  return { provide: REALTIME_CONVERSATION_OPTIONS, useValue: options };
}

/** The tools the model may call: declared in the session, run by `runTools`, answered on the control lane. */
export const REALTIME_TOOLS = new InjectionToken<RealtimeTool[]>('REALTIME_TOOLS', {
  factory: () => [],
});

/** Provides the tools of every {@link RealtimeConversationService} below this injector. */
export function provideRealtimeTools(tools: RealtimeTool[]): Provider {
  return { provide: REALTIME_TOOLS, useValue: tools };
}

/** A short-lived key your server minted (with `createClientSecret`), and the server it is for. */
export interface ClientSecretGrant {
  /** The `ek_...` key: connects as the `apiKey`. */
  readonly value: string;
  /** Where to connect with it, when not the options' `url`. */
  readonly url?: string;
}

/** Asks your server for a key before each conversation: a page never holds a real API key. */
export const REALTIME_CLIENT_SECRET = new InjectionToken<() => Promise<ClientSecretGrant>>(
  'REALTIME_CLIENT_SECRET',
);

/** Provides how to get a key, e.g. `() => fetch('/realtime/client-secret', { method: 'POST' })...`. */
export function provideRealtimeClientSecret(mint: () => Promise<ClientSecretGrant>): Provider {
  return { provide: REALTIME_CLIENT_SECRET, useValue: mint };
}

/** `idle` before the first `start()`; then the conversation's own state. */
export type ConversationStatus = 'idle' | ConversationState;

/** One line of the live transcript: grows with each delta until its `transcript.done`. */
export interface TranscriptLine {
  readonly role: 'user' | 'assistant';
  readonly text: string;
  readonly done: boolean;
}

/** Everything the UI shows about the current (or last) conversation, as one immutable value. */
export interface ConversationView {
  readonly status: ConversationStatus;
  readonly transcript: readonly TranscriptLine[];
  /** The conversation's `closed` event: why it ended. */
  readonly closeReason: RealtimeClosed | undefined;
  /** Events received so far, `closed` included. */
  readonly eventCount: number;
  /** The last `invalid` or `error` event, e.g. "audio input failed: microphone permission denied (...)". */
  readonly problem: string | undefined;
}

/** What a conversation is wired to: audio to send (a microphone) and where to play the answer. */
export interface ConversationDevices {
  /** Frames to send; unsubscribed on `stop()` and when the conversation ends. */
  audio?: Observable<RealtimeAudioFrame>;
  /** Receives every `audio.out` frame, and `complete()` if the conversation ends before `stop()` (e.g. an `AudioPlayer`). */
  playback?: Partial<Observer<RealtimeAudioFrame>>;
}

const IDLE: ConversationView = {
  status: 'idle',
  transcript: [],
  closeReason: undefined,
  eventCount: 0,
  problem: undefined,
};

const CONNECTING: ConversationView = { ...IDLE, status: 'connecting' };

/** One step of the view: a state change, an event, or a text the user said. */
type Change = (view: ConversationView) => ConversationView;

/**
 * One realtime conversation at a time, for the component that provides it: `start()` connects (and
 * closes the previous one), `stop()` closes, and the view is there both as observables (`view$`,
 * `events$`) and as signals. Closed when its injector is destroyed, so leaving the page ends the call.
 */
@Injectable()
export class RealtimeConversationService {
  private readonly options = inject(REALTIME_CONVERSATION_OPTIONS);
  private readonly tools = inject(REALTIME_TOOLS);
  private readonly clientSecret = inject(REALTIME_CLIENT_SECRET, { optional: true });
  /** True while a key is being minted for the next conversation. */
  private readonly minting = signal(false);
  /** Why the last key could not be had. */
  private readonly mintProblem = signal<string | undefined>(undefined);
  /** The current (or last) conversation: what `view$` and `events$` follow. */
  private readonly conversation$ = new BehaviorSubject<Conversation | undefined>(undefined);
  /** Texts given to `say()`, shown in the transcript as the user's lines. */
  private readonly said$ = new Subject<string>();
  /** The devices of the current conversation, released on `stop()`. */
  private devices = new Subscription();
  private destroyed = false;

  /** Every event of every conversation this service starts, each ending with its `closed`. Hot. */
  readonly events$: Observable<RealtimeEvent> = this.conversation$.pipe(
    switchMap((conversation) => conversation?.events$ ?? EMPTY),
    share(),
  );

  /** The view of the current conversation: a new value for each state change and each event. */
  readonly view$: Observable<ConversationView> = this.conversation$.pipe(
    switchMap((conversation) =>
      conversation === undefined
        ? of(IDLE)
        : merge<Change[]>(
            // `closed` comes with its reason, from the `closed` event, so the two never disagree.
            conversation.state$.pipe(
              filter((status) => status !== 'closed'),
              map((status) => (view) => ({ ...view, status })),
            ),
            conversation.events$.pipe(map((event) => (view) => reduce(view, event))),
            this.said$.pipe(map((text) => (view) => say(view, text))),
          ).pipe(scan((view, change) => change(view), CONNECTING)),
    ),
    shareReplay({ bufferSize: 1, refCount: true }),
  );

  /**
   * The current conversation's items (messages, tool calls and their outputs) as they change: a new
   * frozen array each time, the unchanged items the same objects, for an `async` pipe.
   */
  readonly items$: Observable<readonly ConversationItemView[]> = this.conversation$.pipe(
    switchMap((conversation) =>
      conversation === undefined ? of([]) : conversation.events$.pipe(conversationItems(), startWith([])),
    ),
    shareReplay({ bufferSize: 1, refCount: true }),
  );

  /** The same view as a signal; its subscription ends with this service's injector. */
  readonly view: Signal<ConversationView> = toSignal(this.view$, { requireSync: true });
  /** `connecting` from the moment a key is asked for. */
  readonly status = computed(() => (this.minting() ? 'connecting' : this.view().status));
  readonly transcript = computed(() => this.view().transcript);
  readonly closeReason = computed(() => this.view().closeReason);
  readonly eventCount = computed(() => this.view().eventCount);
  readonly problem = computed(() => this.mintProblem() ?? this.view().problem);
  /** True while connecting or open: the time to talk. */
  readonly running = computed(() => this.status() === 'connecting' || this.status() === 'open');

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      this.stop();
      // Ends events$ and view$ once the last conversation has emitted its `closed`.
      this.conversation$.complete();
      this.said$.complete();
    });
  }

  /**
   * Connects a new conversation (closing the one before), sends `devices.audio` to it and plays its
   * answer on `devices.playback`; with a client secret provided, asks for a key first. Throws a
   * `RealtimeError` of kind `config` for options that cannot work.
   */
  start(devices: ConversationDevices = {}): void {
    if (this.destroyed)
      throw new Error('RealtimeConversationService: start() after its injector was destroyed');
    this.stop();
    this.mintProblem.set(undefined);
    if (this.clientSecret === null) return this.connect(this.options, devices);
    this.minting.set(true);
    // Held as the devices' subscription: stop() before the key comes cancels the start.
    this.devices = from(this.clientSecret())
      .pipe(finalize(() => this.minting.set(false)))
      .subscribe({
        next: ({ value, url }) =>
          this.connect({ ...this.options, url: url ?? this.options.url, apiKey: value }, devices),
        error: (error: unknown) =>
          this.mintProblem.set(`no key: ${error instanceof Error ? error.message : String(error)}`),
      });
  }

  private connect(options: ConversationOptions, devices: ConversationDevices): void {
    const tools = this.tools;
    const conversation = connectConversation(
      tools.length === 0
        ? options
        : { ...options, session: { ...options.session, tools: toolDefinitions(tools) } },
    );
    // Subscribes view$ and events$ to it now: events are not replayed, except the final `closed`.
    this.conversation$.next(conversation);
    const ended$ = conversation.events$.pipe(filter((event) => event.type === 'closed'));
    const wiring = new Subscription();
    // The tools answer the model; one the user talks over (barge-in) or that the conversation outlives is aborted.
    if (tools.length > 0)
      wiring.add(
        conversation.events$.pipe(runTools(tools)).subscribe((control) => conversation.control.next(control)),
      );
    if (devices.audio !== undefined)
      // The microphone stops when the conversation ends; a failing microphone becomes an `invalid` event.
      wiring.add(devices.audio.pipe(takeUntil(ended$)).subscribe(conversation.audio));
    if (devices.playback !== undefined)
      wiring.add(
        conversation.events$
          .pipe(
            filter((event): event is RealtimeEventOf<'audio.out'> => event.type === 'audio.out'),
            map((event) => event.frame),
          )
          .subscribe(devices.playback),
      );
    this.devices = wiring;
  }

  /** Sends a text to the current conversation: lossless, and ahead of any audio still waiting. */
  say(text: string): void {
    const conversation = this.conversation$.value;
    if (conversation === undefined) throw new Error('no conversation: call start() first');
    conversation.text.next(text); // a RealtimeError (not_running) once it has ended: never a silent loss
    this.said$.next(text);
  }

  /** Releases the devices now and closes the conversation (`closed{reason:'requested'}`). Idempotent. */
  stop(): void {
    this.devices.unsubscribe();
    this.conversation$.value?.close();
  }
}

/** The view after one event: the transcript grows, and `closed`, `invalid` and `error` are kept. */
function reduce(view: ConversationView, event: RealtimeEvent): ConversationView {
  const next = { ...view, eventCount: view.eventCount + 1 };
  switch (event.type) {
    case 'transcript.delta':
      return { ...next, transcript: write(view.transcript, event.role, (text) => text + event.delta, false) };
    case 'transcript.done':
      return { ...next, transcript: write(view.transcript, event.role, () => event.text, true) };
    case 'closed':
      return { ...next, status: 'closed', closeReason: event };
    case 'invalid':
      return { ...next, problem: event.detail };
    case 'error':
      return { ...next, problem: event.message };
    default:
      return next;
  }
}

/** A text the user said (sent on the text lane): a finished line of theirs. */
function say(view: ConversationView, text: string): ConversationView {
  return { ...view, transcript: [...view.transcript, { role: 'user', text, done: true }] };
}

/** Updates the open line of `role` (the last one not done), or starts a new one. */
function write(
  lines: readonly TranscriptLine[],
  role: TranscriptLine['role'],
  text: (before: string) => string,
  done: boolean,
): readonly TranscriptLine[] {
  let open = lines.length - 1;
  while (open >= 0 && (lines[open]!.role !== role || lines[open]!.done)) open--;
  if (open === -1) return [...lines, { role, text: text(''), done }];
  return lines.map((line, i) => (i === open ? { role, text: text(line.text), done } : line));
}
