import type { GateRules } from '../schema/gate.js';
import type { RunHeader, RunResult } from '../schema/run-record.js';
import { type CaseRecord, caseKey, createCaseTable } from './case-table.js';
import { checkCasePassRate, checkCost, checkErrors, checkFloor, checkLatency } from './gate/checks.js';
import { type CasePair, type DropTest, testDrop } from './gate/drops.js';
import { findFlips } from './gate/flips.js';
import { graderSides, type RepeatGrade, restrictToGraders } from './gate/graders.js';
import { integrityNotes, type RecordIntegrity } from './gate/integrity.js';
import { metricDef } from './gate/metrics.js';
import { dropSpecs, hashWarnings, pairCases, pairVariants, unknownVariants } from './gate/plan.js';
import { powerNote } from './gate/power-note.js';
import { gradersNamedByRules, ruleNameProblems } from './gate/rule-names.js';
import { largestSliceDrops } from './gate/slice-drops.js';
import type { PowerNote, RuleOutcome, RunFacts, SliceDrop, Verdict, VariantVerdict, VerdictWord } from './gate/types.js';
import { holm } from './stats/holm.js';
import { minimumDetectableDrop } from './stats/power.js';
import { createRng } from './stats/prng.js';

export type { FlippedCase, PowerNote, RuleOutcome, SliceDrop, Verdict, VariantVerdict, VerdictWord } from './gate/types.js';

/** One run as the gate reads it: its header and per-case records (see `collectRun`). */
export interface GateRun {
  header: RunHeader;
  records: Map<string, CaseRecord>;
  results: number;
  /** Per (variant, case) key, the grades of each repeat that has no error: to compare over the graders both runs share. */
  repeatGrades: Map<string, RepeatGrade[][]>;
  /** Where the record was read from, its status and what its reader met (set by the CLI's loader). */
  path?: string;
  status?: string;
  integrity?: RecordIntegrity;
}

/**
 * Streams a run's results into the form `gate()` reads, keeping per-case scores only.
 * @example const c = collectRun(header); for await (const r of reader.results) c.add(r); c.finish();
 */
export function collectRun(header: RunHeader): { add(result: RunResult): void; finish(): GateRun } {
  const table = createCaseTable();
  const repeatGrades = new Map<string, RepeatGrade[][]>();
  let results = 0;
  return {
    add(result) {
      results++;
      table.add(result);
      if (result.error) return;
      const key = caseKey(result.variant, result.caseId);
      const list = repeatGrades.get(key) ?? [];
      repeatGrades.set(key, list);
      list.push(result.grades.filter((g) => !g.error && (g.score !== null || g.pass !== null)).map((g) => ({ grader: g.grader, score: g.score, pass: g.pass })));
    },
    finish: () => ({ header, records: table.records, results, repeatGrades }),
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
  /** Gate only these variants (names of either run); default: every variant both runs have. */
  variants?: readonly string[];
}

const pts = (x: number) => `${(x * 100).toFixed(1)}`;
const RANK: Record<VerdictWord, number> = { pass: 0, inconclusive: 1, fail: 2 };

/**
 * Compares a candidate run with a baseline, variant by variant (never pooled), over the cases
 * both share (paired by case id, repeats averaged per case, overall figures over the graders
 * both sides have). A `maxDrop` rule blocks only when the observed drop exceeds its threshold
 * AND is significant at the configured one-sided confidence after Holm's correction over every
 * drop test of the verdict, all variants together (so adding graders, slices and variants does
 * not raise the false-block rate). Floors, budgets and `minCasePassRate` block on their own.
 * A variant is `inconclusive` when too many errors, no shared case, baseline cases missing from
 * the candidate (unless `allowMissingCases`) or a rule on a grader the candidate lacks leave
 * nothing trustworthy to compare; the verdict is the worst of the variants'. Rules naming
 * nothing (see `ruleNameProblems`, which the CLI turns into exit 2) make it `inconclusive` too.
 * @example const verdict = gate(gateRun(bh, bResults), gateRun(ch, cResults), GateRulesSchema.parse({}));
 */
export function gate(baseline: GateRun, candidate: GateRun, rules: GateRules, options: GateOptions = {}): Verdict {
  const warnings: string[] = [];
  const baseFacts = runFacts('baseline', baseline);
  const candFacts = runFacts('candidate', candidate);
  warnings.push(...baseFacts.integrity, ...candFacts.integrity);
  for (const [role, f] of [['baseline', baseFacts], ['candidate', candFacts]] as const) {
    if (f.status !== undefined && f.status !== 'complete') warnings.push(`the ${role} run did not complete (status ${f.status})`);
  }
  hashWarnings(baseline, candidate, warnings);
  const nameProblems = ruleNameProblems(rules, [baseline, candidate]).map((p) => `gate rule ${p.field} (${p.rule}) names an unknown ${p.what}`);
  if (options.variants) for (const u of unknownVariants(baseline, candidate, options.variants)) nameProblems.push(`no variant "${u.name}" in either run (known: ${u.known.join(', ')})`);
  const { pairs: variantPairs, baselineOnly: lostVariants } = pairVariants(baseline, candidate, warnings, options.variants);
  const ctx = { rng: createRng(options.seed ?? 1), confidence: rules.confidence, resamples: options.resamples ?? 1000 };
  // "Statistically real at 95 %": the two-sided 95 % interval of the drop excludes 0, i.e. a
  // one-sided test at (1 − confidence) / 2, family-wise over every drop test (Holm).
  const alpha = (1 - rules.confidence) / 2;

  const preps = variantPairs.map(([bv, cv]) => {
    const paired = pairCases(baseline, candidate, bv, cv);
    const sides = graderSides(paired.pairs);
    let pairs: CasePair[] = paired.pairs;
    if (sides.baselineOnly.length > 0 || sides.candidateOnly.length > 0) {
      const shared = new Set(sides.shared);
      const restrict = (run: GateRun, rec: CaseRecord) => restrictToGraders(rec, run.repeatGrades.get(caseKey(rec.variant, rec.caseId)) ?? [], shared);
      pairs = pairs.map((p) => ({ base: restrict(baseline, p.base), cand: restrict(candidate, p.cand) }));
    }
    const tests = dropSpecs(cv, rules, pairs).map((spec) => testDrop(spec, pairs, ctx));
    return { ...paired, bv, cv, pairs, sides, tests };
  });
  const tests: DropTest[] = preps.flatMap((p) => p.tests);
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

  const several = preps.length > 1;
  const rulesOut: RuleOutcome[] = [];
  const variants: VariantVerdict[] = [];
  const power: PowerNote[] = [];
  const largestDrops: SliceDrop[] = [];
  const flips: Verdict['flips'] = { passToFail: [], failToPass: [] };
  const flaky: Verdict['flaky'] = [];
  const errorTotals = { results: 0, resultErrors: 0, grades: 0, gradeErrors: 0, rate: 0 };
  const namedGraders = gradersNamedByRules(rules);
  for (const prep of preps) {
    const { cv, pairs } = prep;
    const own: RuleOutcome[] = prep.tests.map((t) => t.outcome);
    const candRecords = [...candidate.records.values()].filter((r) => r.variant === cv);
    for (const floor of rules.floors) {
      const def = metricDef(floor.metric);
      const sliceSel = floor.slice ? parseFloorSlice(floor.slice) : undefined;
      if (def) own.push(checkFloor(cv, def, floor.min, candRecords, sliceSel));
    }
    if (rules.maxCostIncrease !== undefined) own.push(checkCost(cv, pairs, rules.maxCostIncrease, warnings));
    if (rules.maxP95LatencyIncrease !== undefined) own.push(checkLatency(cv, pairs, rules.maxP95LatencyIncrease));
    if (rules.minCasePassRate !== undefined) own.push(checkCasePassRate(cv, pairs, rules.minCasePassRate));
    const errors = checkErrors(cv, pairs.map((p) => p.cand), rules.maxErrorRate);
    own.push(errors.outcome);
    for (const k of ['results', 'resultErrors', 'grades', 'gradeErrors'] as const) errorTotals[k] += errors.stats[k];

    const f = findFlips(pairs, rules.minCasePassRate ?? 0.5);
    flips.passToFail.push(...f.passToFail);
    flips.failToPass.push(...f.failToPass);
    flaky.push(...f.flaky);
    power.push(...powerNotes(cv, prep.tests, pairs, rules, ctx, alpha, tests.length, options.targetDrop ?? 0.05));
    const drops = largestSliceDrops(pairs).map((d) => ({ variant: cv, ...d }));
    largestDrops.push(...drops);

    const reasons = own.filter((r) => r.blocking && r.rule !== 'maxErrorRate').map((r) => r.message);
    const doubts: string[] = [];
    if (errors.outcome.blocking) doubts.push(errors.outcome.message);
    if (pairs.length === 0) doubts.push('no shared cases to compare');
    if (prep.missing.length > 0 && !rules.allowMissingCases) {
      const cut = candidate.integrity?.truncatedLine !== undefined ? ' (the candidate record was cut mid-line)' : '';
      doubts.push(
        `${prep.missing.length} baseline case(s) missing from the candidate${cut}: ${prep.missing.slice(0, 10).join(', ')}${prep.missing.length > 10 ? ', …' : ''} (allow with allowMissingCases / --allow-missing-cases)`,
      );
    }
    const lost = prep.sides.baselineOnly.filter((g) => rules.perGrader || namedGraders.some((n) => n.grader === g));
    if (lost.length > 0) doubts.push(`grader(s) ${lost.join(', ')} graded the baseline but no candidate case: their rules cannot be checked`);
    // A rule on a grader that graded no case of this variant in the candidate checks nothing.
    for (const n of namedGraders) {
      if (lost.includes(n.grader) || candRecords.some((r) => r.graders.has(n.grader))) continue;
      doubts.push(`gate rule ${n.field} on ${n.metric}: grader ${n.grader} graded no candidate case of ${cv}`);
    }
    if (prep.sides.baselineOnly.length > 0 || prep.sides.candidateOnly.length > 0) {
      const parts = [
        prep.sides.baselineOnly.length > 0 ? `only in the baseline: ${prep.sides.baselineOnly.join(', ')}` : '',
        prep.sides.candidateOnly.length > 0 ? `only in the candidate: ${prep.sides.candidateOnly.join(', ')}` : '',
      ].filter(Boolean);
      warnings.push(`graders of ${cv} differ (${parts.join('; ')}): the overall score and pass rate are compared over the ${prep.sides.shared.length} grader(s) both have`);
    }
    if (reasons.length === 0) reasons.push(...doubts);
    const word: VerdictWord = own.some((r) => r.blocking && r.rule !== 'maxErrorRate') ? 'fail' : doubts.length > 0 ? 'inconclusive' : 'pass';
    rulesOut.push(...own);
    variants.push({
      variant: cv,
      baselineVariant: prep.bv,
      verdict: word,
      reasons,
      shared: pairs.length,
      missing: prep.missing.slice(0, 50),
      missingCount: prep.missing.length,
      candidateOnly: prep.candidateOnly.length,
      graders: { baselineOnly: prep.sides.baselineOnly, candidateOnly: prep.sides.candidateOnly },
      largestDrops: drops,
    });
  }
  const resultRate = errorTotals.results > 0 ? errorTotals.resultErrors / errorTotals.results : 0;
  errorTotals.rate = Math.max(resultRate, errorTotals.grades > 0 ? errorTotals.gradeErrors / errorTotals.grades : 0);

  let verdict: VerdictWord = variants.reduce<VerdictWord>((w, v) => (RANK[v.verdict] > RANK[w] ? v.verdict : w), 'pass');
  const reasons = variants.flatMap((v) => v.reasons.map((r) => (several ? `[${v.variant}] ${r}` : r)));
  if (variants.length === 0) {
    verdict = 'inconclusive';
    reasons.push('no variant in common: no shared cases to compare');
  }
  // A baseline variant the candidate lacks entirely (skipped, not run) is the extreme of missing cases.
  if (lostVariants.length > 0 && !rules.allowMissingCases) {
    if (verdict === 'pass') verdict = 'inconclusive';
    const count = (v: string) => [...baseline.records.values()].filter((r) => r.variant === v).length;
    reasons.push(
      `baseline variant(s) missing from the candidate: ${lostVariants.map((v) => `${v} (${count(v)} cases)`).join(', ')} (allow with allowMissingCases / --allow-missing-cases, or choose variants with --variant)`,
    );
  }
  if (nameProblems.length > 0) {
    if (verdict === 'pass') verdict = 'inconclusive';
    reasons.push(...nameProblems);
  }
  const shared = preps.reduce((n, p) => n + p.pairs.length, 0);
  const droppedExamples = [...preps.flatMap((p) => p.missing.map((id) => `baseline:${id}`)).slice(0, 5), ...preps.flatMap((p) => p.candidateOnly.map((id) => `candidate:${id}`)).slice(0, 5)];
  const baselineOnly = baseline.records.size - shared;
  const candidateOnly = candidate.records.size - shared;
  if (baselineOnly > 0 || candidateOnly > 0) {
    warnings.push(`compared ${shared} shared cases; ${baselineOnly} only in the baseline and ${candidateOnly} only in the candidate were left out`);
  }
  return {
    verdict,
    reasons,
    baseline: baseFacts,
    candidate: candFacts,
    variants,
    pairing: { shared, baselineOnly, candidateOnly, variants: variantPairs, droppedExamples, allowMissing: rules.allowMissingCases },
    warnings,
    largestDrops: largestDrops.sort((a, b) => a.delta - b.delta),
    confidence: rules.confidence,
    dropTests: tests.length,
    rules: rulesOut,
    flips,
    flaky,
    power,
    errors: errorTotals,
  };
}

function runFacts(role: string, run: GateRun): RunFacts {
  const facts: RunFacts = {
    runId: run.header.runId,
    results: run.results,
    cases: run.records.size,
    integrity: run.integrity ? integrityNotes(role, run.path ?? run.header.runId, run.integrity) : [],
  };
  if (run.status !== undefined) facts.status = run.status;
  return facts;
}

/** The power notes of one variant: its overall score test (when tested) and its overall pass rate (tested or not). */
function powerNotes(
  variant: string,
  tests: readonly DropTest[],
  pairs: readonly CasePair[],
  rules: GateRules,
  ctx: Parameters<typeof testDrop>[2],
  alpha: number,
  family: number,
  targetDrop: number,
): PowerNote[] {
  const noteTests = tests.filter((t) => !t.outcome.slice && t.outcome.metric === 'score');
  const passTest = tests.find((t) => !t.outcome.slice && t.outcome.metric === 'passRate');
  noteTests.push(passTest ?? testDrop({ variant, def: metricDef('passRate')!, maxDrop: rules.maxDrop, relative: false }, pairs, ctx));
  return noteTests.map((t) =>
    powerNote({
      variant,
      metric: t.outcome.metric === 'score' ? 'overall score' : 'pass rate',
      cases: t.outcome.cases,
      variance: t.variance,
      binary: t.binary,
      alpha: alpha / Math.max(1, family),
      threshold: t.outcome.threshold,
      targetDrop,
    }),
  );
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
