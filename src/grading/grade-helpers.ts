import * as z from 'zod';
import type { Evidence, Grade, TurnGrade } from '../schema/grade.js';
import { GraderDefinitionBaseSchema, type GraderScope } from '../schema/grader-definition.js';
import type { TranscriptMessage } from '../schema/run-record.js';
import { errorInfo } from '../errors.js';

/** The identity a grader stamps on every grade it returns. */
export interface GradeStamp {
  name: string;
  kind: string;
  scope: GraderScope;
  threshold: number;
}

/**
 * The identity every grade of a grader carries: its definition's name, kind, scope and
 * threshold, falling back to the kind's defaults.
 */
export function stampOf(
  definition: { name: string; kind: string; scope?: GraderScope | undefined; threshold?: number | undefined },
  kind: { defaultScope: GraderScope; defaultThreshold: number },
): GradeStamp {
  return {
    name: definition.name,
    kind: definition.kind,
    scope: definition.scope ?? kind.defaultScope,
    threshold: definition.threshold ?? kind.defaultThreshold,
  };
}

/** What a grader computes; `pass` is derived in code by {@link makeGrade}. */
export interface Verdict {
  score: number;
  label?: string;
  reason?: string;
  evidence?: Evidence[];
  turns?: TurnGrade[];
  details?: Record<string, unknown>;
}

/** `pass` is never decided by a grader: it is `score >= threshold`. */
export function scoreToPass(score: number, threshold: number): boolean {
  return score >= threshold;
}

/** Clamps a number into 0..1 (NaN becomes 0). */
export function clamp01(x: number): number {
  if (Number.isNaN(x)) return 0;
  return Math.min(1, Math.max(0, x));
}

/**
 * Builds a valid Grade from a verdict: score clamped to 0..1, `pass` from the threshold, empty
 * optional lists left out.
 *
 * @example
 * makeGrade({ name: 'pii-leak', kind: 'regex', scope: 'turn', threshold: 1 }, { score: 0 }).pass // false
 */
export function makeGrade(stamp: GradeStamp, verdict: Verdict): Grade {
  const score = clamp01(verdict.score);
  const grade: Grade = {
    grader: stamp.name,
    kind: stamp.kind,
    scope: stamp.scope,
    score,
    pass: scoreToPass(score, stamp.threshold),
    threshold: stamp.threshold,
  };
  if (verdict.label !== undefined) grade.label = verdict.label;
  if (verdict.reason !== undefined) grade.reason = verdict.reason;
  if (verdict.evidence && verdict.evidence.length > 0) grade.evidence = verdict.evidence;
  if (verdict.turns && verdict.turns.length > 0) grade.turns = verdict.turns;
  if (verdict.details !== undefined) grade.details = verdict.details;
  return grade;
}

/** A grade that carries no verdict: score and pass are null, never counted as a fail. */
export function errorGrade(stamp: GradeStamp, error: unknown, code = 'E_GRADER'): Grade {
  const info = errorInfo(error);
  return {
    grader: stamp.name,
    kind: stamp.kind,
    scope: stamp.scope,
    score: null,
    pass: null,
    threshold: stamp.threshold,
    error: { code: info.code === 'Error' ? code : info.code, message: info.message },
  };
}

/** Runs a grading function; any exception becomes an error grade (graders never throw). */
export async function safeGrade(stamp: GradeStamp, run: () => Verdict | Promise<Verdict>): Promise<Grade> {
  try {
    return makeGrade(stamp, await run());
  } catch (error) {
    return errorGrade(stamp, error);
  }
}

/** A per-turn verdict with `pass` computed from the threshold. */
export function turnGrade(turn: number, score: number, threshold: number, label?: string, reason?: string): TurnGrade {
  const s = clamp01(score);
  const t: TurnGrade = { turn, score: s, pass: scoreToPass(s, threshold) };
  if (label !== undefined) t.label = label;
  if (reason !== undefined) t.reason = reason;
  return t;
}

/**
 * How a turn-scoped grader's conversation score aggregates its turns:
 * `min` (the default: the conversation passes only if every turn passes) or `mean`.
 * With no turns the score is 1 (nothing to fault).
 */
export function aggregateTurns(turns: readonly TurnGrade[], rule: 'min' | 'mean' = 'min'): number {
  if (turns.length === 0) return 1;
  if (rule === 'min') return Math.min(...turns.map((t) => t.score));
  return turns.reduce((sum, t) => sum + t.score, 0) / turns.length;
}

/** Evidence for `text.slice(start, end)` of transcript message `turn`. */
export function spanEvidence(turn: number, text: string, start: number, end: number, note?: string): Evidence {
  const e: Evidence = { turn, quote: text.slice(start, end), span: [start, end] };
  if (note !== undefined) e.note = note;
  return e;
}

/** Content of a message as text ('' for null). */
export function textOf(message: TranscriptMessage): string {
  return typeof message.content === 'string' ? message.content : '';
}

/** Indexes (into the transcript) of assistant messages. */
export function assistantIndexes(transcript: readonly TranscriptMessage[]): number[] {
  const out: number[] = [];
  transcript.forEach((m, i) => {
    if (m.role === 'assistant') out.push(i);
  });
  return out;
}

/**
 * The scripted user turn each message belongs to: the message's own `turn` when set, otherwise
 * the count of user messages seen so far minus one (-1 before the first user message).
 */
export function userTurnOf(transcript: readonly TranscriptMessage[]): number[] {
  let current = -1;
  return transcript.map((m) => {
    if (m.role === 'user') current = m.turn ?? current + 1;
    return m.turn ?? current;
  });
}

/**
 * The options schema of a grader kind: the common definition keys plus the kind's own, strict,
 * so a misspelt key is an error.
 *
 * @example
 * const options = definitionSchema({ target_turns: z.number().int().positive().optional() });
 */
export function definitionSchema<S extends z.ZodRawShape>(shape: S) {
  return z.strictObject({ ...GraderDefinitionBaseSchema.shape, ...shape });
}
