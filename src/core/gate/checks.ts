import type { CaseRecord } from '../case-table.js';
import { passShare } from '../case-table.js';
import { inSlice, type SliceId, sliceName } from '../slices.js';
import { quantile } from '../stats/bootstrap.js';
import type { CasePair } from './drops.js';
import { type MetricDef, metricMean } from './metrics.js';
import type { RuleOutcome } from './types.js';

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/** A hard floor on the candidate (all its cases, or one slice): blocks regardless of significance. */
export function checkFloor(variant: string, def: MetricDef, min: number, records: readonly CaseRecord[], slice?: SliceId): RuleOutcome {
  const selected = slice ? records.filter((r) => inSlice(r.tags, slice)) : records;
  const { value, n } = metricMean(def, selected);
  const breached = value !== null && (def.lowerIsBetter ? value > min : value < min);
  const caseIds = breached ? selected.filter((r) => (def.value(r) ?? 1) < 1 && !def.lowerIsBetter).map((r) => r.caseId).slice(0, 20) : [];
  const outcome: RuleOutcome = {
    rule: 'min',
    variant,
    metric: def.name,
    baseline: null,
    candidate: value,
    delta: null,
    threshold: min,
    cases: n,
    exceeded: breached,
    blocking: breached,
    message: breached
      ? `${def.name}${slice ? ` [${sliceName(slice)}]` : ''} is ${value?.toFixed(3)}, ${def.lowerIsBetter ? 'above the ceiling' : 'below the floor'} ${min}`
      : `${def.name} ${value === null ? 'has no values' : `${value.toFixed(3)} ≥ ${min}`}`,
  };
  if (slice) outcome.slice = sliceName(slice);
  if (caseIds.length > 0) outcome.caseIds = caseIds;
  return outcome;
}

/** Relative increase budget on cost per conversation (agent cost; null-aware: unpriced cases are left out). */
export function checkCost(variant: string, pairs: readonly CasePair[], maxIncrease: number, warnings: string[]): RuleOutcome {
  let b = 0;
  let c = 0;
  let n = 0;
  let unpriced = 0;
  for (const { base, cand } of pairs) {
    if (base.cost.unpriced > 0 || cand.cost.unpriced > 0 || base.cost.results === 0 || cand.cost.results === 0) {
      unpriced++;
      continue;
    }
    b += base.cost.costUsd / base.cost.results;
    c += cand.cost.costUsd / cand.cost.results;
    n++;
  }
  if (unpriced > 0) warnings.push(`cost budget (${variant}): ${unpriced} case(s) without a known price left out of the cost comparison`);
  return increaseOutcome(variant, 'maxCostIncrease', 'costPerConversationUsd', n > 0 ? b / n : null, n > 0 ? c / n : null, maxIncrease, n);
}

/** Relative increase budget on the p95 of per-turn latency. */
export function checkLatency(variant: string, pairs: readonly CasePair[], maxIncrease: number): RuleOutcome {
  const b: number[] = [];
  const c: number[] = [];
  for (const { base, cand } of pairs) {
    for (const l of base.turnLatencies) b.push(l);
    for (const l of cand.turnLatencies) c.push(l);
  }
  const pb = b.length > 0 ? quantile(b, 0.95) : null;
  const pc = c.length > 0 ? quantile(c, 0.95) : null;
  return increaseOutcome(variant, 'maxP95LatencyIncrease', 'latencyP95Ms', pb, pc, maxIncrease, pairs.length);
}

function increaseOutcome(variant: string, rule: RuleOutcome['rule'], metric: string, b: number | null, c: number | null, max: number, n: number): RuleOutcome {
  const rel = b !== null && c !== null && b > 0 ? (c - b) / b : null;
  const breached = rel !== null && rel > max + 1e-12;
  return {
    rule,
    variant,
    metric,
    baseline: b,
    candidate: c,
    delta: b !== null && c !== null ? c - b : null,
    threshold: max,
    relative: true,
    cases: n,
    exceeded: breached,
    blocking: breached,
    message:
      rel === null
        ? `${metric}: not comparable (no values)`
        : `${metric} ${breached ? 'rose' : 'changed'} by ${pct(rel)} (budget +${pct(max)})`,
  };
}

/** Errors are not fails, but past the limit the comparison cannot be trusted: `inconclusive`. */
export function checkErrors(variant: string, records: readonly CaseRecord[], maxErrorRate: number) {
  let results = 0;
  let resultErrors = 0;
  let grades = 0;
  let gradeErrors = 0;
  for (const rec of records) {
    results += rec.repeats;
    resultErrors += rec.resultErrors;
    for (const t of rec.graders.values()) {
      grades += t.errors + Math.max(t.scores.length, t.passes.length);
      gradeErrors += t.errors;
    }
  }
  const rate = Math.max(results > 0 ? resultErrors / results : 0, grades > 0 ? gradeErrors / grades : 0);
  const breached = rate > maxErrorRate + 1e-12;
  const outcome: RuleOutcome = {
    rule: 'maxErrorRate',
    variant,
    metric: 'errorRate',
    baseline: null,
    candidate: rate,
    delta: null,
    threshold: maxErrorRate,
    cases: records.length,
    exceeded: breached,
    blocking: breached,
    message: `${resultErrors}/${results} results and ${gradeErrors}/${grades} grades ended in errors (${pct(rate)}, limit ${pct(maxErrorRate)})`,
  };
  return { outcome, stats: { results, resultErrors, grades, gradeErrors, rate } };
}

/** With repeats: cases whose share of passing repeats fell below `min` (and was not below it before). */
export function checkCasePassRate(variant: string, pairs: readonly CasePair[], min: number): RuleOutcome {
  const failing: string[] = [];
  let n = 0;
  for (const { base, cand } of pairs) {
    const b = passShare(base.overallPasses);
    const c = passShare(cand.overallPasses);
    if (b === null || c === null) continue;
    n++;
    if (c < min && b >= min) failing.push(cand.caseId);
  }
  const breached = failing.length > 0;
  const outcome: RuleOutcome = {
    rule: 'minCasePassRate',
    variant,
    metric: 'casePassRate',
    baseline: null,
    candidate: n > 0 ? (n - failing.length) / n : null,
    delta: null,
    threshold: min,
    cases: n,
    exceeded: breached,
    blocking: breached,
    message: breached
      ? `${failing.length} case(s) now pass fewer than ${pct(min)} of their repeats: ${failing.slice(0, 5).join(', ')}${failing.length > 5 ? ', …' : ''}`
      : `every case passes at least ${pct(min)} of its repeats (or did not before)`,
  };
  if (breached) outcome.caseIds = failing.slice(0, 20);
  return outcome;
}
