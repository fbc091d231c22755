import type { RunHeader, RunResult } from '../schema/run-record.js';
import type { GroupSummary, RateStat, ScoreStat, Summary, VariantSummary } from '../schema/summary.js';
import { type CaseRecord, createCaseTable, meanOrNull, passShare } from './case-table.js';
import { repeatSummary } from './flaky.js';
import { computeKpis, emptyCostFacts, emptyKpiTally, mergeCostFacts, mergeKpiTally } from './kpis.js';
import { sliceName, slicesOf } from './slices.js';
import { bootstrapMean, DEFAULT_RESAMPLES } from './stats/bootstrap.js';
import { createRng, type Rng } from './stats/prng.js';
import { wilson } from './stats/wilson.js';

export type { GraderSummary, GroupSummary, RateStat, ScoreStat, SliceSummary, Summary, VariantSummary } from '../schema/summary.js';

export interface SummaryOptions {
  /** Seed of the bootstrap (default 1); ignored when `rng` is given. */
  seed?: number;
  rng?: Rng;
  confidence?: number;
  resamples?: number;
  /** Only these tag keys become slices (default: every tag key). */
  sliceKeys?: readonly string[];
  minCasePassRate?: number;
}

/** Streams results into a summary without holding transcripts. */
export interface SummaryAccumulator {
  add(result: RunResult): void;
  finish(): Summary;
}

/**
 * @example
 * const acc = createSummaryAccumulator(header);
 * for await (const r of run.results) acc.add(r);
 * const summary = acc.finish();
 */
export function createSummaryAccumulator(header: RunHeader, options: SummaryOptions = {}): SummaryAccumulator {
  const table = createCaseTable();
  let results = 0;
  let errors = 0;
  return {
    add(result) {
      results++;
      if (result.error) errors++;
      table.add(result);
    },
    finish() {
      const seed = options.seed ?? 1;
      const rng = options.rng ?? createRng(seed);
      const confidence = options.confidence ?? 0.95;
      const ctx: GroupContext = { rng, confidence, resamples: options.resamples ?? DEFAULT_RESAMPLES };
      const byVariant = new Map<string, CaseRecord[]>();
      for (const v of header.variants) byVariant.set(v.name, []);
      // By case id, not arrival order: the bootstrap resamples by position, so a run whose
      // conversations finished in another order (concurrency, shards merged) gets the same intervals.
      for (const rec of [...table.records.values()].sort(byCaseId)) {
        const list = byVariant.get(rec.variant) ?? [];
        list.push(rec);
        byVariant.set(rec.variant, list);
      }
      const variants: VariantSummary[] = [];
      for (const [variant, records] of byVariant) {
        if (records.length === 0) continue;
        const slices = new Map<string, { key: string; value: string; records: CaseRecord[] }>();
        for (const rec of records) {
          for (const s of slicesOf(rec.tags, options.sliceKeys)) {
            const name = sliceName(s);
            const entry = slices.get(name) ?? { ...s, records: [] };
            entry.records.push(rec);
            slices.set(name, entry);
          }
        }
        variants.push({
          variant,
          ...groupSummary(records, ctx),
          slices: [...slices.entries()]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([name, s]) => ({ key: s.key, value: s.value, name, ...groupSummary(s.records, ctx) })),
          repeats: repeatSummary(records, options.minCasePassRate),
        });
      }
      return { runId: header.runId, repeat: header.repeat, results, errors, confidence, seed, variants };
    },
  };
}

const byCaseId = (a: CaseRecord, b: CaseRecord): number => (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0);

/** Summarises a whole run at once. @example summarize(results, header, { seed: 7 }) */
export function summarize(results: Iterable<RunResult>, header: RunHeader, options: SummaryOptions = {}): Summary {
  const acc = createSummaryAccumulator(header, options);
  for (const r of results) acc.add(r);
  return acc.finish();
}

interface GroupContext {
  rng: Rng;
  confidence: number;
  resamples: number;
}

function scoreStat(perCase: number[], ctx: GroupContext): ScoreStat {
  if (perCase.length === 0) return { mean: null, lo: null, hi: null, n: 0 };
  const b = bootstrapMean(perCase, { rng: ctx.rng, confidence: ctx.confidence, resamples: ctx.resamples });
  return { mean: b.mean, lo: b.lo, hi: b.hi, n: perCase.length };
}

function rateStat(passed: number, n: number, cases: number, ctx: GroupContext): RateStat {
  if (n === 0) return { rate: null, lo: null, hi: null, passed, n };
  // Repeats of a case are not independent: the interval uses the case count as its sample size.
  const effective = Math.min(n, cases);
  const w = wilson((passed / n) * effective, effective, ctx.confidence);
  return { rate: passed / n, lo: w.lo, hi: w.hi, passed, n };
}

function groupSummary(records: readonly CaseRecord[], ctx: GroupContext): GroupSummary {
  const kpi = emptyKpiTally();
  const cost = emptyCostFacts();
  const latencies: number[] = [];
  const overall: number[] = [];
  let passed = 0;
  let verdicts = 0;
  let results = 0;
  let errors = 0;
  let gradeErrors = 0;
  const graders = new Map<string, { kind: string; scores: number[]; passed: number; n: number; cases: number; errors: number }>();
  for (const rec of records) {
    mergeKpiTally(kpi, rec.kpi);
    mergeCostFacts(cost, rec.cost);
    for (const l of rec.turnLatencies) latencies.push(l);
    results += rec.repeats;
    errors += rec.resultErrors;
    const mean = meanOrNull(rec.overallScores);
    if (mean !== null) overall.push(mean);
    for (const p of rec.overallPasses) if (p) passed++;
    verdicts += rec.overallPasses.length;
    for (const [name, t] of rec.graders) {
      const g = graders.get(name) ?? { kind: t.kind, scores: [], passed: 0, n: 0, cases: 0, errors: 0 };
      const m = meanOrNull(t.scores);
      if (m !== null) g.scores.push(m);
      const share = passShare(t.passes);
      if (share !== null) g.cases++;
      for (const p of t.passes) if (p) g.passed++;
      g.n += t.passes.length;
      g.errors += t.errors;
      gradeErrors += t.errors;
      graders.set(name, g);
    }
  }
  return {
    cases: records.length,
    results,
    errors,
    gradeErrors,
    score: scoreStat(overall, ctx),
    passRate: rateStat(passed, verdicts, overall.length || records.length, ctx),
    graders: [...graders.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([grader, g]) => ({
        grader,
        kind: g.kind,
        cases: g.cases,
        errors: g.errors,
        score: scoreStat(g.scores, ctx),
        passRate: rateStat(g.passed, g.n, g.cases, ctx),
      })),
    kpis: computeKpis(kpi, cost, latencies),
  };
}
