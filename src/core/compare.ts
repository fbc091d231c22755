import { type CaseRecord, meanOrNull, passShare } from './case-table.js';
import type { GateRun } from './gate.js';
import { integrityNotes } from './gate/integrity.js';
import { computeKpis, emptyCostFacts, emptyKpiTally, mergeCostFacts } from './kpis.js';
import { sliceName, slicesOf } from './slices.js';
import { mcnemarExact, signTestOneSided } from './stats/binomial.js';
import { bootstrapMean } from './stats/bootstrap.js';
import { createRng, type Rng } from './stats/prng.js';

/** One variant of one run, as compared. `label` is the variant name, prefixed by a short run label (see `runs`) when several runs are compared. */
export interface CompareEntry {
  label: string;
  runId: string;
  variant: string;
  cases: number;
  costPerConversationUsd: number | null;
  unpricedResults: number;
  latencyP95Ms: number | null;
}

export interface LeaderRow {
  label: string;
  mean: number | null;
  lo: number | null;
  hi: number | null;
  n: number;
  /** false when the variant has fewer than `minCases` values: listed last, not ranked. */
  ranked: boolean;
}

/** Win/tie/loss of `a` against `b` on the per-case overall score, with the two-sided sign-test p-value. */
export interface PairwiseRow {
  a: string;
  b: string;
  cases: number;
  wins: number;
  ties: number;
  losses: number;
  p: number;
}

export interface SliceWinner {
  slice: string;
  winner: string;
  mean: number;
  runnerUp?: string;
  runnerUpMean?: number;
  /** Two-sided sign-test p of winner vs runner-up on the slice's shared cases. */
  p?: number;
  cases: number;
}

export interface Comparison {
  entries: CompareEntry[];
  /** With several runs: the short label of each run (the end of its id that tells it apart) and its full id. */
  runs: { label: string; runId: string }[];
  /** How the leaderboards rank: by the lower end of the interval, among variants with at least `minCases` values. */
  ranking: { by: 'lower bound'; minCases: number; note: string };
  /** `score` (overall) first, then `<grader>.score` and `<grader>.passRate`; ranked rows by the lower bound of their interval, then the unranked. */
  leaderboards: { metric: string; rows: LeaderRow[] }[];
  pairwise: PairwiseRow[];
  slices: SliceWinner[];
  /** The best variant by overall score, those not significantly worse, and the cheapest among them. */
  quality: { best: string; equal: string[]; cheapest: string | null; note: string };
  /** Cases where the variants' scores spread the most. */
  disagreements: { caseId: string; spread: number; scores: Record<string, number | null> }[];
  /**
   * Variants left out because they share no case with the others (e.g. `recorded`, the
   * transcript cases graded as they are, beside replayed variants): nothing to pair them on.
   */
  unpaired: string[];
  confidence: number;
  /** Records read damaged or unfinished (cut mid-line, duplicated lines, header only, no summary). */
  warnings: string[];
}

export interface CompareOptions {
  seed?: number;
  rng?: Rng;
  confidence?: number;
  resamples?: number;
  /** Slices by these tag keys (default: every tag key). */
  sliceKeys?: readonly string[];
  maxDisagreements?: number;
  /** Fewest values a variant needs to be ranked (default 5): a 1-case variant's zero-width interval ranks nothing. */
  minCases?: number;
}

/**
 * Short labels that tell runs apart: the shortest end of each run id (whole `-`-separated parts)
 * no other id shares, e.g. `a1b2c3` for `2026-11-22T10-00-00-000-a1b2c3`; `#n` when ids repeat.
 * @example shortRunLabels(['2026-11-22T10-00-00-000-a1b2c3', '2026-11-23T09-00-00-000-d4e5f6']) // ['a1b2c3', 'd4e5f6']
 */
export function shortRunLabels(ids: readonly string[]): string[] {
  return ids.map((id, i) => {
    const parts = id.split('-');
    for (let k = 1; k <= parts.length; k++) {
      const tail = parts.slice(-k).join('-');
      if (ids.every((other, j) => j === i || (other !== tail && !other.endsWith(`-${tail}`)))) return tail;
    }
    return `#${i + 1}`;
  });
}

/**
 * Compares every variant of one or more runs: leaderboards with intervals, pairwise
 * win/tie/loss with sign tests, per-slice winners, the cheapest variant at equal quality, and
 * the cases where variants disagree most.
 * @example compare([gateRun(header, results)]) // one run with several variants
 */
export function compare(runs: readonly GateRun[], options: CompareOptions = {}): Comparison {
  const rng = options.rng ?? createRng(options.seed ?? 1);
  const confidence = options.confidence ?? 0.95;
  const alpha = 1 - confidence;
  const minCases = options.minCases ?? 5;
  const short = shortRunLabels(runs.map((r) => r.header.runId));
  const groups = new Map<string, { runId: string; variant: string; cases: Map<string, CaseRecord> }>();
  for (const [i, run] of runs.entries()) {
    for (const rec of run.records.values()) {
      const label = runs.length > 1 ? `${short[i]}:${rec.variant}` : rec.variant;
      const g = groups.get(label) ?? { runId: run.header.runId, variant: rec.variant, cases: new Map() };
      g.cases.set(rec.caseId, rec);
      groups.set(label, g);
    }
  }
  const unpaired: string[] = [];
  if (groups.size > 1) {
    for (const [label, g] of groups) {
      const others = [...groups].filter(([l]) => l !== label).map(([, o]) => o.cases);
      if (![...g.cases.keys()].some((id) => others.some((o) => o.has(id)))) unpaired.push(label);
    }
    if (unpaired.length < groups.size) for (const label of unpaired) groups.delete(label);
    else unpaired.length = 0;
  }
  const labels = [...groups.keys()];
  const entries: CompareEntry[] = labels.map((label) => {
    const g = groups.get(label)!;
    const cost = emptyCostFacts();
    const latencies: number[] = [];
    for (const rec of g.cases.values()) {
      mergeCostFacts(cost, rec.cost);
      for (const l of rec.turnLatencies) latencies.push(l);
    }
    const k = computeKpis(emptyKpiTally(), cost, latencies);
    return { label, runId: g.runId, variant: g.variant, cases: g.cases.size, costPerConversationUsd: k.costPerConversationUsd, unpricedResults: k.unpricedResults, latencyP95Ms: k.latencyP95Ms };
  });

  const overall = (rec: CaseRecord) => meanOrNull(rec.overallScores);
  const metrics: { metric: string; value: (r: CaseRecord) => number | null }[] = [{ metric: 'score', value: overall }];
  const graders = new Set<string>();
  for (const g of groups.values()) for (const rec of g.cases.values()) for (const name of rec.graders.keys()) graders.add(name);
  for (const name of [...graders].sort()) {
    metrics.push({ metric: `${name}.score`, value: (r) => meanOrNull(r.graders.get(name)?.scores ?? []) });
    metrics.push({ metric: `${name}.passRate`, value: (r) => passShare(r.graders.get(name)?.passes ?? []) });
  }
  const leaderboards = metrics.map(({ metric, value }) => ({
    metric,
    rows: labels
      .map((label) => {
        const vals: number[] = [];
        for (const rec of groups.get(label)!.cases.values()) {
          const v = value(rec);
          if (v !== null) vals.push(v);
        }
        if (vals.length === 0) return { label, mean: null, lo: null, hi: null, n: 0, ranked: false };
        const b = bootstrapMean(vals, { rng, confidence, resamples: options.resamples ?? 1000 });
        return { label, mean: b.mean, lo: b.lo, hi: b.hi, n: vals.length, ranked: vals.length >= minCases };
      })
      .sort(byRank),
  }));

  const versus = (a: string, b: string, filter?: (rec: CaseRecord) => boolean): PairwiseRow => {
    let wins = 0;
    let ties = 0;
    let losses = 0;
    const ga = groups.get(a)!.cases;
    const gb = groups.get(b)!.cases;
    for (const [caseId, ra] of ga) {
      const rb = gb.get(caseId);
      if (!rb || (filter && !filter(ra))) continue;
      const sa = overall(ra);
      const sb = overall(rb);
      if (sa === null || sb === null) continue;
      if (sa > sb + 1e-9) wins++;
      else if (sb > sa + 1e-9) losses++;
      else ties++;
    }
    return { a, b, cases: wins + ties + losses, wins, ties, losses, p: mcnemarExact(wins, losses) };
  };
  const pairwise: PairwiseRow[] = [];
  for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) pairwise.push(versus(labels[i]!, labels[j]!));

  const slices = sliceWinners(groups, labels, overall, versus, options.sliceKeys);

  const ranking = leaderboards[0]!.rows.filter((r) => r.ranked);
  const best = ranking[0]?.label ?? labels[0] ?? '';
  const equal = ranking
    .filter((r) => r.label === best || (() => {
      const row = versus(best, r.label);
      return signTestOneSided(row.wins, row.losses) > alpha / 2;
    })())
    .map((r) => r.label);
  const priced = entries.filter((e) => equal.includes(e.label) && e.costPerConversationUsd !== null);
  priced.sort((x, y) => x.costPerConversationUsd! - y.costPerConversationUsd!);
  const cheapest = priced[0]?.label ?? null;
  const note =
    cheapest === null
      ? `no price is known for the variants as good as ${best}`
      : cheapest === best
        ? `${best} is both the best and the cheapest of the variants not significantly worse than it`
        : `${cheapest} is not significantly worse than ${best} and costs less per conversation`;

  const unranked = leaderboards[0]!.rows.filter((r) => !r.ranked && r.n > 0).map((r) => r.label);
  const pct = Math.round(confidence * 100);
  const rankNote =
    `ranked by the lower end of the ${pct} % interval; variants with fewer than ${minCases} scored cases are listed last, unranked` +
    (unranked.length > 0 ? ` (${unranked.join(', ')})` : '');
  return {
    entries,
    runs: runs.length > 1 ? runs.map((r, i) => ({ label: short[i]!, runId: r.header.runId })) : [],
    ranking: { by: 'lower bound', minCases, note: rankNote },
    leaderboards,
    pairwise,
    slices,
    quality: { best, equal, cheapest, note },
    disagreements: disagreements(groups, labels, overall, options.maxDisagreements ?? 10),
    unpaired,
    confidence,
    warnings: runs.flatMap((r) => [
      ...(r.integrity ? integrityNotes('run', r.path ?? r.header.runId, r.integrity) : []),
      ...(r.status !== undefined && r.status !== 'complete' ? [`run ${r.path ?? r.header.runId} did not complete (status ${r.status})`] : []),
    ]),
  };
}

/** Ranked rows first, by the lower bound of the interval (then the mean); then the unranked, the same way. */
function byRank(x: LeaderRow, y: LeaderRow): number {
  if (x.ranked !== y.ranked) return x.ranked ? -1 : 1;
  return (y.lo ?? -1) - (x.lo ?? -1) || (y.mean ?? -1) - (x.mean ?? -1) || x.label.localeCompare(y.label);
}

type Groups = Map<string, { cases: Map<string, CaseRecord> }>;

function sliceWinners(
  groups: Groups,
  labels: string[],
  overall: (r: CaseRecord) => number | null,
  versus: (a: string, b: string, filter?: (r: CaseRecord) => boolean) => PairwiseRow,
  keys?: readonly string[],
): SliceWinner[] {
  const names = new Map<string, { key: string; value: string }>();
  for (const g of groups.values()) for (const rec of g.cases.values()) for (const s of slicesOf(rec.tags, keys)) names.set(sliceName(s), s);
  const out: SliceWinner[] = [];
  for (const [name, s] of [...names].sort(([a], [b]) => a.localeCompare(b))) {
    const inSlice = (r: CaseRecord) => {
      const raw = r.tags[s.key];
      return Array.isArray(raw) ? raw.includes(s.value) : raw === s.value;
    };
    const means = labels
      .map((label) => {
        const vals = [...groups.get(label)!.cases.values()].filter(inSlice).map(overall).filter((v): v is number => v !== null);
        return { label, mean: meanOrNull(vals), n: vals.length };
      })
      .filter((m) => m.mean !== null)
      .sort((a, b) => b.mean! - a.mean!);
    const [first, second] = means;
    if (!first) continue;
    const row: SliceWinner = { slice: name, winner: first.label, mean: first.mean!, cases: first.n };
    if (second) {
      row.runnerUp = second.label;
      row.runnerUpMean = second.mean!;
      row.p = versus(first.label, second.label, inSlice).p;
    }
    out.push(row);
  }
  return out;
}

function disagreements(groups: Groups, labels: string[], overall: (r: CaseRecord) => number | null, max: number) {
  const caseIds = new Set<string>();
  for (const g of groups.values()) for (const id of g.cases.keys()) caseIds.add(id);
  const rows: Comparison['disagreements'] = [];
  for (const caseId of caseIds) {
    const scores: Record<string, number | null> = {};
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const label of labels) {
      const rec = groups.get(label)!.cases.get(caseId);
      const s = rec ? overall(rec) : null;
      scores[label] = s;
      if (s !== null) {
        lo = Math.min(lo, s);
        hi = Math.max(hi, s);
      }
    }
    if (hi > lo) rows.push({ caseId, spread: hi - lo, scores });
  }
  return rows.sort((a, b) => b.spread - a.spread || a.caseId.localeCompare(b.caseId)).slice(0, max);
}
