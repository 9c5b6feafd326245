import * as t from 'io-ts';
import { AudioFormatCodec, VoiceCodec } from './audio.js';
import { OpenAIConversationItemCodec } from './items.js';
import {
  MaxOutputTokensCodec,
  MetadataCodec,
  OutputModalitiesCodec,
  ReasoningCodec,
  ResponsePromptCodec,
} from './params.js';
import { allOptional, nullable, oneOf } from './primitives.js';
import { ToolChoiceCodec, ToolCodec } from './tools.js';

/** Responses: what `response.create` asks for, and the response `response.created` / `.done` report. */

/**
 * The parameters of `response.create` (the `openai` package's `RealtimeResponseCreateParams`): every
 * field optional; `conversation: 'none'` makes an out-of-band response, `input` its own context.
 *
 * @example
 * ```ts
 * const params: unknown = { conversation: 'none', output_modalities: ['text'], metadata: { topic: 'summary' } };
 * if (OpenAIResponseParamsCodec.is(params)) console.log(params.conversation); // 'none'
 * ```
 */
export const OpenAIResponseParamsCodec = allOptional('RealtimeResponseCreateParams', {
  audio: allOptional('RealtimeResponseCreateAudioOutput', {
    output: allOptional('RealtimeResponseCreateAudioOutput.Output', {
      format: AudioFormatCodec,
      voice: VoiceCodec,
    }),
  }),
  conversation: t.string,
  input: t.array(OpenAIConversationItemCodec),
  instructions: t.string,
  max_output_tokens: MaxOutputTokensCodec,
  metadata: nullable(MetadataCodec),
  output_modalities: OutputModalitiesCodec,
  parallel_tool_calls: t.boolean,
  prompt: nullable(ResponsePromptCodec),
  reasoning: ReasoningCodec,
  tool_choice: ToolChoiceCodec,
  tools: t.array(ToolCodec),
});

/**
 * What a `response.create` asks for: instructions, tools, modalities, an out-of-band conversation, ...
 *
 * @example
 * ```ts
 * const params: OpenAIResponseParams = {
 *   instructions: 'Answer in one sentence.',
 *   tool_choice: { type: 'function', name: 'get_weather' },
 *   max_output_tokens: 200,
 * };
 * ```
 */
export type OpenAIResponseParams = t.TypeOf<typeof OpenAIResponseParamsCodec>;

const StatusDetails = allOptional('RealtimeResponseStatus', {
  error: allOptional('RealtimeResponseStatus.Error', { code: t.string, message: t.string, type: t.string }),
  reason: oneOf('turn_detected', 'client_cancelled', 'max_output_tokens', 'content_filter'),
  type: oneOf('completed', 'cancelled', 'incomplete', 'failed'),
});

/**
 * Why a response ended as it did (`RealtimeResponseStatus`): `reason` for a cancelled or incomplete
 * response, `error` for a failed one.
 *
 * @example
 * ```ts
 * const details: OpenAIResponseStatusDetails = { type: 'cancelled', reason: 'turn_detected' };
 * ```
 */
export type OpenAIResponseStatusDetails = NonNullable<OpenAIResponse['status_details']>;

const TokenCounts = { audio_tokens: t.number, text_tokens: t.number };

const Usage = allOptional('RealtimeResponseUsage', {
  input_token_details: allOptional('RealtimeResponseUsageInputTokenDetails', {
    ...TokenCounts,
    cached_tokens: t.number,
    cached_tokens_details: allOptional('RealtimeResponseUsageInputTokenDetails.CachedTokensDetails', {
      ...TokenCounts,
      image_tokens: t.number,
    }),
    image_tokens: t.number,
  }),
  input_tokens: t.number,
  output_token_details: allOptional('RealtimeResponseUsageOutputTokenDetails', TokenCounts),
  output_tokens: t.number,
  total_tokens: t.number,
});

/**
 * The tokens a response used (`RealtimeResponseUsage`), as `response.done` reports them; cached input
 * tokens are a part of the input tokens.
 *
 * @example
 * ```ts
 * const usage: OpenAIResponseUsage = {
 *   total_tokens: 130,
 *   input_tokens: 100,
 *   output_tokens: 30,
 *   input_token_details: { text_tokens: 20, audio_tokens: 80, cached_tokens: 64 },
 * };
 * ```
 */
export type OpenAIResponseUsage = NonNullable<OpenAIResponse['usage']>;

/**
 * The response resource of `response.created` and `response.done` (`RealtimeResponse`): its id, status
 * and why, output items, and usage.
 *
 * @example
 * ```ts
 * const response: unknown = { id: 'resp_1', object: 'realtime.response', status: 'in_progress', output: [] };
 * if (OpenAIResponseCodec.is(response)) console.log(response.status); // 'in_progress'
 * ```
 */
export const OpenAIResponseCodec = allOptional('RealtimeResponse', {
  id: t.string,
  audio: allOptional('RealtimeResponse.Audio', {
    output: allOptional('RealtimeResponse.Audio.Output', { format: AudioFormatCodec, voice: t.string }),
  }),
  conversation_id: t.string,
  max_output_tokens: MaxOutputTokensCodec,
  metadata: nullable(MetadataCodec),
  object: t.literal('realtime.response'),
  output: t.array(OpenAIConversationItemCodec),
  output_modalities: OutputModalitiesCodec,
  status: oneOf('completed', 'cancelled', 'failed', 'incomplete', 'in_progress'),
  status_details: StatusDetails,
  usage: Usage,
});

/**
 * A GA response as the server reports it: `{ id, object: 'realtime.response', status, status_details,
 * output, usage, ... }`; every field optional.
 *
 * @example
 * ```ts
 * function finished(response: OpenAIResponse): boolean {
 *   return response.status !== undefined && response.status !== 'in_progress';
 * }
 * ```
 */
export type OpenAIResponse = t.TypeOf<typeof OpenAIResponseCodec>;
