import type { FlakyCase, RepeatSummary } from '../schema/summary.js';
import type { CaseRecord } from './case-table.js';
import { passShare } from './case-table.js';

export type { FlakyCase, RepeatSummary } from '../schema/summary.js';

/** Flaky graders of one case: repeats with both a pass and a fail. */
export function flakyGraders(rec: CaseRecord): string[] {
  const out: string[] = [];
  for (const [name, tally] of rec.graders) {
    const share = passShare(tally.passes);
    if (share !== null && share > 0 && share < 1) out.push(name);
  }
  return out;
}

/** What pass^k and flakiness read of one (case, variant) over its repeats. */
export interface CaseRepeats {
  caseId: string;
  variant: string;
  repeats: number;
  /** Repeats whose every verdict passed, of `verdicts` repeats with at least one verdict. */
  passed: number;
  verdicts: number;
  /** Graders with both a pass and a fail over the repeats (see {@link flakyGraders}). */
  flakyGraders: readonly string[];
}

/**
 * pass^k, per-case pass rates and flaky cases over a variant's cases.
 * @example repeatSummary(cases, 0.8).casesBelowMin // cases passing fewer than 80 % of repeats
 */
export function repeatSummary(cases: Iterable<CaseRepeats>, minCasePassRate?: number): RepeatSummary {
  let k = 0;
  let allPass = 0;
  let withVerdicts = 0;
  let shareSum = 0;
  const casesBelowMin: RepeatSummary['casesBelowMin'] = [];
  const flaky: FlakyCase[] = [];
  for (const c of cases) {
    k = Math.max(k, c.repeats);
    if (c.verdicts === 0) continue;
    const share = c.passed / c.verdicts;
    withVerdicts++;
    shareSum += share;
    if (share === 1 && c.verdicts === c.repeats) allPass++;
    if (minCasePassRate !== undefined && share < minCasePassRate) casesBelowMin.push({ caseId: c.caseId, passRate: share });
    if (c.flakyGraders.length > 0) flaky.push({ caseId: c.caseId, variant: c.variant, graders: [...c.flakyGraders], passRate: share, repeats: c.repeats });
  }
  const summary: RepeatSummary = {
    k,
    passAllK: withVerdicts > 0 ? allPass / withVerdicts : null,
    meanCasePassRate: withVerdicts > 0 ? shareSum / withVerdicts : null,
    casesBelowMin,
    flaky,
  };
  if (minCasePassRate !== undefined) summary.minCasePassRate = minCasePassRate;
  return summary;
}
