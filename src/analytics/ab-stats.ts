import { normalCdf, normalQuantile } from '../core/stats/normal.js';
import { binomialPmf } from '../core/stats/binomial.js';
import { type Interval, wilson } from '../core/stats/wilson.js';

/** A comparison of a treatment with the control: difference, its 95 % interval and a two-sided p-value. */
export interface Difference extends Interval {
  /** treatment − control (absolute: points for rates, units for means). */
  diff: number;
  p: number;
}

/**
 * Two-proportion z-test (pooled standard error, two-sided, with Yates' continuity correction so
 * that the false-positive rate stays at or below α even for modest samples) with Newcombe's
 * hybrid score interval for the difference (method 10, built on Wilson intervals: good coverage
 * even near 0 and 1).
 * @example twoProportionTest(150, 1000, 180, 1000) // { diff: 0.03, p ≈ 0.080, lo ≈ -0.003, hi ≈ 0.063 }
 */
export function twoProportionTest(kControl: number, nControl: number, kTreatment: number, nTreatment: number, confidence = 0.95): Difference {
  if (nControl <= 0 || nTreatment <= 0) return { diff: 0, lo: -1, hi: 1, p: 1 };
  const p1 = kControl / nControl;
  const p2 = kTreatment / nTreatment;
  const pooled = (kControl + kTreatment) / (nControl + nTreatment);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / nControl + 1 / nTreatment));
  const diff = p2 - p1;
  const corrected = Math.max(0, Math.abs(diff) - 0.5 * (1 / nControl + 1 / nTreatment));
  const p = se > 0 ? 2 * (1 - normalCdf(corrected / se)) : diff === 0 ? 1 : 0;
  const w1 = wilson(kControl, nControl, confidence);
  const w2 = wilson(kTreatment, nTreatment, confidence);
  const lo = diff - Math.sqrt((p2 - w2.lo) ** 2 + (w1.hi - p1) ** 2);
  const hi = diff + Math.sqrt((w2.hi - p2) ** 2 + (p1 - w1.lo) ** 2);
  return { diff, lo, hi, p: Math.min(1, p) };
}

/** Summary of a sample: size, mean and (sample) variance. */
export interface MeanSummary {
  n: number;
  mean: number;
  variance: number;
}

/** A mean summary from a count, a sum and a sum of squares (what the SQL returns). */
export function meanSummary(n: number, sum: number, sumSquares: number): MeanSummary {
  const mean = n > 0 ? sum / n : 0;
  return { n, mean, variance: n > 1 ? Math.max(0, (sumSquares - n * mean * mean) / (n - 1)) : 0 };
}

/**
 * Welch's test for a difference of means, with the normal approximation (sound from ~30 per arm,
 * which every A/B horizon here exceeds); two-sided p and interval.
 * @example welchTest({ n: 400, mean: 3.9, variance: 1 }, { n: 400, mean: 4.1, variance: 1 }) // diff 0.2, p ≈ 0.005
 */
export function welchTest(control: MeanSummary, treatment: MeanSummary, confidence = 0.95): Difference {
  if (control.n < 2 || treatment.n < 2) return { diff: treatment.mean - control.mean, lo: Number.NEGATIVE_INFINITY, hi: Number.POSITIVE_INFINITY, p: 1 };
  const se = Math.sqrt(control.variance / control.n + treatment.variance / treatment.n);
  const diff = treatment.mean - control.mean;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = se > 0 ? 2 * (1 - normalCdf(Math.abs(diff) / se)) : diff === 0 ? 1 : 0;
  return { diff, lo: diff - z * se, hi: diff + z * se, p: Math.min(1, p) };
}

/**
 * The smallest absolute difference of rates the continuity-corrected two-sided test at `alpha`
 * detects with `power`, at a base rate `p` and the sample sizes so far.
 * @example minimumDetectableEffect(0.15, 2000, 2000) // ≈ 0.032
 */
export function minimumDetectableEffect(p: number, nControl: number, nTreatment: number, alpha = 0.05, power = 0.8): number {
  if (nControl <= 0 || nTreatment <= 0) return Number.POSITIVE_INFINITY;
  const q = Math.min(Math.max(p, 1e-6), 1 - 1e-6);
  const correction = 0.5 * (1 / nControl + 1 / nTreatment);
  return (normalQuantile(1 - alpha / 2) + normalQuantile(power)) * Math.sqrt(q * (1 - q) * (1 / nControl + 1 / nTreatment)) + correction;
}

/**
 * Fleiss' approximation (with its continuity correction) of the sessions per variant a two-sided
 * continuity-corrected two-proportion test needs: n′ = n/4 · (1 + √(1 + 4/(n·|δ|)))². It is the
 * starting point of {@link sampleSizePerVariant}; on its own it falls a little short of the power
 * (≈ 79.9 % instead of 80 % at 12.6 % → 15.6 %).
 */
export function fleissSampleSize(p: number, mde: number, alpha = 0.05, power = 0.8): number {
  const p1 = p;
  const p2 = Math.min(1 - 1e-9, p + mde);
  const delta = Math.abs(p2 - p1);
  const bar = (p1 + p2) / 2;
  const za = normalQuantile(1 - alpha / 2);
  const zb = normalQuantile(power);
  const n = (za * Math.sqrt(2 * bar * (1 - bar)) + zb * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / delta ** 2;
  return Math.ceil((n / 4) * (1 + Math.sqrt(1 + 4 / (n * delta))) ** 2);
}

/** The binomial probabilities of Binomial(n, p) above 1e-13, from `from` on (a recurrence from the mode). */
function binomialMass(n: number, p: number): { from: number; pmf: Float64Array } {
  const mode = Math.floor((n + 1) * p);
  const left: number[] = [];
  const right: number[] = [];
  const at = binomialPmf(mode, n, p);
  const ratio = p / (1 - p);
  for (let k = mode, v = at; k > 0 && v > 1e-13; k--) {
    v = (v * k) / ((n - k + 1) * ratio);
    left.push(v);
  }
  for (let k = mode, v = at; k < n && v > 1e-13; k++) {
    v = (v * (n - k) * ratio) / (k + 1);
    right.push(v);
  }
  const pmf = Float64Array.from([...left.reverse(), at, ...right]);
  return { from: mode - left.length, pmf };
}

/**
 * The exact power of {@link twoProportionTest} at `n` sessions per variant: the probability,
 * summed over both arms' binomial outcomes, that the test finds a significant difference in the
 * direction of the true one (rates `p` → `p + delta`).
 * @example exactPower(0.126, 0.03, 2178) // ≈ 0.800
 */
export function exactPower(p: number, delta: number, n: number, alpha = 0.05): number {
  const p2 = Math.min(1 - 1e-9, Math.max(1e-9, p + delta));
  const z = normalQuantile(1 - alpha / 2);
  const a = binomialMass(n, p);
  const b = binomialMass(n, p2);
  const correction = 1 / n;
  const sign = delta >= 0 ? 1 : -1;
  let power = 0;
  for (let i = 0; i < a.pmf.length; i++) {
    const k1 = a.from + i;
    for (let j = 0; j < b.pmf.length; j++) {
      const k2 = b.from + j;
      const diff = (k2 - k1) / n;
      if (diff * sign <= 0) continue;
      const pooled = (k1 + k2) / (2 * n);
      const se = Math.sqrt(pooled * (1 - pooled) * (2 / n));
      if (Math.abs(diff) - correction > z * se) power += a.pmf[i]! * b.pmf[j]!;
    }
  }
  return power;
}

/**
 * Sessions per variant at which a fixed-horizon read of {@link twoProportionTest} (two-sided,
 * continuity-corrected) detects an absolute change `mde` from the base rate `p` with at least
 * `power`, by {@link exactPower}: the first n, searched from Fleiss' approximation, from which the
 * power stays at or above the target (it rises in small saw-teeth). The test is read once, at
 * this horizon, so no power is spent on interim looks.
 * @example sampleSizePerVariant(0.15, 0.03) // 2,465 per variant (alpha 0.05, power 0.8)
 */
export function sampleSizePerVariant(p: number, mde: number, alpha = 0.05, power = 0.8): number {
  const start = fleissSampleSize(p, mde, alpha, power);
  // Power rises with n but in small saw-teeth (the outcomes are discrete): the horizon is the first
  // n from which it stays at or above the target for the next 1 % of sessions.
  const stretch = Math.max(10, Math.ceil(start * 0.01));
  let n = Math.max(2, Math.floor(start * 0.98));
  let runStart = -1;
  for (;; n++) {
    if (exactPower(p, mde, n, alpha) >= power) {
      if (runStart < 0) runStart = n;
      if (n - runStart >= stretch) return runStart;
    } else runStart = -1;
  }
}
