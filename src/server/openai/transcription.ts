// Input audio transcription, stand-in style: the transcript says how much audio was heard.
import type { Item } from './items.js';
import { split } from './responses.js';
import { inputAudioTokens, textTokens } from './usage.js';
import type { Json } from './wire.js';

/** The models the dev server "has"; any other makes every transcription fail (a way to test that path). */
const MODELS = [
  'whisper-1',
  'gpt-transcribe',
  'gpt-live-transcribe',
  'gpt-4o-mini-transcribe',
  'gpt-4o-mini-transcribe-2025-12-15',
  'gpt-4o-transcribe',
  'gpt-4o-transcribe-diarize',
  'gpt-realtime-whisper',
];

/**
 * Transcribes a committed user audio item (its content part 0) as `config` (the session's
 * `audio.input.transcription`) asks: the events to send, in order - `...delta`s then `...completed`, or
 * `...failed` for a model the dev server does not know. The item's part gets the transcript.
 */
export function transcribe(item: Item, config: Json, outputRate: number): Json[] {
  const ids = { item_id: item.id, content_index: 0 };
  const model = typeof config.model === 'string' ? config.model : 'whisper-1';
  if (!MODELS.includes(model)) {
    return [
      {
        type: 'conversation.item.input_audio_transcription.failed',
        ...ids,
        error: {
          type: 'invalid_request_error',
          code: 'model_not_found',
          message: `The transcription model '${model}' does not exist or you do not have access to it.`,
          param: 'audio.input.transcription.model',
        },
      },
    ];
  }
  const seconds = (item.audio?.length ?? 0) / outputRate;
  const transcript = `(${seconds.toFixed(2)} s of audio)`;
  (item.wire.content as Json[])[0].transcript = transcript;
  // Whisper models bill by duration; the others by tokens.
  const audioTokens = inputAudioTokens(seconds * 1000);
  const outputTokens = textTokens(transcript);
  const usage = model.includes('whisper')
    ? { type: 'duration', seconds: Math.round(seconds * 100) / 100 }
    : {
        type: 'tokens',
        input_tokens: audioTokens,
        output_tokens: outputTokens,
        total_tokens: audioTokens + outputTokens,
        input_token_details: { text_tokens: 0, audio_tokens: audioTokens },
      };
  return [
    ...split(transcript).map((delta) => ({
      type: 'conversation.item.input_audio_transcription.delta',
      ...ids,
      delta,
    })),
    { type: 'conversation.item.input_audio_transcription.completed', ...ids, transcript, usage },
  ];
}
