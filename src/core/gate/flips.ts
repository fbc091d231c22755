import { meanOrNull, passShare } from '../case-table.js';
import { flakyGraders, type FlakyCase } from '../flaky.js';
import type { CasePair } from './drops.js';
import type { FlippedCase } from './types.js';

/**
 * Cases whose overall verdict flipped, with the graders that changed and their reasons.
 * A case passes when the share of its passing repeats is at least `casePass` (½ by default).
 * Cases whose repeats disagree in either run are flaky: listed apart, not as flips.
 */
export function findFlips(pairs: readonly CasePair[], casePass = 0.5) {
  const passToFail: FlippedCase[] = [];
  const failToPass: FlippedCase[] = [];
  const flaky: FlakyCase[] = [];
  for (const { base, cand } of pairs) {
    const b = passShare(base.overallPasses);
    const c = passShare(cand.overallPasses);
    if (b === null || c === null) continue;
    const flakyNames = [...new Set([...flakyGraders(base), ...flakyGraders(cand)])];
    if (flakyNames.length > 0) {
      flaky.push({ caseId: cand.caseId, variant: cand.variant, graders: flakyNames, passRate: c, repeats: cand.repeats });
      continue;
    }
    const bPass = b >= casePass;
    const cPass = c >= casePass;
    if (bPass === cPass) continue;
    const graders: FlippedCase['graders'] = [];
    for (const [name, t] of cand.graders) {
      const tb = base.graders.get(name);
      const gb = tb ? passShare(tb.passes) : null;
      const gc = passShare(t.passes);
      if (gb === null || gc === null || gb >= casePass === gc >= casePass) continue;
      const reason = gc >= casePass ? (tb?.failReason ?? t.passReason) : t.failReason;
      graders.push(reason ? { grader: name, reason } : { grader: name });
    }
    const flip: FlippedCase = {
      caseId: cand.caseId,
      variant: cand.variant,
      baselinePass: b,
      candidatePass: c,
      baselineScore: meanOrNull(base.overallScores),
      candidateScore: meanOrNull(cand.overallScores),
      graders,
    };
    (bPass ? passToFail : failToPass).push(flip);
  }
  const byDrop = (a: FlippedCase, z: FlippedCase) =>
    (z.baselineScore ?? 0) - (z.candidateScore ?? 0) - ((a.baselineScore ?? 0) - (a.candidateScore ?? 0)) || a.caseId.localeCompare(z.caseId);
  passToFail.sort(byDrop);
  failToPass.sort((a, z) => a.caseId.localeCompare(z.caseId));
  return { passToFail, failToPass, flaky };
}
