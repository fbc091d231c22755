import type { z } from 'zod';
import type { ChatModel } from '../models/chat.js';
import type { ModelParams } from '../schema/config.js';
import type { Grade } from '../schema/grade.js';
import type { GraderDefinition, GraderScope } from '../schema/grader-definition.js';
import type { ResolvedCase } from '../schema/golden-set.js';
import type { TranscriptMessage } from '../schema/run-record.js';

/** Everything a grader may look at for one conversation. */
export interface GradeInput {
  case: ResolvedCase;
  /** The full transcript (system message excluded), unredacted, in memory. */
  transcript: TranscriptMessage[];
  variant: string;
  signal: AbortSignal;
}

export interface Grader {
  readonly name: string;
  readonly kind: string;
  readonly scope: GraderScope;
  readonly threshold: number;
  /** false when the case gives this grader nothing to check (no reference, no knowledge...): no grade is recorded. */
  appliesTo(testCase: ResolvedCase): boolean;
  /** Never throws for a grading problem: returns a Grade with `error` instead. */
  grade(input: GradeInput): Promise<Grade>;
}

export interface GraderDeps {
  /** The judge model, for model-based kinds (undefined when none is configured). */
  judge?: ChatModel;
  /** Default parameters of judge calls (the config's `judge.temperature` / `seed`); a definition may override them. */
  judgeParams?: ModelParams;
  /** Folder of the definition file, to resolve relative paths (custom modules, rubric files). */
  baseDir: string;
  /** Redacts text before it goes to a judge, when configured. */
  redactForJudge?: (text: string) => string;
}

/**
 * A grader kind: the options schema of its definitions, and a factory. The built-in registry is
 * typed `Record<BuiltinGraderKind, GraderKind>` so a missing entry fails to compile.
 */
export interface GraderKind<O extends z.ZodType = z.ZodType> {
  /** Schema of the kind-specific keys of a definition (strict: unknown keys are errors). */
  options: O;
  defaultScope: GraderScope;
  defaultThreshold: number;
  /** true when the kind cannot work without a judge model. */
  needsJudge: boolean;
  create(definition: GraderDefinition & z.infer<O>, deps: GraderDeps): Grader;
}
