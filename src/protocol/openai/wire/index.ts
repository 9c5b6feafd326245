import type * as t from 'io-ts';
import * as client from './clientEvents.js';
import * as server from './serverEvents.js';

/**
 * The io-ts codec of every OpenAI Realtime server event, by its wire `type`: the 46 GA events and the
 * aliases the API may still send (`response.audio.delta`, `response.text.done`, ..., `response.cancelled`).
 * A valid event decodes to the same object, extra fields kept; a `null` in a field the API types as
 * optional (but not nullable) reads as absent.
 *
 * @example
 * ```ts
 * const message: unknown = JSON.parse(text);
 * const codec = OpenAIServerEventCodecs['response.output_audio.delta'];
 * if (codec.is(message)) play(message.delta); // base64 audio, already checked
 * ```
 */
export const OpenAIServerEventCodecs = {
  'session.created': server.SessionCreatedEventCodec,
  'session.updated': server.SessionUpdatedEventCodec,
  'conversation.created': server.ConversationCreatedEventCodec,
  'conversation.item.created': server.ConversationItemCreatedEventCodec,
  'conversation.item.added': server.ConversationItemAddedCodec,
  'conversation.item.done': server.ConversationItemDoneCodec,
  'conversation.item.retrieved': server.ConversationItemRetrievedCodec,
  'conversation.item.deleted': server.ConversationItemDeletedEventCodec,
  'conversation.item.truncated': server.ConversationItemTruncatedEventCodec,
  'conversation.item.input_audio_transcription.completed': server.InputAudioTranscriptionCompletedEventCodec,
  'conversation.item.input_audio_transcription.delta': server.InputAudioTranscriptionDeltaEventCodec,
  'conversation.item.input_audio_transcription.failed': server.InputAudioTranscriptionFailedEventCodec,
  'conversation.item.input_audio_transcription.segment': server.InputAudioTranscriptionSegmentCodec,
  error: server.ErrorEventCodec,
  'input_audio_buffer.cleared': server.InputAudioBufferClearedEventCodec,
  'input_audio_buffer.committed': server.InputAudioBufferCommittedEventCodec,
  'input_audio_buffer.dtmf_event_received': server.InputAudioBufferDtmfEventReceivedEventCodec,
  'input_audio_buffer.speech_started': server.InputAudioBufferSpeechStartedEventCodec,
  'input_audio_buffer.speech_stopped': server.InputAudioBufferSpeechStoppedEventCodec,
  'input_audio_buffer.timeout_triggered': server.InputAudioBufferTimeoutTriggeredCodec,
  'output_audio_buffer.started': server.OutputAudioBufferStartedCodec,
  'output_audio_buffer.stopped': server.OutputAudioBufferStoppedCodec,
  'output_audio_buffer.cleared': server.OutputAudioBufferClearedCodec,
  'rate_limits.updated': server.RateLimitsUpdatedEventCodec,
  'response.created': server.ResponseCreatedEventCodec,
  'response.done': server.ResponseDoneEventCodec,
  'response.output_item.added': server.ResponseOutputItemAddedEventCodec,
  'response.output_item.done': server.ResponseOutputItemDoneEventCodec,
  'response.content_part.added': server.ResponseContentPartAddedEventCodec,
  'response.content_part.done': server.ResponseContentPartDoneEventCodec,
  'response.output_audio.delta': server.ResponseAudioDeltaEventCodec,
  'response.output_audio.done': server.ResponseAudioDoneEventCodec,
  'response.output_audio_transcript.delta': server.ResponseAudioTranscriptDeltaEventCodec,
  'response.output_audio_transcript.done': server.ResponseAudioTranscriptDoneEventCodec,
  'response.output_text.delta': server.ResponseTextDeltaEventCodec,
  'response.output_text.done': server.ResponseTextDoneEventCodec,
  'response.function_call_arguments.delta': server.ResponseFunctionCallArgumentsDeltaEventCodec,
  'response.function_call_arguments.done': server.ResponseFunctionCallArgumentsDoneEventCodec,
  'mcp_list_tools.in_progress': server.McpListToolsInProgressCodec,
  'mcp_list_tools.completed': server.McpListToolsCompletedCodec,
  'mcp_list_tools.failed': server.McpListToolsFailedCodec,
  'response.mcp_call_arguments.delta': server.ResponseMcpCallArgumentsDeltaCodec,
  'response.mcp_call_arguments.done': server.ResponseMcpCallArgumentsDoneCodec,
  'response.mcp_call.in_progress': server.ResponseMcpCallInProgressCodec,
  'response.mcp_call.completed': server.ResponseMcpCallCompletedCodec,
  'response.mcp_call.failed': server.ResponseMcpCallFailedCodec,
  // Beta names the API may still send, and a Codex-compatible server's `response.cancelled`.
  'response.audio.delta': server.BetaResponseAudioDeltaEventCodec,
  'response.audio.done': server.BetaResponseAudioDoneEventCodec,
  'response.audio_transcript.delta': server.BetaResponseAudioTranscriptDeltaEventCodec,
  'response.audio_transcript.done': server.BetaResponseAudioTranscriptDoneEventCodec,
  'response.text.delta': server.BetaResponseTextDeltaEventCodec,
  'response.text.done': server.BetaResponseTextDoneEventCodec,
  'response.cancelled': server.ResponseCancelledEventCodec,
} as const;

/**
 * The io-ts codec of every OpenAI Realtime client event, by its wire `type` (11 events).
 *
 * @example
 * ```ts
 * const event = { type: 'response.create', response: { conversation: 'none', output_modalities: ['text'] } };
 * const result = OpenAIClientEventCodecs['response.create'].decode(event);
 * if (result._tag === 'Right') socket.send(JSON.stringify(result.right));
 * ```
 */
export const OpenAIClientEventCodecs = {
  'conversation.item.create': client.ConversationItemCreateEventCodec,
  'conversation.item.delete': client.ConversationItemDeleteEventCodec,
  'conversation.item.retrieve': client.ConversationItemRetrieveEventCodec,
  'conversation.item.truncate': client.ConversationItemTruncateEventCodec,
  'input_audio_buffer.append': client.InputAudioBufferAppendEventCodec,
  'input_audio_buffer.clear': client.InputAudioBufferClearEventCodec,
  'input_audio_buffer.commit': client.InputAudioBufferCommitEventCodec,
  'output_audio_buffer.clear': client.OutputAudioBufferClearEventCodec,
  'response.cancel': client.ResponseCancelEventCodec,
  'response.create': client.ResponseCreateEventCodec,
  'session.update': client.SessionUpdateEventCodec,
} as const;

/**
 * A GA server event that the API may still send under its beta name, or a Codex-compatible server's
 * `response.cancelled`. The six beta names carry the same fields as their GA events
 * (`response.audio.delta` as `response.output_audio.delta`, ...).
 *
 * @example
 * ```ts
 * function isAudioDelta(event: OpenAIServerEvent): event is OpenAIServerEventOf<'response.output_audio.delta' | 'response.audio.delta'> {
 *   return event.type === 'response.output_audio.delta' || event.type === 'response.audio.delta';
 * }
 * ```
 */
export type OpenAIServerEventAlias = Extract<
  t.TypeOf<(typeof OpenAIServerEventCodecs)[keyof typeof OpenAIServerEventCodecs]>,
  {
    type:
      | 'response.audio.delta'
      | 'response.audio.done'
      | 'response.audio_transcript.delta'
      | 'response.audio_transcript.done'
      | 'response.text.delta'
      | 'response.text.done'
      | 'response.cancelled';
  }
>;

/** The wire types of {@link OpenAIServerEventAlias}, which the GA list leaves out. */
const ALIAS_TYPES: ReadonlySet<string> = new Set<OpenAIServerEventAlias['type']>([
  'response.audio.delta',
  'response.audio.done',
  'response.audio_transcript.delta',
  'response.audio_transcript.done',
  'response.text.delta',
  'response.text.done',
  'response.cancelled',
]);

/**
 * One of the 46 server events of the OpenAI Realtime GA API, in its wire shape (the `openai` package's
 * `RealtimeServerEvent`).
 *
 * @example
 * ```ts
 * function describe(event: OpenAIGAServerEvent): string {
 *   return event.type === 'error' ? `error: ${event.error.message}` : event.type;
 * }
 * ```
 */
export type OpenAIGAServerEvent = Exclude<
  t.TypeOf<(typeof OpenAIServerEventCodecs)[keyof typeof OpenAIServerEventCodecs]>,
  OpenAIServerEventAlias
>;

/**
 * Any server event realtime-rx validates on the OpenAI dialect: a GA event or an alias.
 *
 * @example
 * ```ts
 * conversation.serverEvents$.subscribe((event: OpenAIServerEvent) => {
 *   if (event.type === 'rate_limits.updated') console.log(event.rate_limits);
 * });
 * ```
 */
export type OpenAIServerEvent = OpenAIGAServerEvent | OpenAIServerEventAlias;

/**
 * The server event (or events) of the given wire `type`.
 *
 * @example
 * ```ts
 * const done: OpenAIServerEventOf<'response.done'>['response']['status'] = 'cancelled';
 * ```
 */
export type OpenAIServerEventOf<T extends OpenAIServerEvent['type']> = Extract<
  OpenAIServerEvent,
  { type: T }
>;

/**
 * One of the 11 client events of the OpenAI Realtime GA API, in its wire shape (the `openai` package's
 * `RealtimeClientEvent`).
 *
 * @example
 * ```ts
 * const event: OpenAIClientEvent = { type: 'conversation.item.truncate', item_id: 'item_1', content_index: 0, audio_end_ms: 1500 };
 * ```
 */
export type OpenAIClientEvent = t.TypeOf<
  (typeof OpenAIClientEventCodecs)[keyof typeof OpenAIClientEventCodecs]
>;

/**
 * The client event of the given wire `type`.
 *
 * @example
 * ```ts
 * const cancel: OpenAIClientEventOf<'response.cancel'> = { type: 'response.cancel', response_id: 'resp_1' };
 * ```
 */
export type OpenAIClientEventOf<T extends OpenAIClientEvent['type']> = Extract<
  OpenAIClientEvent,
  { type: T }
>;

/**
 * The wire `type` of each of the 46 GA server events.
 *
 * @example
 * ```ts
 * const isGA = (type: string) => (OPENAI_GA_SERVER_EVENT_TYPES as readonly string[]).includes(type);
 * isGA('response.output_audio.delta'); // true
 * isGA('response.audio.delta'); // false: a beta alias
 * ```
 */
export const OPENAI_GA_SERVER_EVENT_TYPES = (
  Object.keys(OpenAIServerEventCodecs) as OpenAIServerEvent['type'][]
).filter((type) => !ALIAS_TYPES.has(type)) as readonly OpenAIGAServerEvent['type'][];

/**
 * The wire `type` of each of the 11 GA client events.
 *
 * @example
 * ```ts
 * OPENAI_CLIENT_EVENT_TYPES.length; // 11
 * OPENAI_CLIENT_EVENT_TYPES.includes('input_audio_buffer.append'); // true
 * ```
 */
export const OPENAI_CLIENT_EVENT_TYPES = Object.keys(
  OpenAIClientEventCodecs,
) as readonly OpenAIClientEvent['type'][];

export { OpenAIConversationItemCodec, type OpenAIConversationItem } from './items.js';
export {
  OpenAIResponseCodec,
  OpenAIResponseParamsCodec,
  type OpenAIResponse,
  type OpenAIResponseParams,
  type OpenAIResponseStatusDetails,
  type OpenAIResponseUsage,
} from './response.js';
export { OpenAIWireSessionCodec, type OpenAIWireSession } from './session.js';
