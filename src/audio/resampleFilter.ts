/**
 * The polyphase filter bank behind `Resampler`: a Kaiser-windowed sinc lowpass, designed once per rate
 * pair and shared by every resampler of that pair.
 *
 * Design (frequencies relative to the lower of the two rates, `min = min(from, to)`):
 * - stopband from `min / 2` (the lower Nyquist), passband up to `0.9 · min / 2`, so the -6 dB point is
 *   at `0.95 · min / 2` and the transition band is `0.05 · min` wide;
 * - Kaiser window for {@link STOPBAND_DB} dB: `beta = 0.1102 · (A - 8.7)`, length from Kaiser's formula
 *   `N = (A - 7.95) / (14.36 · df)` input samples (`df`: the transition band as a fraction of the
 *   rate), rounded up to a multiple of 4 (e.g. 208 taps for 48 k -> 24 k, 108 for any upsampling);
 * - one row of taps per output phase (`to / gcd` of them, e.g. 80 for 44.1 k -> 24 k), each row
 *   normalised to sum to exactly 1 so that DC passes at unit gain in every phase (phase-dependent DC
 *   gain would be a tone at the phase-cycle rate);
 * - more than {@link MAX_PHASES} phases (odd pairs such as 8 000 -> 44 101) would be a large table for
 *   no audible gain, so such a bank samples the kernel at 1024 fractions of an input sample instead,
 *   and the resampler interpolates linearly between the two nearest rows.
 *
 * @module
 */

/**
 * Designed stopband attenuation in dB. Kaiser's formulas are approximate (about ±1 dB), so the design
 * asks for 82 to measure >= 80 dB everywhere in the stopband.
 */
export const STOPBAND_DB = 82;

/** Passband edge as a fraction of the lower Nyquist rate; the stopband starts at 1.0 of it. */
export const PASSBAND_EDGE = 0.9;

/**
 * Most rows an exact bank may have. Every pair of the common rates (8 k ... 48 k) fits: the largest is
 * 22 050 -> 32 000 with 640 phases.
 */
export const MAX_PHASES = 1024;

/** Most coefficients (floats) an exact bank may hold: 4 MiB. */
export const MAX_TABLE = 1 << 20;

/** A polyphase filter bank for one (from, to) pair. Read-only: it is shared. */
export interface ResampleFilter {
  /** L = to / gcd(from, to): output samples per `down` input samples, the number of exact phases. */
  readonly up: number;
  /** M = from / gcd(from, to). */
  readonly down: number;
  /** Taps per row, a multiple of 4: the filter length in input samples. */
  readonly taps: number;
  /** Kaiser window beta. */
  readonly beta: number;
  /** The -6 dB cutoff in cycles per input sample. */
  readonly cutoff: number;
  /**
   * Rows in the table that are phases: `up` for an exact bank; for an interpolated bank the fraction
   * `i / phases` of an input sample, and one extra row (fraction 1) so that row `i + 1` always exists.
   */
  readonly phases: number;
  /**
   * true when `up` rows would be too many ({@link MAX_PHASES}, or more than {@link MAX_TABLE}
   * coefficients): the resampler then interpolates linearly between the two rows nearest to the exact
   * fraction. The error of that is about `(pi · cutoff · 2 / phases)² / 8` of full scale, below -110 dB with
   * 1024 rows per input sample, and the budget only lowers the rows when the cutoff is lower in proportion.
   */
  readonly interpolated: boolean;
  /**
   * Row r holds `taps` coefficients at `r * taps`; coefficient j weighs input sample `start + j` of an
   * output whose time is `start + taps / 2 - 1 + fraction(r)` (input samples).
   */
  readonly table: Float32Array;
}

/**
 * Most banks kept: an app uses a few rate pairs, and a bank can take up to {@link MAX_TABLE} floats,
 * so a process fed many odd rates (a server taking its clients' rates) keeps a bounded amount.
 */
export const MAX_CACHED_FILTERS = 16;

/** Banks by reduced ratio, least recently used first. */
const cache = new Map<string, ResampleFilter>();

/**
 * The filter bank for `from` -> `to` (positive integers, `from !== to`), designed on first use and cached
 * by the reduced ratio, so 48 000 -> 24 000 and 16 000 -> 8 000 share one bank. The cache keeps the
 * {@link MAX_CACHED_FILTERS} banks used last.
 */
export function resampleFilter(from: number, to: number): ResampleFilter {
  const g = gcd(from, to);
  const up = to / g;
  const down = from / g;
  const key = `${down}:${up}`;
  let filter = cache.get(key);
  if (filter === undefined) {
    filter = design(up, down);
    if (cache.size >= MAX_CACHED_FILTERS) cache.delete(cache.keys().next().value!);
  } else {
    cache.delete(key);
  }
  cache.set(key, filter);
  return filter;
}

function design(up: number, down: number): ResampleFilter {
  // Everything in input samples: the lower Nyquist is ratio / 2 cycles per input sample.
  const ratio = Math.min(1, up / down);
  const stopband = ratio / 2;
  const transition = stopband * (1 - PASSBAND_EDGE);
  const cutoff = stopband - transition / 2;
  const beta = 0.1102 * (STOPBAND_DB - 8.7);
  const length = Math.ceil((STOPBAND_DB - 7.95) / (14.36 * transition)) + 1;
  const taps = Math.ceil(length / 4) * 4; // multiple of 4: the inner loop is unrolled by 4
  const half = taps / 2;

  // Rows the budget allows (one is kept for the extra row of an interpolated bank). Only heavy
  // downsampling makes the kernel long enough for the budget to bite, and then the kernel is so smooth
  // that fewer rows per input sample interpolate just as accurately.
  const maxPhases = Math.max(1, Math.min(MAX_PHASES, Math.floor(MAX_TABLE / taps) - 1));
  const interpolated = up > maxPhases;
  const phases = interpolated ? maxPhases : up;
  const rows = interpolated ? phases + 1 : phases;

  const table = new Float32Array(rows * taps);
  const row = new Float64Array(taps);
  const i0beta = besselI0(beta);
  for (let r = 0; r < rows; r++) {
    const fraction = r / phases;
    let sum = 0;
    for (let j = 0; j < taps; j++) {
      const u = fraction + half - 1 - j; // output time minus input time, in input samples
      const x = u / half;
      const window = x <= -1 || x >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - x * x)) / i0beta;
      const h = window * 2 * cutoff * sinc(2 * cutoff * u);
      row[j] = h;
      sum += h;
    }
    for (let j = 0; j < taps; j++) table[r * taps + j] = row[j] / sum;
  }
  return { up, down, taps, beta, cutoff, phases, interpolated, table };
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for beta < 20). */
function besselI0(x: number): number {
  const q = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; term > sum * 1e-17; k++) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
