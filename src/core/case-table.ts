import type { RunResult } from '../schema/run-record.js';
import { type CostFacts, emptyCostFacts, emptyKpiTally, type KpiTally, tallyCost, tallyKpis } from './kpis.js';

/** One grader's verdicts on one case, over its repeats. Errors are kept apart from fails. */
export interface GraderTally {
  kind: string;
  /** Score per repeat that produced one (errors skipped). */
  scores: number[];
  /** Pass/fail per repeat that produced a verdict. */
  passes: boolean[];
  errors: number;
  /** The grader's reason on the failing repeat with the highest index (for flipped-case listings). */
  failReason?: string;
  /** The grader's reason on the passing repeat with the highest index. */
  passReason?: string;
  /** The repeats those reasons come from: by index, not arrival, so any finishing order gives the same reasons. */
  reasonRepeats?: { fail?: number; pass?: number };
  threshold?: number;
}

/**
 * Everything the gate, compare and the JUnit report need from one (case, variant) over its repeats
 * (the summary keeps less, as numbers: src/core/summary-cases.ts):
 * per-grader scores and verdicts, the overall score per repeat, KPI facts, costs and turn latencies.
 * Transcripts are not kept, so a run is streamed through in memory proportional to its cases.
 */
export interface CaseRecord {
  caseId: string;
  variant: string;
  tags: RunResult['tags'];
  repeats: number;
  /** Results that ended in an error (provider down, timeout): neither pass nor fail. */
  resultErrors: number;
  errorMessages: string[];
  graders: Map<string, GraderTally>;
  /** Mean of the result's grade scores, per repeat with at least one score. */
  overallScores: number[];
  /** Per repeat with at least one verdict: every verdict passed. */
  overallPasses: boolean[];
  kpi: KpiTally;
  cost: CostFacts;
  turnLatencies: number[];
  /** Sum of the results' latency (ms), for per-conversation latency. */
  latencyMs: number;
}

/** Key of a (case, variant) pair. */
export const caseKey = (variant: string, caseId: string): string => `${variant}\u0000${caseId}`;

/** Builds case records from results streamed in any order. */
export interface CaseTable {
  add(result: RunResult): void;
  /** Records in first-seen order. */
  readonly records: Map<string, CaseRecord>;
}

/** @example const table = createCaseTable(); for (const r of results) table.add(r); */
export function createCaseTable(): CaseTable {
  const records = new Map<string, CaseRecord>();
  return {
    records,
    add(result) {
      const key = caseKey(result.variant, result.caseId);
      let rec = records.get(key);
      if (!rec) {
        rec = {
          caseId: result.caseId,
          variant: result.variant,
          tags: result.tags,
          repeats: 0,
          resultErrors: 0,
          errorMessages: [],
          graders: new Map(),
          overallScores: [],
          overallPasses: [],
          kpi: emptyKpiTally(),
          cost: emptyCostFacts(),
          turnLatencies: [],
          latencyMs: 0,
        };
        records.set(key, rec);
      }
      addResult(rec, result);
    },
  };
}

function addResult(rec: CaseRecord, result: RunResult): void {
  rec.repeats++;
  tallyCost(rec.cost, result);
  rec.latencyMs += result.latencyMs;
  for (const m of result.transcript) {
    if (m.role === 'assistant' && !m.scripted && typeof m.latencyMs === 'number') rec.turnLatencies.push(m.latencyMs);
  }
  if (result.error) {
    rec.resultErrors++;
    if (rec.errorMessages.length < 3) rec.errorMessages.push(`${result.error.code}: ${result.error.message}`);
    return;
  }
  tallyKpis(rec.kpi, result);
  let scoreSum = 0;
  let scoreN = 0;
  let verdicts = 0;
  let allPass = true;
  for (const grade of result.grades) {
    let tally = rec.graders.get(grade.grader);
    if (!tally) {
      tally = { kind: grade.kind, scores: [], passes: [], errors: 0 };
      if (grade.threshold !== undefined) tally.threshold = grade.threshold;
      rec.graders.set(grade.grader, tally);
    }
    if (grade.error || (grade.score === null && grade.pass === null)) {
      tally.errors++;
      continue;
    }
    if (grade.score !== null) {
      tally.scores.push(grade.score);
      scoreSum += grade.score;
      scoreN++;
    }
    if (grade.pass !== null) {
      tally.passes.push(grade.pass);
      verdicts++;
      if (!grade.pass) allPass = false;
      if (grade.reason) keepReason(tally, grade.pass ? 'pass' : 'fail', grade.reason, result.repeat);
    }
  }
  if (scoreN > 0) rec.overallScores.push(scoreSum / scoreN);
  if (verdicts > 0) rec.overallPasses.push(allPass);
}

function keepReason(tally: GraderTally, which: 'pass' | 'fail', reason: string, repeat: number): void {
  const repeats = (tally.reasonRepeats ??= {});
  const held = repeats[which];
  if (held !== undefined && held > repeat) return;
  repeats[which] = repeat;
  if (which === 'fail') tally.failReason = reason;
  else tally.passReason = reason;
}

/** Mean of a list, or null when empty. */
export function meanOrNull(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Share of `true`, or null when empty. */
export function passShare(passes: readonly boolean[]): number | null {
  if (passes.length === 0) return null;
  let n = 0;
  for (const p of passes) if (p) n++;
  return n / passes.length;
}
