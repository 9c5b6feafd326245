import { InputLane } from '../../src/conversation/inputLane';

/** A lane of numbers that refuses negative ones, recording what its handlers saw. */
function lane() {
  const seen = { refused: [] as number[], afterEnd: [] as number[], failed: [] as unknown[] };
  const input = new InputLane<number>({
    accept: (n) => n >= 0 || (seen.refused.push(n), false),
    afterEnd: (n) => seen.afterEnd.push(n),
    failed: (error) => seen.failed.push(error),
  });
  return { input, seen };
}

/** Subscribes and records values, the error and the completion. */
function record<T>(source: { subscribe: (observer: object) => unknown }) {
  const got = { values: [] as T[], error: undefined as unknown, completed: false };
  source.subscribe({
    next: (v: T) => got.values.push(v),
    error: (e: unknown) => (got.error = e),
    complete: () => (got.completed = true),
  });
  return got;
}

describe('InputLane', () => {
  it('passes accepted values to the conversation (values$) and to any other subscriber, in order', () => {
    const { input, seen } = lane();
    const conversation = record<number>(input.values$);
    const tap = record<number>(input);
    input.next(1);
    input.next(-1);
    input.next(2);
    expect(conversation.values).toEqual([1, 2]);
    expect(tap.values).toEqual([1, 2]);
    expect(seen.refused).toEqual([-1]);
  });

  it("a producer's error is reported once and ends the lane: the conversation's side completes, others see the error", () => {
    const { input, seen } = lane();
    const conversation = record<number>(input.values$);
    const tap = record<number>(input);
    const failure = new Error('microphone unplugged');
    input.error(failure);
    input.error(new Error('again'));
    input.next(3);
    expect(seen.failed).toEqual([failure]);
    expect(conversation).toEqual({ values: [], error: undefined, completed: true });
    expect(tap).toEqual({ values: [], error: failure, completed: false });
    expect(record(input.values$).completed).toBe(true); // subscribing later: already over
  });

  it('after end(), values go to afterEnd and a failure is not reported (the conversation is over)', () => {
    const { input, seen } = lane();
    const conversation = record<number>(input.values$);
    input.end();
    input.next(4);
    input.error(new Error('late'));
    expect(seen.afterEnd).toEqual([4]);
    expect(seen.failed).toEqual([]);
    expect(conversation.values).toEqual([]);
  });

  it('completing the lane completes the conversation side; later values are ignored, as by a Subject', () => {
    const { input, seen } = lane();
    const conversation = record<number>(input.values$);
    input.next(5);
    input.complete();
    input.next(6);
    expect(conversation).toEqual({ values: [5], error: undefined, completed: true });
    expect(seen.afterEnd).toEqual([]);
  });

  it('values$ is a multicast: a second subscriber gets the values beside the first, which it does not replace', () => {
    const { input } = lane();
    const first = record<number>(input.values$);
    input.next(1);
    const second = record<number>(input.values$);
    input.next(2);
    input.complete();
    expect(first).toEqual({ values: [1, 2], error: undefined, completed: true });
    expect(second).toEqual({ values: [2], error: undefined, completed: true });
  });

  it('a subscriber of values$ that leaves gets no more; the others go on', () => {
    const { input } = lane();
    const first = record<number>(input.values$);
    const seen: number[] = [];
    const second = input.values$.subscribe((n) => seen.push(n));
    input.next(1);
    second.unsubscribe();
    input.next(2);
    expect(seen).toEqual([1]);
    expect(first.values).toEqual([1, 2]);
  });
});
