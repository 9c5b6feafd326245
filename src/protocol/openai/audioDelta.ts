import type { Decoded, ServerEventSink } from '../dialect.js';
import { base64ByteLength, isBase64 } from '../base64.js';
import type { RealtimeAudioFrame } from '../frame.js';
import type { RealtimeEventOf } from '../events.js';
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
  const event = audioOutOf(delta, itemId, type, format);
  if (sink !== undefined && event.type !== 'invalid') sink(message);
  return event;
}

/** The `audio.out` event of a delta whose fields are checked and whose `delta` is padded base64. */
function audioOutOf(
  delta: string,
  itemId: string,
  type: AudioDeltaType,
  format: FrameFormat,
): RealtimeEventOf<'audio.out' | 'invalid'> {
  const bytes = base64ByteLength(delta);
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
  return { type: 'audio.out', frame };
}

/** How a GA audio delta's text begins when the server writes it compactly, `type` first. */
const COMPACT_PREFIX = '{"type":"response.output_audio.delta",';

// The delta's other fields, each one bit of `seen`, found by how its key starts in compact JSON.
const EVENT_ID = 1;
const RESPONSE_ID = 2;
const ITEM_ID = 4;
const OUTPUT_INDEX = 8;
const CONTENT_INDEX = 16;
const DELTA = 32;
const ALL_FIELDS = 63;
// In the order servers write them, so the first key tried is mostly the one there.
const KEYS = [
  '"event_id":"',
  '"response_id":"',
  '"item_id":"',
  '"output_index":',
  '"content_index":',
  '"delta":"',
];
const KEY_FIELDS = [EVENT_ID, RESPONSE_ID, ITEM_ID, OUTPUT_INDEX, CONTENT_INDEX, DELTA];

/**
 * A GA audio delta decoded straight from its text, without `JSON.parse`, or `undefined` for the
 * general path (parse, then {@link decodeAudioDelta} or the codec) to decide.
 *
 * A delta's text is mostly its base64 `delta`, which `JSON.parse` copies character by character
 * into a new string before the base64 check reads it all again; here the check is the only pass.
 * Only the form servers write is read: compact JSON, `type` first, exactly the seven fields of
 * `ResponseAudioDeltaEvent` once each in any order, strings without escapes or control characters,
 * indexes as plain non-negative integers. Anything else, valid or not, goes the general way, so what
 * this accepts is exactly what the general path accepts, with the same event (the `delta` string is
 * its base64 as written: a `"` or `\\` in it fails the base64 check and goes the general way too).
 * @internal
 */
export function scanAudioDelta(text: string, format: FrameFormat): Decoded | undefined {
  if (!text.startsWith(COMPACT_PREFIX)) return undefined;
  const inWireOrder = scanWireOrder(text, format);
  return inWireOrder !== null ? inWireOrder : scanAnyOrder(text, format);
}

// The fields before `delta` as servers write them, in their order: two sticky patterns (the item id
// between them) so that the engine's compiled regular expressions, not a loop per character, read
// them, which also costs far less to optimize in a process that has just started.
// eslint-disable-next-line no-control-regex -- control characters are what a plain JSON string lacks
const IDS_IN_WIRE_ORDER = /"event_id":"[^"\\\x00-\x1f]*","response_id":"[^"\\\x00-\x1f]*","item_id":"/y;
const REST_IN_WIRE_ORDER =
  // eslint-disable-next-line no-control-regex -- as above
  /[^"\\\x00-\x1f]*","output_index":(?:0|[1-9][0-9]*),"content_index":(?:0|[1-9][0-9]*),"delta":"/y;

/**
 * {@link scanAudioDelta} for a delta whose fields come in the order servers write them: `null` when
 * they do not (the any-order scan decides), `undefined` when they do but the rest is not what the
 * scan accepts (the general path tells what is wrong; the any-order scan would refuse it too).
 */
function scanWireOrder(text: string, format: FrameFormat): Decoded | undefined | null {
  IDS_IN_WIRE_ORDER.lastIndex = COMPACT_PREFIX.length;
  if (!IDS_IN_WIRE_ORDER.test(text)) return null;
  const itemIdAt = IDS_IN_WIRE_ORDER.lastIndex;
  REST_IN_WIRE_ORDER.lastIndex = itemIdAt;
  if (!REST_IN_WIRE_ORDER.test(text)) return null;
  const deltaAt = REST_IN_WIRE_ORDER.lastIndex;
  const end = text.length - 2; // before the closing `"}`
  if (end < deltaAt || text.charCodeAt(end) !== 34 || text.charCodeAt(end + 1) !== 125) return undefined;
  // A `"` inside would make it more than one field; the base64 check refuses it.
  const delta = text.slice(deltaAt, end);
  if (!isBase64(delta)) return undefined;
  const itemId = text.slice(itemIdAt, text.indexOf('"', itemIdAt));
  return audioOutOf(delta, itemId, 'response.output_audio.delta', format);
}

/** {@link scanAudioDelta} for the fields in any order, each once. */
function scanAnyOrder(text: string, format: FrameFormat): Decoded | undefined {
  const last = text.length - 1;
  let at = COMPACT_PREFIX.length;
  let seen = 0;
  let itemId = '';
  let delta = '';
  let firstKey = 0; // the key tried first: the one after the last found (one try per field in wire order)
  for (;;) {
    let field = 0;
    let valueAt = 0;
    for (let tries = 0, k = firstKey; tries < KEYS.length; tries++, k = k === KEYS.length - 1 ? 0 : k + 1) {
      if (text.startsWith(KEYS[k], at)) {
        field = KEY_FIELDS[k];
        valueAt = at + KEYS[k].length;
        firstKey = k === KEYS.length - 1 ? 0 : k + 1;
        break;
      }
    }
    if (field === 0 || (seen & field) !== 0) return undefined;
    seen |= field;
    if (field === OUTPUT_INDEX || field === CONTENT_INDEX) {
      at = plainIntegerEnd(text, valueAt);
      if (at < 0) return undefined;
    } else {
      const close = text.indexOf('"', valueAt);
      if (close < 0) return undefined;
      if (field === DELTA) delta = text.slice(valueAt, close);
      else if (!isPlainString(text, valueAt, close)) return undefined;
      else if (field === ITEM_ID) itemId = text.slice(valueAt, close);
      at = close + 1;
    }
    const next = text.charCodeAt(at);
    if (next === 44 /* , */ && at < last) {
      at++;
      continue;
    }
    if (next === 125 /* } */ && at === last && seen === ALL_FIELDS) break;
    return undefined;
  }
  if (!isBase64(delta)) return undefined;
  return audioOutOf(delta, itemId, 'response.output_audio.delta', format);
}

/** Whether `text[from, to)` is a JSON string's content that means itself: no escape, no control character. */
function isPlainString(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x5c) return false;
  }
  return true;
}

/** Where a JSON integer without sign, fraction or exponent that starts at `from` ends, or -1. */
function plainIntegerEnd(text: string, from: number): number {
  const first = text.charCodeAt(from);
  if (first === 48 /* 0 */) {
    const after = text.charCodeAt(from + 1);
    return after >= 48 && after <= 57 ? -1 : from + 1;
  }
  if (!(first >= 49 && first <= 57)) return -1;
  let at = from + 1;
  for (let code = text.charCodeAt(at); code >= 48 && code <= 57; code = text.charCodeAt(++at));
  return at;
}

/** The event of a delta its codec accepted, which the checks above accept too. */
function audioOut(m: AudioDelta, context: AudioContext): Decoded {
  return decodeAudioDelta(m, m.type, context.output, undefined)!;
}
