// Conversation items: what a client may create (checked per GA type and role), as the server keeps them.
import { concat } from '../audioIntake.js';
import { invalidType, invalidValue, isObject, missing, oneOf, stringAt, type Json } from './wire.js';

/** One conversation item as the server keeps it. */
export interface Item {
  id: string;
  /** What the events show (never audio data). */
  wire: Json;
  /** A user item's audio, at the output rate, for echoing. */
  audio?: Float32Array;
  /** An assistant audio item's length in ms: what was sent, or what it was truncated to. */
  audioMs?: number;
  /** A response already acted on the scripted command this user text carries. */
  scriptUsed?: boolean;
}

/** Base64 item audio to samples at the output rate; throws a ClientError naming `path`. */
export type ItemAudioDecoder = (base64: string, path: string) => Float32Array;

const PARTS_BY_ROLE: Record<string, readonly string[]> = {
  user: ['input_text', 'input_audio', 'input_image'],
  system: ['input_text'],
  developer: ['input_text'],
  assistant: ['output_text', 'output_audio'],
};

/**
 * GA has no `developer` role, but the Codex CLI sends `developer` messages: the server takes them as
 * the GA `system` message they are, so what it shows stays valid GA.
 */
const GA_ROLE: Record<string, string> = { developer: 'system' };

/**
 * A client's item (`conversation.item.create`'s `item`, or one of `response.create`'s `input`, at
 * `path`) checked and normalized, with the id `id`. Content parts keep only their GA fields, and audio
 * data stays out of the wire form.
 */
export function readItem(id: string, raw: Json, path: string, decodeAudio: ItemAudioDecoder): Item {
  const base = { id, object: 'realtime.item', type: raw.type, status: 'completed' };
  switch (raw.type) {
    case 'message': {
      const role = raw.role;
      if (typeof role !== 'string' || PARTS_BY_ROLE[role] === undefined)
        throw invalidValue(
          `${path}.role`,
          `${JSON.stringify(role)}; expected 'user', 'system', 'developer' or 'assistant'`,
        );
      if (!Array.isArray(raw.content)) throw missing(`${path}.content`);
      const audio: Float32Array[] = [];
      const content = raw.content.map((part: unknown, i) =>
        readPart(part, role, `${path}.content[${i}]`, (base64, at) => audio.push(decodeAudio(base64, at))),
      );
      return {
        id,
        wire: { ...base, role: GA_ROLE[role] ?? role, content },
        ...(audio.length > 0 ? { audio: concat(audio) } : {}),
      };
    }
    case 'function_call_output':
      return {
        id,
        wire: {
          ...base,
          call_id: requiredString(raw.call_id, `${path}.call_id`),
          output: requiredString(raw.output, `${path}.output`),
        },
      };
    case 'function_call':
      return {
        id,
        wire: {
          ...base,
          call_id: raw.call_id === undefined ? `call_dev_${id}` : stringAt(raw.call_id, `${path}.call_id`),
          name: requiredString(raw.name, `${path}.name`),
          arguments: raw.arguments === undefined ? '' : stringAt(raw.arguments, `${path}.arguments`),
        },
      };
    default:
      throw invalidValue(
        `${path}.type`,
        `${JSON.stringify(raw.type)}; the dev server takes 'message', 'function_call' and 'function_call_output'`,
      );
  }
}

function readPart(
  part: unknown,
  role: string,
  path: string,
  audio: (base64: string, path: string) => void,
): Json {
  if (!isObject(part) || typeof part.type !== 'string') throw invalidValue(path, 'expected a content part');
  const allowed = PARTS_BY_ROLE[role];
  if (!allowed.includes(part.type))
    throw invalidValue(
      `${path}.type`,
      `'${part.type}'; a ${role} message takes ${allowed.map((t) => `'${t}'`).join(', ')}`,
    );
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: part.type, text: requiredString(part.text, `${path}.text`) };
    case 'input_audio':
    case 'output_audio': {
      if (part.audio !== undefined) {
        const base64 = stringAt(part.audio, `${path}.audio`);
        if (part.type === 'input_audio') audio(base64, `${path}.audio`);
      }
      return part.transcript === undefined
        ? { type: part.type }
        : { type: part.type, transcript: stringAt(part.transcript, `${path}.transcript`) };
    }
    default: {
      const url = requiredString(part.image_url, `${path}.image_url`);
      if (!/^data:image\/[\w.+-]+;base64,/.test(url) && !url.startsWith('https://'))
        throw invalidValue(
          `${path}.image_url`,
          'expected a data: URL (data:image/...;base64,...) or an https URL',
        );
      const detail =
        part.detail === undefined ? 'auto' : oneOf(part.detail, ['auto', 'low', 'high'], `${path}.detail`);
      return { type: 'input_image', image_url: url, detail };
    }
  }
}

function requiredString(value: unknown, path: string): string {
  if (value === undefined) throw missing(path);
  if (typeof value !== 'string') throw invalidType(path, 'a string');
  return value;
}

/** The message's words: its texts, else its transcripts. */
export function textOf(item: Item): string {
  const parts = (item.wire.content ?? []) as Json[];
  return parts
    .map((part) =>
      typeof part.text === 'string' ? part.text : typeof part.transcript === 'string' ? part.transcript : '',
    )
    .join('');
}

/** The `input_image` parts of a message. */
export function imagesOf(item: Item): Json[] {
  return ((item.wire.content ?? []) as Json[]).filter((part) => part.type === 'input_image');
}

/** What a response answers: a user message or a tool's output. */
export function isInput(item: Item): boolean {
  return (
    item.wire.type === 'function_call_output' || (item.wire.type === 'message' && item.wire.role === 'user')
  );
}
