import * as z from 'zod';

/**
 * The summary of a run (src/core/summary.ts computes it; the run record's summary line stores
 * it). The types the core works with are inferred from these schemas, so what is written and
 * what is read back are one shape.
 */

/** A mean score with its bootstrap interval over cases. `n` = cases with a score. */
export const ScoreStatSchema = z.object({
  mean: z.number().nullable(),
  lo: z.number().nullable(),
  hi: z.number().nullable(),
  n: z.number().int().nonnegative(),
});
export type ScoreStat = z.infer<typeof ScoreStatSchema>;

/** A pass rate with its Wilson interval. `n` = verdicts (results × repeats), `passed` of them passed. */
export const RateStatSchema = z.object({
  rate: z.number().nullable(),
  lo: z.number().nullable(),
  hi: z.number().nullable(),
  passed: z.number().int().nonnegative(),
  n: z.number().int().nonnegative(),
});
export type RateStat = z.infer<typeof RateStatSchema>;

/** A KPI value with the number of conversations (or turns) behind it; null when none. */
export const KpiValueSchema = z.object({ value: z.number().nullable(), n: z.number().int().nonnegative() });
export type KpiValue = z.infer<typeof KpiValueSchema>;

/** The KPIs of a group of conversations. */
export const KpisSchema = z.object({
  resolutionRate: KpiValueSchema,
  /** Resolved without an escalation in the same conversation, over conversations with a resolution grade. */
  firstContactResolution: KpiValueSchema,
  escalationRate: KpiValueSchema,
  /** Fallback replies over graded assistant turns. */
  fallbackRate: KpiValueSchema,
  goalCompletion: KpiValueSchema,
  averageTurns: KpiValueSchema,
  averageTurnsToResolution: KpiValueSchema,
  csat: KpiValueSchema,
  sentiment: z.record(z.string(), z.number()),
  latencyP50Ms: z.number().nullable(),
  latencyP95Ms: z.number().nullable(),
  tokensPerConversation: z.number().nullable(),
  judgeTokensPerConversation: z.number().nullable(),
  costPerConversationUsd: z.number().nullable(),
  costPerResolvedUsd: z.number().nullable(),
  judgeCostPerConversationUsd: z.number().nullable(),
  totalCostUsd: z.number().nullable(),
  totalJudgeCostUsd: z.number().nullable(),
  unpricedResults: z.number().int().nonnegative(),
  judgeUnpricedResults: z.number().int().nonnegative(),
  /**
   * Simulated-customer conversations only (absent when there are none): the simulator's tokens per
   * simulated conversation and its total cost (null when its price is unknown), apart from the
   * agent's and the judge's.
   */
  simulatorTokensPerConversation: z.number().nullable().optional(),
  totalSimulatorCostUsd: z.number().nullable().optional(),
});
export type Kpis = z.infer<typeof KpisSchema>;

/** A case whose repeats disagree: reported apart from regressions. */
export const FlakyCaseSchema = z.object({
  caseId: z.string(),
  variant: z.string(),
  /** Graders whose repeats disagree (some pass, some fail, i.e. scores straddle the threshold). */
  graders: z.array(z.string()),
  /** Share of repeats where every verdict passed. */
  passRate: z.number(),
  repeats: z.number().int().nonnegative(),
});
export type FlakyCase = z.infer<typeof FlakyCaseSchema>;

/** Repeat statistics of one variant (meaningful with `--repeat k`, k > 1). */
export const RepeatSummarySchema = z.object({
  /** Largest repeat count seen on a case. */
  k: z.number().int().nonnegative(),
  /** Share of cases where every repeat passed (pass^k). */
  passAllK: z.number().nullable(),
  /** Mean over cases of the per-case pass rate. */
  meanCasePassRate: z.number().nullable(),
  /** The per-case threshold applied (`minCasePassRate`), when set. */
  minCasePassRate: z.number().optional(),
  /** Cases whose pass rate over repeats is below `minCasePassRate`, with their rate. */
  casesBelowMin: z.array(z.object({ caseId: z.string(), passRate: z.number() })),
  flaky: z.array(FlakyCaseSchema),
});
export type RepeatSummary = z.infer<typeof RepeatSummarySchema>;

export const GraderSummarySchema = z.object({
  grader: z.string(),
  kind: z.string(),
  cases: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  score: ScoreStatSchema,
  passRate: RateStatSchema,
});
export type GraderSummary = z.infer<typeof GraderSummarySchema>;

/** Aggregates of a group of cases (a variant, or a slice of one). */
export const GroupSummarySchema = z.object({
  cases: z.number().int().nonnegative(),
  results: z.number().int().nonnegative(),
  /** Results that ended in an error (not fails). */
  errors: z.number().int().nonnegative(),
  /** Grades that ended in an error (not fails). */
  gradeErrors: z.number().int().nonnegative(),
  /** Overall score: per result, the mean of its grade scores; per case, the mean over repeats; then the mean over cases. */
  score: ScoreStatSchema,
  /** Share of verdicts (results × repeats) where every grade passed. */
  passRate: RateStatSchema,
  graders: z.array(GraderSummarySchema),
  kpis: KpisSchema,
});
export type GroupSummary = z.infer<typeof GroupSummarySchema>;

export const SliceSummarySchema = GroupSummarySchema.extend({
  key: z.string(),
  value: z.string(),
  /** `key=value` */
  name: z.string(),
});
export type SliceSummary = z.infer<typeof SliceSummarySchema>;

export const VariantSummarySchema = GroupSummarySchema.extend({
  variant: z.string(),
  slices: z.array(SliceSummarySchema),
  repeats: RepeatSummarySchema,
});
export type VariantSummary = z.infer<typeof VariantSummarySchema>;

/** The summary of a run: per variant, per slice, per grader, KPIs and repeats. */
export const SummarySchema = z.object({
  runId: z.string(),
  repeat: z.number().int().positive(),
  results: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  confidence: z.number(),
  seed: z.number(),
  variants: z.array(VariantSummarySchema),
});
export type Summary = z.infer<typeof SummarySchema>;
