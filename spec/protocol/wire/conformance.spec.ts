/**
 * Type-level conformance of the wire codecs with the `openai` package's types, the authority on the GA
 * event shapes: every pair below must be assignable both ways, so a drift on either side breaks `tsc`
 * (which type-checks spec/). The runtime tests check the type lists against the codec tables.
 */
import type {
  ConversationItem,
  RealtimeClientEvent,
  RealtimeResponse,
  RealtimeResponseCreateParams,
  RealtimeResponseStatus,
  RealtimeResponseUsage,
  RealtimeServerEvent,
  RealtimeSessionCreateRequest,
  RealtimeTranscriptionSessionCreateRequest,
} from 'openai/resources/realtime/realtime';
import {
  OPENAI_CLIENT_EVENT_TYPES,
  OPENAI_GA_SERVER_EVENT_TYPES,
  OpenAIClientEventCodecs,
  OpenAIServerEventCodecs,
  type OpenAIClientEvent,
  type OpenAIClientEventOf,
  type OpenAIConversationItem,
  type OpenAIGAServerEvent,
  type OpenAIResponse,
  type OpenAIResponseParams,
  type OpenAIResponseStatusDetails,
  type OpenAIResponseUsage,
  type OpenAIServerEvent,
  type OpenAIServerEventAlias,
  type OpenAIServerEventOf,
  type OpenAIWireSession,
} from '../../../src/protocol/openai/wire/index';

type IsAny<T> = 0 extends 1 & T ? true : false;
/** Assignable both ways (and neither side `any`, which would pass vacuously). */
type Equivalent<A, B> =
  IsAny<A> extends true
    ? false
    : IsAny<B> extends true
      ? false
      : [A] extends [B]
        ? [B] extends [A]
          ? true
          : false
        : false;

type Theirs<T extends RealtimeServerEvent['type']> = Extract<RealtimeServerEvent, { type: T }>;
type TheirClientEvent<T extends RealtimeClientEvent['type']> = Extract<RealtimeClientEvent, { type: T }>;

// The shared types.
const item: Equivalent<OpenAIConversationItem, ConversationItem> = true;
const responseParams: Equivalent<OpenAIResponseParams, RealtimeResponseCreateParams> = true;
const response: Equivalent<OpenAIResponse, RealtimeResponse> = true;
const usage: Equivalent<OpenAIResponseUsage, RealtimeResponseUsage> = true;
const statusDetails: Equivalent<OpenAIResponseStatusDetails, RealtimeResponseStatus> = true;
const session: Equivalent<
  OpenAIWireSession,
  RealtimeSessionCreateRequest | RealtimeTranscriptionSessionCreateRequest
> = true;

// The unions, and their `type`s.
const serverEvents: Equivalent<OpenAIGAServerEvent, RealtimeServerEvent> = true;
const clientEvents: Equivalent<OpenAIClientEvent, RealtimeClientEvent> = true;
const serverTypes: Equivalent<(typeof OPENAI_GA_SERVER_EVENT_TYPES)[number], RealtimeServerEvent['type']> =
  true;
const clientTypes: Equivalent<(typeof OPENAI_CLIENT_EVENT_TYPES)[number], RealtimeClientEvent['type']> = true;
const everyServerEvent: Equivalent<OpenAIServerEvent, OpenAIGAServerEvent | OpenAIServerEventAlias> = true;

// Each GA server event.
const serverEvent: { [T in RealtimeServerEvent['type']]: Equivalent<OpenAIServerEventOf<T>, Theirs<T>> } = {
  'session.created': true,
  'session.updated': true,
  'conversation.created': true,
  'conversation.item.created': true,
  'conversation.item.added': true,
  'conversation.item.done': true,
  'conversation.item.retrieved': true,
  'conversation.item.deleted': true,
  'conversation.item.truncated': true,
  'conversation.item.input_audio_transcription.completed': true,
  'conversation.item.input_audio_transcription.delta': true,
  'conversation.item.input_audio_transcription.failed': true,
  'conversation.item.input_audio_transcription.segment': true,
  error: true,
  'input_audio_buffer.cleared': true,
  'input_audio_buffer.committed': true,
  'input_audio_buffer.dtmf_event_received': true,
  'input_audio_buffer.speech_started': true,
  'input_audio_buffer.speech_stopped': true,
  'input_audio_buffer.timeout_triggered': true,
  'output_audio_buffer.started': true,
  'output_audio_buffer.stopped': true,
  'output_audio_buffer.cleared': true,
  'rate_limits.updated': true,
  'response.created': true,
  'response.done': true,
  'response.output_item.added': true,
  'response.output_item.done': true,
  'response.content_part.added': true,
  'response.content_part.done': true,
  'response.output_audio.delta': true,
  'response.output_audio.done': true,
  'response.output_audio_transcript.delta': true,
  'response.output_audio_transcript.done': true,
  'response.output_text.delta': true,
  'response.output_text.done': true,
  'response.function_call_arguments.delta': true,
  'response.function_call_arguments.done': true,
  'mcp_list_tools.in_progress': true,
  'mcp_list_tools.completed': true,
  'mcp_list_tools.failed': true,
  'response.mcp_call_arguments.delta': true,
  'response.mcp_call_arguments.done': true,
  'response.mcp_call.in_progress': true,
  'response.mcp_call.completed': true,
  'response.mcp_call.failed': true,
};

// Each client event.
const clientEvent: {
  [T in RealtimeClientEvent['type']]: Equivalent<OpenAIClientEventOf<T>, TheirClientEvent<T>>;
} = {
  'conversation.item.create': true,
  'conversation.item.delete': true,
  'conversation.item.retrieve': true,
  'conversation.item.truncate': true,
  'input_audio_buffer.append': true,
  'input_audio_buffer.clear': true,
  'input_audio_buffer.commit': true,
  'output_audio_buffer.clear': true,
  'response.cancel': true,
  'response.create': true,
  'session.update': true,
};

// Each beta alias carries the fields of its GA event.
type SameFields<
  Alias extends OpenAIServerEventAlias['type'],
  GA extends RealtimeServerEvent['type'],
> = Equivalent<Omit<OpenAIServerEventOf<Alias>, 'type'>, Omit<Theirs<GA>, 'type'>>;
const aliases = {
  audioDelta: true as SameFields<'response.audio.delta', 'response.output_audio.delta'>,
  audioDone: true as SameFields<'response.audio.done', 'response.output_audio.done'>,
  transcriptDelta: true as SameFields<
    'response.audio_transcript.delta',
    'response.output_audio_transcript.delta'
  >,
  transcriptDone: true as SameFields<
    'response.audio_transcript.done',
    'response.output_audio_transcript.done'
  >,
  textDelta: true as SameFields<'response.text.delta', 'response.output_text.delta'>,
  textDone: true as SameFields<'response.text.done', 'response.output_text.done'>,
};
const cancelled: Equivalent<
  OpenAIServerEventOf<'response.cancelled'>,
  { type: 'response.cancelled'; event_id?: string; response?: { id?: string }; response_id?: string }
> = true;

// The check can fail: a response whose status is any string is not the GA response, and `any` matches nothing.
// @ts-expect-error the statuses differ
const different: Equivalent<OpenAIResponse, Omit<RealtimeResponse, 'status'> & { status?: string }> = true;
// @ts-expect-error `any` would make every check pass
const anything: Equivalent<any, RealtimeResponse> = true;

/** The checks, used (tsc refuses unused locals); they are all `true` by their types. */
export const typeChecks = {
  item,
  responseParams,
  response,
  usage,
  statusDetails,
  session,
  serverEvents,
  clientEvents,
  serverTypes,
  clientTypes,
  everyServerEvent,
  serverEvent,
  clientEvent,
  aliases,
  cancelled,
  different,
  anything,
};

describe('conformance with the openai package types', () => {
  it('lists 46 GA server events and 11 client events, each once, as the codec tables have them', () => {
    expect(OPENAI_GA_SERVER_EVENT_TYPES).toHaveLength(46);
    expect(new Set(OPENAI_GA_SERVER_EVENT_TYPES).size).toBe(46);
    expect(OPENAI_CLIENT_EVENT_TYPES).toHaveLength(11);
    expect(new Set(OPENAI_CLIENT_EVENT_TYPES).size).toBe(11);
    const aliasTypes = [
      'response.audio.delta',
      'response.audio.done',
      'response.audio_transcript.delta',
      'response.audio_transcript.done',
      'response.text.delta',
      'response.text.done',
      'response.cancelled',
    ];
    expect(Object.keys(OpenAIServerEventCodecs).sort()).toEqual(
      [...OPENAI_GA_SERVER_EVENT_TYPES, ...aliasTypes].sort(),
    );
    expect(Object.keys(OpenAIClientEventCodecs).sort()).toEqual([...OPENAI_CLIENT_EVENT_TYPES].sort());
    expect(Object.keys(serverEvent).sort()).toEqual([...OPENAI_GA_SERVER_EVENT_TYPES].sort());
  });
});
