import type { Decoded, ServerEventSink } from '../dialect.js';
import { isBase64 } from '../base64.js';
import type { RealtimeAudioFrame } from '../frame.js';
import { decoder, type MessageDecoder, type ParsedMessage } from '../messageDecoder.js';
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
 * The decoder of one audio delta type, for the dispatch table: {@link decodeAudioDelta}, and the
 * codec's own decoder for what it refuses, so a bad delta is `invalid` with the codec's detail, as any
 * event is.
 */
export function audioDeltaDecoder(type: AudioDeltaType): MessageDecoder<AudioContext> {
  const general = decoder(OpenAIServerEventCodecs[type], audioOut);
  return (message, messageType, context, sink) =>
    decodeAudioDelta(message as ParsedMessage, type, context.output, sink) ??
    general(message, messageType, context, sink);
}

/**
 * A valid audio delta of `type` decoded, or `undefined` for the codec's decoder to tell what is wrong.
 * Deltas are most of what a server sends, so their codec's checks are written out here, in one
 * function: a few `typeof`s and the base64 check, where the codec walks its fields through a dozen
 * calls. They accept exactly what the codec's `is` accepts (`ResponseAudioDeltaEvent`: the content
 * position, strings and any numbers as the GA types have them, base64 `delta`, the `type`) of a parsed
 * JSON object (see `parseFrame`), which is all the codec asks of the whole. The sink gets the message
 * unless its event is `invalid` (as `decoder` does).
 */
export function decodeAudioDelta(
  message: ParsedMessage,
  type: AudioDeltaType,
  format: FrameFormat,
  sink: ServerEventSink | undefined,
): Decoded | undefined {
  const delta = message.delta;
  const itemId = message.item_id;
  if (
    message.type !== type ||
    typeof delta !== 'string' ||
    typeof itemId !== 'string' ||
    typeof message.response_id !== 'string' ||
    typeof message.event_id !== 'string' ||
    typeof message.output_index !== 'number' ||
    typeof message.content_index !== 'number' ||
    !isBase64(delta)
  )
    return undefined;
  const length = delta.length;
  // As base64ByteLength counts them, of a text known to be padded base64.
  const bytes =
    (length / 4) * 3 -
    (length === 0 || delta.charCodeAt(length - 1) !== 61 ? 0 : delta.charCodeAt(length - 2) === 61 ? 2 : 1);
  if (bytes % format.bytesPerSample !== 0) {
    return {
      type: 'invalid',
      messageType: type,
      detail: `delta holds ${bytes} bytes, not whole samples of ${format.name}`,
    };
  }
  const frame: RealtimeAudioFrame = {
    data: delta,
    sampleRate: format.sampleRate,
    numChannels: OPENAI_CHANNELS,
    samplesPerChannel: bytes / format.bytesPerSample,
    itemId,
  };
  if (format.encoding !== undefined) frame.encoding = format.encoding;
  if (sink !== undefined) sink(message);
  return { type: 'audio.out', frame };
}

/** The event of a delta its codec accepted, which the checks above accept too. */
function audioOut(m: AudioDelta, context: AudioContext): Decoded {
  return decodeAudioDelta(m, m.type, context.output, undefined)!;
}
