// The filter banks are shared by every resampler of a rate pair, and the cache that shares them is
// bounded: a process fed many odd rates keeps the MAX_CACHED_FILTERS used last.
import { MAX_CACHED_FILTERS, resampleFilter } from '../../src/audio/resampleFilter';

describe('resampleFilter cache', () => {
  it('keeps the banks used last, at most MAX_CACHED_FILTERS of them', () => {
    // Upsampling from 8 kHz to 8 kHz + 1..n Hz: cheap banks (108 taps), each its own reduced ratio.
    const pairs = Array.from({ length: MAX_CACHED_FILTERS + 1 }, (_, i) => [8000, 8001 + i] as const);
    const first = resampleFilter(...pairs[0]);
    const second = resampleFilter(...pairs[1]);
    expect(resampleFilter(...pairs[0])).toBe(first); // shared while cached (and now used last)
    for (const pair of pairs.slice(2)) resampleFilter(...pair);
    // MAX_CACHED_FILTERS + 1 distinct pairs: the least recently used one (the second) was let go.
    expect(resampleFilter(...pairs[0])).toBe(first);
    const again = resampleFilter(...pairs[1]);
    expect(again).not.toBe(second);
    expect(again).toEqual(second); // designed again, the same
  });
});
