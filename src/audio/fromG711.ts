import { Observable, type OperatorFunction } from 'rxjs';
import { g711Codec, type G711Law } from './g711.js';

/**
 * Decodes each chunk of G.711 bytes of `law` to int16 samples, one per byte, bit-exact with the ITU-T
 * G.191 reference (see {@link g711ToPcm16}).
 *
 * ```
 * law: 'ulaw'
 * source: -a------b-----|        a = [0xff, 0x80]     b = [0x00]
 * result: -A------B-----|        A = [0, 32124]       B = [-32124]
 * ```
 *
 * One new Int16Array per chunk, owning its own ArrayBuffer; errors, completion and unsubscription pass
 * through. For audio frames (`audio.out`), use `fromAudioFrames()`: it decodes G.711 frames itself.
 *
 * @example
 * A phone line's 8 kHz A-law to 24 kHz float samples
 * ```ts
 * phoneLine$.pipe(fromG711('alaw'), toFloat32(), resample(8_000, 24_000)).subscribe((floats) => play(floats));
 * ```
 *
 * @param law `'ulaw'` or `'alaw'`.
 * @return A function that returns an Observable of int16 chunks, one per G.711 chunk.
 * @throws {AudioError} `options`, synchronously, when `law` is neither.
 * @see {@link toG711}
 * @see {@link g711ToPcm16}
 */
export function fromG711(law: G711Law): OperatorFunction<Uint8Array, Int16Array> {
  const { decode } = g711Codec(law, 'fromG711');
  return (source) =>
    new Observable<Int16Array>((subscriber) =>
      source.subscribe({
        next: (bytes) => {
          const samples = new Int16Array(bytes.length);
          for (let i = 0; i < bytes.length; i++) samples[i] = decode[bytes[i]];
          subscriber.next(samples);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}
