import * as t from 'io-ts';
import { AudioInputCodec, AudioOutputCodec } from './audio.js';
import {
  MaxOutputTokensCodec,
  OutputModalitiesCodec,
  ReasoningCodec,
  ResponsePromptCodec,
} from './params.js';
import { allOptional, byKind, discriminated, nullable, oneOf, struct } from './primitives.js';
import { ToolChoiceCodec, ToolCodec } from './tools.js';

/** Session configuration: what `session.update` sends and `session.created` / `.updated` carry. */

const Include = t.array(t.literal('item.input_audio_transcription.logprobs'));

const Tracing = byKind({
  string: t.literal('auto'),
  object: allOptional('RealtimeTracingConfig.TracingConfiguration', {
    group_id: t.string,
    metadata: t.unknown,
    workflow_name: t.string,
  }),
});

const Truncation = byKind({
  string: oneOf('auto', 'disabled'),
  object: struct(
    'RealtimeTruncationRetentionRatio',
    { retention_ratio: t.number, type: t.literal('retention_ratio') },
    {
      token_limits: allOptional('RealtimeTruncationRetentionRatio.TokenLimits', {
        post_instructions: t.number,
      }),
    },
  ),
});

const RealtimeSession = struct(
  'RealtimeSessionCreateRequest',
  { type: t.literal('realtime') },
  {
    audio: allOptional('RealtimeAudioConfig', { input: AudioInputCodec, output: AudioOutputCodec }),
    include: Include,
    instructions: t.string,
    max_output_tokens: MaxOutputTokensCodec,
    model: t.string,
    output_modalities: OutputModalitiesCodec,
    parallel_tool_calls: t.boolean,
    prompt: nullable(ResponsePromptCodec),
    reasoning: ReasoningCodec,
    tool_choice: ToolChoiceCodec,
    tools: t.array(ToolCodec),
    tracing: nullable(Tracing),
    truncation: Truncation,
  },
);

const TranscriptionSession = struct(
  'RealtimeTranscriptionSessionCreateRequest',
  { type: t.literal('transcription') },
  {
    audio: allOptional('RealtimeTranscriptionSessionAudio', { input: AudioInputCodec }),
    include: Include,
  },
);

/**
 * A GA session configuration, as the wire carries it: a conversation session (`type: 'realtime'`) or a
 * transcription session (`type: 'transcription'`), discriminated by `type`; extra fields (the server's
 * `id`, `object`, `expires_at`, ...) are kept.
 *
 * @example
 * ```ts
 * const session: unknown = { type: 'realtime', instructions: 'Be brief.', output_modalities: ['text'] };
 * if (OpenAIWireSessionCodec.is(session)) console.log(session.type); // 'realtime'
 * ```
 */
export const OpenAIWireSessionCodec = discriminated(
  'type',
  { realtime: RealtimeSession, transcription: TranscriptionSession },
  'session',
);

/**
 * The session of `session.update`, `session.created` and `session.updated` (the `openai` package's
 * `RealtimeSessionCreateRequest | RealtimeTranscriptionSessionCreateRequest`).
 *
 * @example
 * ```ts
 * const session: OpenAIWireSession = {
 *   type: 'realtime',
 *   audio: { input: { turn_detection: { type: 'semantic_vad', eagerness: 'low' } }, output: { voice: 'marin' } },
 * };
 * ```
 */
export type OpenAIWireSession = t.TypeOf<typeof OpenAIWireSessionCodec>;
