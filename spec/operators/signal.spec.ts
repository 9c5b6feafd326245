import { Signal } from '../../src/operators/signal';

/** Records what a subscriber of `signal` sees, as `name:value` and `name done`. */
function watch<T>(signal: Signal<T>, seen: string[], name: string, onValue?: (value: T) => void) {
  return signal.subscribe({
    next: (value) => {
      seen.push(`${name}:${String(value)}`);
      onValue?.(value);
    },
    complete: () => seen.push(`${name} done`),
  });
}

describe('Signal (writable$, the conversation writability, priorityMerge ready)', () => {
  it('gives each subscriber the current value, then every change, and nothing when the value stays', () => {
    const signal = new Signal(false);
    const seen: string[] = [];
    watch(signal, seen, 'a');
    signal.set(true);
    signal.set(true);
    watch(signal, seen, 'b');
    signal.set(false);
    expect(signal.value).toBe(false);
    expect(seen).toEqual(['a:false', 'a:true', 'b:true', 'a:false', 'b:false']);
  });

  it('never hands a stale value over: a change made while one is handed over reaches everyone, the older goes no further', () => {
    const signal = new Signal(false);
    const seen: string[] = [];
    // The first subscriber is a drain loop that fills the sink: told "writable", it makes it unwritable.
    watch(signal, seen, 'drain', (writable) => writable && signal.set(false));
    watch(signal, seen, 'other');
    signal.set(true);
    expect(seen).toEqual(['drain:false', 'other:false', 'drain:true', 'drain:false', 'other:false']);
    expect(signal.value).toBe(false);
  });

  it('a subscriber that changes the value as it subscribes is told the change too', () => {
    const signal = new Signal(1);
    const seen: string[] = [];
    watch(signal, seen, 'a', (n) => n === 1 && signal.set(2));
    expect(seen).toEqual(['a:1', 'a:2']);
  });

  it('complete() ends every subscriber and later ones at once, and changes no more', () => {
    const signal = new Signal('x');
    const seen: string[] = [];
    watch(signal, seen, 'a');
    signal.complete();
    signal.set('y');
    watch(signal, seen, 'b');
    expect(seen).toEqual(['a:x', 'a done', 'b done']);
  });

  it('release() forgets the subscribers and stops a change being handed over, without completing anyone', () => {
    const signal = new Signal(false);
    const seen: string[] = [];
    watch(signal, seen, 'a', (value) => value && signal.release());
    watch(signal, seen, 'b');
    signal.set(true);
    signal.set(false);
    expect(seen).toEqual(['a:false', 'b:false', 'a:true']);
  });

  it('a subscriber that leaves stops at once, even in the middle of a change', () => {
    const signal = new Signal(0);
    const seen: string[] = [];
    watch(signal, seen, 'a', (n) => n === 1 && b.unsubscribe());
    const b = watch(signal, seen, 'b');
    signal.set(1);
    signal.set(2);
    expect(seen).toEqual(['a:0', 'b:0', 'a:1', 'a:2']);
  });
});
