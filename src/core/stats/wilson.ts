import { normalQuantile } from './normal.js';

/** A two-sided confidence interval. */
export interface Interval {
  lo: number;
  hi: number;
}

/**
 * Wilson score interval for a binomial proportion `successes / n` at two-sided `confidence`.
 * Stays inside [0, 1] and behaves at 0/n and n/n, unlike the normal (Wald) interval.
 * With n = 0 it is the uninformative [0, 1].
 * @example wilson(8, 10) // { lo: 0.4902, hi: 0.9433 } (Newcombe 1998, method 3)
 */
export function wilson(successes: number, n: number, confidence = 0.95): Interval {
  if (n <= 0) return { lo: 0, hi: 1 };
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}
