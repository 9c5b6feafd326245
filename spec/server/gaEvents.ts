// A strict check of the GA server events the dev server sends, written from the `openai` package's types
// (RealtimeServerEvent and what it references): required fields required, `null` only where those
// types allow it, extra fields allowed. The type-level check at the end proves each codec accepts no
// more than the openai type does, so a frame this accepts is a valid GA event.
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import type { RealtimeResponse, RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import { formatDecodeErrors } from '../../src/protocol/decodeErrors';

function obj<R extends t.Props, O extends t.Props>(required: R, optional: O) {
  return t.intersection([t.type(required), t.partial(optional)]);
}

const nullable = <C extends t.Mixed>(codec: C) => t.union([codec, t.null]);

/** A union chosen by one field's value, so that errors name the real path. */
function tagged<M extends Record<string, t.Mixed>>(
  key: string,
  members: M,
  name: string,
): t.Type<t.TypeOf<M[keyof M]>, unknown, unknown> {
  const pick = (u: unknown) =>
    typeof u === 'object' && u !== null ? members[String((u as Record<string, unknown>)[key])] : undefined;
  return new t.Type<t.TypeOf<M[keyof M]>, unknown, unknown>(
    name,
    (u): u is t.TypeOf<M[keyof M]> => pick(u)?.is(u) === true,
    (u, c) => {
      const member = pick(u);
      if (member !== undefined) return member.validate(u, c);
      const value = typeof u === 'object' && u !== null ? (u as Record<string, unknown>)[key] : u;
      return t.failure(value, [...c, { key, type: t.keyof(members), actual: value }]);
    },
    t.identity,
  );
}

const ItemStatus = t.keyof({ completed: null, incomplete: null, in_progress: null });
const ItemBase = { id: t.string, object: t.literal('realtime.item'), status: ItemStatus };

const SystemMessage = obj(
  {
    content: t.array(t.partial({ text: t.string, type: t.literal('input_text') })),
    role: t.literal('system'),
    type: t.literal('message'),
  },
  ItemBase,
);
const UserMessage = obj(
  {
    content: t.array(
      t.partial({
        audio: t.string,
        detail: t.keyof({ auto: null, low: null, high: null }),
        image_url: t.string,
        text: t.string,
        transcript: t.string,
        type: t.keyof({ input_text: null, input_audio: null, input_image: null }),
      }),
    ),
    role: t.literal('user'),
    type: t.literal('message'),
  },
  ItemBase,
);
const AssistantMessage = obj(
  {
    content: t.array(
      t.partial({
        audio: t.string,
        text: t.string,
        transcript: t.string,
        type: t.keyof({ output_text: null, output_audio: null }),
      }),
    ),
    role: t.literal('assistant'),
    type: t.literal('message'),
  },
  ItemBase,
);
const FunctionCall = obj(
  { arguments: t.string, name: t.string, type: t.literal('function_call') },
  { ...ItemBase, call_id: t.string },
);
const FunctionCallOutput = obj(
  { call_id: t.string, output: t.string, type: t.literal('function_call_output') },
  ItemBase,
);
const ConversationItem = tagged(
  'type',
  {
    message: tagged(
      'role',
      { system: SystemMessage, user: UserMessage, assistant: AssistantMessage },
      'message',
    ),
    function_call: FunctionCall,
    function_call_output: FunctionCallOutput,
  },
  'ConversationItem',
);

const AudioFormat = t.union([
  t.partial({ rate: t.literal(24000), type: t.literal('audio/pcm') }),
  t.partial({ type: t.literal('audio/pcmu') }),
  t.partial({ type: t.literal('audio/pcma') }),
]);
const TurnDetection = tagged(
  'type',
  {
    server_vad: obj(
      { type: t.literal('server_vad') },
      {
        create_response: t.boolean,
        idle_timeout_ms: nullable(t.number),
        interrupt_response: t.boolean,
        prefix_padding_ms: t.number,
        silence_duration_ms: t.number,
        threshold: t.number,
      },
    ),
    semantic_vad: obj(
      { type: t.literal('semantic_vad') },
      {
        create_response: t.boolean,
        eagerness: t.keyof({ low: null, medium: null, high: null, auto: null }),
        interrupt_response: t.boolean,
      },
    ),
  },
  'turn detection',
);
const Effort = t.keyof({ minimal: null, low: null, medium: null, high: null, xhigh: null });
const Session = obj(
  { type: t.literal('realtime') },
  {
    audio: t.partial({
      input: t.partial({
        format: AudioFormat,
        noise_reduction: t.partial({
          strength: t.number,
          type: t.keyof({ near_field: null, far_field: null }),
        }),
        transcription: t.partial({
          delay: Effort,
          keywords: t.array(t.string),
          language: t.string,
          languages: t.array(t.string),
          model: t.string,
          prompt: t.string,
        }),
        turn_detection: nullable(TurnDetection),
      }),
      output: t.partial({ format: AudioFormat, speed: t.number, voice: t.string }),
    }),
    include: t.array(t.literal('item.input_audio_transcription.logprobs')),
    instructions: t.string,
    max_output_tokens: t.union([t.number, t.literal('inf')]),
    model: t.string,
    output_modalities: t.array(t.keyof({ text: null, audio: null })),
    parallel_tool_calls: t.boolean,
    prompt: nullable(
      obj(
        { id: t.string },
        { variables: nullable(t.record(t.string, t.string)), version: nullable(t.string) },
      ),
    ),
    reasoning: t.partial({ effort: Effort }),
    tool_choice: t.union([
      t.keyof({ none: null, auto: null, required: null }),
      t.type({ name: t.string, type: t.literal('function') }),
    ]),
    tools: t.array(
      t.partial({
        description: t.string,
        name: t.string,
        parameters: t.unknown,
        type: t.literal('function'),
      }),
    ),
    tracing: nullable(
      t.union([
        t.literal('auto'),
        t.partial({ group_id: t.string, metadata: t.unknown, workflow_name: t.string }),
      ]),
    ),
    truncation: t.union([
      t.keyof({ auto: null, disabled: null }),
      obj(
        { retention_ratio: t.number, type: t.literal('retention_ratio') },
        { token_limits: t.partial({ post_instructions: t.number }) },
      ),
    ]),
  },
);

const Counts = { audio_tokens: t.number, image_tokens: t.number, text_tokens: t.number };
const Response = t.partial({
  id: t.string,
  audio: t.partial({ output: t.partial({ format: AudioFormat, voice: t.string }) }),
  conversation_id: t.string,
  max_output_tokens: t.union([t.number, t.literal('inf')]),
  metadata: nullable(t.record(t.string, t.string)),
  object: t.literal('realtime.response'),
  output: t.array(ConversationItem),
  output_modalities: t.array(t.keyof({ text: null, audio: null })),
  status: t.keyof({ completed: null, cancelled: null, failed: null, incomplete: null, in_progress: null }),
  status_details: t.partial({
    error: t.partial({ code: t.string, message: t.string, type: t.string }),
    reason: t.keyof({
      turn_detected: null,
      client_cancelled: null,
      max_output_tokens: null,
      content_filter: null,
    }),
    type: t.keyof({ completed: null, cancelled: null, incomplete: null, failed: null }),
  }),
  usage: t.partial({
    input_token_details: t.partial({
      ...Counts,
      cached_tokens: t.number,
      cached_tokens_details: t.partial(Counts),
    }),
    input_tokens: t.number,
    output_token_details: t.partial({ audio_tokens: t.number, text_tokens: t.number }),
    output_tokens: t.number,
    total_tokens: t.number,
  }),
});

const event = <T extends string, R extends t.Props, O extends t.Props = Record<never, t.Mixed>>(
  type: T,
  required: R,
  optional?: O,
) => obj({ event_id: t.string, type: t.literal(type), ...required }, optional ?? ({} as O));
const itemIds = { item_id: t.string, output_index: t.number, response_id: t.string };
const partIds = { ...itemIds, content_index: t.number };
const Part = t.partial({
  audio: t.string,
  text: t.string,
  transcript: t.string,
  type: t.keyof({ text: null, audio: null }),
});
const LogProbs = nullable(t.array(t.type({ token: t.string, bytes: t.array(t.number), logprob: t.number })));

/** One codec per server event type the dev server sends. */
const EVENTS = {
  error: event('error', {
    error: obj(
      { message: t.string, type: t.string },
      { code: nullable(t.string), event_id: nullable(t.string), param: nullable(t.string) },
    ),
  }),
  'session.created': event('session.created', { session: Session }),
  'session.updated': event('session.updated', { session: Session }),
  'input_audio_buffer.speech_started': event('input_audio_buffer.speech_started', {
    audio_start_ms: t.number,
    item_id: t.string,
  }),
  'input_audio_buffer.speech_stopped': event('input_audio_buffer.speech_stopped', {
    audio_end_ms: t.number,
    item_id: t.string,
  }),
  'input_audio_buffer.committed': event(
    'input_audio_buffer.committed',
    { item_id: t.string },
    { previous_item_id: nullable(t.string) },
  ),
  'input_audio_buffer.cleared': event('input_audio_buffer.cleared', {}),
  'output_audio_buffer.cleared': event('output_audio_buffer.cleared', { response_id: t.string }),
  'conversation.item.added': event(
    'conversation.item.added',
    { item: ConversationItem },
    { previous_item_id: nullable(t.string) },
  ),
  'conversation.item.done': event(
    'conversation.item.done',
    { item: ConversationItem },
    { previous_item_id: nullable(t.string) },
  ),
  'conversation.item.retrieved': event('conversation.item.retrieved', { item: ConversationItem }),
  'conversation.item.deleted': event('conversation.item.deleted', { item_id: t.string }),
  'conversation.item.truncated': event('conversation.item.truncated', {
    audio_end_ms: t.number,
    content_index: t.number,
    item_id: t.string,
  }),
  'conversation.item.input_audio_transcription.delta': event(
    'conversation.item.input_audio_transcription.delta',
    { item_id: t.string },
    { content_index: t.number, delta: t.string, logprobs: LogProbs },
  ),
  'conversation.item.input_audio_transcription.completed': event(
    'conversation.item.input_audio_transcription.completed',
    {
      content_index: t.number,
      item_id: t.string,
      transcript: t.string,
      usage: tagged(
        'type',
        {
          tokens: obj(
            {
              input_tokens: t.number,
              output_tokens: t.number,
              total_tokens: t.number,
              type: t.literal('tokens'),
            },
            { input_token_details: t.partial({ audio_tokens: t.number, text_tokens: t.number }) },
          ),
          duration: t.type({ seconds: t.number, type: t.literal('duration') }),
        },
        'transcription usage',
      ),
    },
    { languages: t.array(t.type({ code: t.string })), logprobs: LogProbs },
  ),
  'conversation.item.input_audio_transcription.failed': event(
    'conversation.item.input_audio_transcription.failed',
    {
      content_index: t.number,
      item_id: t.string,
      error: t.partial({ code: t.string, message: t.string, param: t.string, type: t.string }),
    },
  ),
  'response.created': event('response.created', { response: Response }),
  'response.done': event('response.done', { response: Response }),
  'rate_limits.updated': event('rate_limits.updated', {
    rate_limits: t.array(
      t.partial({
        limit: t.number,
        name: t.keyof({ requests: null, tokens: null }),
        remaining: t.number,
        reset_seconds: t.number,
      }),
    ),
  }),
  'response.output_item.added': event('response.output_item.added', {
    item: ConversationItem,
    output_index: t.number,
    response_id: t.string,
  }),
  'response.output_item.done': event('response.output_item.done', {
    item: ConversationItem,
    output_index: t.number,
    response_id: t.string,
  }),
  'response.content_part.added': event('response.content_part.added', { ...partIds, part: Part }),
  'response.content_part.done': event('response.content_part.done', { ...partIds, part: Part }),
  'response.output_text.delta': event('response.output_text.delta', { ...partIds, delta: t.string }),
  'response.output_text.done': event('response.output_text.done', { ...partIds, text: t.string }),
  'response.output_audio_transcript.delta': event('response.output_audio_transcript.delta', {
    ...partIds,
    delta: t.string,
  }),
  'response.output_audio_transcript.done': event('response.output_audio_transcript.done', {
    ...partIds,
    transcript: t.string,
  }),
  'response.output_audio.delta': event('response.output_audio.delta', { ...partIds, delta: t.string }),
  'response.output_audio.done': event('response.output_audio.done', partIds),
  'response.function_call_arguments.delta': event('response.function_call_arguments.delta', {
    ...itemIds,
    call_id: t.string,
    delta: t.string,
  }),
  'response.function_call_arguments.done': event('response.function_call_arguments.done', {
    ...itemIds,
    arguments: t.string,
    call_id: t.string,
    name: t.string,
  }),
};

type Events = typeof EVENTS;
/** Each codec accepts only values of the openai package's type for its event. */
type Conforms = {
  [K in keyof Events]: t.TypeOf<Events[K]> extends Extract<RealtimeServerEvent, { type: K }> ? true : false;
};
const conforms: { [K in keyof Events]: true } = {} as Conforms;
void conforms;
// The check can fail: a codec looser than the openai type (here a nullable `conversation_id`) is refused.
const _Looser = t.partial({ conversation_id: nullable(t.string) });
// @ts-expect-error `conversation_id: null` is not a GA response
const refused: t.TypeOf<typeof _Looser> extends RealtimeResponse ? true : false = true;
void refused;

/** Why `frame` is not a valid GA server event (naming the bad path), or undefined when it is. */
export function gaProblem(frame: Record<string, unknown>): string | undefined {
  const codec = (EVENTS as Record<string, t.Mixed>)[String(frame.type)];
  if (codec === undefined) return `${String(frame.type)}: not a GA server event the dev server may send`;
  const result = codec.decode(frame);
  return isLeft(result) ? `${String(frame.type)}: ${formatDecodeErrors(result.left)}` : undefined;
}
