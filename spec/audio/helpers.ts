import type { Observable } from 'rxjs';
import { AudioError } from '../../src/audio/audioError';

/** Everything a synchronous observable does. */
export function run<T>(source: Observable<T>): { values: T[]; error: unknown; completed: boolean } {
  const out = { values: [] as T[], error: undefined as unknown, completed: false };
  source.subscribe({
    next: (v) => out.values.push(v),
    error: (e: unknown) => (out.error = e),
    complete: () => (out.completed = true),
  });
  return out;
}

/** The AudioError `fn` throws (fails the test when it throws none, or something else). */
export function thrown(fn: () => unknown): AudioError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AudioError);
    return err as AudioError;
  }
  throw new Error('expected an AudioError, nothing was thrown');
}
