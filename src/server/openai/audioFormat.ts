import { base64ToBytes, base64ToPcm16, bytesToBase64, pcm16ToBase64 } from '../../audio/base64.js';
import { g711ToPcm16, pcm16ToG711, type G711Law } from '../../audio/g711.js';
import { invalidValue, objectAt, type Json } from './wire.js';

/** GA PCM input audio is 16-bit mono at 24 kHz; there is no per-frame rate. */
export const INPUT_RATE = 24_000;

/**
 * One direction's wire audio: what the session shows, and how a chunk's base64 becomes PCM16 samples
 * and back. Every audio path (input buffer, item audio, spoken replies) goes through one of these, so
 * a new format is one more case in {@link audioCodec} and {@link audioFormatAt}.
 */
export interface AudioCodec {
  /** The session's `format` object. */
  readonly format: Json;
  /** Samples per second on the wire. */
  readonly sampleRate: number;
  /** Base64 to PCM16 samples; throws on bad data. */
  readonly decode: (base64: string) => Int16Array;
  /** PCM16 samples to base64. */
  readonly encode: (pcm: Int16Array) => string;
}

function pcm16(rate: number): AudioCodec {
  return {
    format: { type: 'audio/pcm', rate },
    sampleRate: rate,
    decode: base64ToPcm16,
    encode: pcm16ToBase64,
  };
}

/** G.711 at 8 kHz, one byte per sample, bit-exact with the ITU-T reference. */
function g711(type: 'audio/pcmu' | 'audio/pcma'): AudioCodec {
  const law: G711Law = type === 'audio/pcmu' ? 'ulaw' : 'alaw';
  return {
    format: { type },
    sampleRate: G711_RATE,
    decode: (base64) => g711ToPcm16(base64ToBytes(base64), law),
    encode: (pcm) => bytesToBase64(pcm16ToG711(pcm, law)),
  };
}

const G711_RATE = 8000;

/** The codec of a format the session holds (one {@link audioFormatAt} returned). */
export function audioCodec(format: Json): AudioCodec {
  return format.type === 'audio/pcmu' || format.type === 'audio/pcma'
    ? g711(format.type)
    : pcm16(format.rate as number);
}

/**
 * A client's `format`, checked (a format without `type` is PCM, as GA reads it): PCM16 at one rate per
 * direction (24 kHz in, the server's output rate out), or G.711 (`audio/pcmu`, `audio/pcma`, 8 kHz).
 */
export function audioFormatAt(value: unknown, path: string, rate: number): Json {
  const format = objectAt(value, path);
  if (format.type === 'audio/pcmu' || format.type === 'audio/pcma') {
    if (Object.keys(format).some((key) => key !== 'type'))
      throw invalidValue(path, `${JSON.stringify(format)}; a G.711 format has only its type`);
    return g711(format.type).format;
  }
  if (format.type !== undefined && format.type !== 'audio/pcm')
    throw invalidValue(
      `${path}.type`,
      `${JSON.stringify(format.type)}; expected 'audio/pcm', 'audio/pcmu' or 'audio/pcma'`,
    );
  if (format.rate !== undefined && format.rate !== rate)
    throw invalidValue(`${path}.rate`, `${JSON.stringify(format.rate)}; expected ${rate}`);
  return pcm16(rate).format;
}
