import type { OpenAIConversationItem } from '../protocol/openai/wire/items.js';
import type { OpenAIServerEvent, OpenAIServerEventOf } from '../protocol/openai/wire/index.js';
import type { OpenAIResponse } from '../protocol/openai/wire/response.js';
import type { OpenAIWireSession } from '../protocol/openai/wire/session.js';

/** What an event holds besides its `type` and `event_id`. */
type Body<T extends OpenAIServerEvent['type']> = Omit<OpenAIServerEventOf<T>, 'type' | 'event_id'>;

let eventCount = 0;

const ids = { item_id: 'item_1', response_id: 'resp_1' };
const contentPosition = { ...ids, output_index: 0, content_index: 0 };

function item(): OpenAIConversationItem {
  return {
    id: 'item_1',
    object: 'realtime.item',
    type: 'message',
    role: 'assistant',
    status: 'completed',
    content: [{ type: 'output_audio', transcript: '' }],
  };
}

function response(status: NonNullable<OpenAIResponse['status']>): OpenAIResponse {
  return {
    id: 'resp_1',
    object: 'realtime.response',
    status,
    conversation_id: 'conv_1',
    output: [],
    output_modalities: ['audio'],
    max_output_tokens: 'inf',
    audio: { output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin' } },
  };
}

/** A session as the server reports it: the request's fields and the server's own (`id`, `object`, ...). */
function session(): OpenAIWireSession {
  const reported = {
    type: 'realtime' as const,
    object: 'realtime.session',
    id: 'sess_1',
    expires_at: 0,
    model: 'gpt-realtime',
    output_modalities: ['audio' as const],
    instructions: '',
    tools: [],
    tool_choice: 'auto' as const,
    max_output_tokens: 'inf' as const,
    tracing: null,
    truncation: 'auto' as const,
    prompt: null,
    audio: {
      input: {
        format: { type: 'audio/pcm' as const, rate: 24000 as const },
        turn_detection: {
          type: 'server_vad' as const,
          threshold: 0.5,
          prefix_padding_ms: 300,
          silence_duration_ms: 500,
        },
      },
      output: { format: { type: 'audio/pcm' as const, rate: 24000 as const }, voice: 'marin', speed: 1 },
    },
  };
  return reported;
}

const defaults: { readonly [T in OpenAIServerEvent['type']]: () => Body<T> } = {
  'session.created': () => ({ session: session() }),
  'session.updated': () => ({ session: session() }),
  'conversation.created': () => ({ conversation: { id: 'conv_1', object: 'realtime.conversation' } }),
  'conversation.item.created': () => ({ item: item(), previous_item_id: null }),
  'conversation.item.added': () => ({ item: item(), previous_item_id: null }),
  'conversation.item.done': () => ({ item: item(), previous_item_id: null }),
  'conversation.item.retrieved': () => ({ item: item() }),
  'conversation.item.deleted': () => ({ item_id: 'item_1' }),
  'conversation.item.truncated': () => ({ item_id: 'item_1', content_index: 0, audio_end_ms: 0 }),
  'conversation.item.input_audio_transcription.completed': () => ({
    item_id: 'item_1',
    content_index: 0,
    transcript: '',
    usage: { type: 'tokens', input_tokens: 0, output_tokens: 0, total_tokens: 0 },
  }),
  'conversation.item.input_audio_transcription.delta': () => ({
    item_id: 'item_1',
    content_index: 0,
    delta: '',
  }),
  'conversation.item.input_audio_transcription.failed': () => ({
    item_id: 'item_1',
    content_index: 0,
    error: { type: 'transcription_error', code: 'audio_unintelligible', message: '' },
  }),
  'conversation.item.input_audio_transcription.segment': () => ({
    id: 'seg_1',
    item_id: 'item_1',
    content_index: 0,
    speaker: 'A',
    start: 0,
    end: 0,
    text: '',
  }),
  error: () => ({
    error: { type: 'invalid_request_error', code: null, message: '', param: null, event_id: null },
  }),
  'input_audio_buffer.cleared': () => ({}),
  'input_audio_buffer.committed': () => ({ item_id: 'item_1', previous_item_id: null }),
  'input_audio_buffer.dtmf_event_received': () => ({ event: '1', received_at: 0 }),
  'input_audio_buffer.speech_started': () => ({ item_id: 'item_1', audio_start_ms: 0 }),
  'input_audio_buffer.speech_stopped': () => ({ item_id: 'item_1', audio_end_ms: 0 }),
  'input_audio_buffer.timeout_triggered': () => ({ item_id: 'item_1', audio_start_ms: 0, audio_end_ms: 0 }),
  'output_audio_buffer.started': () => ({ response_id: 'resp_1' }),
  'output_audio_buffer.stopped': () => ({ response_id: 'resp_1' }),
  'output_audio_buffer.cleared': () => ({ response_id: 'resp_1' }),
  'rate_limits.updated': () => ({ rate_limits: [] }),
  'response.created': () => ({ response: response('in_progress') }),
  'response.done': () => ({
    response: {
      ...response('completed'),
      status_details: { type: 'completed' },
      usage: { total_tokens: 0, input_tokens: 0, output_tokens: 0 },
    },
  }),
  'response.output_item.added': () => ({ ...ids, output_index: 0, item: item() }),
  'response.output_item.done': () => ({ ...ids, output_index: 0, item: item() }),
  'response.content_part.added': () => ({ ...contentPosition, part: { type: 'audio', transcript: '' } }),
  'response.content_part.done': () => ({ ...contentPosition, part: { type: 'audio', transcript: '' } }),
  'response.output_audio.delta': () => ({ ...contentPosition, delta: '' }),
  'response.output_audio.done': () => contentPosition,
  'response.output_audio_transcript.delta': () => ({ ...contentPosition, delta: '' }),
  'response.output_audio_transcript.done': () => ({ ...contentPosition, transcript: '' }),
  'response.output_text.delta': () => ({ ...contentPosition, delta: '' }),
  'response.output_text.done': () => ({ ...contentPosition, text: '' }),
  'response.function_call_arguments.delta': () => ({ ...ids, output_index: 0, call_id: 'call_1', delta: '' }),
  'response.function_call_arguments.done': () => ({
    ...ids,
    output_index: 0,
    call_id: 'call_1',
    name: '',
    arguments: '',
  }),
  'mcp_list_tools.in_progress': () => ({ item_id: 'item_1' }),
  'mcp_list_tools.completed': () => ({ item_id: 'item_1' }),
  'mcp_list_tools.failed': () => ({ item_id: 'item_1' }),
  'response.mcp_call_arguments.delta': () => ({ ...ids, output_index: 0, delta: '' }),
  'response.mcp_call_arguments.done': () => ({ ...ids, output_index: 0, arguments: '' }),
  'response.mcp_call.in_progress': () => ({ item_id: 'item_1', output_index: 0 }),
  'response.mcp_call.completed': () => ({ item_id: 'item_1', output_index: 0 }),
  'response.mcp_call.failed': () => ({ item_id: 'item_1', output_index: 0 }),
  'response.audio.delta': () => ({ ...contentPosition, delta: '' }),
  'response.audio.done': () => contentPosition,
  'response.audio_transcript.delta': () => ({ ...contentPosition, delta: '' }),
  'response.audio_transcript.done': () => ({ ...contentPosition, transcript: '' }),
  'response.text.delta': () => ({ ...contentPosition, delta: '' }),
  'response.text.done': () => ({ ...contentPosition, text: '' }),
  'response.cancelled': () => ({ response: { id: 'resp_1' } }),
};

/**
 * The fields given to {@link openaiServerEvent}: any of the event's, and for a session event also the
 * fields the server adds to the session it reports (its `id`, `object`, ...), which the GA types leave out.
 *
 * @example
 * ```ts
 * const fields: OpenAIServerEventFields<'session.created'> = { session: { type: 'realtime', id: 'sess_7' } };
 * ```
 */
export type OpenAIServerEventFields<T extends OpenAIServerEvent['type']> = T extends
  'session.created' | 'session.updated'
  ? Partial<Omit<OpenAIServerEventOf<T>, 'session'>> & {
      session?: OpenAIServerEventOf<'session.created'>['session'] & { id?: string; object?: string };
    }
  : Partial<OpenAIServerEventOf<T>>;

/**
 * A complete, valid OpenAI GA server event of the given wire `type`, for tests: `fields` over defaults
 * for every required field (`event_id` counting up `event_1`, `event_2`, ...; ids `item_1`, `resp_1`,
 * `call_1`; indices and milliseconds 0; empty strings and arrays; an assistant message for `item`, a
 * response for `response`, a `realtime` session `sess_1` as the server reports it for `session`). The
 * merge is shallow: a given `item` replaces the default one whole. The openai dialect checks every
 * field the GA API requires, so scripts of a test server are easiest written with this.
 *
 * @example
 * ```ts
 * const server = await startScriptedServer([
 *   [
 *     [openaiServerEvent('session.created', { session: { type: 'realtime', id: 'sess_1' } })],
 *     [openaiServerEvent('response.output_text.done', { text: 'Hello!' })],
 *   ],
 * ]);
 * ```
 */
export function openaiServerEvent<T extends OpenAIServerEvent['type']>(
  type: T,
  fields?: OpenAIServerEventFields<T>,
): OpenAIServerEventOf<T> {
  const body: object = (defaults[type] as () => object)();
  const eventId =
    type === 'input_audio_buffer.dtmf_event_received' ? {} : { event_id: `event_${++eventCount}` };
  return { type, ...eventId, ...body, ...fields } as OpenAIServerEventOf<T>;
}
