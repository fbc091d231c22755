import { sumUsage } from '../core/usage.js';
import { errorGrade } from '../grading/grade-helpers.js';
import type { Grader } from '../grading/grader.js';
import type { Grade } from '../schema/grade.js';
import type { ResolvedCase } from '../schema/golden-set.js';
import type { Usage } from '../schema/message.js';
import type { TranscriptMessage } from '../schema/run-record.js';

/**
 * The graders that apply to a case: the run's defaults plus those the case (or its file) names,
 * each only when it has something to check in this case.
 */
export function gradersFor(testCase: ResolvedCase, graders: readonly Grader[], defaults: ReadonlySet<string>): Grader[] {
  const named = new Set([...defaults, ...testCase.graders]);
  return graders.filter((g) => named.has(g.name) && g.appliesTo(testCase));
}

export interface GradedConversation {
  grades: Grade[];
  judgeUsage: Usage;
  judgeCostUsd: number | null;
}

/**
 * Runs every applicable grader on one conversation, concurrently (judge calls are bounded by the
 * judge limiter inside the judge model). A grader that throws becomes an error grade: an error is
 * never a fail.
 */
export async function gradeConversation(
  testCase: ResolvedCase,
  transcript: TranscriptMessage[],
  graders: readonly Grader[],
  context: { variant: string; signal: AbortSignal; priceJudge: (usage: Usage) => number | null },
): Promise<GradedConversation> {
  const grades = await Promise.all(
    graders.map(async (grader): Promise<Grade> => {
      try {
        const grade = await grader.grade({ case: testCase, transcript, variant: context.variant, signal: context.signal });
        return grade.usage && grade.costUsd === undefined ? { ...grade, costUsd: context.priceJudge(grade.usage) } : grade;
      } catch (error) {
        if (context.signal.aborted) throw context.signal.reason;
        return errorGrade(grader, error);
      }
    }),
  );
  let judgeCostUsd: number | null = 0;
  for (const g of grades) {
    if (g.usage) judgeCostUsd = judgeCostUsd === null || g.costUsd == null ? null : judgeCostUsd + g.costUsd;
  }
  return { grades, judgeUsage: sumUsage(grades.map((g) => g.usage)), judgeCostUsd };
}
