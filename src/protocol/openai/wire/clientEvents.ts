import * as t from 'io-ts';
import { OpenAIConversationItemCodec } from './items.js';
import { base64, struct } from './primitives.js';
import { OpenAIResponseParamsCodec } from './response.js';
import { OpenAIWireSessionCodec } from './session.js';

/** Client events of the GA Realtime API, one codec per wire `type`. Each may carry its own `event_id`. */

const eventId = { event_id: t.string };

export const ConversationItemCreateEventCodec = struct(
  'ConversationItemCreateEvent',
  { item: OpenAIConversationItemCodec, type: t.literal('conversation.item.create') },
  { ...eventId, previous_item_id: t.string },
);

export const ConversationItemDeleteEventCodec = struct(
  'ConversationItemDeleteEvent',
  { item_id: t.string, type: t.literal('conversation.item.delete') },
  eventId,
);

export const ConversationItemRetrieveEventCodec = struct(
  'ConversationItemRetrieveEvent',
  { item_id: t.string, type: t.literal('conversation.item.retrieve') },
  eventId,
);

export const ConversationItemTruncateEventCodec = struct(
  'ConversationItemTruncateEvent',
  {
    audio_end_ms: t.number,
    content_index: t.number,
    item_id: t.string,
    type: t.literal('conversation.item.truncate'),
  },
  eventId,
);

/** Audio for the input buffer, base64 in the session's input format. */
export const InputAudioBufferAppendEventCodec = struct(
  'InputAudioBufferAppendEvent',
  { audio: base64, type: t.literal('input_audio_buffer.append') },
  eventId,
);

export const InputAudioBufferClearEventCodec = struct(
  'InputAudioBufferClearEvent',
  { type: t.literal('input_audio_buffer.clear') },
  eventId,
);

export const InputAudioBufferCommitEventCodec = struct(
  'InputAudioBufferCommitEvent',
  { type: t.literal('input_audio_buffer.commit') },
  eventId,
);

export const OutputAudioBufferClearEventCodec = struct(
  'OutputAudioBufferClearEvent',
  { type: t.literal('output_audio_buffer.clear') },
  eventId,
);

export const ResponseCancelEventCodec = struct(
  'ResponseCancelEvent',
  { type: t.literal('response.cancel') },
  { ...eventId, response_id: t.string },
);

export const ResponseCreateEventCodec = struct(
  'ResponseCreateEvent',
  { type: t.literal('response.create') },
  { ...eventId, response: OpenAIResponseParamsCodec },
);

export const SessionUpdateEventCodec = struct(
  'SessionUpdateEvent',
  { session: OpenAIWireSessionCodec, type: t.literal('session.update') },
  eventId,
);
