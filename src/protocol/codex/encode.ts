import type { AudioEnvelope, SessionParams } from '../dialect.js';
import type { RealtimeAudioFrame } from '../frame.js';

/** First frame: `session.create`, keys in Codex's order; `conversation_id` only when resuming. */
export function sessionMessage(params: SessionParams): string {
  const session: { backend_prompt: string; conversation_id?: string } = {
    backend_prompt: params.prompt ?? '',
  };
  if (params.sessionId !== undefined) session.conversation_id = params.sessionId;
  return JSON.stringify({ type: 'session.create', session });
}

/** The text before every audio frame's data. */
const AUDIO_HEAD = '{"type":"response.input_audio.delta","delta":"';
/** The last envelope made, kept for the next frame (a stream's frames all have the same format). */
let lastEnvelope: AudioEnvelope = [AUDIO_HEAD, '}'];
let lastFormat: { sampleRate: number; numChannels: number; samplesPerChannel: number | undefined } = {
  sampleRate: NaN,
  numChannels: NaN,
  samplesPerChannel: undefined,
};

/**
 * One outbound audio frame, as the text around its data. Concatenated rather than stringified:
 * safe because the frame was validated first, so `data` is pure base64 (nothing to escape) and the
 * numbers are integers (their `String` form is their JSON form).
 */
export function audioEnvelope(frame: RealtimeAudioFrame): AudioEnvelope {
  const { sampleRate, numChannels, samplesPerChannel } = frame;
  const last = lastFormat;
  if (
    sampleRate === last.sampleRate &&
    numChannels === last.numChannels &&
    samplesPerChannel === last.samplesPerChannel
  )
    return lastEnvelope;
  const tail = '","sample_rate":' + sampleRate + ',"num_channels":' + numChannels;
  lastFormat = { sampleRate, numChannels, samplesPerChannel };
  return (lastEnvelope = Object.freeze([
    AUDIO_HEAD,
    samplesPerChannel === undefined ? tail + '}' : tail + ',"samples_per_channel":' + samplesPerChannel + '}',
  ] as const));
}

/** One user text message; the text is the only variable part and `JSON.stringify` escapes it. */
export function encodeText(text: string): string {
  return (
    '{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"text","text":' +
    JSON.stringify(text) +
    '}]}}'
  );
}
