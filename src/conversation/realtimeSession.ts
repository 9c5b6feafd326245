import { Observable, Subscription, type OperatorFunction } from 'rxjs';
import type { CloseReason, RealtimeEvent } from '../protocol/events.js';
import type { RealtimeAudioFrame } from '../protocol/frame.js';
import { connectConversation } from './connectConversation.js';
import type { Conversation, ConversationOptions } from './types.js';

/**
 * What the caller asks of a session (Codex's `Op`): the input of {@link realtimeSession}.
 *
 * A `start` may override any {@link ConversationOptions} field of the session's defaults.
 *
 * @example
 * ```ts
 * const ops$ = new Subject<RealtimeOp>();
 * ops$.next({ type: 'start', prompt: 'You are terse.', sessionId: 'conv-1' });
 * ops$.next({ type: 'text', text: 'hello' });
 * ops$.next({ type: 'close' });
 * ```
 */
export type RealtimeOp =
  | ({ type: 'start'; prompt?: string; sessionId?: string } & Partial<
      Omit<ConversationOptions, 'promptOverride'>
    >)
  | { type: 'audio'; frame: RealtimeAudioFrame }
  | { type: 'text'; text: string }
  | { type: 'close' };

/**
 * What a session reports (Codex's `EventMsg`): the output of {@link realtimeSession}.
 *
 * @example
 * ```ts
 * ops$.pipe(realtimeSession({ url: 'http://127.0.0.1:8011' })).subscribe((event: SessionEvent) => {
 *   if (event.type === 'realtime') console.log(event.payload.type);
 *   else if (event.type === 'closed') console.log('closed:', event.reason, event.code);
 *   else if (event.type === 'error') console.error(event.kind, event.message);
 * });
 * ```
 */
export type SessionEvent =
  | { type: 'started'; sessionId?: string }
  | { type: 'realtime'; payload: RealtimeEvent }
  | { type: 'closed'; reason: CloseReason; code?: number; detail?: string }
  | { type: 'error'; message: string; kind: 'bad_request' | 'other' };

const NOT_RUNNING: SessionEvent = Object.freeze({
  type: 'error',
  kind: 'bad_request',
  message: 'conversation is not running',
});

/**
 * Codex's session loop as an operator: ops in, session events out.
 *
 * `start` opens a conversation and emits `started` once its socket is open and the session message is
 * sent; a second `start` replaces the running one (its socket is closed, no `closed` for it). `audio`
 * and `text` go to the running conversation, or emit `error{kind:'bad_request'}` when none runs.
 * `close` emits `closed{reason:'requested'}`, running or not. A start that cannot connect emits
 * `error{kind:'other'}`; a conversation that ends by itself emits `closed` with its reason. When the
 * ops complete, the running conversation is closed, its `closed` emitted, and the output completes
 * once every socket has finished closing.
 *
 * A start op's fields override `defaults`, except the prompt when `defaults.promptOverride` is set
 * and not blank: that wins over every start's prompt.
 *
 * ```
 * ops:    --S-----a---t-----C----|
 * events: ----s-r---------r-c----|     (s started, r realtime, c closed)
 * ```
 *
 * @example
 * ```ts
 * ops$.pipe(realtimeSession({ url: 'http://127.0.0.1:8011' })).subscribe((event) => console.log(event));
 * ops$.next({ type: 'start', prompt: 'You are terse.' });
 * ops$.next({ type: 'text', text: 'hello' });
 * ```
 * @see {@link connectConversation}
 */
export function realtimeSession(defaults: ConversationOptions): OperatorFunction<RealtimeOp, SessionEvent> {
  return (ops) =>
    new Observable<SessionEvent>((subscriber) => {
      let running: { conversation: Conversation; subscription: Subscription } | undefined;
      /** Conversations closed by the session whose sockets are still closing. */
      const closing = new Set<Subscription>();
      let opsDone = false;

      const completeWhenIdle = () => {
        if (opsDone && running === undefined && closing.size === 0) subscriber.complete();
      };

      /** Stops listening to the running conversation and lets its socket close in the background. */
      const retire = () => {
        if (running === undefined) return;
        const { conversation, subscription } = running;
        running = undefined;
        subscription.unsubscribe();
        const drain = conversation.events$.subscribe({
          complete: () => {
            closing.delete(drain);
            completeWhenIdle();
          },
        });
        if (!drain.closed) closing.add(drain);
        conversation.close();
      };

      const start = (op: Extract<RealtimeOp, { type: 'start' }>) => {
        retire();
        const { type: _type, ...overrides } = op;
        const override = defaults.promptOverride?.trim() ? defaults.promptOverride : undefined;
        const options: ConversationOptions = {
          ...defaults,
          ...stripUndefined(overrides),
          prompt: override ?? op.prompt ?? defaults.prompt,
        };
        let conversation: Conversation;
        try {
          conversation = connectConversation(options);
        } catch (e) {
          subscriber.next({
            type: 'error',
            kind: 'other',
            message: e instanceof Error ? e.message : String(e),
          });
          return;
        }
        const sessionId = options.sessionId;
        let opened = false;
        const subscription = new Subscription();
        subscription.add(
          conversation.state$.subscribe((state) => {
            if (state !== 'open' || opened) return;
            opened = true;
            subscriber.next(sessionId === undefined ? { type: 'started' } : { type: 'started', sessionId });
          }),
        );
        subscription.add(
          conversation.events$.subscribe((event) => {
            if (event.type !== 'closed') return subscriber.next({ type: 'realtime', payload: event });
            running = undefined;
            subscription.unsubscribe();
            const { type: _closed, ...rest } = event;
            // One that never opened and was not asked to close could not connect: a failed start, not a close.
            const failedStart = !opened && event.reason !== 'requested';
            subscriber.next(
              failedStart
                ? { type: 'error', kind: 'other', message: event.detail ?? 'could not connect' }
                : { type: 'closed', ...rest },
            );
            completeWhenIdle();
          }),
        );
        // Still running unless it ended synchronously (a factory that throws).
        if (!subscription.closed) running = { conversation, subscription };
      };

      const opsSubscription = ops.subscribe({
        next: (op) => {
          switch (op.type) {
            case 'start':
              return start(op);
            case 'audio':
              if (running === undefined) return subscriber.next(NOT_RUNNING);
              return running.conversation.audio.next(op.frame);
            case 'text':
              if (running === undefined) return subscriber.next(NOT_RUNNING);
              try {
                return running.conversation.text.next(op.text);
              } catch {
                // It is closing (a server error, a dropped socket) and no longer takes text.
                return subscriber.next(NOT_RUNNING);
              }
            case 'close':
              retire();
              return subscriber.next({ type: 'closed', reason: 'requested' });
          }
        },
        error: (error) => {
          retire();
          subscriber.error(error);
        },
        complete: () => {
          opsDone = true;
          if (running !== undefined) {
            // Let the running conversation report its own `closed{reason:'requested'}`.
            running.conversation.close();
          }
          completeWhenIdle();
        },
      });

      return () => {
        opsSubscription.unsubscribe();
        running?.subscription.unsubscribe();
        running?.conversation.close();
        running = undefined;
        for (const drain of closing) drain.unsubscribe();
        closing.clear();
      };
    });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
