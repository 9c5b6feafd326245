import * as t from 'io-ts';
import { allOptional, byKind, discriminated, oneOf, nullable, struct } from './primitives.js';

/** Fields that session and response parameters share: prompt, reasoning, metadata, token limit, modalities. */

const PromptCacheBreakpoint = struct(
  'PromptCacheBreakpoint',
  { mode: t.literal('explicit') },
  { ttl: oneOf('30m', '12h') },
);

const PromptVariable = byKind({
  string: t.string,
  object: discriminated(
    'type',
    {
      input_text: struct(
        'ResponseInputText',
        { text: t.string, type: t.literal('input_text') },
        { prompt_cache_breakpoint: PromptCacheBreakpoint },
      ),
      input_image: struct(
        'ResponseInputImage',
        { detail: oneOf('low', 'high', 'auto', 'original'), type: t.literal('input_image') },
        {
          file_id: nullable(t.string),
          image_url: nullable(t.string),
          prompt_cache_breakpoint: PromptCacheBreakpoint,
        },
      ),
      input_file: struct(
        'ResponseInputFile',
        { type: t.literal('input_file') },
        {
          detail: oneOf('auto', 'low', 'high'),
          file_data: t.string,
          file_id: nullable(t.string),
          file_url: t.string,
          filename: t.string,
          prompt_cache_breakpoint: PromptCacheBreakpoint,
        },
      ),
    },
    'ResponsePrompt variable',
  ),
});

/** A stored prompt template by id, with its variables. */
export const ResponsePromptCodec = struct(
  'ResponsePrompt',
  { id: t.string },
  { variables: nullable(t.record(t.string, PromptVariable)), version: nullable(t.string) },
);

/** Reasoning effort, for models that reason. */
export const ReasoningCodec = allOptional('RealtimeReasoning', {
  effort: oneOf('minimal', 'low', 'medium', 'high', 'xhigh'),
});

/** Up to 16 string pairs attached to a response. */
export const MetadataCodec = t.record(t.string, t.string, 'Metadata');

/** A token limit, or `'inf'`. */
export const MaxOutputTokensCodec = byKind({ number: t.number, string: t.literal('inf') });

/** `['audio']` or `['text']`. */
export const OutputModalitiesCodec = t.array(oneOf('text', 'audio'));
