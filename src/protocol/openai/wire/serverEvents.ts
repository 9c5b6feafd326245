import * as t from 'io-ts';
import { OpenAIConversationItemCodec as Item } from './items.js';
import { allOptional, base64, discriminated, nullable, oneOf, struct, withAliases } from './primitives.js';
import { OpenAIResponseCodec } from './response.js';
import { OpenAIWireSessionCodec } from './session.js';

/** Server events of the GA Realtime API, one codec per wire `type`, and the beta aliases still accepted. */

const eventId = { event_id: t.string };
const previousItem = { previous_item_id: nullable(t.string) };
/** Where a streamed piece of a response belongs. */
const contentPosition = {
  content_index: t.number,
  event_id: t.string,
  item_id: t.string,
  output_index: t.number,
  response_id: t.string,
};

const LogProbs = nullable(
  t.array(struct('LogProbProperties', { token: t.string, bytes: t.array(t.number), logprob: t.number })),
);

/**
 * A response's content part. Servers also name its type as the item content does (`output_text`,
 * `output_audio`): read as `text` and `audio`, the GA types' names.
 */
const ContentPart = allOptional('ResponseContentPart', {
  audio: base64,
  text: t.string,
  transcript: t.string,
  type: withAliases(oneOf('text', 'audio'), { output_text: 'text', output_audio: 'audio' }),
});

export const ConversationCreatedEventCodec = struct('ConversationCreatedEvent', {
  conversation: allOptional('ConversationCreatedEvent.Conversation', {
    id: t.string,
    object: t.literal('realtime.conversation'),
  }),
  ...eventId,
  type: t.literal('conversation.created'),
});

export const ConversationItemCreatedEventCodec = struct(
  'ConversationItemCreatedEvent',
  { ...eventId, item: Item, type: t.literal('conversation.item.created') },
  previousItem,
);

export const ConversationItemAddedCodec = struct(
  'ConversationItemAdded',
  { ...eventId, item: Item, type: t.literal('conversation.item.added') },
  previousItem,
);

export const ConversationItemDoneCodec = struct(
  'ConversationItemDone',
  { ...eventId, item: Item, type: t.literal('conversation.item.done') },
  previousItem,
);

export const ConversationItemRetrievedCodec = struct('ConversationItemRetrieved', {
  ...eventId,
  item: Item,
  type: t.literal('conversation.item.retrieved'),
});

export const ConversationItemDeletedEventCodec = struct('ConversationItemDeletedEvent', {
  ...eventId,
  item_id: t.string,
  type: t.literal('conversation.item.deleted'),
});

export const ConversationItemTruncatedEventCodec = struct('ConversationItemTruncatedEvent', {
  audio_end_ms: t.number,
  content_index: t.number,
  ...eventId,
  item_id: t.string,
  type: t.literal('conversation.item.truncated'),
});

const TranscriptionUsage = discriminated(
  'type',
  {
    tokens: struct(
      'TranscriptTextUsageTokens',
      { input_tokens: t.number, output_tokens: t.number, total_tokens: t.number, type: t.literal('tokens') },
      {
        input_token_details: allOptional('TranscriptTextUsageTokens.InputTokenDetails', {
          audio_tokens: t.number,
          text_tokens: t.number,
        }),
      },
    ),
    duration: struct('TranscriptTextUsageDuration', { seconds: t.number, type: t.literal('duration') }),
  },
  'transcription usage',
);

export const InputAudioTranscriptionCompletedEventCodec = struct(
  'ConversationItemInputAudioTranscriptionCompletedEvent',
  {
    content_index: t.number,
    ...eventId,
    item_id: t.string,
    transcript: t.string,
    type: t.literal('conversation.item.input_audio_transcription.completed'),
    usage: TranscriptionUsage,
  },
  { languages: t.array(struct('TranscriptionLanguage', { code: t.string })), logprobs: LogProbs },
);

export const InputAudioTranscriptionDeltaEventCodec = struct(
  'ConversationItemInputAudioTranscriptionDeltaEvent',
  { ...eventId, item_id: t.string, type: t.literal('conversation.item.input_audio_transcription.delta') },
  { content_index: t.number, delta: t.string, logprobs: LogProbs },
);

export const InputAudioTranscriptionFailedEventCodec = struct(
  'ConversationItemInputAudioTranscriptionFailedEvent',
  {
    content_index: t.number,
    error: allOptional('ConversationItemInputAudioTranscriptionFailedEvent.Error', {
      code: t.string,
      message: t.string,
      param: t.string,
      type: t.string,
    }),
    ...eventId,
    item_id: t.string,
    type: t.literal('conversation.item.input_audio_transcription.failed'),
  },
);

export const InputAudioTranscriptionSegmentCodec = struct('ConversationItemInputAudioTranscriptionSegment', {
  id: t.string,
  content_index: t.number,
  end: t.number,
  ...eventId,
  item_id: t.string,
  speaker: t.string,
  start: t.number,
  text: t.string,
  type: t.literal('conversation.item.input_audio_transcription.segment'),
});

export const ErrorEventCodec = struct('RealtimeErrorEvent', {
  error: struct(
    'RealtimeError',
    { message: t.string, type: t.string },
    { code: nullable(t.string), event_id: nullable(t.string), param: nullable(t.string) },
  ),
  ...eventId,
  type: t.literal('error'),
});

export const InputAudioBufferClearedEventCodec = struct('InputAudioBufferClearedEvent', {
  ...eventId,
  type: t.literal('input_audio_buffer.cleared'),
});

export const InputAudioBufferCommittedEventCodec = struct(
  'InputAudioBufferCommittedEvent',
  { ...eventId, item_id: t.string, type: t.literal('input_audio_buffer.committed') },
  previousItem,
);

/** A telephone key press (SIP): the only server event without an `event_id`. */
export const InputAudioBufferDtmfEventReceivedEventCodec = struct('InputAudioBufferDtmfEventReceivedEvent', {
  event: t.string,
  received_at: t.number,
  type: t.literal('input_audio_buffer.dtmf_event_received'),
});

export const InputAudioBufferSpeechStartedEventCodec = struct('InputAudioBufferSpeechStartedEvent', {
  audio_start_ms: t.number,
  ...eventId,
  item_id: t.string,
  type: t.literal('input_audio_buffer.speech_started'),
});

export const InputAudioBufferSpeechStoppedEventCodec = struct('InputAudioBufferSpeechStoppedEvent', {
  audio_end_ms: t.number,
  ...eventId,
  item_id: t.string,
  type: t.literal('input_audio_buffer.speech_stopped'),
});

export const InputAudioBufferTimeoutTriggeredCodec = struct('InputAudioBufferTimeoutTriggered', {
  audio_end_ms: t.number,
  audio_start_ms: t.number,
  ...eventId,
  item_id: t.string,
  type: t.literal('input_audio_buffer.timeout_triggered'),
});

export const RateLimitsUpdatedEventCodec = struct('RateLimitsUpdatedEvent', {
  ...eventId,
  rate_limits: t.array(
    allOptional('RateLimitsUpdatedEvent.RateLimit', {
      limit: t.number,
      name: oneOf('requests', 'tokens'),
      remaining: t.number,
      reset_seconds: t.number,
    }),
  ),
  type: t.literal('rate_limits.updated'),
});

// The streamed pieces of a response. Each is a factory because the beta aliases share the fields under
// their own `type`.

const audioDelta = <T extends string>(type: T) =>
  struct('ResponseAudioDeltaEvent', { ...contentPosition, delta: base64, type: t.literal(type) });
const audioDone = <T extends string>(type: T) =>
  struct('ResponseAudioDoneEvent', { ...contentPosition, type: t.literal(type) });
const audioTranscriptDelta = <T extends string>(type: T) =>
  struct('ResponseAudioTranscriptDeltaEvent', { ...contentPosition, delta: t.string, type: t.literal(type) });
const audioTranscriptDone = <T extends string>(type: T) =>
  struct('ResponseAudioTranscriptDoneEvent', {
    ...contentPosition,
    transcript: t.string,
    type: t.literal(type),
  });
const textDelta = <T extends string>(type: T) =>
  struct('ResponseTextDeltaEvent', { ...contentPosition, delta: t.string, type: t.literal(type) });
const textDone = <T extends string>(type: T) =>
  struct('ResponseTextDoneEvent', { ...contentPosition, text: t.string, type: t.literal(type) });

/** 24 kHz audio of the response, base64: about 50 a second while the model speaks. */
export const ResponseAudioDeltaEventCodec = audioDelta('response.output_audio.delta');
export const ResponseAudioDoneEventCodec = audioDone('response.output_audio.done');
export const ResponseAudioTranscriptDeltaEventCodec = audioTranscriptDelta(
  'response.output_audio_transcript.delta',
);
export const ResponseAudioTranscriptDoneEventCodec = audioTranscriptDone(
  'response.output_audio_transcript.done',
);
export const ResponseTextDeltaEventCodec = textDelta('response.output_text.delta');
export const ResponseTextDoneEventCodec = textDone('response.output_text.done');

export const ResponseContentPartAddedEventCodec = struct('ResponseContentPartAddedEvent', {
  ...contentPosition,
  part: ContentPart,
  type: t.literal('response.content_part.added'),
});

export const ResponseContentPartDoneEventCodec = struct('ResponseContentPartDoneEvent', {
  ...contentPosition,
  part: ContentPart,
  type: t.literal('response.content_part.done'),
});

export const ResponseCreatedEventCodec = struct('ResponseCreatedEvent', {
  ...eventId,
  response: OpenAIResponseCodec,
  type: t.literal('response.created'),
});

export const ResponseDoneEventCodec = struct('ResponseDoneEvent', {
  ...eventId,
  response: OpenAIResponseCodec,
  type: t.literal('response.done'),
});

const outputPosition = {
  event_id: t.string,
  item_id: t.string,
  output_index: t.number,
  response_id: t.string,
};

export const ResponseFunctionCallArgumentsDeltaEventCodec = struct(
  'ResponseFunctionCallArgumentsDeltaEvent',
  {
    call_id: t.string,
    delta: t.string,
    ...outputPosition,
    type: t.literal('response.function_call_arguments.delta'),
  },
);

export const ResponseFunctionCallArgumentsDoneEventCodec = struct('ResponseFunctionCallArgumentsDoneEvent', {
  arguments: t.string,
  call_id: t.string,
  ...outputPosition,
  name: t.string,
  type: t.literal('response.function_call_arguments.done'),
});

export const ResponseOutputItemAddedEventCodec = struct('ResponseOutputItemAddedEvent', {
  ...eventId,
  item: Item,
  output_index: t.number,
  response_id: t.string,
  type: t.literal('response.output_item.added'),
});

export const ResponseOutputItemDoneEventCodec = struct('ResponseOutputItemDoneEvent', {
  ...eventId,
  item: Item,
  output_index: t.number,
  response_id: t.string,
  type: t.literal('response.output_item.done'),
});

export const SessionCreatedEventCodec = struct('SessionCreatedEvent', {
  ...eventId,
  session: OpenAIWireSessionCodec,
  type: t.literal('session.created'),
});

export const SessionUpdatedEventCodec = struct('SessionUpdatedEvent', {
  ...eventId,
  session: OpenAIWireSessionCodec,
  type: t.literal('session.updated'),
});

const outputAudioBuffer = <T extends string>(name: string, type: T) =>
  struct(name, { ...eventId, response_id: t.string, type: t.literal(type) });

export const OutputAudioBufferStartedCodec = outputAudioBuffer(
  'OutputAudioBufferStarted',
  'output_audio_buffer.started',
);
export const OutputAudioBufferStoppedCodec = outputAudioBuffer(
  'OutputAudioBufferStopped',
  'output_audio_buffer.stopped',
);
export const OutputAudioBufferClearedCodec = outputAudioBuffer(
  'OutputAudioBufferCleared',
  'output_audio_buffer.cleared',
);

const mcpListTools = <T extends string>(name: string, type: T) =>
  struct(name, { ...eventId, item_id: t.string, type: t.literal(type) });

export const McpListToolsInProgressCodec = mcpListTools(
  'McpListToolsInProgress',
  'mcp_list_tools.in_progress',
);
export const McpListToolsCompletedCodec = mcpListTools('McpListToolsCompleted', 'mcp_list_tools.completed');
export const McpListToolsFailedCodec = mcpListTools('McpListToolsFailed', 'mcp_list_tools.failed');

export const ResponseMcpCallArgumentsDeltaCodec = struct(
  'ResponseMcpCallArgumentsDelta',
  { delta: t.string, ...outputPosition, type: t.literal('response.mcp_call_arguments.delta') },
  { obfuscation: nullable(t.string) },
);

export const ResponseMcpCallArgumentsDoneCodec = struct('ResponseMcpCallArgumentsDone', {
  arguments: t.string,
  ...outputPosition,
  type: t.literal('response.mcp_call_arguments.done'),
});

const mcpCall = <T extends string>(name: string, type: T) =>
  struct(name, { ...eventId, item_id: t.string, output_index: t.number, type: t.literal(type) });

export const ResponseMcpCallInProgressCodec = mcpCall(
  'ResponseMcpCallInProgress',
  'response.mcp_call.in_progress',
);
export const ResponseMcpCallCompletedCodec = mcpCall(
  'ResponseMcpCallCompleted',
  'response.mcp_call.completed',
);
export const ResponseMcpCallFailedCodec = mcpCall('ResponseMcpCallFailed', 'response.mcp_call.failed');

// Beta names the API may still send: the fields of their GA counterparts under the old `type`.

export const BetaResponseAudioDeltaEventCodec = audioDelta('response.audio.delta');
export const BetaResponseAudioDoneEventCodec = audioDone('response.audio.done');
export const BetaResponseAudioTranscriptDeltaEventCodec = audioTranscriptDelta(
  'response.audio_transcript.delta',
);
export const BetaResponseAudioTranscriptDoneEventCodec = audioTranscriptDone(
  'response.audio_transcript.done',
);
export const BetaResponseTextDeltaEventCodec = textDelta('response.text.delta');
export const BetaResponseTextDoneEventCodec = textDone('response.text.done');

/** A Codex-compatible server's cancellation: the response id in `response.id`, else `response_id`. */
export const ResponseCancelledEventCodec = struct(
  'ResponseCancelledEvent',
  { type: t.literal('response.cancelled') },
  {
    event_id: t.string,
    response: allOptional('ResponseCancelledEvent.Response', { id: t.string }),
    response_id: t.string,
  },
);
