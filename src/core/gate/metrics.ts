import { type CaseRecord, meanOrNull, passShare } from '../case-table.js';

/**
 * Gate metrics, read per case (a case's value is its mean over repeats):
 * `score` (overall mean score), `passRate` (every grade passed), `<grader>.score`,
 * `<grader>.passRate`, and the KPIs `resolutionRate`, `firstContactResolution`, `escalationRate`,
 * `fallbackRate`, `goalCompletion`, `csat`.
 */
export interface MetricDef {
  name: string;
  /** Per-case value, or null when the case has none (no verdict, errors only). */
  value(rec: CaseRecord): number | null;
  /** `sign`: shares of verdicts, tested with the exact sign test; `mean`: scores, tested with the sign-flip test of the mean drop. */
  test: 'sign' | 'mean';
  /** true when a higher value is worse (escalation, fallback): a "drop" is then an increase. */
  lowerIsBetter: boolean;
}

const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);

const KPI_METRICS: Record<string, Omit<MetricDef, 'name'>> = {
  resolutionRate: { value: (r) => ratio(r.kpi.resolved, r.kpi.resolutionGraded), test: 'sign', lowerIsBetter: false },
  firstContactResolution: { value: (r) => ratio(r.kpi.firstContactResolved, r.kpi.resolutionGraded), test: 'sign', lowerIsBetter: false },
  escalationRate: { value: (r) => ratio(r.kpi.escalated, r.kpi.escalationGraded), test: 'sign', lowerIsBetter: true },
  fallbackRate: { value: (r) => ratio(r.kpi.fallbacks, r.kpi.fallbackTurns), test: 'mean', lowerIsBetter: true },
  goalCompletion: { value: (r) => ratio(r.kpi.goalCompleted, r.kpi.goalGraded), test: 'sign', lowerIsBetter: false },
  csat: { value: (r) => ratio(r.kpi.csatSum, r.kpi.csatN), test: 'mean', lowerIsBetter: false },
};

/** Names of the KPI metrics a rule may use. */
export const KPI_METRIC_NAMES = Object.keys(KPI_METRICS);

/**
 * Resolves a metric name; undefined when it is not one the gate knows.
 * @example metricDef('hallucination.passRate')
 */
export function metricDef(name: string): MetricDef | undefined {
  if (name === 'score') return { name, value: (r) => meanOrNull(r.overallScores), test: 'mean', lowerIsBetter: false };
  if (name === 'passRate') return { name, value: (r) => passShare(r.overallPasses), test: 'sign', lowerIsBetter: false };
  const kpi = KPI_METRICS[name];
  if (kpi) return { name, ...kpi };
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const grader = name.slice(0, dot);
  const field = name.slice(dot + 1);
  if (field === 'score') {
    return { name, value: (r) => meanOrNull(r.graders.get(grader)?.scores ?? []), test: 'mean', lowerIsBetter: false };
  }
  if (field === 'passRate') {
    return { name, value: (r) => passShare(r.graders.get(grader)?.passes ?? []), test: 'sign', lowerIsBetter: false };
  }
  return undefined;
}

/** Mean of a metric over cases that have a value; null when none do. */
export function metricMean(def: MetricDef, records: Iterable<CaseRecord>): { value: number | null; n: number } {
  let sum = 0;
  let n = 0;
  for (const rec of records) {
    const v = def.value(rec);
    if (v === null) continue;
    sum += v;
    n++;
  }
  return { value: n > 0 ? sum / n : null, n };
}
