import path from 'node:path';
import * as z from 'zod';
import { ConvotestError } from '../errors.js';
import { EvidenceSchema } from '../schema/grade.js';
import type { GradeInput, Grader, GraderKind } from './grader.js';
import { definitionSchema, errorGrade, makeGrade, turnGrade, stampOf } from './grade-helpers.js';

const CustomOptions = definitionSchema({
  /** Path of the TS/JS module, relative to the definition file's folder. */
  module: z.string().min(1),
  /** Name of the exported grader function (default: the default export). */
  export: z.string().min(1).optional(),
  /** Free-form options handed to the function. */
  options: z.record(z.string(), z.unknown()).optional(),
});

/** What a custom grader function returns. `pass` is computed from `score` (a returned `pass` is ignored). */
export const CustomVerdictSchema = z.object({
  score: z.number().min(0).max(1),
  label: z.string().optional(),
  reason: z.string().optional(),
  evidence: z.array(EvidenceSchema).optional(),
  turns: z
    .array(z.object({ turn: z.number().int().nonnegative(), score: z.number().min(0).max(1), label: z.string().optional(), reason: z.string().optional() }))
    .optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type CustomVerdict = z.infer<typeof CustomVerdictSchema>;

/** The context a custom grader function receives beside the conversation. */
export interface CustomGraderContext {
  name: string;
  threshold: number;
  options: Record<string, unknown>;
}

/**
 * The contract of a custom grader module's export.
 *
 * @example
 * // graders/custom/polite.ts
 * export default function grade(input: GradeInput): CustomVerdict {
 *   const replies = input.transcript.filter((m) => m.role === 'assistant');
 *   const polite = replies.filter((m) => /please|thank/i.test(m.content ?? '')).length;
 *   return { score: replies.length ? polite / replies.length : 1 };
 * }
 */
export type CustomGraderFunction = (input: GradeInput, context: CustomGraderContext) => CustomVerdict | Promise<CustomVerdict>;

/**
 * Loads a custom grader's function: `module` resolved against the definition's folder, then its
 * `exportName` export (default: the default export). Used when grading and by `convotest validate`.
 */
export async function loadCustomGrader(baseDir: string, module: string, exportName = 'default'): Promise<CustomGraderFunction> {
  const { createJiti } = await import('jiti'); // a tenth of a second to load: only when a custom grader is loaded
  const mod = await createJiti(import.meta.url).import<Record<string, unknown>>(path.resolve(baseDir, module));
  const fn = mod[exportName];
  if (typeof fn !== 'function') throw new ConvotestError('E_CONFIG', `${module} does not export a function "${exportName}"`);
  return fn as CustomGraderFunction;
}

/**
 * `custom`: a TS/JS module (loaded with jiti on first use) exporting a grader function. Its
 * verdict is validated; `pass` is computed here; a throw or an invalid verdict is an error grade.
 */
export const customKind: GraderKind<typeof CustomOptions> = {
  options: CustomOptions,
  defaultScope: 'conversation',
  defaultThreshold: 0.5,
  needsJudge: false,
  create(definition, deps): Grader {
    const stamp = stampOf(definition, customKind);
    let loaded: Promise<CustomGraderFunction> | undefined;
    const load = () => (loaded ??= loadCustomGrader(deps.baseDir, definition.module, definition.export));
    const context: CustomGraderContext = { name: stamp.name, threshold: stamp.threshold, options: definition.options ?? {} };
    return {
      ...stamp,
      appliesTo: () => true,
      async grade(input) {
        try {
          const fn = await load();
          const parsed = CustomVerdictSchema.safeParse(await fn(input, context));
          if (!parsed.success) {
            return errorGrade(stamp, new ConvotestError('E_GRADER', `custom grader returned an invalid verdict: ${z.prettifyError(parsed.error)}`));
          }
          const v = parsed.data;
          return makeGrade(stamp, {
            ...v,
            turns: v.turns?.map((t) => turnGrade(t.turn, t.score, stamp.threshold, t.label, t.reason)),
          });
        } catch (error) {
          return errorGrade(stamp, error);
        }
      },
    };
  },
};
