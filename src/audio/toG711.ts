import { Observable, type OperatorFunction } from 'rxjs';
import { g711Codec, pcm16ToG711Into, type G711Law } from './g711.js';

/**
 * Encodes each chunk of int16 samples as G.711 bytes of `law`, one byte per sample, bit-exact with the
 * ITU-T G.191 reference (see {@link pcm16ToG711}).
 *
 * ```
 * law: 'alaw'
 * source: -a------b-----|        a = [0, -1]          b = [32767, -32768]
 * result: -A------B-----|        A = [0xd5, 0x55]     B = [0xaa, 0x2a]
 * ```
 *
 * One new Uint8Array per chunk (the chunk itself is not modified); errors, completion and
 * unsubscription pass through. To send telephony audio to a conversation, frame the samples with
 * `toAudioFrames({ ..., encoding: 'g711_ulaw' })` instead: it encodes them itself.
 *
 * @example
 * 8 kHz µ-law for a phone line, from 24 kHz float samples
 * ```ts
 * floats$.pipe(resample(24_000, 8_000), toPcm16(), toG711('ulaw')).subscribe((bytes) => phoneLine.write(bytes));
 * ```
 *
 * @param law `'ulaw'` or `'alaw'`.
 * @return A function that returns an Observable of G.711 chunks, one per int16 chunk.
 * @throws {AudioError} `options`, synchronously, when `law` is neither.
 * @see {@link fromG711}
 * @see {@link pcm16ToG711}
 */
export function toG711(law: G711Law): OperatorFunction<Int16Array, Uint8Array> {
  const codec = g711Codec(law, 'toG711');
  return (source) =>
    new Observable<Uint8Array>((subscriber) =>
      source.subscribe({
        next: (samples) => {
          const bytes = new Uint8Array(samples.length);
          pcm16ToG711Into(codec, samples, 0, bytes, 0, samples.length);
          subscriber.next(bytes);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}
