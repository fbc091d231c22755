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
  /**
   * Turn scope, graded reply by reply (optional): `grade(input)` equals `combine` of `reply` over
   * `replies(input.transcript)`, each reply judged on the conversation up to it. So a runner can
   * grade a turn's replies as soon as the turn is answered (run --batch sends them in that turn's
   * round) and still record the grade `grade` gives.
   */
  readonly byReply?: ReplyGrading;
}

/** How a turn-scoped grader grades one reply at a time (see {@link Grader.byReply}). */
export interface ReplyGrading {
  /** Transcript indexes of the messages graded, in order. */
  replies(transcript: readonly TranscriptMessage[]): number[];
  /** The part of the grade for the message at `reply`, from `input.transcript` up to it (later messages ignored). Never throws. */
  grade(input: GradeInput, reply: number): Promise<Grade>;
  /** The conversation's grade from the parts of every reply, in transcript order. */
  combine(parts: readonly Grade[]): Grade;
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
