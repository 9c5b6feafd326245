import type { Decoded, ServerEventSink } from '../dialect.js';
import { base64ByteLength, isBase64 } from '../base64.js';
import type { RealtimeAudioFrame } from '../frame.js';
import { decoder, type MessageDecoder } from '../messageDecoder.js';
import { OPENAI_CHANNELS, type FrameFormat } from './audio.js';
import { OpenAIServerEventCodecs, type OpenAIServerEventOf } from './wire/index.js';

/** The GA audio delta and its beta alias: the same fields, another `type`. */
type AudioDeltaType = 'response.output_audio.delta' | 'response.audio.delta';
type AudioDelta = OpenAIServerEventOf<AudioDeltaType>;

/** What an audio delta's event needs to know: the session's output format. */
interface AudioContext {
  readonly output: FrameFormat;
}

/**
 * The decoder of one audio delta type. Deltas are most of what a server sends, so the checks of their
 * codec are written out here (a few `typeof`s and the base64 check, where the codec walks its fields
 * through a dozen calls). They accept exactly what the codec's `is` accepts; anything they refuse goes
 * to the codec's own decoder, so a bad delta is `invalid` with the codec's detail, as any event is.
 */
export function audioDeltaDecoder(type: AudioDeltaType): MessageDecoder<AudioContext> {
  const general = decoder(OpenAIServerEventCodecs[type], audioOut);
  return (message, messageType, context, sink) => {
    const m = message as Record<string, unknown>;
    return isAudioDelta(m, type) ? audioOutTo(m, context, sink) : general(m, messageType, context, sink);
  };
}

/**
 * The fields of the codec (`ResponseAudioDeltaEvent`: content position, base64 `delta`, `type`), checked
 * as its `is` does: strings are strings, numbers are numbers (any number: the GA types ask no more).
 * `message` is a parsed JSON object (see `parseFrame`), which is all the codec asks of the whole.
 */
function isAudioDelta(message: Record<string, unknown>, type: AudioDeltaType): message is AudioDelta {
  const delta = message.delta;
  return (
    message.type === type &&
    typeof delta === 'string' &&
    typeof message.item_id === 'string' &&
    typeof message.response_id === 'string' &&
    typeof message.event_id === 'string' &&
    typeof message.output_index === 'number' &&
    typeof message.content_index === 'number' &&
    isBase64(delta)
  );
}

/** A valid delta's event; the sink gets the delta unless the event is `invalid` (as `decoder` does). */
function audioOutTo(message: AudioDelta, context: AudioContext, sink: ServerEventSink | undefined): Decoded {
  const event = audioOut(message, context);
  if (sink !== undefined && event.type !== 'invalid') sink(message);
  return event;
}

/** No sample is decoded: the count comes from the base64 length (the alphabet is checked already). */
function audioOut(m: AudioDelta, context: AudioContext): RealtimeEventOfAudio {
  const format = context.output;
  const bytes = base64ByteLength(m.delta);
  if (bytes % format.bytesPerSample !== 0) {
    return {
      type: 'invalid',
      messageType: m.type,
      detail: `delta holds ${bytes} bytes, not whole samples of ${format.name}`,
    };
  }
  const frame: RealtimeAudioFrame = {
    data: m.delta,
    sampleRate: format.sampleRate,
    numChannels: OPENAI_CHANNELS,
    samplesPerChannel: bytes / format.bytesPerSample,
    itemId: m.item_id,
  };
  if (format.encoding !== undefined) frame.encoding = format.encoding;
  return { type: 'audio.out', frame };
}

type RealtimeEventOfAudio = Extract<Decoded, { type: 'audio.out' | 'invalid' }>;
