import type { AudioEnvelope } from '../dialect.js';

/** `{"type":"response.create"}`: the one response request without a body, built once. */
export const RESPONSE_CREATE = '{"type":"response.create"}';
export const RESPONSE_CANCEL = '{"type":"response.cancel"}';

/**
 * One outbound audio frame, `input_audio_buffer.append` with the samples only (the session declared
 * their format; see `openaiAudioProblem`), as the text around its data: the same for every frame.
 * The frame was validated, so `data` is pure base64 with nothing to escape.
 */
export const AUDIO_ENVELOPE: AudioEnvelope = Object.freeze([
  '{"type":"input_audio_buffer.append","audio":"',
  '"}',
] as const);

/**
 * One user text as a conversation item, with the id `itemId` when given (the server names it when it
 * adds the item: the text's acknowledgement); `JSON.stringify` escapes the text and the id.
 */
export function encodeTextItem(text: string, itemId?: string): string {
  return (
    (itemId === undefined
      ? '{"type":"conversation.item.create","item":{'
      : '{"type":"conversation.item.create","item":{"id":' + JSON.stringify(itemId) + ',') +
    '"type":"message","role":"user","content":[{"type":"input_text","text":' +
    JSON.stringify(text) +
    '}]}}'
  );
}

/** A tool's result as a conversation item. */
export function functionCallOutput(callId: string, output: string): string {
  return JSON.stringify({
    type: 'conversation.item.create',
    item: { type: 'function_call_output', call_id: callId, output },
  });
}

export function itemTruncate(itemId: string, contentIndex: number, audioEndMs: number): string {
  return JSON.stringify({
    type: 'conversation.item.truncate',
    item_id: itemId,
    content_index: contentIndex,
    audio_end_ms: audioEndMs,
  });
}

export function itemDelete(itemId: string): string {
  return JSON.stringify({ type: 'conversation.item.delete', item_id: itemId });
}

export const INPUT_COMMIT = '{"type":"input_audio_buffer.commit"}';
export const INPUT_CLEAR = '{"type":"input_audio_buffer.clear"}';
export const OUTPUT_CLEAR = '{"type":"output_audio_buffer.clear"}';

/** `response.create` with its parameters (none: the body-less request). */
export function responseCreateWith(response: Record<string, unknown> | undefined): string {
  return response === undefined ? RESPONSE_CREATE : JSON.stringify({ type: 'response.create', response });
}

/** Any conversation item, after `previousItemId` when given. */
export function itemCreate(item: unknown, previousItemId: string | undefined): string {
  return previousItemId === undefined
    ? JSON.stringify({ type: 'conversation.item.create', item })
    : JSON.stringify({ type: 'conversation.item.create', previous_item_id: previousItemId, item });
}

export function itemRetrieve(itemId: string): string {
  return JSON.stringify({ type: 'conversation.item.retrieve', item_id: itemId });
}
