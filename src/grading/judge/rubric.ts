import * as z from 'zod';
import { GraderDefinitionBaseSchema } from '../../schema/grader-definition.js';
import { judgeCallShape } from './common.js';

/**
 * A rubric (the `judge` kind's definition): criteria, a score scale, few-shot examples and the
 * prompt template. Usually the front matter of a `graders/*.md` file whose body is the prompt.
 */

export const CriterionSchema = z.strictObject({
  /** Used as a JSON key in the verdict: lowercase letters, digits, `_`. */
  id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'criterion ids are lowercase: letters, digits, _'),
  description: z.string().min(1),
  weight: z.number().positive().default(1),
});
export type Criterion = z.infer<typeof CriterionSchema>;

/** An integer scale: `"1-5"`, or `{ min, max, labels }` with a meaning per score. */
export interface Scale {
  min: number;
  max: number;
  labels: Record<string, string>;
}

export const ScaleSchema = z
  .union([
    z.string().regex(/^\s*-?\d+\s*-\s*-?\d+\s*$/, 'a scale is "min-max", e.g. "1-5"'),
    z.strictObject({
      min: z.number().int(),
      max: z.number().int(),
      labels: z.record(z.string(), z.string()).default({}),
    }),
  ])
  .transform((s): Scale => {
    if (typeof s !== 'string') return s;
    const m = /^\s*(-?\d+)\s*-\s*(-?\d+)\s*$/.exec(s)!;
    return { min: Number(m[1]), max: Number(m[2]), labels: {} };
  })
  .refine((s) => s.max > s.min, 'scale max must be greater than min');

export const ExampleSchema = z.strictObject({
  /** A short conversation excerpt, e.g. "user: …\nassistant: …". */
  conversation: z.string().min(1),
  /** The score each criterion deserves. */
  scores: z.record(z.string(), z.number().int()),
  /** Why. */
  reasoning: z.string().min(1),
});
export type Example = z.infer<typeof ExampleSchema>;

export const RubricOptionsSchema = GraderDefinitionBaseSchema.extend({
  criteria: z.array(CriterionSchema).min(1),
  scale: ScaleSchema.default({ min: 1, max: 5, labels: {} }),
  examples: z.array(ExampleSchema).default([]),
  /** Grade each criterion in its own call (default: all criteria in one call). */
  split: z.boolean().default(false),
  ...judgeCallShape,
})
  .strict()
  .superRefine((d, ctx) => {
    const ids = d.criteria.map((c) => c.id);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: ['criteria', i, 'id'], message: `duplicate criterion "${id}"` });
    });
    d.examples.forEach((e, i) => {
      for (const [id, score] of Object.entries(e.scores)) {
        if (!ids.includes(id)) ctx.addIssue({ code: 'custom', path: ['examples', i, 'scores', id], message: `unknown criterion "${id}"` });
        else if (score < d.scale.min || score > d.scale.max) {
          ctx.addIssue({ code: 'custom', path: ['examples', i, 'scores', id], message: `score ${score} is outside the scale` });
        }
      }
    });
  });
export type RubricOptions = z.infer<typeof RubricOptionsSchema>;

/** Evidence a judge cites: a verbatim quote and the index of the message it comes from. */
export const CitedQuoteSchema = z.strictObject({
  turn: z.number().int(),
  quote: z.string(),
});

/**
 * The verdict schema of a rubric: one entry per criterion, keyed by its id (so a missing or
 * unknown criterion fails validation), each with reasoning, then evidence, then the integer score.
 */
export function rubricVerdictSchema(criteria: readonly Criterion[], scale: Scale) {
  const entry = z.strictObject({
    reasoning: z.string(),
    evidence: z.array(CitedQuoteSchema),
    score: z.number().int().min(scale.min).max(scale.max),
  });
  const shape: Record<string, typeof entry> = {};
  for (const c of criteria) shape[c.id] = entry;
  return z.strictObject({ criteria: z.strictObject(shape), summary: z.string() });
}
export type RubricVerdict = {
  criteria: Record<string, { reasoning: string; evidence: { turn: number; quote: string }[]; score: number }>;
  summary: string;
};

/** A raw score on the scale, mapped to 0..1. */
export function normaliseScore(score: number, scale: Scale): number {
  return (score - scale.min) / (scale.max - scale.min);
}

/** The weighted mean of the criteria's normalised scores. */
export function rubricScore(verdict: RubricVerdict, criteria: readonly Criterion[], scale: Scale): number {
  let total = 0;
  let weights = 0;
  for (const c of criteria) {
    const v = verdict.criteria[c.id];
    if (!v) continue;
    total += c.weight * normaliseScore(v.score, scale);
    weights += c.weight;
  }
  return weights === 0 ? 0 : total / weights;
}
