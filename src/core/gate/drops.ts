import type { CaseRecord } from '../case-table.js';
import { inSlice, type SliceId, sliceName } from '../slices.js';
import { signTestOneSided } from '../stats/binomial.js';
import { pairedBootstrap } from '../stats/bootstrap.js';
import { signFlipTest } from '../stats/sign-flip.js';
import type { Rng } from '../stats/prng.js';
import type { MetricDef } from './metrics.js';
import type { RuleOutcome } from './types.js';

/** A (baseline, candidate) record of the same case. */
export interface CasePair {
  base: CaseRecord;
  cand: CaseRecord;
}

export interface DropSpec {
  variant: string;
  def: MetricDef;
  slice?: SliceId;
  maxDrop: number;
  relative: boolean;
}

export interface StatContext {
  rng: Rng;
  confidence: number;
  resamples: number;
}

/** A drop test before the family-wise correction; `variance` feeds the power estimate. */
export interface DropTest {
  outcome: RuleOutcome;
  variance: number;
  binary: boolean;
}

/**
 * Tests one metric for a drop over paired cases: per case, drop = baseline − candidate (or the
 * reverse for lower-is-better metrics). Pass/fail metrics use the exact one-sided sign test on
 * the cases that changed (McNemar's test for single verdicts); scores use the paired sign-flip
 * randomisation test of the mean drop. The interval (of candidate − baseline) comes from the
 * paired bootstrap of the mean drop.
 */
export function testDrop(spec: DropSpec, pairs: readonly CasePair[], ctx: StatContext): DropTest {
  const drops: number[] = [];
  let sumB = 0;
  let sumC = 0;
  const slice = spec.slice;
  for (const { base, cand } of pairs) {
    if (slice && !inSlice(cand.tags, slice)) continue;
    const b = spec.def.value(base);
    const c = spec.def.value(cand);
    if (b === null || c === null) continue;
    sumB += b;
    sumC += c;
    drops.push(spec.def.lowerIsBetter ? c - b : b - c);
  }
  const n = drops.length;
  const meanB = n > 0 ? sumB / n : null;
  const meanC = n > 0 ? sumC / n : null;
  const boot = pairedBootstrap(drops, ctx);
  let worse = 0;
  let better = 0;
  let squares = 0;
  for (const d of drops) {
    if (d > 0) worse++;
    else if (d < 0) better++;
    squares += d * d;
  }
  const p =
    n === 0 ? 1 : spec.def.test === 'sign' ? signTestOneSided(worse, better) : signFlipTest(drops, { rng: ctx.rng, resamples: ctx.resamples });
  const drop = boot.drop;
  const exceeded =
    n > 0 && (spec.relative ? meanB !== null && meanB > 0 && drop / meanB > spec.maxDrop + 1e-12 : drop > spec.maxDrop + 1e-12);
  const sign = spec.def.lowerIsBetter ? 1 : -1;
  const interval: [number, number] = sign < 0 ? [-boot.hi, -boot.lo] : [boot.lo, boot.hi];
  const variance = spec.def.test === 'sign' ? (n > 0 ? squares / n : 0) : sampleVariance(drops);
  const outcome: RuleOutcome = {
    rule: 'maxDrop',
    variant: spec.variant,
    metric: spec.def.name,
    baseline: meanB,
    candidate: meanC,
    delta: meanB !== null && meanC !== null ? meanC - meanB : null,
    threshold: spec.maxDrop,
    relative: spec.relative,
    interval,
    p,
    cases: n,
    exceeded,
    blocking: false,
    message: '',
  };
  if (spec.slice) outcome.slice = sliceName(spec.slice);
  return { outcome, variance, binary: spec.def.test === 'sign' };
}

function sampleVariance(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  let mean = 0;
  for (const x of xs) mean += x;
  mean /= xs.length;
  let s = 0;
  for (const x of xs) s += (x - mean) ** 2;
  return s / (xs.length - 1);
}
