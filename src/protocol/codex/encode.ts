import type { SessionParams } from '../dialect.js';
import type { RealtimeAudioFrame } from '../frame.js';

/** First frame: `session.create`, keys in Codex's order; `conversation_id` only when resuming. */
export function sessionMessage(params: SessionParams): string {
  const session: { backend_prompt: string; conversation_id?: string } = {
    backend_prompt: params.prompt ?? '',
  };
  if (params.sessionId !== undefined) session.conversation_id = params.sessionId;
  return JSON.stringify({ type: 'session.create', session });
}

/**
 * One outbound audio frame. Concatenated rather than stringified (50 frames/s per conversation): safe
 * because the frame was validated first, so `data` is pure base64 (nothing to escape) and the numbers
 * are integers (their `String` form is their JSON form).
 */
export function encodeAudio(frame: RealtimeAudioFrame): string {
  const head =
    '{"type":"response.input_audio.delta","delta":"' +
    frame.data +
    '","sample_rate":' +
    frame.sampleRate +
    ',"num_channels":' +
    frame.numChannels;
  return frame.samplesPerChannel === undefined
    ? head + '}'
    : head + ',"samples_per_channel":' + frame.samplesPerChannel + '}';
}

/** One user text message; the text is the only variable part and `JSON.stringify` escapes it. */
export function encodeText(text: string): string {
  return (
    '{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"text","text":' +
    JSON.stringify(text) +
    '}]}}'
  );
}
