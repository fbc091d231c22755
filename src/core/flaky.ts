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

/**
 * pass^k, per-case pass rates and flaky cases over a variant's case records.
 * @example repeatSummary(records, 0.8).casesBelowMin // cases passing fewer than 80 % of repeats
 */
export function repeatSummary(records: readonly CaseRecord[], minCasePassRate?: number): RepeatSummary {
  let k = 0;
  let allPass = 0;
  let withVerdicts = 0;
  let shareSum = 0;
  const casesBelowMin: RepeatSummary['casesBelowMin'] = [];
  const flaky: FlakyCase[] = [];
  for (const rec of records) {
    k = Math.max(k, rec.repeats);
    const share = passShare(rec.overallPasses);
    if (share === null) continue;
    withVerdicts++;
    shareSum += share;
    if (share === 1 && rec.overallPasses.length === rec.repeats) allPass++;
    if (minCasePassRate !== undefined && share < minCasePassRate) casesBelowMin.push({ caseId: rec.caseId, passRate: share });
    const graders = flakyGraders(rec);
    if (graders.length > 0) flaky.push({ caseId: rec.caseId, variant: rec.variant, graders, passRate: share, repeats: rec.repeats });
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
