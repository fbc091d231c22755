import type { RunHeader, RunResult } from '../schema/run-record.js';
import type { GroupSummary, RateStat, ScoreStat, Summary, VariantSummary } from '../schema/summary.js';
import { type CaseRepeats, repeatSummary } from './flaky.js';
import { computeKpis } from './kpis.js';
import { AT, createSummaryCases, FACTS, G, GRADER_STRIDE, type Latencies, type SummaryCases, talliesOf } from './summary-cases.js';
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
 * Keeps what the summary needs per (case, variant) as numbers (src/core/summary-cases.ts), and at
 * the end walks the cases once in case id order, adding each to its variant and its slices.
 * @example
 * const acc = createSummaryAccumulator(header);
 * for await (const r of run.results) acc.add(r);
 * const summary = acc.finish();
 */
export function createSummaryAccumulator(header: RunHeader, options: SummaryOptions = {}): SummaryAccumulator {
  const cases = createSummaryCases(options.sliceKeys);
  let results = 0;
  let errors = 0;
  return {
    add(result) {
      results++;
      if (result.error) errors++;
      cases.add(result);
    },
    finish() {
      const seed = options.seed ?? 1;
      const rng = options.rng ?? createRng(seed);
      const confidence = options.confidence ?? 0.95;
      const ctx: GroupContext = { rng, confidence, resamples: options.resamples ?? DEFAULT_RESAMPLES };
      return { runId: header.runId, repeat: header.repeat, results, errors, confidence, seed, variants: variantSummaries(header, cases, ctx, options.minCasePassRate) };
    },
  };
}

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

/** Everything of one group (a variant, or one of its slices) summed over its cases in case id order. */
class Group {
  readonly block = new Float64Array(FACTS);
  readonly sentiment: Record<string, number> = {};
  readonly overall: number[] = [];
  readonly graders = new Map<number, { kind: number; scores: number[]; passed: number; n: number; cases: number; errors: number }>();
  cases = 0;
  gradeErrors = 0;

  add(cases: SummaryCases, slot: number): void {
    this.cases++;
    const { facts } = cases;
    const at = slot * FACTS;
    for (let f = 0; f < FACTS; f++) this.block[f]! += facts[at + f]!;
    const labels = cases.sentiment[slot];
    if (labels) {
      for (let i = 0; i < labels.length; i += 2) {
        const label = cases.labels.list[labels[i]!]!;
        this.sentiment[label] = (this.sentiment[label] ?? 0) + labels[i + 1]!;
      }
    }
    if (facts[at + AT.overallN]! > 0) this.overall.push(facts[at + AT.overallSum]! / facts[at + AT.overallN]!);
    const tallies = cases.graders[slot]!;
    for (let t = 0; t < tallies.length; t += GRADER_STRIDE) {
      const id = tallies[t + G.id]!;
      let g = this.graders.get(id);
      if (!g) {
        g = { kind: tallies[t + G.kind]!, scores: [], passed: 0, n: 0, cases: 0, errors: 0 };
        this.graders.set(id, g);
      }
      if (tallies[t + G.scores]! > 0) g.scores.push(tallies[t + G.scoreSum]! / tallies[t + G.scores]!);
      if (tallies[t + G.verdicts]! > 0) g.cases++;
      g.passed += tallies[t + G.passed]!;
      g.n += tallies[t + G.verdicts]!;
      g.errors += tallies[t + G.errors]!;
      this.gradeErrors += tallies[t + G.errors]!;
    }
  }

  summary(cases: SummaryCases, latencies: Latencies, ctx: GroupContext): GroupSummary {
    const block = this.block;
    const { kpi, cost } = talliesOf(block, this.sentiment);
    return {
      cases: this.cases,
      results: block[AT.repeats]!,
      errors: block[AT.resultErrors]!,
      gradeErrors: this.gradeErrors,
      score: scoreStat(this.overall, ctx),
      passRate: rateStat(block[AT.passed]!, block[AT.verdicts]!, this.overall.length || this.cases, ctx),
      graders: [...this.graders.entries()]
        .map(([id, g]) => [cases.graderNames.list[id]!, g] as const)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([grader, g]) => ({
          grader,
          kind: cases.kinds.list[g.kind]!,
          cases: g.cases,
          errors: g.errors,
          score: scoreStat(g.scores, ctx),
          passRate: rateStat(g.passed, g.n, g.cases, ctx),
        })),
      kpis: computeKpis(kpi, cost, latencies.view()),
    };
  }
}

/**
 * One summary per variant (the header's first, in its order, then any other met), each with its
 * slices. Cases are walked in case id order, not arrival order: the bootstrap resamples by
 * position and sums depend on order, so a run whose conversations finished in another order
 * (concurrency, shards merged) gets the same figures.
 */
function variantSummaries(header: RunHeader, cases: SummaryCases, ctx: GroupContext, minCasePassRate: number | undefined): VariantSummary[] {
  const { caseIds } = cases;
  const order = Array.from(caseIds.keys()).sort((a, b) => (caseIds[a]! < caseIds[b]! ? -1 : caseIds[a]! > caseIds[b]! ? 1 : 0));
  const variantNames = header.variants.map((v) => v.name);
  const groups = new Map<number, { group: Group; slots: number[]; slices: Map<number, Group> }>();
  const seen: number[] = [];
  for (const slot of order) {
    const variant = cases.variantOf[slot]!;
    let v = groups.get(variant);
    if (!v) {
      v = { group: new Group(), slots: [], slices: new Map() };
      groups.set(variant, v);
      seen.push(variant);
    }
    v.group.add(cases, slot);
    v.slots.push(slot);
    for (const id of cases.slicesOf[slot]!) {
      let slice = v.slices.get(id);
      if (!slice) {
        slice = new Group();
        v.slices.set(id, slice);
      }
      slice.add(cases, slot);
    }
  }
  const named = seen.map((id) => cases.variants.list[id]!);
  const ordered = [...variantNames, ...named.filter((n) => !variantNames.includes(n))];
  const out: VariantSummary[] = [];
  for (const name of ordered) {
    const id = seen[named.indexOf(name)];
    const v = id === undefined ? undefined : groups.get(id);
    if (id === undefined || !v) continue;
    out.push({
      variant: name,
      ...v.group.summary(cases, cases.variantLatencies[id]!, ctx),
      slices: [...v.slices.entries()]
        .map(([sliceId, group]) => ({ slice: cases.slices[sliceId]!, sliceId, group }))
        .sort((a, b) => a.slice.name.localeCompare(b.slice.name))
        .map(({ slice, sliceId, group }) => ({ key: slice.key, value: slice.value, name: slice.name, ...group.summary(cases, cases.sliceLatencies[sliceId]!, ctx) })),
      repeats: repeatSummary(v.slots.map((slot) => caseRepeats(cases, slot)), minCasePassRate),
    });
  }
  return out;
}

/** What pass^k and flakiness read of one case. */
function caseRepeats(cases: SummaryCases, slot: number): CaseRepeats {
  const at = slot * FACTS;
  const tallies = cases.graders[slot]!;
  const flaky: string[] = [];
  for (let t = 0; t < tallies.length; t += GRADER_STRIDE) {
    const passed = tallies[t + G.passed]!;
    if (passed > 0 && passed < tallies[t + G.verdicts]!) flaky.push(cases.graderNames.list[tallies[t + G.id]!]!);
  }
  return {
    caseId: cases.caseIds[slot]!,
    variant: cases.variants.list[cases.variantOf[slot]!]!,
    repeats: cases.facts[at + AT.repeats]!,
    passed: cases.facts[at + AT.passed]!,
    verdicts: cases.facts[at + AT.verdicts]!,
    flakyGraders: flaky,
  };
}
