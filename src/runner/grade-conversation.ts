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

interface GradeContext {
  variant: string;
  signal: AbortSignal;
  priceJudge: (usage: Usage) => number | null;
}

/**
 * Reply grades made while a conversation runs (run --batch), per grader name, by transcript
 * index: {@link gradeReplies} fills it turn by turn, {@link gradeConversation} reuses it.
 */
export type EarlyGrades = Map<string, Map<number, Grade>>;

/**
 * Grades the replies of `transcript` not graded yet with every grader that grades reply by reply
 * (`Grader.byReply`), into `early`. Called when a turn is answered, so run --batch sends a turn's
 * reply judge calls in that turn's round instead of after the conversation.
 */
export async function gradeReplies(
  testCase: ResolvedCase,
  transcript: readonly TranscriptMessage[],
  graders: readonly Grader[],
  early: EarlyGrades,
  context: GradeContext,
): Promise<void> {
  const input = { case: testCase, transcript: [...transcript], variant: context.variant, signal: context.signal };
  await Promise.all(
    graders.flatMap((grader) => {
      const byReply = grader.byReply;
      if (!byReply) return [];
      let done = early.get(grader.name);
      if (!done) early.set(grader.name, (done = new Map()));
      const graded = done;
      return byReply
        .replies(input.transcript)
        .filter((i) => !graded.has(i))
        .map(async (i) => graded.set(i, await guarded(grader, context, () => byReply.grade(input, i))));
    }),
  );
}

/** What the reply grades made so far cost (for a conversation that ended in an error: its grades are not recorded, its judge calls were paid). */
export function earlySpend(early: EarlyGrades, context: Pick<GradeContext, 'priceJudge'>): Omit<GradedConversation, 'grades'> {
  return totalsOf([...early.values()].flatMap((m) => [...m.values()]).map((g) => priced(g, context)));
}

/**
 * Runs every applicable grader on one conversation, concurrently (judge calls are bounded by the
 * judge limiter inside the judge model). A grader that throws becomes an error grade: an error is
 * never a fail. With `early`, a grader that grades reply by reply reuses the replies graded while
 * the conversation ran and grades only the others.
 */
export async function gradeConversation(
  testCase: ResolvedCase,
  transcript: TranscriptMessage[],
  graders: readonly Grader[],
  context: GradeContext & { early?: EarlyGrades },
): Promise<GradedConversation> {
  const input = { case: testCase, transcript, variant: context.variant, signal: context.signal };
  const grades = await Promise.all(
    graders.map(async (grader): Promise<Grade> => {
      const byReply = grader.byReply;
      const early = context.early?.get(grader.name);
      if (!byReply || !context.early) return priced(await guarded(grader, context, () => grader.grade(input)), context);
      const parts = await Promise.all(byReply.replies(transcript).map((i) => early?.get(i) ?? guarded(grader, context, () => byReply.grade(input, i))));
      return priced(await guarded(grader, context, async () => byReply.combine(parts)), context);
    }),
  );
  return { grades, ...totalsOf(grades) };
}

/** A grader's answer; a throw becomes an error grade (an interruption is thrown on). */
async function guarded(grader: Grader, context: Pick<GradeContext, 'signal'>, grade: () => Promise<Grade>): Promise<Grade> {
  try {
    return await grade();
  } catch (error) {
    if (context.signal.aborted) throw context.signal.reason;
    return errorGrade(grader, error);
  }
}

function priced(grade: Grade, context: Pick<GradeContext, 'priceJudge'>): Grade {
  return grade.usage && grade.costUsd === undefined ? { ...grade, costUsd: context.priceJudge(grade.usage) } : grade;
}

function totalsOf(grades: readonly Grade[]): Omit<GradedConversation, 'grades'> {
  let judgeCostUsd: number | null = 0;
  for (const g of grades) {
    if (g.usage) judgeCostUsd = judgeCostUsd === null || g.costUsd == null ? null : judgeCostUsd + g.costUsd;
  }
  return { judgeUsage: sumUsage(grades.map((g) => g.usage)), judgeCostUsd };
}
