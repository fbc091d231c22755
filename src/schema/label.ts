import * as z from 'zod';

/**
 * A human label: one reviewer's verdict on one grade, one line of `<run>.labels.jsonl`.
 * FORMAT: `convotest.labels/1`. Append-only and hash-chained like the run record: every line
 * carries `prev` = SHA-256 (hex) of the previous line's bytes (64 zeros on the first line).
 * Keyed by (caseId, grader, transcriptHash), so a later run or regrade with the same transcript
 * shows the verdict again; the latest line for a key wins.
 */
export const LABELS_FORMAT = 'convotest.labels/1';

export const LabelVerdictSchema = z.enum(['agree', 'disagree']);

/** What a reviewer submits (the viewer's POST body). */
export const LabelInputSchema = z.strictObject({
  caseId: z.string().min(1).max(500),
  variant: z.string().max(200).optional(),
  grader: z.string().min(1).max(200),
  transcriptHash: z.string().regex(/^[0-9a-f]{8,128}$/),
  verdict: LabelVerdictSchema,
  /** The corrected verdict when the reviewer disagrees (default: the opposite of the judge's). */
  pass: z.boolean().optional(),
  score: z.number().min(0).max(1).optional(),
  note: z.string().max(4000).optional(),
});
export type LabelInput = z.infer<typeof LabelInputSchema>;

/** One stored line of the labels file. */
export const LabelSchema = LabelInputSchema.extend({
  type: z.literal('label'),
  prev: z.string(),
  reviewer: z.string(),
  /** ISO time the label was recorded. */
  at: z.string(),
  /** The run the reviewer was looking at. */
  runId: z.string().optional(),
  /** HMAC-SHA256 of the line without this key, when the run's `signingKeyEnv` is set (always the last key). */
  signature: z.string().optional(),
});
export type Label = z.infer<typeof LabelSchema>;
