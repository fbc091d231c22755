import * as z from 'zod';

/**
 * A grader definition (a file under `graders/`, or an entry in config). The common keys are
 * checked here; each grader kind checks its own options with its `options` schema
 * (see src/grading/registry.ts), so unknown keys are still reported.
 */
export const GraderScopeSchema = z.enum(['turn', 'conversation']);
export type GraderScope = z.infer<typeof GraderScopeSchema>;

export const GraderDefinitionBaseSchema = z.looseObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'grader names are lowercase: letters, digits, . _ -'),
  kind: z.string().min(1),
  description: z.string().optional(),
  scope: GraderScopeSchema.optional(),
  /** Score at or above which the grade passes. Each kind has its own default. */
  threshold: z.number().min(0).max(1).optional(),
  /** Apply to every case (true) or only to cases/files that name it (false, the default). */
  default: z.boolean().optional(),
});
export type GraderDefinition = z.infer<typeof GraderDefinitionBaseSchema>;
