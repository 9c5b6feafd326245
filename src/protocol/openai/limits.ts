import type * as t from 'io-ts';
import { isCount } from '../codecs.js';
import { formatDecodeErrors } from '../decodeErrors.js';
import { printable } from '../printable.js';
import {
  MAX_IDLE_TIMEOUT_MS,
  MAX_OUTPUT_TOKENS,
  MAX_SPEED,
  MIN_IDLE_TIMEOUT_MS,
  MIN_SPEED,
  TOOL_NAME,
} from './validate.js';
import {
  OpenAIClientEventCodecs,
  OpenAIConversationItemCodec,
  OpenAIResponseParamsCodec,
  type OpenAIClientEvent,
  type OpenAIResponseParams,
  type OpenAIWireSession,
} from './wire/index.js';

/** Metadata, as the API takes it: at most 16 pairs, keys up to 64 characters, values up to 512. */
const MAX_METADATA_PAIRS = 16;
const MAX_METADATA_KEY = 64;
const MAX_METADATA_VALUE = 512;
/** The largest `input_audio_buffer.append` the API takes. */
const MAX_APPEND_BASE64_CHARS = Math.ceil((15 * 1024 * 1024) / 3) * 4;

/**
 * Why a client event an app asked to send (a `client.event` control) would be refused, or
 * `undefined`: its shape by the GA codecs (the bad path named), then the ranges the API checks.
 */
export function clientEventProblem(event: unknown): string | undefined {
  const type = (event as { type?: unknown } | null)?.type;
  const codec =
    typeof type === 'string' && Object.hasOwn(OpenAIClientEventCodecs, type)
      ? (OpenAIClientEventCodecs as Record<string, t.Mixed>)[type]
      : undefined;
  if (codec === undefined)
    return `client.event type ${printable(type, 60)} is not a GA client event; known: ${Object.keys(OpenAIClientEventCodecs).join(', ')}`;
  const shape = shapeProblem(codec, event);
  if (shape !== undefined) return `client.event ${type as string}: ${shape}`;
  const range = rangeProblem(event as OpenAIClientEvent);
  return range === undefined ? undefined : `client.event ${type as string}: ${range}`;
}

/** Why an item of an `item.create` control would be refused, or `undefined`. */
export function itemProblem(item: unknown): string | undefined {
  const shape = shapeProblem(OpenAIConversationItemCodec, item);
  return shape === undefined ? undefined : `item: ${shape}`;
}

/** Why the `response` of a `response.create` control would be refused, or `undefined`. */
export function responseParamsProblem(params: unknown): string | undefined {
  const shape = shapeProblem(OpenAIResponseParamsCodec, params);
  if (shape !== undefined) return `response: ${shape}`;
  const range = responseRangeProblem(params as OpenAIResponseParams);
  return range === undefined ? undefined : `response: ${range}`;
}

function shapeProblem(codec: t.Mixed, value: unknown): string | undefined {
  if (codec.is(value)) return undefined;
  const result = codec.decode(value);
  return result._tag === 'Left' ? formatDecodeErrors(result.left) : undefined;
}

function rangeProblem(event: OpenAIClientEvent): string | undefined {
  switch (event.type) {
    case 'session.update':
      return sessionRangeProblem(event.session);
    case 'response.create':
      return event.response === undefined ? undefined : responseRangeProblem(event.response);
    case 'conversation.item.truncate':
      if (!isCount(event.audio_end_ms))
        return `audio_end_ms must be a non-negative integer, got ${printable(event.audio_end_ms)}`;
      if (!isCount(event.content_index))
        return `content_index must be a non-negative integer, got ${printable(event.content_index)}`;
      return undefined;
    case 'input_audio_buffer.append':
      return event.audio.length > MAX_APPEND_BASE64_CHARS ? 'audio holds more than 15 MiB' : undefined;
    default:
      return undefined;
  }
}

function sessionRangeProblem(session: OpenAIWireSession): string | undefined {
  if (session.type !== 'realtime') return undefined;
  const speed = session.audio?.output?.speed;
  if (speed !== undefined && !(speed >= MIN_SPEED && speed <= MAX_SPEED))
    return `session.audio.output.speed must be from ${MIN_SPEED} to ${MAX_SPEED}, got ${speed}`;
  const td = session.audio?.input?.turn_detection;
  if (td?.type === 'server_vad') {
    if (td.threshold !== undefined && !(td.threshold >= 0 && td.threshold <= 1))
      return `session.audio.input.turn_detection.threshold must be from 0 to 1, got ${td.threshold}`;
    for (const key of ['prefix_padding_ms', 'silence_duration_ms'] as const) {
      const ms = td[key];
      if (ms !== undefined && !isCount(ms))
        return `session.audio.input.turn_detection.${key} must be a non-negative integer, got ${String(ms)}`;
    }
    const idle = td.idle_timeout_ms;
    if (
      idle !== undefined &&
      idle !== null &&
      !(Number.isInteger(idle) && idle >= MIN_IDLE_TIMEOUT_MS && idle <= MAX_IDLE_TIMEOUT_MS)
    )
      return `session.audio.input.turn_detection.idle_timeout_ms must be an integer from ${MIN_IDLE_TIMEOUT_MS} to ${MAX_IDLE_TIMEOUT_MS}, got ${idle}`;
  }
  const tokens = maxTokensProblem(session.max_output_tokens);
  if (tokens !== undefined) return `session.${tokens}`;
  return toolsProblem(session.tools, 'session.tools');
}

function responseRangeProblem(params: OpenAIResponseParams): string | undefined {
  const tokens = maxTokensProblem(params.max_output_tokens);
  if (tokens !== undefined) return tokens;
  const metadata = params.metadata;
  if (metadata) {
    const keys = Object.keys(metadata);
    if (keys.length > MAX_METADATA_PAIRS)
      return `metadata holds ${keys.length} pairs; at most ${MAX_METADATA_PAIRS}`;
    for (const key of keys) {
      if (key.length > MAX_METADATA_KEY)
        return `metadata key ${printable(key, 20)} is longer than ${MAX_METADATA_KEY} characters`;
      if (metadata[key].length > MAX_METADATA_VALUE)
        return `metadata.${key} is longer than ${MAX_METADATA_VALUE} characters`;
    }
  }
  return toolsProblem(params.tools, 'tools');
}

function maxTokensProblem(value: number | 'inf' | undefined): string | undefined {
  if (value === undefined || value === 'inf') return undefined;
  return Number.isInteger(value) && value >= 1 && value <= MAX_OUTPUT_TOKENS
    ? undefined
    : `max_output_tokens must be an integer from 1 to ${MAX_OUTPUT_TOKENS} or "inf", got ${value}`;
}

/** Function tool names as the API takes them, unique. */
function toolsProblem(
  tools: readonly { type?: string; name?: string }[] | undefined,
  at: string,
): string | undefined {
  if (tools === undefined) return undefined;
  const names = new Set<string>();
  for (let i = 0; i < tools.length; i++) {
    const tool = tools[i];
    if (tool.type === 'mcp') continue;
    if (typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name))
      return `${at}[${i}].name must match ${TOOL_NAME.source}, got ${printable(tool.name, 40)}`;
    if (names.has(tool.name)) return `${at}[${i}].name ${printable(tool.name)} is not unique`;
    names.add(tool.name);
  }
  return undefined;
}
