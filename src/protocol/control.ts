import type { OpenAISessionOptions } from './openai/options.js';
import type { OpenAIClientEvent, OpenAIConversationItem, OpenAIResponseParams } from './openai/wire/index.js';

/**
 * Requests beyond audio and text, sent on the lossless control lane (same priority as text): what
 * {@link Conversation.control} takes. Each is checked before it is sent; one that is refused (bad
 * fields, or a dialect with no wire form for it, such as `codex`) is reported as an `invalid` event and
 * nothing is sent.
 *
 * Controls keep their order with texts. `input.commit` and `input.clear` also keep their order with the
 * audio given before them: each is sent only once every audio frame given before it has been sent or
 * dropped (a commit never commits a partial turn, a clear clears all of it), and what is given after it
 * waits for it.
 *
 * @example
 * Answer a tool call, then let the model go on
 * ```ts
 * conversation.events$.subscribe((event) => {
 *   if (event.type === 'tool.call' && event.name === 'get_time') {
 *     conversation.control.next({ type: 'tool.output', callId: event.callId, output: new Date().toISOString() });
 *   }
 * });
 * conversation.control.next({ type: 'response.create', instructions: 'Greet the user.' });
 * ```
 *
 * @example
 * Push-to-talk (with `session: { turnDetection: null }`): the frames of a turn, then its end
 * ```ts
 * pressed$.subscribe(() => conversation.control.next({ type: 'input.clear' }));
 * released$.subscribe(() => {
 *   conversation.control.next({ type: 'input.commit' });
 *   conversation.control.next({ type: 'response.create' });
 * });
 * ```
 *
 * @see {@link bargeIn}, which emits `response.cancel`, `item.truncate` and `item.delete`.
 */
export type RealtimeControl =
  /**
   * Ask for a response. `response` takes every GA parameter (`conversation: 'none'` for an out-of-band
   * response that does not join the conversation, `metadata` to recognise it, `input`, `tools`, ...);
   * `instructions`, when given, wins over `response.instructions`.
   */
  | { type: 'response.create'; instructions?: string; response?: OpenAIResponseParams }
  | { type: 'response.cancel' }
  /** A tool's result; `respond` (default true): then ask for a response. */
  | { type: 'tool.output'; callId: string; output: string; respond?: boolean }
  /** Cut an output item's audio at what was actually played (barge-in). */
  | { type: 'item.truncate'; itemId: string; contentIndex?: number; audioEndMs: number }
  | { type: 'item.delete'; itemId: string }
  /** Push-to-talk: end the user's turn (`input_audio_buffer.commit`), after the audio given before it. */
  | { type: 'input.commit' }
  /** Drop the audio the server holds for the user's turn so far (`input_audio_buffer.clear`), after the audio given before it. */
  | { type: 'input.clear' }
  /** Stop the server's output audio (`output_audio_buffer.clear`; WebRTC and SIP sessions). */
  | { type: 'output.clear' }
  /**
   * Change the session mid-conversation: only the given options change. Checked like
   * {@link ConversationOptions.session}; a socket opened later (reconnect) starts with the changes.
   */
  | { type: 'session.update'; session: OpenAISessionOptions & { instructions?: string } }
  /** Add any item (a message of any role, a function call or its output) after `previousItemId`. */
  | { type: 'item.create'; item: OpenAIConversationItem; previousItemId?: string }
  /** Ask for an item as the server has it: answered by an `item.retrieved` event. */
  | { type: 'item.retrieve'; itemId: string }
  /** Any GA client event, validated before it is sent (sent as given). */
  | { type: 'client.event'; event: OpenAIClientEvent };
