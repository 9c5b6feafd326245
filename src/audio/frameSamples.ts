import type { RealtimeAudioFrame } from '../protocol/frame.js';
import { AudioError } from './audioError.js';
import { base64ToBytes, base64ToPcm16 } from './base64.js';
import { g711ToPcm16, shownValue, type G711Law } from './g711.js';

/**
 * The G.711 law of a frame encoding, `undefined` for PCM16 (`'pcm16'` or absent); for anything else
 * throws an `AudioError` (`options`) whose message starts with `what`.
 * @internal
 */
export function lawOfEncoding(encoding: unknown, what: string): G711Law | undefined {
  if (encoding === undefined || encoding === 'pcm16') return undefined;
  if (encoding === 'g711_ulaw') return 'ulaw';
  if (encoding === 'g711_alaw') return 'alaw';
  throw new AudioError(
    'options',
    `${what} must be 'pcm16', 'g711_ulaw' or 'g711_alaw', got ${shownValue(encoding)}`,
  );
}

/**
 * A frame's samples as int16, interleaved as in the frame: PCM16 data as it is, G.711 data decoded.
 * The result owns a new ArrayBuffer of exactly its length.
 * @throws {AudioError} `base64` for data that is not padded base64 (or, for PCM16, an odd byte count);
 *   `options` for an unknown `encoding`.
 * @internal
 */
export function frameSamples(frame: RealtimeAudioFrame): Int16Array {
  const law = lawOfEncoding(frame.encoding, 'audio frame encoding');
  return law === undefined ? base64ToPcm16(frame.data) : g711ToPcm16(base64ToBytes(frame.data), law);
}
