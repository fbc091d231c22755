import * as z from 'zod';
import type { ModelParams } from '../../schema/config.js';
import type { Grade } from '../../schema/grade.js';
import type { Usage } from '../../schema/message.js';
import type { Grader, GraderDeps } from '../grader.js';

/** Keys every judge-based definition may set, besides the common ones. */
export const judgeCallShape = {
  /** Ask the judge k times (self-consistency): the score is the mean, the spread goes to details. */
  samples: z.number().int().min(1).max(20).default(1),
  /** Judge temperature for this grader (default: the config's `judge.temperature`). */
  temperature: z.number().min(0).max(2).optional(),
  /** Judge seed (sample i uses seed + i). Default: the config's `judge.seed`. */
  seed: z.number().int().optional(),
  /** Max tokens of one judge answer. */
  maxTokens: z.number().int().positive().optional(),
  /** Prompt template text (a `.md` definition's body lands here). */
  prompt: z.string().min(1).optional(),
  /** Prompt template file, relative to the definition's folder (front matter, if any, is skipped). */
  promptFile: z.string().min(1).optional(),
};

export interface JudgeCallOptions {
  samples: number;
  temperature?: number | undefined;
  seed?: number | undefined;
  maxTokens?: number | undefined;
}

/** What is recorded in `details.judge`: which model judged, with which settings. */
export interface JudgeInfo {
  provider: string;
  model: string;
  /** null: not set by the grader, so the judge config's default applied (see the run header). */
  temperature: number | null;
  seed: number | null;
  samples: number;
}

/**
 * The judge parameters of sample `index`: the definition's, else `deps.judgeParams`; what
 * neither sets is left to the judge model's own defaults (the config's `judge` block).
 */
export function judgeParams(options: JudgeCallOptions, deps: GraderDeps, index: number): ModelParams {
  const base = deps.judgeParams ?? {};
  const params: ModelParams = { ...base };
  const temperature = options.temperature ?? base.temperature;
  if (temperature !== undefined) params.temperature = temperature;
  const seed = options.seed ?? base.seed;
  if (seed !== undefined) params.seed = seed + index;
  if (options.maxTokens !== undefined) params.maxTokens = options.maxTokens;
  return params;
}

export function judgeInfo(options: JudgeCallOptions, deps: GraderDeps): JudgeInfo | undefined {
  if (!deps.judge) return undefined;
  const params = judgeParams(options, deps, 0);
  return {
    provider: deps.judge.provider,
    model: deps.judge.model,
    temperature: params.temperature ?? null,
    seed: params.seed ?? null,
    samples: options.samples,
  };
}

/** An error grade: no verdict (score and pass null), never a fail. */
export function errorGrade(
  grader: Pick<Grader, 'name' | 'kind' | 'scope' | 'threshold'>,
  error: { code: string; message: string },
  extra: { usage?: Usage; details?: Record<string, unknown> } = {},
): Grade {
  const grade: Grade = {
    grader: grader.name,
    kind: grader.kind,
    scope: grader.scope,
    score: null,
    pass: null,
    threshold: grader.threshold,
    error,
  };
  if (extra.usage) grade.usage = extra.usage;
  if (extra.details) grade.details = extra.details;
  return grade;
}

/** The error grade of a judge-based grader that has no judge model configured. */
export function noJudgeGrade(grader: Pick<Grader, 'name' | 'kind' | 'scope' | 'threshold'>, details?: Record<string, unknown>): Grade {
  return errorGrade(
    grader,
    { code: 'E_NO_JUDGE', message: `grader "${grader.name}" needs a judge model: set \`judge\` in the config` },
    details ? { details } : {},
  );
}

/** Mean, population standard deviation, min and max of a non-empty list. */
export function spread(values: readonly number[]): { mean: number; stdev: number; min: number; max: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
  return { mean, stdev: Math.sqrt(variance), min: Math.min(...values), max: Math.max(...values) };
}

/** The most frequent value; ties go to the value seen first. */
export function majority<T>(values: readonly T[]): T | undefined {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: T | undefined;
  let bestCount = 0;
  for (const [v, n] of counts) {
    if (n > bestCount) {
      best = v;
      bestCount = n;
    }
  }
  return best;
}

/** Rounds to 4 decimals for the record (scores, spreads). */
export function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** `details.samples` of a grade asked `k` times: every sample's score and their spread. */
export function samplesDetails(k: number, failed: number, scores: readonly number[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const s = spread(scores);
  return {
    k,
    answered: scores.length,
    failed,
    ...extra,
    scores: scores.map(round4),
    mean: round4(s.mean),
    stdev: round4(s.stdev),
    min: round4(s.min),
    max: round4(s.max),
  };
}
