import * as z from 'zod';
import { UsageSchema } from './message.js';

/** A quoted span that supports a grade. `turn` indexes the result's transcript. */
export const EvidenceSchema = z.strictObject({
  turn: z.number().int().nonnegative().optional(),
  quote: z.string(),
  /** [start, end) character offsets of `quote` inside that turn's content, when known. */
  span: z.tuple([z.number().int(), z.number().int()]).optional(),
  note: z.string().optional(),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

export const GradeErrorSchema = z.strictObject({ code: z.string(), message: z.string() });

/**
 * One per-message verdict of a turn-scoped grader. `turn` is the index of the judged message in
 * the result's `transcript` (the same index as `Evidence.turn`, and the `#n` the report shows on
 * each message), not the scripted user-turn index that transcript messages carry as `turn`.
 */
export const TurnGradeSchema = z.strictObject({
  /** Index of the judged message in the result's transcript (0 = the first message). */
  turn: z.number().int().nonnegative(),
  score: z.number().min(0).max(1),
  pass: z.boolean(),
  label: z.string().optional(),
  reason: z.string().optional(),
});
export type TurnGrade = z.infer<typeof TurnGradeSchema>;

/**
 * What a grader says of one conversation. `pass` is computed in code from `score` and the
 * grader's threshold. An `error` means "no verdict": score and pass are null, and it is never
 * counted as a fail.
 */
export const GradeSchema = z.strictObject({
  grader: z.string(),
  kind: z.string(),
  scope: z.enum(['turn', 'conversation']),
  score: z.number().min(0).max(1).nullable(),
  pass: z.boolean().nullable(),
  threshold: z.number().optional(),
  label: z.string().optional(),
  reason: z.string().optional(),
  evidence: z.array(EvidenceSchema).optional(),
  /** Per-message verdicts of a turn-scoped grader (`turn` = transcript message index); the grade's score aggregates them. */
  turns: z.array(TurnGradeSchema).optional(),
  /** Kind-specific figures (criteria scores, F1, claim lists, judge samples...). */
  details: z.record(z.string(), z.unknown()).optional(),
  /** Judge usage of this grade (model-based graders only). */
  usage: UsageSchema.optional(),
  costUsd: z.number().nullable().optional(),
  error: GradeErrorSchema.optional(),
});
export type Grade = z.infer<typeof GradeSchema>;
