import type { Grade } from '../src/schema/grade.js';
import type { RunHeader, RunResult } from '../src/schema/run-record.js';

/**
 * Builders of synthetic run records (typed values, no files) for the gate simulation and tests.
 * Every field the schema requires is filled with a neutral value.
 */
export function syntheticHeader(runId: string, options: { variants?: string[]; graders?: Record<string, string>; goldenSets?: Record<string, string> } = {}): RunHeader {
  const graders = options.graders ?? { quality: 'h-quality' };
  return {
    type: 'header',
    format: 'convotest.run/1.0',
    runId,
    tool: { name: 'convotest', version: '0.0.0' },
    startedAt: '2026-01-01T00:00:00.000Z',
    config: {},
    hashes: { config: 'c', goldenSets: options.goldenSets ?? { 'golden-sets/demo.yaml': 'g1' }, graders },
    variants: (options.variants ?? ['main']).map((name) => ({ name, kind: 'model' })),
    graders: Object.entries(graders).map(([name, hash]) => ({ name, kind: 'judge', scope: 'conversation' as const, hash })),
    repeat: 1,
  };
}

export interface GradeSpec {
  grader?: string;
  kind?: string;
  score: number | null;
  pass?: boolean | null;
  threshold?: number;
  label?: string;
  reason?: string;
  details?: Record<string, unknown>;
  turns?: Grade['turns'];
  error?: string;
}

export function syntheticGrade(g: GradeSpec): Grade {
  const threshold = g.threshold ?? 0.5;
  const grade: Grade = {
    grader: g.grader ?? 'quality',
    kind: g.kind ?? 'judge',
    scope: 'conversation',
    score: g.error ? null : g.score,
    pass: g.error ? null : g.pass !== undefined ? g.pass : g.score === null ? null : g.score >= threshold,
    threshold,
  };
  if (g.label !== undefined) grade.label = g.label;
  if (g.reason !== undefined) grade.reason = g.reason;
  if (g.details !== undefined) grade.details = g.details;
  if (g.turns !== undefined) grade.turns = g.turns;
  if (g.error) grade.error = { code: 'E_GRADER', message: g.error };
  return grade;
}

export interface ResultSpec {
  caseId: string;
  variant?: string;
  repeat?: number;
  tags?: RunResult['tags'];
  grades: GradeSpec[];
  costUsd?: number | null;
  judgeCostUsd?: number | null;
  /** Latency of each assistant turn (ms); one turn of 100 ms by default. */
  turnLatencies?: number[];
  error?: string;
  tokens?: number;
}

export function syntheticResult(spec: ResultSpec): RunResult {
  const transcript: RunResult['transcript'] = [];
  for (const [i, latencyMs] of (spec.turnLatencies ?? [100]).entries()) {
    transcript.push({ role: 'user', content: `question ${i}`, scripted: true, turn: i });
    transcript.push({ role: 'assistant', content: `answer ${i}`, latencyMs, turn: i });
  }
  const result: RunResult = {
    type: 'result',
    caseId: spec.caseId,
    variant: spec.variant ?? 'main',
    repeat: spec.repeat ?? 0,
    tags: spec.tags ?? {},
    mode: 'replay',
    transcript,
    transcriptHash: 'h',
    usage: { input: spec.tokens ?? 100, output: 20, cached: 0 },
    judgeUsage: { input: 50, output: 10, cached: 0 },
    costUsd: spec.costUsd === undefined ? 0.001 : spec.costUsd,
    judgeCostUsd: spec.judgeCostUsd === undefined ? 0.0005 : spec.judgeCostUsd,
    latencyMs: (spec.turnLatencies ?? [100]).reduce((a, b) => a + b, 0),
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1,
    grades: spec.error ? [] : spec.grades.map(syntheticGrade),
  };
  if (spec.error) result.error = { code: 'E_PROVIDER', message: spec.error };
  return result;
}
