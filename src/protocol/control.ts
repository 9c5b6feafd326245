/**
 * Requests beyond audio and text, sent on the lossless control lane (same priority as text): what
 * {@link Conversation.control} takes. The codex dialect has no wire form for them; it reports each as
 * an `invalid` event and sends nothing.
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
 * @see {@link bargeIn}, which emits `response.cancel`, `item.truncate` and `item.delete`.
 */
export type RealtimeControl =
  | { type: 'response.create'; instructions?: string }
  | { type: 'response.cancel' }
  /** A tool's result; `respond` (default true): then ask for a response. */
  | { type: 'tool.output'; callId: string; output: string; respond?: boolean }
  /** Cut an output item's audio at what was actually played (barge-in). */
  | { type: 'item.truncate'; itemId: string; contentIndex?: number; audioEndMs: number }
  | { type: 'item.delete'; itemId: string };
