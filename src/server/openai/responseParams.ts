// `response.create`'s `response` object, checked (GA errors naming the bad path).
import { audioFormatAt } from './audioFormat.js';
import { readItem, type Item, type ItemAudioDecoder } from './items.js';
import {
  maxOutputTokensAt,
  metadataAt,
  outputModalitiesAt,
  promptAt,
  toolChoiceAt,
  toolsAt,
  voiceAt,
  type Modality,
} from './params.js';
import {
  booleanAt,
  invalidType,
  invalidValue,
  missing,
  objectAt,
  oneOf,
  refuseUnknown,
  stringAt,
  type Json,
} from './wire.js';

const RESPONSE_KEYS = [
  'audio',
  'conversation',
  'input',
  'instructions',
  'max_output_tokens',
  'metadata',
  'output_modalities',
  'parallel_tool_calls',
  'prompt',
  'reasoning',
  'tool_choice',
  'tools',
];

/** What one `response.create` asks for; absent fields fall back to the session's. */
export interface ResponseParams {
  /** `conversation: 'auto'` (the default); `'none'` makes an out-of-band response. */
  inConversation: boolean;
  /** `input`: the response's own context instead of the conversation. */
  input?: Item[];
  instructions?: string;
  modalities?: [Modality];
  maxOutputTokens?: number | 'inf';
  metadata: Json | null;
  tools?: Json[];
  toolChoice?: string | Json;
  voice?: string;
}

/** What reading `input` needs from the connection. */
export interface InputSource {
  /** The conversation's item with this id (for `{ type: 'item_reference', id }`). */
  find(id: string): Item | undefined;
  decodeAudio: ItemAudioDecoder;
  /** The session's output format, which a response may only repeat. */
  outputFormat: Json;
}

/** A response that asks for nothing in particular. */
export const DEFAULT_RESPONSE: ResponseParams = { inConversation: true, metadata: null };

export function readResponseParams(raw: Json, source: InputSource): ResponseParams {
  refuseUnknown(raw, RESPONSE_KEYS, 'response');
  const params: ResponseParams = {
    inConversation:
      raw.conversation === undefined ||
      oneOf(raw.conversation, ['auto', 'none'], 'response.conversation') === 'auto',
    metadata: raw.metadata === undefined ? null : metadataAt(raw.metadata, 'response.metadata'),
  };
  if (raw.input !== undefined) params.input = readInput(raw.input, source);
  if (raw.instructions !== undefined)
    params.instructions = stringAt(raw.instructions, 'response.instructions');
  if (raw.output_modalities !== undefined)
    params.modalities = outputModalitiesAt(raw.output_modalities, 'response.output_modalities');
  if (raw.max_output_tokens !== undefined)
    params.maxOutputTokens = maxOutputTokensAt(raw.max_output_tokens, 'response.max_output_tokens');
  if (raw.tools !== undefined) params.tools = toolsAt(raw.tools, 'response.tools');
  if (raw.tool_choice !== undefined)
    params.toolChoice = toolChoiceAt(raw.tool_choice, 'response.tool_choice');
  if (raw.parallel_tool_calls !== undefined)
    booleanAt(raw.parallel_tool_calls, 'response.parallel_tool_calls');
  if (raw.prompt !== undefined) promptAt(raw.prompt, 'response.prompt');
  if (raw.reasoning !== undefined) {
    const reasoning = objectAt(raw.reasoning, 'response.reasoning');
    refuseUnknown(reasoning, ['effort'], 'response.reasoning');
    if (reasoning.effort !== undefined)
      oneOf(reasoning.effort, ['minimal', 'low', 'medium', 'high', 'xhigh'], 'response.reasoning.effort');
  }
  if (raw.audio !== undefined) {
    const audio = objectAt(raw.audio, 'response.audio');
    refuseUnknown(audio, ['output'], 'response.audio');
    if (audio.output !== undefined) {
      const output = objectAt(audio.output, 'response.audio.output');
      refuseUnknown(output, ['format', 'voice'], 'response.audio.output');
      if (output.format !== undefined)
        audioFormatAt(output.format, 'response.audio.output.format', source.outputFormat.rate as number);
      if (output.voice !== undefined) params.voice = voiceAt(output.voice, 'response.audio.output.voice');
    }
  }
  return params;
}

/** `input`: items of its own, or references to the conversation's. */
function readInput(value: unknown, source: InputSource): Item[] {
  if (!Array.isArray(value)) throw invalidType('response.input', 'an array');
  return value.map((raw: unknown, i) => {
    const path = `response.input[${i}]`;
    const item = objectAt(raw, path);
    if (item.type !== 'item_reference') {
      const id = item.id === undefined ? `input_${i}` : stringAt(item.id, `${path}.id`);
      return readItem(id, item, path, source.decodeAudio);
    }
    refuseUnknown(item, ['type', 'id'], path);
    if (item.id === undefined) throw missing(`${path}.id`);
    const id = stringAt(item.id, `${path}.id`);
    const found = source.find(id);
    if (found === undefined) throw invalidValue(`${path}.id`, `no item with id '${id}' in the conversation`);
    return found;
  });
}
