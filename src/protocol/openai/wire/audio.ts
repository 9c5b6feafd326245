import * as t from 'io-ts';
import { allOptional, byKind, discriminated, nullable, oneOf, struct } from './primitives.js';

/** A session's audio configuration: formats, turn detection, noise reduction, input transcription. */

/** `{ type: 'audio/pcm', rate: 24000 }`, `{ type: 'audio/pcmu' }` or `{ type: 'audio/pcma' }`; every field optional. */
export const AudioFormatCodec = discriminated(
  'type',
  {
    'audio/pcm': allOptional('RealtimeAudioFormats.AudioPCM', {
      rate: t.literal(24000),
      type: t.literal('audio/pcm'),
    }),
    'audio/pcmu': allOptional('RealtimeAudioFormats.AudioPCMU', { type: t.literal('audio/pcmu') }),
    'audio/pcma': allOptional('RealtimeAudioFormats.AudioPCMA', { type: t.literal('audio/pcma') }),
  },
  'RealtimeAudioFormats',
  ['audio/pcm', 'audio/pcmu', 'audio/pcma'],
);

/** Server VAD or semantic VAD (the same shapes for conversation and transcription sessions). */
export const TurnDetectionCodec = discriminated(
  'type',
  {
    server_vad: struct(
      'RealtimeAudioInputTurnDetection.ServerVad',
      { type: t.literal('server_vad') },
      {
        create_response: t.boolean,
        idle_timeout_ms: nullable(t.number),
        interrupt_response: t.boolean,
        prefix_padding_ms: t.number,
        silence_duration_ms: t.number,
        threshold: t.number,
      },
    ),
    semantic_vad: struct(
      'RealtimeAudioInputTurnDetection.SemanticVad',
      { type: t.literal('semantic_vad') },
      {
        create_response: t.boolean,
        eagerness: oneOf('low', 'medium', 'high', 'auto'),
        interrupt_response: t.boolean,
      },
    ),
  },
  'RealtimeAudioInputTurnDetection',
);

/** Input transcription: the model and the hints it takes. */
export const AudioTranscriptionCodec = allOptional('AudioTranscription', {
  delay: oneOf('minimal', 'low', 'medium', 'high', 'xhigh'),
  keywords: t.array(t.string),
  language: t.string,
  languages: t.array(t.string),
  model: t.string,
  prompt: t.string,
});

/** The input side of a session's audio (the same shape for conversation and transcription sessions). */
export const AudioInputCodec = allOptional('RealtimeAudioConfigInput', {
  format: AudioFormatCodec,
  noise_reduction: allOptional('RealtimeAudioConfigInput.NoiseReduction', {
    strength: t.number,
    type: oneOf('near_field', 'far_field'),
  }),
  transcription: AudioTranscriptionCodec,
  turn_detection: nullable(TurnDetectionCodec),
});

/** A built-in voice's name, or a custom voice by id. */
export const VoiceCodec = byKind({
  string: t.string,
  object: struct('RealtimeAudioConfigOutput.ID', { id: t.string }),
});

/** The output side of a conversation session's audio. */
export const AudioOutputCodec = allOptional('RealtimeAudioConfigOutput', {
  format: AudioFormatCodec,
  speed: t.number,
  voice: VoiceCodec,
});
