import { IGNORED_TYPE, UNKNOWN_TYPE, type Decoded, type ServerEventSink } from '../dialect.js';
import type {
  RateLimit,
  RealtimeEventOf,
  RealtimeUsage,
  ResponseStatus,
  ResponseStatusDetails,
} from '../events.js';
import { decoder, parseFrame, type MessageDecoder, type ParsedMessage } from '../messageDecoder.js';
import { printable, truncate } from '../printable.js';
import { frameFormat, type FrameFormat } from './audio.js';
import { audioDeltaDecoder } from './audioDelta.js';
import {
  OpenAIServerEventCodecs,
  type OpenAIResponse,
  type OpenAIServerEvent,
  type OpenAIServerEventOf,
} from './wire/index.js';

/**
 * `error` codes the GA API reports for a request it refused while the session goes on, and that a
 * client meets through benign races rather than bugs:
 * - `conversation_already_has_active_response`: a `response.create` crossed a response the server
 *   started by itself (server VAD);
 * - `response_cancel_not_active`: a `response.cancel` arrived after the response had ended.
 *
 * These decode to `invalid` (`messageType: 'error'`) instead of the terminal `error`. Every other
 * `error` ends the conversation. The list is by code only: the same `invalid_request_error` type also
 * covers a refused `session.update`, which must not pass unnoticed.
 *
 * @example
 * ```ts
 * OPENAI_RECOVERABLE_ERROR_CODES.has('response_cancel_not_active'); // true: an `invalid` event, not the end
 * ```
 */
export const OPENAI_RECOVERABLE_ERROR_CODES: ReadonlySet<string> = new Set([
  'conversation_already_has_active_response',
  'response_cancel_not_active',
]);

/**
 * What decoding needs to know beyond one message: the session's output format, and what this socket
 * has learnt of its responses (which items each produced, which responses are out-of-band).
 */
export interface DecodeContext {
  readonly output: FrameFormat;
  /**
   * Output item id -> the response that produced it (filled by `response.output_item.added`); made by
   * the first, as most sessions hold no response at a time and an idle one holds none.
   */
  responseOfItem: Map<string, string> | undefined;
  /** Out-of-band responses under way (their items never reach the conversation). */
  readonly outOfBand: ReadonlySet<string>;
}

type Ev<T extends OpenAIServerEvent['type']> = OpenAIServerEventOf<T>;
type Decoder = MessageDecoder<DecodeContext>;

function sessionCreated(m: Ev<'session.created'>): Decoded {
  // The GA types leave the id out of the session (it is there on the wire); the event needs it.
  const id = (m.session as { id?: unknown }).id;
  return typeof id === 'string'
    ? { type: 'session.created', sessionId: id }
    : {
        type: 'invalid',
        messageType: 'session.created',
        detail: `session.id: expected string, got ${id === undefined ? 'undefined' : printable(id, 40)}`,
      };
}

function sessionUpdated(m: Ev<'session.updated'>): Decoded {
  const event: RealtimeEventOf<'session.updated'> = { type: 'session.updated' };
  const id = (m.session as { id?: unknown }).id;
  if (typeof id === 'string') event.sessionId = id;
  if (m.session.type === 'realtime' && m.session.instructions !== undefined)
    event.instructions = m.session.instructions;
  return event;
}

type TextDelta =
  | Ev<'response.output_audio_transcript.delta'>
  | Ev<'response.audio_transcript.delta'>
  | Ev<'response.output_text.delta'>
  | Ev<'response.text.delta'>;

function assistantDelta(m: TextDelta): Decoded {
  return {
    type: 'transcript.delta',
    role: 'assistant',
    delta: m.delta,
    itemId: m.item_id,
    responseId: m.response_id,
  };
}

function assistantTranscriptDone(
  m: Ev<'response.output_audio_transcript.done'> | Ev<'response.audio_transcript.done'>,
): Decoded {
  return {
    type: 'transcript.done',
    role: 'assistant',
    text: m.transcript,
    itemId: m.item_id,
    responseId: m.response_id,
  };
}

function assistantTextDone(m: Ev<'response.output_text.done'> | Ev<'response.text.done'>): Decoded {
  return {
    type: 'transcript.done',
    role: 'assistant',
    text: m.text,
    itemId: m.item_id,
    responseId: m.response_id,
  };
}

function userDelta(m: Ev<'conversation.item.input_audio_transcription.delta'>): Decoded {
  // The GA types make the delta optional: a delta without text says nothing.
  return m.delta === undefined
    ? IGNORED_TYPE
    : { type: 'transcript.delta', role: 'user', delta: m.delta, itemId: m.item_id };
}

function userDone(m: Ev<'conversation.item.input_audio_transcription.completed'>): Decoded {
  return { type: 'transcript.done', role: 'user', text: m.transcript, itemId: m.item_id };
}

function transcriptionFailed(m: Ev<'conversation.item.input_audio_transcription.failed'>): Decoded {
  const { message, code } = m.error;
  return { type: 'transcript.failed', itemId: m.item_id, message: message ?? code ?? 'transcription failed' };
}

function speechStarted(m: Ev<'input_audio_buffer.speech_started'>): Decoded {
  return { type: 'speech.started', itemId: m.item_id };
}

function speechStopped(m: Ev<'input_audio_buffer.speech_stopped'>): Decoded {
  return { type: 'speech.stopped', itemId: m.item_id, audioEndMs: m.audio_end_ms };
}

function committed(m: Ev<'input_audio_buffer.committed'>): Decoded {
  const event: RealtimeEventOf<'input.committed'> = { type: 'input.committed', itemId: m.item_id };
  if (m.previous_item_id !== undefined) event.previousItemId = m.previous_item_id;
  return event;
}

const cleared = (): Decoded => ({ type: 'input.cleared' });

function timeout(m: Ev<'input_audio_buffer.timeout_triggered'>): Decoded {
  return { type: 'input.timeout', itemId: m.item_id };
}

function itemAdded(m: Ev<'conversation.item.added'> | Ev<'conversation.item.created'>): Decoded {
  return { type: 'conversation.item.added', item: m.item };
}

function itemDone(m: Ev<'conversation.item.done'>, context: DecodeContext): Decoded {
  const item = m.item;
  if (item.type === 'function_call')
    return toolCall(item, context.responseOfItem?.get(item.id ?? ''), m.type);
  if (typeof item.id !== 'string')
    return { type: 'invalid', messageType: m.type, detail: 'item.id: expected string, got undefined' };
  return { type: 'conversation.item.done', itemId: item.id };
}

/** An out-of-band response's function call never joins the conversation: its output item is the call. */
function outputItemDone(m: Ev<'response.output_item.done'>, context: DecodeContext): Decoded {
  const item = m.item;
  if (item.type !== 'function_call' || !context.outOfBand.has(m.response_id)) return IGNORED_TYPE;
  return toolCall(item, m.response_id, m.type);
}

function outputItemAdded(m: Ev<'response.output_item.added'>, context: DecodeContext): Decoded {
  if (m.item.id !== undefined) (context.responseOfItem ??= new Map()).set(m.item.id, m.response_id);
  return IGNORED_TYPE;
}

type FunctionCallItem = Extract<Ev<'conversation.item.done'>['item'], { type: 'function_call' }>;

function toolCall(item: FunctionCallItem, responseId: string | undefined, messageType: string): Decoded {
  // Optional in the GA types, but a call without its id cannot be answered.
  if (item.call_id === undefined)
    return { type: 'invalid', messageType, detail: 'item.call_id: expected string, got undefined' };
  const event: RealtimeEventOf<'tool.call'> = {
    type: 'tool.call',
    callId: item.call_id,
    name: item.name,
    arguments: item.arguments,
  };
  if (item.id !== undefined) event.itemId = item.id;
  if (responseId !== undefined) event.responseId = responseId;
  return event;
}

function itemRetrieved(m: Ev<'conversation.item.retrieved'>): Decoded {
  return { type: 'item.retrieved', item: m.item };
}

function itemTruncated(m: Ev<'conversation.item.truncated'>): Decoded {
  return {
    type: 'item.truncated',
    itemId: m.item_id,
    contentIndex: m.content_index,
    audioEndMs: m.audio_end_ms,
  };
}

function itemDeleted(m: Ev<'conversation.item.deleted'>): Decoded {
  return { type: 'item.deleted', itemId: m.item_id };
}

/** Limits the server gave in full; a partial one is left out. */
function rateLimits(m: Ev<'rate_limits.updated'>): Decoded {
  const limits: RateLimit[] = [];
  for (const { name, limit, remaining, reset_seconds: resetSeconds } of m.rate_limits) {
    if (name !== undefined && limit !== undefined && remaining !== undefined && resetSeconds !== undefined)
      limits.push({ name, limit, remaining, resetSeconds });
  }
  return { type: 'rate_limits', limits };
}

function responseCreated(m: Ev<'response.created'>): Decoded {
  const event: RealtimeEventOf<'response.created'> = { type: 'response.created' };
  if (m.response.id !== undefined) event.responseId = m.response.id;
  if (m.response.metadata) event.metadata = m.response.metadata;
  return event;
}

const STATUSES: readonly string[] = ['completed', 'cancelled', 'failed', 'incomplete'];

/** A cancelled response (barge-in or `response.cancel`) is `response.cancelled`. */
function responseDone(m: Ev<'response.done'>, context: DecodeContext): Decoded {
  const response = m.response;
  const event: RealtimeEventOf<'response.done'> = {
    type: response.status === 'cancelled' ? 'response.cancelled' : 'response.done',
  };
  if (response.id !== undefined) {
    event.responseId = response.id;
    forgetItems(context, response.id);
  }
  if (response.status !== undefined && STATUSES.includes(response.status))
    event.status = response.status as ResponseStatus;
  if (response.status_details !== undefined) event.statusDetails = statusDetails(response.status_details);
  if (response.usage !== undefined) event.usage = usage(response.usage);
  if (response.metadata) event.metadata = response.metadata;
  return event;
}

function forgetItems(context: DecodeContext, responseId: string): void {
  const responseOfItem = context.responseOfItem;
  if (responseOfItem === undefined) return;
  for (const [item, response] of responseOfItem) {
    if (response === responseId) responseOfItem.delete(item);
  }
}

function statusDetails(details: NonNullable<OpenAIResponse['status_details']>): ResponseStatusDetails {
  const out: ResponseStatusDetails = {};
  if (details.reason !== undefined) out.reason = details.reason;
  if (details.error !== undefined) {
    const error: ResponseStatusDetails['error'] = {};
    if (details.error.type !== undefined) error.type = details.error.type;
    if (details.error.code !== undefined) error.code = details.error.code;
    out.error = error;
  }
  return out;
}

function usage(u: NonNullable<OpenAIResponse['usage']>): RealtimeUsage {
  const out: RealtimeUsage = {
    inputTokens: u.input_tokens ?? 0,
    outputTokens: u.output_tokens ?? 0,
    totalTokens: u.total_tokens ?? 0,
  };
  const input = u.input_token_details;
  if (input !== undefined) {
    out.inputTokenDetails = defined({
      textTokens: input.text_tokens,
      audioTokens: input.audio_tokens,
      imageTokens: input.image_tokens,
      cachedTokens: input.cached_tokens,
    });
  }
  const output = u.output_token_details;
  if (output !== undefined)
    out.outputTokenDetails = defined({ textTokens: output.text_tokens, audioTokens: output.audio_tokens });
  return out;
}

/** A Codex-compatible server's `response.cancelled`: the id in `response.id`, else `response_id`. */
function responseCancelled(m: Ev<'response.cancelled'>, context: DecodeContext): Decoded {
  const id = m.response?.id ?? m.response_id;
  if (id === undefined) return { type: 'response.cancelled' };
  forgetItems(context, id);
  return { type: 'response.cancelled', responseId: id };
}

/** Keeps the server's text of a recoverable error short in the `invalid` detail. */
const MAX_SERVER_MESSAGE_CHARS = 200;

function serverError(m: Ev<'error'>): Decoded {
  const { message, code } = m.error;
  if (typeof code === 'string' && OPENAI_RECOVERABLE_ERROR_CODES.has(code)) {
    return {
      type: 'invalid',
      messageType: 'error',
      detail: `server rejected a request (${code}): ${truncate(message, MAX_SERVER_MESSAGE_CHARS)}`,
    };
  }
  return typeof code === 'string' ? { type: 'error', message, code } : { type: 'error', message };
}

const C = OpenAIServerEventCodecs;

/** Known events with no realtime-rx event of their own: validated, on `serverEvents$`, not on `events$`. */
const IGNORED = [
  'conversation.created',
  'conversation.item.input_audio_transcription.segment',
  'input_audio_buffer.dtmf_event_received',
  'output_audio_buffer.started',
  'output_audio_buffer.stopped',
  'output_audio_buffer.cleared',
  'response.content_part.added',
  'response.content_part.done',
  'response.output_audio.done',
  'response.audio.done',
  'response.function_call_arguments.delta',
  'response.function_call_arguments.done',
  'response.mcp_call_arguments.delta',
  'response.mcp_call_arguments.done',
  'response.mcp_call.in_progress',
  'response.mcp_call.completed',
  'response.mcp_call.failed',
  'mcp_list_tools.in_progress',
  'mcp_list_tools.completed',
  'mcp_list_tools.failed',
] as const satisfies readonly OpenAIServerEvent['type'][];

/**
 * Known GA server events (and beta aliases) that map to no realtime-rx event: decoded as
 * {@link IGNORED_TYPE} (validated, and on `serverEvents$`, but not counted as unknown).
 */
export const OPENAI_IGNORED_TYPES: readonly string[] = IGNORED;

/** Wire `type` -> decoder, for every GA server event and beta alias. */
const DECODERS = new Map<string, Decoder>([
  ['error', decoder(C.error, serverError)],
  ['session.created', decoder(C['session.created'], sessionCreated)],
  ['session.updated', decoder(C['session.updated'], sessionUpdated)],
  ['response.output_audio.delta', audioDeltaDecoder('response.output_audio.delta')],
  ['response.audio.delta', audioDeltaDecoder('response.audio.delta')],
  [
    'response.output_audio_transcript.delta',
    decoder(C['response.output_audio_transcript.delta'], assistantDelta),
  ],
  ['response.audio_transcript.delta', decoder(C['response.audio_transcript.delta'], assistantDelta)],
  ['response.output_text.delta', decoder(C['response.output_text.delta'], assistantDelta)],
  ['response.text.delta', decoder(C['response.text.delta'], assistantDelta)],
  [
    'response.output_audio_transcript.done',
    decoder(C['response.output_audio_transcript.done'], assistantTranscriptDone),
  ],
  ['response.audio_transcript.done', decoder(C['response.audio_transcript.done'], assistantTranscriptDone)],
  ['response.output_text.done', decoder(C['response.output_text.done'], assistantTextDone)],
  ['response.text.done', decoder(C['response.text.done'], assistantTextDone)],
  [
    'conversation.item.input_audio_transcription.delta',
    decoder(C['conversation.item.input_audio_transcription.delta'], userDelta),
  ],
  [
    'conversation.item.input_audio_transcription.completed',
    decoder(C['conversation.item.input_audio_transcription.completed'], userDone),
  ],
  [
    'conversation.item.input_audio_transcription.failed',
    decoder(C['conversation.item.input_audio_transcription.failed'], transcriptionFailed),
  ],
  ['input_audio_buffer.speech_started', decoder(C['input_audio_buffer.speech_started'], speechStarted)],
  ['input_audio_buffer.speech_stopped', decoder(C['input_audio_buffer.speech_stopped'], speechStopped)],
  ['input_audio_buffer.committed', decoder(C['input_audio_buffer.committed'], committed)],
  ['input_audio_buffer.cleared', decoder(C['input_audio_buffer.cleared'], cleared)],
  ['input_audio_buffer.timeout_triggered', decoder(C['input_audio_buffer.timeout_triggered'], timeout)],
  ['conversation.item.added', decoder(C['conversation.item.added'], itemAdded)],
  ['conversation.item.created', decoder(C['conversation.item.created'], itemAdded)],
  ['conversation.item.done', decoder(C['conversation.item.done'], itemDone)],
  ['conversation.item.retrieved', decoder(C['conversation.item.retrieved'], itemRetrieved)],
  ['conversation.item.truncated', decoder(C['conversation.item.truncated'], itemTruncated)],
  ['conversation.item.deleted', decoder(C['conversation.item.deleted'], itemDeleted)],
  ['rate_limits.updated', decoder(C['rate_limits.updated'], rateLimits)],
  ['response.created', decoder(C['response.created'], responseCreated)],
  ['response.done', decoder(C['response.done'], responseDone)],
  ['response.cancelled', decoder(C['response.cancelled'], responseCancelled)],
  ['response.output_item.added', decoder(C['response.output_item.added'], outputItemAdded)],
  ['response.output_item.done', decoder(C['response.output_item.done'], outputItemDone)],
  ...IGNORED.map((type): [string, Decoder] => [type, decoder(C[type], () => IGNORED_TYPE)]),
]);

/** The wire types the `openai` dialect maps to an event (for tests and docs). */
export const OPENAI_DECODED_TYPES: readonly string[] = [...DECODERS.keys()].filter(
  (type) => !OPENAI_IGNORED_TYPES.includes(type),
);

/** One parsed message: an event, `invalid` naming the bad path, or a skip marker. Never throws. */
export function decodeServerMessage(
  message: ParsedMessage,
  context: DecodeContext,
  sink?: ServerEventSink,
): Decoded {
  const decode = DECODERS.get(message.type);
  return decode === undefined ? UNKNOWN_TYPE : decode(message, message.type, context, sink);
}

/**
 * One inbound text frame of the `openai` dialect, statelessly (a PCM16 session; nothing learnt from
 * earlier frames). Never throws: bad JSON, a non-object, or a missing `type` is `invalid`; an unknown
 * type is {@link UNKNOWN_TYPE}; a known type that maps to no event is {@link IGNORED_TYPE}; a known type
 * with bad fields is `invalid` naming the bad path.
 */
export function decodeOpenAI(data: string): Decoded {
  const message = parseFrame(data);
  return typeof message === 'string'
    ? { type: 'invalid', detail: message }
    : decodeServerMessage(message, {
        output: frameFormat(undefined),
        responseOfItem: undefined,
        outOfBand: new Set(),
      });
}

/** `error.code` of an `error` message when it is a string (read for response gating). */
export function errorCode(message: ParsedMessage): string | undefined {
  const error = message.error;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** Drops keys whose value is undefined. */
function defined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}
