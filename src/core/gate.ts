import type { GateRules } from '../schema/gate.js';
import type { RunHeader, RunResult } from '../schema/run-record.js';
import { type CaseRecord, createCaseTable } from './case-table.js';
import { checkCasePassRate, checkCost, checkErrors, checkFloor, checkLatency } from './gate/checks.js';
import { type CasePair, type DropSpec, type DropTest, testDrop } from './gate/drops.js';
import { findFlips } from './gate/flips.js';
import { metricDef } from './gate/metrics.js';
import { powerNote } from './gate/power-note.js';
import { dropSpecs, pairRuns } from './gate/plan.js';
import type { RuleOutcome, Verdict } from './gate/types.js';
import { holm } from './stats/holm.js';
import { minimumDetectableDrop } from './stats/power.js';
import { createRng } from './stats/prng.js';

export type { FlippedCase, PowerNote, RuleOutcome, Verdict, VerdictWord } from './gate/types.js';

/** One run as the gate reads it: its header and per-case records (see `collectRun`). */
export interface GateRun {
  header: RunHeader;
  records: Map<string, CaseRecord>;
  results: number;
}

/**
 * Streams a run's results into the form `gate()` reads, keeping per-case scores only.
 * @example const c = collectRun(header); for await (const r of reader.results) c.add(r); c.finish();
 */
export function collectRun(header: RunHeader): { add(result: RunResult): void; finish(): GateRun } {
  const table = createCaseTable();
  let results = 0;
  return {
    add(result) {
      results++;
      table.add(result);
    },
    finish: () => ({ header, records: table.records, results }),
  };
}

/** A `GateRun` from results in memory. */
export function gateRun(header: RunHeader, results: Iterable<RunResult>): GateRun {
  const c = collectRun(header);
  for (const r of results) c.add(r);
  return c.finish();
}

export interface GateOptions {
  /** Seed of the paired bootstrap (default 1): the verdict is reproducible. */
  seed?: number;
  resamples?: number;
  /** Drop the power note aims at (default 0.05 = 5 points). */
  targetDrop?: number;
}

const pts = (x: number) => `${(x * 100).toFixed(1)}`;

/**
 * Compares a candidate run with a baseline over the cases both share (paired by case id and
 * variant, repeats averaged per case). A `maxDrop` rule blocks only when the observed drop
 * exceeds its threshold AND is significant at the configured one-sided confidence after Holm's
 * correction over every drop test of the verdict (so adding graders and slices does not raise
 * the false-block rate). Floors, budgets and `minCasePassRate` block on their own; too many
 * errors make the verdict `inconclusive`.
 * @example const verdict = gate(gateRun(bh, bResults), gateRun(ch, cResults), GateRulesSchema.parse({}));
 */
export function gate(baseline: GateRun, candidate: GateRun, rules: GateRules, options: GateOptions = {}): Verdict {
  const warnings: string[] = [];
  const pairing = pairRuns(baseline, candidate, warnings);
  const pairs: CasePair[] = pairing.pairs;
  const ctx = { rng: createRng(options.seed ?? 1), confidence: rules.confidence, resamples: options.resamples ?? 1000 };
  // "Statistically real at 95 %": the two-sided 95 % interval of the drop excludes 0, i.e. a
  // one-sided test at (1 − confidence) / 2, family-wise over every drop test (Holm).
  const alpha = (1 - rules.confidence) / 2;

  const specs: DropSpec[] = dropSpecs(rules, pairs, warnings);
  const tests: DropTest[] = specs.map((spec) => testDrop(spec, pairs, ctx));
  const adjusted = holm(tests.map((t) => t.outcome.p ?? 1));
  tests.forEach((t, i) => {
    const o = t.outcome;
    o.pAdjusted = adjusted[i]!;
    o.significant = o.pAdjusted <= alpha;
    o.blocking = o.exceeded && o.significant;
    const absThreshold = o.relative && o.baseline !== null ? o.threshold * o.baseline : o.threshold;
    o.mdd = minimumDetectableDrop({ n: o.cases, variance: t.variance, binary: t.binary, alpha: alpha / tests.length, threshold: absThreshold });
    o.message = dropMessage(o, rules.confidence);
  });

  const rulesOut: RuleOutcome[] = tests.map((t) => t.outcome);
  const candRecords = pairs.map((p) => p.cand);
  for (const floor of rules.floors) {
    const def = metricDef(floor.metric);
    if (!def) {
      warnings.push(`floor on unknown metric ${floor.metric} ignored`);
      continue;
    }
    const sliceSel = floor.slice ? parseFloorSlice(floor.slice) : undefined;
    if (floor.slice && !sliceSel) {
      warnings.push(`floor on ${floor.metric}: slice "${floor.slice}" needs key=value; applied to every case`);
    }
    rulesOut.push(checkFloor(def, floor.min, [...candidate.records.values()], sliceSel));
  }
  if (rules.maxCostIncrease !== undefined) rulesOut.push(checkCost(pairs, rules.maxCostIncrease, warnings));
  if (rules.maxP95LatencyIncrease !== undefined) rulesOut.push(checkLatency(pairs, rules.maxP95LatencyIncrease));
  if (rules.minCasePassRate !== undefined) rulesOut.push(checkCasePassRate(pairs, rules.minCasePassRate));
  const errors = checkErrors(candRecords, rules.maxErrorRate);
  rulesOut.push(errors.outcome);

  const flips = findFlips(pairs, rules.minCasePassRate ?? 0.5);
  // The power notes cover the overall score and the overall pass rate (tested or not).
  const noteTests = tests.filter((t) => !t.outcome.slice && t.outcome.metric === 'score');
  const passTest = tests.find((t) => !t.outcome.slice && t.outcome.metric === 'passRate');
  noteTests.push(passTest ?? testDrop({ def: metricDef('passRate')!, maxDrop: rules.maxDrop, relative: false }, pairs, ctx));
  const power = noteTests
    .map((t) =>
      powerNote({
        metric: t.outcome.metric === 'score' ? 'overall score' : 'pass rate',
        cases: t.outcome.cases,
        variance: t.variance,
        binary: t.binary,
        alpha: alpha / Math.max(1, tests.length),
        threshold: t.outcome.threshold,
        targetDrop: options.targetDrop ?? 0.05,
      }),
    );

  const failing = rulesOut.filter((r) => r.blocking && r.rule !== 'maxErrorRate');
  const verdict = failing.length > 0 ? 'fail' : errors.outcome.blocking ? 'inconclusive' : pairs.length === 0 ? 'inconclusive' : 'pass';
  const reasons = failing.map((r) => r.message);
  if (verdict === 'inconclusive') reasons.push(pairs.length === 0 ? 'no shared cases to compare' : errors.outcome.message);
  return {
    verdict,
    reasons,
    baseline: { runId: baseline.header.runId, results: baseline.results, cases: baseline.records.size },
    candidate: { runId: candidate.header.runId, results: candidate.results, cases: candidate.records.size },
    pairing: {
      shared: pairs.length,
      baselineOnly: pairing.baselineOnly,
      candidateOnly: pairing.candidateOnly,
      variants: pairing.variants,
      droppedExamples: pairing.droppedExamples,
    },
    warnings,
    confidence: rules.confidence,
    dropTests: tests.length,
    rules: rulesOut,
    flips: { passToFail: flips.passToFail, failToPass: flips.failToPass },
    flaky: flips.flaky,
    power,
    errors: errors.stats,
  };
}

function parseFloorSlice(s: string) {
  const eq = s.indexOf('=');
  return eq < 0 ? undefined : { key: s.slice(0, eq).trim(), value: s.slice(eq + 1).trim() };
}

function dropMessage(o: RuleOutcome, confidence: number): string {
  const where = o.slice ? ` [${o.slice}]` : '';
  if (o.baseline === null || o.candidate === null) return `${o.metric}${where}: no paired values`;
  const move = `${pts(o.baseline)} → ${pts(o.candidate)} (${o.delta! >= 0 ? '+' : ''}${pts(o.delta!)} points`;
  const ci = o.interval ? `, ${Math.round(confidence * 100)}% CI ${pts(o.interval[0])}..${pts(o.interval[1])}` : '';
  const p = `p=${formatP(o.p ?? 1)}${o.pAdjusted !== undefined && o.pAdjusted !== o.p ? `, adj. ${formatP(o.pAdjusted)}` : ''}`;
  const limit = o.relative ? `${pts(o.threshold)} % relative` : `${pts(o.threshold)} points`;
  const status = o.blocking
    ? `dropped more than ${limit}, statistically real`
    : o.exceeded
      ? `dropped more than ${limit}, but not significant`
      : 'within the limit';
  return `${o.metric}${where} ${move}${ci}, ${p}, n=${o.cases}): ${status}`;
}

/** A p-value for humans: 3 significant digits, `<0.001` below that. */
export function formatP(p: number): string {
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}
