import { IGNORED_TYPE, UNKNOWN_TYPE, type Decoded } from '../dialect.js';
import type { RealtimeEvent, RealtimeEventOf } from '../events.js';
import type { RealtimeAudioFrame } from '../frame.js';
import { base64ByteLength } from '../frame.js';
import { decoder, type MessageDecoder } from '../messageDecoder.js';
import {
  AudioDeltaCodec,
  ItemAddedCodec,
  ItemDoneCodec,
  ResponseCancelledCodec,
  ResponseCodec,
  ServerErrorCodec,
  SessionCreatedCodec,
  SessionUpdatedCodec,
  SpeechStartedCodec,
  TextDeltaCodec,
  TextDoneCodec,
  TranscriptDoneCodec,
  type AudioDeltaMessage,
  type FunctionCallItemMessage,
  type ItemAddedMessage,
  type ItemDoneMessage,
  type ResponseCancelledMessage,
  type ResponseMessage,
  type ServerErrorMessage,
  type SessionCreatedMessage,
  type SessionUpdatedMessage,
  type SpeechStartedMessage,
  type TextDeltaMessage,
  type TextDoneMessage,
  type TranscriptDoneMessage,
} from './codecs.js';
import { OPENAI_CHANNELS, OPENAI_SAMPLE_RATE } from './audio.js';

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
 * Known GA server events (and beta aliases) that map to no realtime-rx event: decoded as
 * {@link IGNORED_TYPE}, so they are not counted as unknown.
 */
export const OPENAI_IGNORED_TYPES: readonly string[] = [
  'conversation.created',
  'conversation.item.truncated',
  'conversation.item.deleted',
  'conversation.item.retrieved',
  'conversation.item.input_audio_transcription.failed',
  'conversation.item.input_audio_transcription.segment',
  'input_audio_buffer.speech_stopped',
  'input_audio_buffer.committed',
  'input_audio_buffer.cleared',
  'input_audio_buffer.timeout_triggered',
  'input_audio_buffer.dtmf_event_received',
  'output_audio_buffer.started',
  'output_audio_buffer.stopped',
  'output_audio_buffer.cleared',
  'response.output_item.added',
  'response.output_item.done',
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
  'rate_limits.updated',
  'session.closed',
];

const ignored: MessageDecoder = () => IGNORED_TYPE;

function sessionCreated(m: SessionCreatedMessage): RealtimeEvent {
  return { type: 'session.created', sessionId: m.session.id };
}

function sessionUpdated(m: SessionUpdatedMessage): RealtimeEvent {
  const event: RealtimeEventOf<'session.updated'> = { type: 'session.updated' };
  if (m.session.id !== undefined) event.sessionId = m.session.id;
  if (m.session.instructions !== undefined) event.instructions = m.session.instructions;
  return event;
}

/** The sample count comes from the base64 length (validated by the codec): nothing is decoded. */
function audioOut(m: AudioDeltaMessage): RealtimeEvent {
  const frame: RealtimeAudioFrame = {
    data: m.delta,
    sampleRate: OPENAI_SAMPLE_RATE,
    numChannels: OPENAI_CHANNELS,
    samplesPerChannel: base64ByteLength(m.delta) / (2 * OPENAI_CHANNELS),
  };
  if (m.item_id !== undefined) frame.itemId = m.item_id;
  return { type: 'audio.out', frame };
}

const userDelta = (m: TextDeltaMessage): RealtimeEvent => ({
  type: 'transcript.delta',
  role: 'user',
  delta: m.delta,
});
const userDone = (m: TranscriptDoneMessage): RealtimeEvent => ({
  type: 'transcript.done',
  role: 'user',
  text: m.transcript,
});
const assistantDelta = (m: TextDeltaMessage): RealtimeEvent => ({
  type: 'transcript.delta',
  role: 'assistant',
  delta: m.delta,
});
const assistantTranscriptDone = (m: TranscriptDoneMessage): RealtimeEvent => ({
  type: 'transcript.done',
  role: 'assistant',
  text: m.transcript,
});
const assistantTextDone = (m: TextDoneMessage): RealtimeEvent => ({
  type: 'transcript.done',
  role: 'assistant',
  text: m.text,
});

function speechStarted(m: SpeechStartedMessage): RealtimeEvent {
  return m.item_id === undefined ? { type: 'speech.started' } : { type: 'speech.started', itemId: m.item_id };
}

function itemAdded(m: ItemAddedMessage): RealtimeEvent {
  return { type: 'conversation.item.added', item: m.item };
}

function itemDone(m: ItemDoneMessage): RealtimeEvent {
  const item = m.item;
  if ((item as { type?: unknown }).type === 'function_call') {
    const call = item as FunctionCallItemMessage;
    return { type: 'tool.call', callId: call.call_id, name: call.name, arguments: call.arguments };
  }
  return { type: 'conversation.item.done', itemId: (item as { id: string }).id };
}

function responseEvent(
  type: 'response.created' | 'response.done' | 'response.cancelled',
  id: string | undefined,
): RealtimeEvent {
  return id === undefined ? { type } : { type, responseId: id };
}

const responseCreated = (m: ResponseMessage): RealtimeEvent =>
  responseEvent('response.created', m.response.id);
/** A cancelled response (`status: 'cancelled'`, e.g. barge-in or `response.cancel`) is `response.cancelled`. */
const responseDone = (m: ResponseMessage): RealtimeEvent =>
  responseEvent(m.response.status === 'cancelled' ? 'response.cancelled' : 'response.done', m.response.id);
const responseCancelled = (m: ResponseCancelledMessage): RealtimeEvent =>
  responseEvent('response.cancelled', m.response?.id ?? m.response_id);

/** Keeps the server's text of a recoverable error short in the `invalid` detail. */
const MAX_SERVER_MESSAGE_CHARS = 200;

function serverError(m: ServerErrorMessage): RealtimeEvent {
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

/** Wire `type` → decoder. Adding an inbound type is one line here plus its codec. */
const DECODERS = new Map<string, MessageDecoder>([
  ['session.created', decoder(SessionCreatedCodec, sessionCreated)],
  ['session.updated', decoder(SessionUpdatedCodec, sessionUpdated)],
  ['response.output_audio.delta', decoder(AudioDeltaCodec, audioOut)],
  ['response.audio.delta', decoder(AudioDeltaCodec, audioOut)],
  ['conversation.item.input_audio_transcription.delta', decoder(TextDeltaCodec, userDelta)],
  ['conversation.item.input_audio_transcription.completed', decoder(TranscriptDoneCodec, userDone)],
  ['response.output_audio_transcript.delta', decoder(TextDeltaCodec, assistantDelta)],
  ['response.audio_transcript.delta', decoder(TextDeltaCodec, assistantDelta)],
  ['response.output_text.delta', decoder(TextDeltaCodec, assistantDelta)],
  ['response.text.delta', decoder(TextDeltaCodec, assistantDelta)],
  ['response.output_audio_transcript.done', decoder(TranscriptDoneCodec, assistantTranscriptDone)],
  ['response.audio_transcript.done', decoder(TranscriptDoneCodec, assistantTranscriptDone)],
  ['response.output_text.done', decoder(TextDoneCodec, assistantTextDone)],
  ['response.text.done', decoder(TextDoneCodec, assistantTextDone)],
  ['input_audio_buffer.speech_started', decoder(SpeechStartedCodec, speechStarted)],
  ['conversation.item.added', decoder(ItemAddedCodec, itemAdded)],
  ['conversation.item.created', decoder(ItemAddedCodec, itemAdded)],
  ['conversation.item.done', decoder(ItemDoneCodec, itemDone)],
  ['response.created', decoder(ResponseCodec, responseCreated)],
  ['response.done', decoder(ResponseCodec, responseDone)],
  ['response.cancelled', decoder(ResponseCancelledCodec, responseCancelled)],
  ['error', decoder(ServerErrorCodec, serverError)],
  ...OPENAI_IGNORED_TYPES.map((type): [string, MessageDecoder] => [type, ignored]),
]);

/** The wire types the `openai` dialect maps to an event (for tests and docs). */
export const OPENAI_DECODED_TYPES: readonly string[] = [...DECODERS.keys()].filter(
  (type) => !OPENAI_IGNORED_TYPES.includes(type),
);

/** Keeps `invalid` details short: a parser message may quote part of a huge payload. */
const MAX_DETAIL_CHARS = 120;

/** A parsed inbound message: a JSON object with a string `type`. */
export type ParsedMessage = Record<string, unknown> & { type: string };

/**
 * Parses one inbound text frame. Returns the message, or why it is not one (the detail of an
 * `invalid` event; it never quotes more than a short prefix of the frame).
 */
export function parseFrame(data: string): ParsedMessage | string {
  let message: unknown;
  try {
    message = JSON.parse(data);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return truncate(`malformed JSON: ${reason}`, MAX_DETAIL_CHARS);
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return 'not a JSON object';
  if (typeof (message as { type?: unknown }).type !== 'string') return 'no string "type" field';
  return message as ParsedMessage;
}

/** One parsed message: an event, `invalid` naming the bad path, or a skip marker. Never throws. */
export function decodeOpenAIMessage(message: ParsedMessage): Decoded {
  const decode = DECODERS.get(message.type);
  return decode === undefined ? UNKNOWN_TYPE : decode(message, message.type);
}

/**
 * One inbound text frame of the `openai` dialect, statelessly. Never throws: bad JSON, a non-object,
 * or a missing `type` is `invalid`; an unknown type is {@link UNKNOWN_TYPE}; a known type that maps to
 * no event is {@link IGNORED_TYPE}; a known type with bad fields is `invalid` naming the bad path.
 */
export function decodeOpenAI(data: string): Decoded {
  const message = parseFrame(data);
  return typeof message === 'string' ? { type: 'invalid', detail: message } : decodeOpenAIMessage(message);
}

/** `error.code` of an `error` message when it is a string (read for response gating). */
export function errorCode(message: ParsedMessage): string | undefined {
  const error = message.error;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
