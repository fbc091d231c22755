import * as z from 'zod';

/**
 * Gate rules (config `gate:`). A metric name is `score` (overall mean score), `passRate`,
 * `<grader>.score`, `<grader>.passRate`, or a KPI (`resolutionRate`, `escalationRate`,
 * `fallbackRate`, `csat`, ...). Drops are in absolute points (0.02 = 2 points) unless `relative`.
 */
export const DropRuleSchema = z.strictObject({
  metric: z.string().min(1),
  /** Limit to one slice: `intent=refund`, or a whole tag key `intent` (every value of it). */
  slice: z.string().optional(),
  maxDrop: z.number().nonnegative(),
  relative: z.boolean().default(false),
});

export const FloorRuleSchema = z.strictObject({
  metric: z.string().min(1),
  slice: z.string().optional(),
  min: z.number(),
});

export const GateRulesSchema = z.strictObject({
  /** Block when the overall mean score drops by more than this (absolute points). */
  maxDrop: z.number().nonnegative().default(0.02),
  /** Apply `maxDrop` to every grader's pass rate and to every value of these tag keys. */
  perGrader: z.boolean().default(true),
  slices: z.array(z.string()).default([]),
  drops: z.array(DropRuleSchema).default([]),
  floors: z.array(FloorRuleSchema).default([]),
  /** Confidence for "statistically real" drops (one-sided). */
  confidence: z.number().gt(0.5).lt(1).default(0.95),
  /** Relative increase budgets: 0.2 = +20 %. */
  maxCostIncrease: z.number().nonnegative().optional(),
  maxP95LatencyIncrease: z.number().nonnegative().optional(),
  /** Share of results (or grades) with errors above which the verdict is `inconclusive`. */
  maxErrorRate: z.number().min(0).max(1).default(0.05),
  /** With repeats: share of a case's repeats that must pass for the case to pass. */
  minCasePassRate: z.number().min(0).max(1).optional(),
  /**
   * Baseline cases missing from the candidate make the verdict `inconclusive` (a cut or partial
   * candidate must not pass on what is left), unless this is true (cases removed on purpose).
   */
  allowMissingCases: z.boolean().default(false),
});
export type GateRules = z.infer<typeof GateRulesSchema>;
