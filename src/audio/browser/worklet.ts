import { AudioError } from '../audioError.js';

/** Modules already added to a context, by processor name: `registerProcessor` throws on a second registration. */
const loaded = new WeakMap<BaseAudioContext, Map<string, Promise<void>>>();

/**
 * Adds an AudioWorklet module (its source given as a string, so the library needs no separate worklet file
 * that every bundler would have to copy) to `context`, once per context and processor name. Loaded
 * through a Blob URL: a page whose Content-Security-Policy forbids `blob:` scripts cannot load it.
 * Rejects with `AudioError('device')` when the browser has no AudioWorklet (or no secure context).
 */
export function loadWorkletModule(context: BaseAudioContext, name: string, source: string): Promise<void> {
  let modules = loaded.get(context);
  if (modules === undefined) loaded.set(context, (modules = new Map<string, Promise<void>>()));
  const known = modules.get(name);
  if (known !== undefined) return known;
  // `audioWorklet` is typed as always present, but older browsers and insecure pages lack it.
  const worklet = (context as { audioWorklet?: AudioWorklet }).audioWorklet;
  if (worklet === undefined || typeof worklet.addModule !== 'function') {
    return Promise.reject(
      new AudioError(
        'device',
        'AudioWorklet is not available (it needs a modern browser and a secure context: https or localhost)',
      ),
    );
  }
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const loading = worklet.addModule(url).then(
    () => URL.revokeObjectURL(url),
    (cause: unknown) => {
      URL.revokeObjectURL(url);
      modules.delete(name); // let a later attempt retry
      throw new AudioError(
        'device',
        `could not load the ${name} AudioWorklet module: ${deviceErrorText(cause)}`,
      );
    },
  );
  modules.set(name, loading);
  return loading;
}

/**
 * `Name: message` of what a browser audio API threw: a DOMException's name (`NotAllowedError`,
 * `NotFoundError`, ...) says more than its message.
 */
export function deviceErrorText(cause: unknown): string {
  // Structural, not `instanceof Error`: some browsers' DOMException-like errors are not Errors.
  if (typeof cause === 'object' && cause !== null) {
    const { name, message } = cause as { name?: unknown; message?: unknown };
    if (typeof name === 'string' && typeof message === 'string')
      return message ? `${name}: ${message}` : name;
  }
  return String(cause);
}
