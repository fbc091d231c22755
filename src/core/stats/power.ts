import { normalQuantile } from './normal.js';

/**
 * Power arithmetic for paired tests of a drop. The normal approximation to a paired test:
 * with per-case drop variance σ²₁, the observed mean drop D ~ N(d, σ²₁/N). The gate blocks when
 * D is significant at one-sided level α AND D > threshold, so a true drop d is caught with
 * probability `power` when d − z_power·σ ≥ max(z_α·σ, threshold).
 */
export interface PowerInput {
  /** Cases compared (shared by both runs). */
  n: number;
  /**
   * Variance of one case's drop under "no change". For pass/fail this is the discordance (share of
   * cases whose verdict differs between the runs); under a drop d it grows to discordance + d.
   */
  variance: number;
  /** true for pass/fail metrics: the variance grows with the drop (each lost case is a discordant pair). */
  binary: boolean;
  /** One-sided significance level (after any multiple-comparison correction). */
  alpha: number;
  /** The gate's drop threshold (absolute points). */
  threshold: number;
  /** Target power (default 0.8). */
  power?: number;
  /** false: the normal approximation even for few changed cases (fast, a little optimistic). */
  exact?: boolean;
}

/**
 * The smallest drop of the measured metric the gate catches with the target power (default 80 %).
 * "Measured": with a judge that flips verdicts with probability q, a true drop d shows as (1 − 2q)·d.
 * @example minimumDetectableDrop({ n: 200, variance: 0.095, binary: true, alpha: 0.05, threshold: 0.02 }) // ≈ 0.059
 */
export function minimumDetectableDrop(input: PowerInput): number {
  if (input.n <= 0) return Number.POSITIVE_INFINITY;
  if (input.binary && input.exact !== false && (input.n * input.variance) / 2 <= EXACT_LIMIT) {
    return exactSignMdd(input, Math.round(minimumDetectableDrop({ ...input, exact: false }) * input.n));
  }
  const za = normalQuantile(1 - input.alpha);
  const zb = normalQuantile(input.power ?? 0.8);
  const sigma0 = Math.sqrt(Math.max(input.variance, 1e-12) / input.n);
  const sigmaAt = (d: number) => Math.sqrt(Math.max(alternativeVariance(input, d), 1e-12) / input.n);
  let d = input.threshold;
  // Fixed point: the variance depends on d for pass/fail; converges in a few steps.
  for (let i = 0; i < 50; i++) {
    // Pass/fail counts are discrete: the exact test needs one more case than the normal curve (continuity correction).
    const next = Math.max(za * sigma0 + (input.binary ? 1 / input.n : 0), input.threshold) + zb * sigmaAt(d);
    if (Math.abs(next - d) < 1e-9) break;
    d = next;
  }
  // An exact test cannot reach p ≤ α with fewer than log2(1/α) changed cases, whatever their size.
  return Math.min(Math.max(d, minimumChangedCases(input.alpha) / input.n), 1);
}

/** The fewest changed cases (all in one direction) that an exact one-sided test at α can call significant. */
export function minimumChangedCases(alpha: number): number {
  return Math.ceil(Math.log2(1 / alpha));
}

/**
 * Cases needed for the gate to catch `targetDrop` with the target power, at the same per-case
 * variance. Infinity when the threshold itself is at or above the target.
 */
export function casesNeeded(input: Omit<PowerInput, 'n'>, targetDrop: number): number {
  if (targetDrop <= input.threshold) return Number.POSITIVE_INFINITY;
  // The normal approximation (with continuity) is enough for an estimate of N, and fast.
  const mddAt = (n: number) => minimumDetectableDrop({ ...input, n, exact: false });
  let hi = 8;
  while (mddAt(hi) > targetDrop) {
    hi *= 2;
    if (hi > 1e9) return Number.POSITIVE_INFINITY;
  }
  let lo = Math.floor(hi / 2);
  // The MDD falls as N grows: binary search the smallest N that reaches the target.
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (mddAt(mid) <= targetDrop) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Per-case drop variance under a true drop d: pass/fail gains d discordant pairs (δ + d − d²). */
function alternativeVariance(input: Omit<PowerInput, 'n'>, d: number): number {
  return input.binary ? input.variance + d - d * d : input.variance;
}

/** Up to this many expected noise changes per side, pass/fail power is computed exactly. */
const EXACT_LIMIT = 60;

/**
 * Pass/fail MDD by exact power: noise changes each way ~ Poisson(N·δ/2), a drop adds k changes
 * the bad way; power = P(exact sign test ≤ α and (b − c)/N > threshold). Returns k/N for the
 * smallest k with power ≥ target (the normal curve is optimistic for few changed cases).
 */
function exactSignMdd(input: PowerInput, guess: number): number {
  const { n, alpha, threshold } = input;
  const target = input.power ?? 0.8;
  const lam = Math.max((n * input.variance) / 2, 0);
  const top = Math.ceil(lam + 8 * Math.sqrt(lam) + 10);
  const pois: number[] = [];
  let p = Math.exp(-lam);
  for (let i = 0; i <= top; i++) {
    pois.push(p);
    p = (p * lam) / (i + 1);
  }
  const crit = new Map<number, number>();
  // Smallest b with P(X ≥ b | m, ½) ≤ α, summing the tail down from b = m by the pmf recurrence.
  const critical = (m: number) => {
    let c = crit.get(m);
    if (c !== undefined) return c;
    if (m > 1000) {
      c = Math.ceil(m / 2 + (normalQuantile(1 - alpha) * Math.sqrt(m)) / 2 + 0.5);
    } else {
      let pmf = 2 ** -m;
      let tail = 0;
      c = m + 1;
      for (let b = m; b >= 0; b--) {
        tail += pmf;
        if (tail > alpha) break;
        c = b;
        pmf = (pmf * b) / (m - b + 1);
      }
    }
    crit.set(m, c);
    return c;
  };
  const from = Math.max(0, Math.floor(lam - 8 * Math.sqrt(lam) - 10));
  const power = (k: number) => {
    let sum = 0;
    for (let i = from; i <= top; i++) {
      for (let j = from; j <= top; j++) {
        const b = i + k;
        if (b >= critical(b + j) && (b - j) / n > threshold + 1e-12) sum += pois[i]! * pois[j]!;
      }
    }
    return sum;
  };
  // Power rises with k: walk from the normal approximation's guess to the smallest k that reaches the target.
  let k = Math.min(Math.max(1, guess), n);
  while (k > 1 && power(k - 1) >= target) k--;
  while (k < n && power(k) < target) k++;
  return k / n;
}
