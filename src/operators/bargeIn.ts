import { Observable, OperatorFunction, Subscription } from 'rxjs';
import type { RealtimeControl } from '../protocol/control.js';
import type { RealtimeEvent } from '../protocol/events.js';
import { frameMs, type RealtimeAudioFrame } from '../protocol/frame.js';

/**
 * Options of {@link bargeIn}.
 *
 * @example
 * ```ts
 * const options: BargeInOptions = { contentIndex: 0 };
 * conversation.events$.pipe(bargeIn(player.playedMs$, options)).subscribe(conversation.control);
 * ```
 */
export interface BargeInOptions {
  /** content index of the audio part (default 0) */
  contentIndex?: number;
}

/**
 * Turns the user talking over the assistant into the controls that silence it: cancel the response
 * in flight, and cut the output item's audio at what was actually played.
 *
 * <span class="informal">The WebSocket barge-in: on `speech.started`, send `response.cancel`, then
 * `item.truncate` at the played position (or `item.delete` when nothing of the item was heard), so
 * the model's memory of its answer matches what the user heard.</span>
 *
 * ```
 * events:   r-a-a-----s---s-d-|
 * playedMs: 0-------7-----------
 * result:   ----------(ct)----|
 * ```
 * `r` = `response.created`, `a` = 500 ms of `audio.out` of item `'i1'`, `7` = 700.6 ms played,
 * `s` = `speech.started`, `d` = `response.done`; `c` = `{type:'response.cancel'}`,
 * `t` = `{type:'item.truncate', itemId:'i1', contentIndex:0, audioEndMs:700}`. The second `s` belongs
 * to the same interruption: nothing.
 *
 * State, kept from the events:
 * - a response is active from `response.created` to `response.done`, `response.cancelled` or `closed`,
 *   and no longer once this operator has emitted `response.cancel` for it;
 * - the current output audio item: the `itemId` of the latest `audio.out` frame (a different `itemId`
 *   starts a new item) and the ms of its audio received so far: the sum over its frames of
 *   samples per channel / `sampleRate` × 1000, where samples per channel is `frame.samplesPerChannel`
 *   when present, else the byte length of the base64 `data` (from its length and padding, without
 *   decoding it) / bytes per sample (2 for PCM16, 1 for G.711) / `numChannels`;
 * - the latest `playedMs$` value (0 until it emits): ms of the current output item played so far.
 *
 * On `speech.started`:
 * - no output audio item known: `response.cancel` if a response is active, else nothing;
 * - playback finished (no response active and played >= received): nothing;
 * - else `response.cancel` first if a response is active, then `item.delete` when played <= 0, else
 *   `item.truncate` with `audioEndMs = Math.floor(Math.min(played, received))`: an integer (the API
 *   refuses fractions), never past the audio actually received (only audio the model produced can be
 *   truncated).
 *
 * After a `speech.started` the item is forgotten, so the same interruption never truncates twice;
 * late `audio.out` frames of that interrupted item (already in flight when the cancel went out) are
 * ignored. Audio of another item starts afresh.
 *
 * Frames without an `itemId` (the codex dialect) are tracked as one item whose `itemId` is unknown:
 * it cannot be truncated nor deleted, so only the `response.cancel` (if a response is active) is
 * emitted for it.
 *
 * `playedMs$` must describe the item being received: the app's player resets it to 0 on a new
 * `itemId` and on `clear()`. Clear the player after this operator has seen the `speech.started` (e.g.
 * in a subscription made after this one), or the truncation reads 0 and deletes the item.
 *
 * - The result completes when the events complete; `playedMs$` completing is fine (its last value
 *   is kept). An error from either input is forwarded.
 * - Unsubscribing releases both inputs.
 *
 * Hot path: an event in allocates nothing; only the emitted controls are allocated.
 *
 * @example
 * Silence the assistant when the user talks over it
 * ```ts
 * import { filter } from 'rxjs';
 * import { bargeIn, createAudioPlayer } from 'realtime-rx';
 *
 * const player = createAudioPlayer();
 * conversation.events$.pipe(bargeIn(player.playedMs$)).subscribe(conversation.control);
 * // subscribed after the barge-in, so the truncation reads the played position before it is reset
 * conversation.events$.pipe(filter((e) => e.type === 'speech.started')).subscribe(() => player.clear());
 * ```
 *
 * @see {@link createAudioPlayer}
 *
 * @param playedMs$ Ms of the current output item played so far (the app's playback position).
 * @param options The content index of the audio part.
 * @return A function that returns an Observable of the controls to send on barge-in.
 * @throws {RangeError} synchronously, when `contentIndex` is not a non-negative integer.
 */
export function bargeIn(
  playedMs$: Observable<number>,
  options?: BargeInOptions,
): OperatorFunction<RealtimeEvent, RealtimeControl> {
  const contentIndex = options?.contentIndex ?? 0;
  if (!Number.isInteger(contentIndex) || contentIndex < 0) {
    throw new RangeError(`bargeIn: contentIndex must be a non-negative integer, got ${String(contentIndex)}`);
  }

  return (source) =>
    new Observable<RealtimeControl>((subscriber) => {
      /** Latest playback position of the current output item, in ms. */
      let playedMs = 0;
      /** A response is in flight and has not been cancelled by us. */
      let responseActive = false;
      /** An output audio item is known (its `itemId` may still be undefined: codex). */
      let hasItem = false;
      let itemId: string | undefined;
      /** Ms of audio of the current item received so far. */
      let receivedMs = 0;
      /** The last item interrupted: its late frames are ignored. */
      let interruptedItemId: string | undefined;

      const onAudio = (frame: RealtimeAudioFrame): void => {
        const frameItemId = frame.itemId;
        if (frameItemId !== undefined && frameItemId === interruptedItemId) return;
        if (!hasItem || frameItemId !== itemId) {
          hasItem = true;
          itemId = frameItemId;
          receivedMs = 0;
        }
        const ms = frameMs(frame);
        // NaN and Infinity (a frame with a zero rate or no channels) add nothing.
        if (ms > 0 && ms < Infinity) receivedMs += ms;
      };

      const onSpeechStarted = (): void => {
        const cancel = responseActive;
        // We ask for the cancel now: a second speech.started before response.done must not repeat it.
        responseActive = false;
        if (!hasItem) {
          if (cancel) subscriber.next({ type: 'response.cancel' });
          return;
        }
        const id = itemId;
        const received = receivedMs;
        const played = playedMs;
        // Forget the item before emitting: a synchronous reaction to the controls sees fresh state.
        hasItem = false;
        itemId = undefined;
        receivedMs = 0;
        if (id !== undefined) interruptedItemId = id;

        if (!cancel && played >= received) return; // playback had finished
        if (cancel) subscriber.next({ type: 'response.cancel' });
        if (id === undefined || subscriber.closed) return; // codex: nothing to truncate
        if (!(played > 0)) {
          subscriber.next({ type: 'item.delete', itemId: id });
        } else {
          subscriber.next({
            type: 'item.truncate',
            itemId: id,
            contentIndex,
            audioEndMs: Math.floor(Math.min(played, received)),
          });
        }
      };

      const playedSubscription: Subscription = playedMs$.subscribe({
        next: (ms) => {
          playedMs = ms;
        },
        error: (err: unknown) => subscriber.error(err),
        // complete: the last value is kept.
      });

      // `playedMs$` may have errored synchronously: then there is nothing to subscribe to.
      const sourceSubscription: Subscription | null = subscriber.closed
        ? null
        : source.subscribe({
            next: (event) => {
              switch (event.type) {
                case 'audio.out':
                  onAudio(event.frame);
                  break;
                case 'speech.started':
                  onSpeechStarted();
                  break;
                case 'response.created':
                  responseActive = true;
                  break;
                case 'response.done':
                case 'response.cancelled':
                case 'closed':
                  responseActive = false;
                  break;
                default:
                  break;
              }
            },
            error: (err: unknown) => subscriber.error(err),
            complete: () => subscriber.complete(),
          });

      return () => {
        playedSubscription.unsubscribe();
        sourceSubscription?.unsubscribe();
      };
    });
}
