import { normalCdf, normalQuantile } from './normal.js';
import { type Rng, randomInt, skipDraws } from './prng.js';
import type { Interval } from './wilson.js';

/** Default resample count: enough for stable 95 % percentile bounds (~±0.3 % of the SE). */
export const DEFAULT_RESAMPLES = 1000;

export interface BootstrapOptions {
  rng: Rng;
  /** Two-sided confidence of the interval (default 0.95). */
  confidence?: number;
  resamples?: number;
  /**
   * Above this many values the interval is the normal one, mean ± z·s/√n (default 2000): the
   * bootstrap converges to it there, and resampling 10,000 cases per metric and slice is slow.
   * It is cut to the values' range, which no resampled mean can leave (2,999 passes of 3,000 cases
   * would otherwise reach above 100 %).
   */
  normalAbove?: number;
}

/**
 * Percentile bootstrap interval of the mean of `values` (one value per case: resampling whole
 * cases keeps a case's turns and repeats together). Fewer than 2 values give a degenerate interval.
 * Where the bootstrap's distribution is known it is used instead of resampling, with the draws
 * skipped (see skipDraws): equal values give the degenerate interval every resample would;
 * values that are all 0 or 1 (pass/fail per case) give the quantiles of Binomial(n, mean) / n,
 * the interval the resampling approaches as its resample count grows.
 * @example bootstrapMean([0.2, 0.9, 0.7], { rng: createRng(1) })
 */
export function bootstrapMean(values: ArrayLike<number>, options: BootstrapOptions): Interval & { mean: number } {
  const n = values.length;
  const mean = meanOf(values);
  if (n < 2) return { mean, lo: mean, hi: mean };
  const alpha = 1 - (options.confidence ?? 0.95);
  if (n > (options.normalAbove ?? 2000)) {
    const half = normalQuantile(1 - alpha / 2) * Math.sqrt(sampleVariance(values, mean) / n);
    return { mean, ...withinRange(values, mean - half, mean + half) };
  }
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const kind = shapeOf(values);
  if (kind !== 'other') {
    skipDraws(options.rng, n * resamples);
    if (kind === 'equal') return { mean, lo: mean, hi: mean };
    const successes = Math.round(mean * n);
    return { mean, lo: binomialQuantile(successes, n, alpha / 2) / n, hi: binomialQuantile(successes, n, 1 - alpha / 2) / n };
  }
  const means = resampleMeans(values, options.rng, resamples);
  return { mean, lo: quantileSorted(means, alpha / 2), hi: quantileSorted(means, 1 - alpha / 2) };
}

/** `equal` when every value is the same, `binary` when each is 0 or 1, else `other`. */
function shapeOf(values: ArrayLike<number>): 'equal' | 'binary' | 'other' {
  let equal = true;
  let binary = true;
  const first = values[0];
  for (let i = 0; i < values.length && (equal || binary); i++) {
    const v = values[i];
    if (v !== first) equal = false;
    if (v !== 0 && v !== 1) binary = false;
  }
  return equal ? 'equal' : binary ? 'binary' : 'other';
}

/**
 * The q-quantile of X ~ Binomial(n, successes / n): the smallest k with P(X ≤ k) ≥ q. The pmf is
 * built in log space from its mode outwards, so no term underflows before it matters.
 * @example binomialQuantile(7, 10, 0.025) // 4
 */
export function binomialQuantile(successes: number, n: number, q: number): number {
  const p = successes / n;
  if (p <= 0) return 0;
  if (p >= 1) return n;
  const logRatio = Math.log(p) - Math.log1p(-p);
  const log = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) log[k + 1] = log[k]! + Math.log((n - k) / (k + 1)) + logRatio;
  let top = -Infinity;
  for (let k = 0; k <= n; k++) if (log[k]! > top) top = log[k]!;
  let total = 0;
  for (let k = 0; k <= n; k++) total += Math.exp(log[k]! - top);
  let cdf = 0;
  for (let k = 0; k <= n; k++) {
    cdf += Math.exp(log[k]! - top) / total;
    // A relative tolerance, so a CDF that reaches q exactly is not missed by rounding.
    if (cdf >= q * (1 - 1e-12)) return k;
  }
  return n;
}

/** What a paired bootstrap says about a drop: `drop` = mean(baseline − candidate) per case. */
export interface PairedBootstrap extends Interval {
  /** Mean of the per-case drops (positive = the candidate is worse). */
  drop: number;
  /** One-sided p-value for "the candidate is not worse" (share of resampled drops ≤ 0, smoothed). */
  p: number;
}

/**
 * Paired bootstrap of the mean per-case drop `drops[i] = baseline[i] − candidate[i]`.
 * The interval is two-sided at `confidence`; `p` is one-sided (H0: mean drop ≤ 0), computed as
 * (1 + #{resampled mean ≤ 0}) / (1 + B), so it is never below 1 / (1 + B) and never exactly 0.
 * Equal drops give what resampling them would, without resampling: every resampled mean is the
 * mean, so the interval is that point and p is 1 / (1 + B) for a positive drop, else 1. Beyond
 * `normalAbove` drops the normal approximation keeps the same floor (its tail underflows to 0
 * where the resampling's share would be 0 of B).
 */
export function pairedBootstrap(drops: ArrayLike<number>, options: BootstrapOptions): PairedBootstrap {
  const n = drops.length;
  const drop = meanOf(drops);
  if (n === 0) return { drop: 0, lo: 0, hi: 0, p: 1 };
  const B = options.resamples ?? DEFAULT_RESAMPLES;
  const floor = 1 / (1 + B);
  let allEqual = true;
  for (let i = 1; i < n; i++) if (drops[i] !== drops[0]) allEqual = false;
  if (allEqual) return { drop, lo: drop, hi: drop, p: drop > 0 ? floor : 1 };
  const alpha = 1 - (options.confidence ?? 0.95);
  if (n > (options.normalAbove ?? 2000)) {
    const se = Math.sqrt(sampleVariance(drops, drop) / n);
    const half = normalQuantile(1 - alpha / 2) * se;
    const tail = se > 0 ? 1 - normalCdf(drop / se) : drop > 0 ? 0 : 1;
    return { drop, ...withinRange(drops, drop - half, drop + half), p: Math.max(floor, tail) };
  }
  const means = resampleMeans(drops, options.rng, B);
  let notWorse = 0;
  for (const m of means) if (m <= 0) notWorse++;
  return {
    drop,
    lo: quantileSorted(means, alpha / 2),
    hi: quantileSorted(means, 1 - alpha / 2),
    p: (1 + notWorse) / (1 + B),
  };
}

/** [lo, hi] cut to [min, max] of `values`: no mean of a resample lies outside that range. */
function withinRange(values: ArrayLike<number>, lo: number, hi: number): Interval {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { lo: Math.min(Math.max(lo, min), max), hi: Math.max(Math.min(hi, max), min) };
}

/** Sorted means of B resamples (with replacement) of `values`. */
function resampleMeans(values: ArrayLike<number>, rng: Rng, B: number): Float64Array {
  const n = values.length;
  const means = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[randomInt(rng, n)]!;
    means[b] = sum / n;
  }
  return means.sort();
}

export function meanOf(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}

/** Linear-interpolated quantile (type 7, as R and numpy default) of sorted values. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Quantile of unsorted values (copies and sorts). @example quantile([1, 2, 3, 4], 0.5) // 2.5 */
export function quantile(values: readonly number[], q: number): number {
  return quantileSorted(Float64Array.from(values).sort(), q);
}

function sampleVariance(values: ArrayLike<number>, mean: number): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += (values[i]! - mean) ** 2;
  return s / (values.length - 1);
}
