import { AudioError } from './audioError.js';

/**
 * WAV (RIFF/WAVE) encoding and decoding on plain `Uint8Array`/`DataView`, so the same code runs in
 * Node and in browsers, and always writes/reads little-endian whatever the platform's byte order.
 *
 * Decoding policy (what a "malformed" file is):
 * - Chunks may come in any order; unknown ones (`LIST`, `fact`, `bext`, `JUNK`, ...) are skipped,
 *   honouring the pad byte after an odd-sized chunk (a missing pad byte at the very end is tolerated).
 * - The walk stops as soon as both `fmt ` and `data` are known: whatever follows (metadata, an
 *   appended ID3 tag, junk) is never read, so it cannot spoil good audio.
 * - The RIFF size field is not trusted (streaming writers leave it 0 or 0xFFFFFFFF); it is only
 *   used to tell a finalized file from one still being written (see `data` size 0 below).
 * - A `data` chunk whose declared size runs past the end of the file is an error (the file was
 *   truncated: handing back part of it silently would hide that). Exception, for streaming
 *   recorders that never patch the header: a size of 0xFFFFFFFF, or of 0 with bytes following (unless
 *   the RIFF size matches the file length exactly, i.e. the file was finalized and the chunk really is
 *   empty), means "to the end of the file".
 * - The sample bytes must be whole frames (`blockAlign` bytes each), or it is an error.
 * - `byteRate` and, for WAVE_FORMAT_EXTENSIBLE, `wValidBitsPerSample` and the channel mask are
 *   ignored: they do not change how samples are read (valid bits are the high bits of the container).
 */

const U32_MAX = 0xffff_ffff;
const MAX_ENCODE_CHANNELS = 16;
const RIFF_HEADER = 12;
const CHUNK_HEADER = 8;

const FORMAT_PCM = 0x0001;
const FORMAT_FLOAT = 0x0003;
const FORMAT_EXTENSIBLE = 0xfffe;

/** Names for the format tags people actually run into, so the error says more than a number. */
const FORMAT_NAMES: Readonly<Record<number, string>> = {
  0x0000: 'unknown',
  0x0002: 'Microsoft ADPCM',
  0x0006: 'A-law',
  0x0007: 'µ-law',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0050: 'MPEG',
  0x0055: 'MPEG Layer 3',
  0x0161: 'WMA',
  0x2000: 'AC-3',
  0xf1ac: 'FLAC',
};

/** Bytes 2..15 of every KSDATAFORMAT_SUBTYPE_* GUID derived from a format tag (xxxx0000-0000-0010-8000-00AA00389B71). */
const GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

/**
 * Encodes interleaved samples as a WAV file: an `Int16Array` as 16-bit PCM (format 1, 44-byte
 * header), a `Float32Array` as 32-bit IEEE float (format 3, 58-byte header). For float the `fmt `
 * chunk carries `cbSize` and a `fact` chunk gives the frame count, as the RIFF spec asks of non-PCM
 * formats (some strict readers refuse float files without them). Float samples are written as they
 * are: values outside [-1, 1], NaN and infinities are not clamped (use `toPcm16()` for that).
 *
 * @param samples interleaved samples, `numChannels` per frame.
 * @param o the sample rate (a positive integer, Hz) and the channel count (an integer, 1 to 16).
 * @returns the whole file.
 * @throws AudioError of kind `'options'` when the options are not usable, `samples` is not a whole
 *   number of frames, or the file would exceed what the 32-bit RIFF size fields can hold (4 GiB).
 *
 * @example
 * Save a second of a 440 Hz tone recorded at 24 kHz
 * ```ts
 * import { encodeWav } from 'realtime-rx';
 *
 * const tone = Int16Array.from({ length: 24_000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 24_000)));
 * const file = encodeWav(tone, { sampleRate: 24_000, numChannels: 1 });
 * const url = URL.createObjectURL(new Blob([file], { type: 'audio/wav' }));
 * ```
 */
export function encodeWav(
  samples: Int16Array | Float32Array,
  o: { sampleRate: number; numChannels: number },
): Uint8Array<ArrayBuffer> {
  const kind = typeName(samples);
  if (kind !== 'Int16Array' && kind !== 'Float32Array') {
    throw new AudioError(
      'options',
      `encodeWav: samples must be an Int16Array or a Float32Array, got ${kind}`,
    );
  }
  if (typeof o !== 'object' || o === null) {
    throw new AudioError(
      'options',
      `encodeWav: options { sampleRate, numChannels } are required, got ${typeName(o)}`,
    );
  }
  const { sampleRate, numChannels } = o;
  if (!Number.isInteger(numChannels) || numChannels < 1 || numChannels > MAX_ENCODE_CHANNELS) {
    throw new AudioError(
      'options',
      `encodeWav: numChannels must be an integer from 1 to ${MAX_ENCODE_CHANNELS}, got ${String(numChannels)}`,
    );
  }
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) {
    throw new AudioError(
      'options',
      `encodeWav: sampleRate must be a positive integer, got ${String(sampleRate)}`,
    );
  }
  if (samples.length % numChannels !== 0) {
    throw new AudioError(
      'options',
      `encodeWav: ${samples.length} samples are not a whole number of ${numChannels}-channel frames`,
    );
  }
  const float = kind === 'Float32Array';
  const bytesPerSample = float ? 4 : 2;
  const blockAlign = numChannels * bytesPerSample;
  if (sampleRate * blockAlign > U32_MAX) {
    throw new AudioError(
      'options',
      `encodeWav: sampleRate ${sampleRate} is too high: its byte rate (${blockAlign} bytes per frame) does not fit in 32 bits`,
    );
  }
  const headerBytes = float ? 58 : 44;
  const dataBytes = samples.length * bytesPerSample;
  if (headerBytes - CHUNK_HEADER + dataBytes > U32_MAX) {
    throw new AudioError(
      'options',
      `encodeWav: ${dataBytes} bytes of samples do not fit in a WAV file (4 GiB at most)`,
    );
  }

  const out = new Uint8Array(headerBytes + dataBytes);
  const view = new DataView(out.buffer);
  let p = 0;
  const id = (fourcc: string) => {
    for (let i = 0; i < 4; i++) out[p++] = fourcc.charCodeAt(i);
  };
  const u16 = (value: number) => {
    view.setUint16(p, value, true);
    p += 2;
  };
  const u32 = (value: number) => {
    view.setUint32(p, value, true);
    p += 4;
  };

  id('RIFF');
  u32(out.length - CHUNK_HEADER);
  id('WAVE');
  id('fmt ');
  u32(float ? 18 : 16);
  u16(float ? FORMAT_FLOAT : FORMAT_PCM);
  u16(numChannels);
  u32(sampleRate);
  u32(sampleRate * blockAlign);
  u16(blockAlign);
  u16(bytesPerSample * 8);
  if (float) {
    u16(0); // cbSize: no extension
    id('fact');
    u32(4);
    u32(samples.length / numChannels);
  }
  id('data');
  u32(dataBytes);
  if (float) {
    for (let i = 0; i < samples.length; i++, p += 4) view.setFloat32(p, samples[i], true);
  } else {
    for (let i = 0; i < samples.length; i++, p += 2) view.setInt16(p, samples[i], true);
  }
  return out;
}

/** What decoding needs from the `fmt ` chunk. */
interface Format {
  numChannels: number;
  sampleRate: number;
  bits: number;
  float: boolean;
  blockAlign: number;
}

/** Where the sample bytes are. */
interface DataChunk {
  at: number;
  start: number;
  length: number;
  /** The declared size was a streaming placeholder: the bytes run to the end of the file. */
  toEnd: boolean;
}

/**
 * Decodes a WAV file into interleaved Float32 samples: PCM 8-bit (unsigned), 16, 24 and 32-bit
 * (signed), IEEE float 32 and 64-bit, and WAVE_FORMAT_EXTENSIBLE whose subformat is PCM or IEEE
 * float. Integer samples are scaled to [-1, 1) by their full scale (PCM16: `v / 32768`; 8-bit:
 * `(v - 128) / 128`); float samples are passed through unchanged, even outside [-1, 1].
 *
 * A malformed, truncated or unsupported file throws an `AudioError` of kind `'wav'` whose message
 * says what is wrong and at which byte offset, e.g.
 * `WAV: "data" chunk at byte 36 declares 4000 bytes but only 100 remain`; it never throws anything
 * else and never returns samples read from outside the `data` chunk. See the module notes above for
 * the truncation policy (a short `data` chunk is an error unless its size is a streaming placeholder).
 *
 * @param bytes the whole file (a Node `Buffer` works too: it is a `Uint8Array`).
 * @returns the sample rate (Hz), the channel count, and `samples.length / numChannels` frames.
 * @throws AudioError of kind `'wav'`.
 *
 * @example
 * Play a WAV file to the model, converted to what the conversation expects
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * import { from } from 'rxjs';
 * import { decodeWav, resample, toAudioFrames } from 'realtime-rx';
 *
 * const { sampleRate, numChannels, samples } = decodeWav(await readFile('question.wav'));
 * from([samples])
 *   .pipe(resample(sampleRate, 24_000, { channels: numChannels }), toAudioFrames({ sampleRate: 24_000, numChannels, frameMs: 20 }))
 *   .subscribe(conversation.audio);
 * ```
 */
export function decodeWav(bytes: Uint8Array): {
  sampleRate: number;
  numChannels: number;
  samples: Float32Array;
} {
  if (typeName(bytes) !== 'Uint8Array')
    throw wavError(`expected the file as a Uint8Array, got ${typeName(bytes)}`);
  const size = bytes.length;
  if (size < RIFF_HEADER + CHUNK_HEADER) {
    throw wavError(
      `file is ${size} bytes, too short for a RIFF header (12 bytes) and a chunk header (8 bytes)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = fourccAt(bytes, 0);
  if (magic !== 'RIFF') {
    const why =
      magic === 'RIFX'
        ? ': big-endian RIFX files are not supported'
        : magic === 'RF64'
          ? ': RF64 (64-bit) files are not supported'
          : '';
    throw wavError(`not a RIFF file (starts with ${quote(magic)})${why}`);
  }
  const type = fourccAt(bytes, 8);
  if (type !== 'WAVE') throw wavError(`RIFF type is ${quote(type)}, not "WAVE"`);
  // A finalized file's RIFF size covers exactly the rest of the file; a streaming writer's does not.
  const finalized = view.getUint32(4, true) + CHUNK_HEADER === size;

  let format: Format | undefined;
  let fmtAt = -1;
  let data: DataChunk | undefined;
  const seen: string[] = [];
  let stray = '';
  let pos = RIFF_HEADER;
  while (pos < size && (format === undefined || data === undefined)) {
    if (size - pos < CHUNK_HEADER) {
      stray = `, then ${size - pos} bytes at byte ${pos}, too short for a chunk header`;
      break;
    }
    const id = fourccAt(bytes, pos);
    const declared = view.getUint32(pos + 4, true);
    const start = pos + CHUNK_HEADER;
    const remaining = size - start;
    if (id === 'data') {
      if (data !== undefined)
        throw wavError(`second "data" chunk at byte ${pos} (the first is at byte ${data.at})`);
      const toEnd = declared === U32_MAX || (declared === 0 && remaining > 0 && !finalized);
      if (!toEnd && declared > remaining) throw tooLong(id, pos, declared, remaining);
      data = { at: pos, start, length: toEnd ? remaining : declared, toEnd };
      if (toEnd) break;
    } else {
      if (declared > remaining) throw tooLong(id, pos, declared, remaining);
      if (id === 'fmt ') {
        if (format !== undefined)
          throw wavError(`second "fmt " chunk at byte ${pos} (the first is at byte ${fmtAt})`);
        format = parseFormat(bytes, view, pos, declared);
        fmtAt = pos;
      }
    }
    seen.push(`${quote(id)} at byte ${pos}`);
    pos = start + declared + (declared & 1);
  }

  if (format === undefined) {
    if (data?.toEnd) {
      const placeholder = view.getUint32(data.at + 4, true) === 0 ? '0' : '0xFFFFFFFF';
      throw wavError(
        `no "fmt " chunk before "data" at byte ${data.at}, whose size (${placeholder}) means it runs to the end of the file`,
      );
    }
    throw wavError(`no "fmt " chunk; found ${seen.join(', ')}${stray}`);
  }
  if (data === undefined) throw wavError(`no "data" chunk; found ${seen.join(', ')}${stray}`);
  if (data.length % format.blockAlign !== 0) {
    throw wavError(
      `"data" chunk at byte ${data.at} holds ${data.length} bytes, not a whole number of ${format.blockAlign}-byte frames`,
    );
  }
  return {
    sampleRate: format.sampleRate,
    numChannels: format.numChannels,
    samples: readSamples(bytes, view, data.start, data.length, format),
  };
}

/** Validates a `fmt ` chunk (header at `at`, body of `length` bytes) into what decoding needs. */
function parseFormat(bytes: Uint8Array, view: DataView, at: number, length: number): Format {
  const body = at + CHUNK_HEADER;
  if (length < 16) throw wavError(`"fmt " chunk at byte ${at} is ${length} bytes, at least 16 needed`);
  const tag = view.getUint16(body, true);
  const numChannels = view.getUint16(body + 2, true);
  const sampleRate = view.getUint32(body + 4, true);
  const blockAlign = view.getUint16(body + 12, true);
  const bits = view.getUint16(body + 14, true);

  let code = tag;
  if (tag === FORMAT_EXTENSIBLE) {
    if (length < 40)
      throw wavError(`extensible "fmt " chunk at byte ${at} is ${length} bytes, at least 40 needed`);
    const guid = body + 24;
    const standard = GUID_TAIL.every((b, i) => bytes[guid + 2 + i] === b);
    if (!standard) throw wavError(`extensible subformat {${guidText(bytes, guid)}} is not PCM or IEEE float`);
    code = view.getUint16(guid, true);
    if (code !== FORMAT_PCM && code !== FORMAT_FLOAT) {
      throw wavError(
        `unsupported extensible subformat ${hex4(code)}${formatName(code)}; supported: PCM (1), IEEE float (3)`,
      );
    }
  } else if (tag !== FORMAT_PCM && tag !== FORMAT_FLOAT) {
    throw wavError(
      `unsupported format tag ${hex4(tag)}${formatName(tag)}; supported: PCM (1), IEEE float (3), extensible (0xFFFE)`,
    );
  }
  if (numChannels === 0) throw wavError(`"fmt " chunk at byte ${at} declares 0 channels`);
  if (sampleRate === 0) throw wavError(`"fmt " chunk at byte ${at} declares a sample rate of 0`);
  const float = code === FORMAT_FLOAT;
  if (float ? bits !== 32 && bits !== 64 : bits !== 8 && bits !== 16 && bits !== 24 && bits !== 32) {
    throw wavError(
      float
        ? `${bits}-bit IEEE float is not supported; supported: 32 and 64-bit`
        : `${bits}-bit PCM is not supported; supported: 8, 16, 24 and 32-bit`,
    );
  }
  const needed = numChannels * (bits / 8);
  if (blockAlign !== needed) {
    throw wavError(
      `block align is ${blockAlign} but ${numChannels} channel${numChannels === 1 ? '' : 's'} of ${bits}-bit samples need ${needed}`,
    );
  }
  return { numChannels, sampleRate, bits, float, blockAlign };
}

/** The samples of `length` bytes at `start`, as Float32 (already checked to be whole frames). */
function readSamples(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  length: number,
  f: Format,
): Float32Array {
  const width = f.bits / 8;
  const out = new Float32Array(length / width);
  let p = start;
  if (f.float) {
    if (f.bits === 32) for (let i = 0; i < out.length; i++, p += 4) out[i] = view.getFloat32(p, true);
    else for (let i = 0; i < out.length; i++, p += 8) out[i] = view.getFloat64(p, true);
    return out;
  }
  switch (f.bits) {
    case 8:
      for (let i = 0; i < out.length; i++, p++) out[i] = (bytes[p] - 128) / 128;
      break;
    case 16:
      for (let i = 0; i < out.length; i++, p += 2) out[i] = view.getInt16(p, true) / 32768;
      break;
    case 24:
      for (let i = 0; i < out.length; i++, p += 3) {
        out[i] = (bytes[p] | (bytes[p + 1] << 8) | (view.getInt8(p + 2) << 16)) / 8388608;
      }
      break;
    default:
      for (let i = 0; i < out.length; i++, p += 4) out[i] = view.getInt32(p, true) / 2147483648;
  }
  return out;
}

function wavError(message: string): AudioError {
  return new AudioError('wav', `WAV: ${message}`);
}

function tooLong(id: string, at: number, declared: number, remaining: number): AudioError {
  return wavError(`${quote(id)} chunk at byte ${at} declares ${declared} bytes but only ${remaining} remain`);
}

/** The four bytes at `at` as a string, one char per byte (compared raw; shown through {@link quote}). */
function fourccAt(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
}

/** A chunk id in quotes, non-printable bytes as `\xNN`, so a binary mess still reads as four bytes. */
function quote(fourcc: string): string {
  let text = '';
  for (const c of fourcc) {
    const code = c.charCodeAt(0);
    text +=
      code < 0x20 || code > 0x7e || c === '"' || c === '\\'
        ? `\\x${code.toString(16).padStart(2, '0').toUpperCase()}`
        : c;
  }
  return `"${text}"`;
}

function hex4(value: number): string {
  return `0x${value.toString(16).padStart(4, '0').toUpperCase()}`;
}

function formatName(tag: number): string {
  const name = FORMAT_NAMES[tag];
  return name === undefined ? '' : ` (${name})`;
}

/** A GUID in its usual text form (first three groups little-endian). */
function guidText(bytes: Uint8Array, at: number): string {
  const h = (i: number) => bytes[at + i].toString(16).padStart(2, '0');
  const run = (...is: number[]) => is.map(h).join('');
  return `${run(3, 2, 1, 0)}-${run(5, 4)}-${run(7, 6)}-${run(8, 9)}-${run(10, 11, 12, 13, 14, 15)}`;
}

/** `Uint8Array`, `ArrayBuffer`, `Null`...: by internal tag, so typed arrays from another realm (iframe, jest's vm) still count. */
function typeName(value: unknown): string {
  return Object.prototype.toString.call(value).slice(8, -1);
}
