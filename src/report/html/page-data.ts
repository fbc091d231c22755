import type { Label } from '../../schema/label.js';
import type { RunHeader, RunResult, SimulationEnd } from '../../schema/run-record.js';
import { END_REASON_TEXT } from './simulation.js';

export type CaseStatus = 'pass' | 'fail' | 'error';

/**
 * A result's overall status: `error` when the result failed (or no grader gave a verdict because
 * of errors), `fail` when any verdict failed, else `pass`. Grade errors are never fails.
 */
export function caseStatus(result: Pick<RunResult, 'error' | 'grades'>): CaseStatus {
  if (result.error) return 'error';
  const verdicts = result.grades.filter((g) => g.pass !== null && !g.error);
  if (verdicts.some((g) => g.pass === false)) return 'fail';
  if (verdicts.length === 0 && result.grades.some((g) => g.error)) return 'error';
  return 'pass';
}

/** One result as the page reads it: the result, its status, and how it compares with the baseline. */
export interface PageItem {
  r: Omit<RunResult, 'type' | 'prev'>;
  s: CaseStatus;
  /** Flipped vs the baseline: pass → fail (`regressed`) or fail → pass (`fixed`). */
  f?: 'regressed' | 'fixed';
  /** Baseline status of the same case. */
  bs?: CaseStatus;
  /** Index into `baseline` of the baseline result (only kept for flipped cases). */
  b?: number;
}

/** Everything the client script needs, embedded as JSON. */
export interface PageData {
  mode: 'static' | 'server';
  token?: string;
  reviewer?: string;
  runId: string;
  baselineRunId?: string;
  variants: string[];
  graders: string[];
  results: PageItem[];
  baseline: Array<Omit<RunResult, 'type' | 'prev'>>;
  labels: Label[];
  /** Why a simulated conversation ended, in words (src/report/html/simulation.ts). */
  endReasons: Record<SimulationEnd, string>;
}

const strip = ({ type: _t, prev: _p, ...rest }: RunResult): Omit<RunResult, 'type' | 'prev'> => rest;

/**
 * Builds the page data. Baseline results are paired by (case id, variant), or by case id when the
 * baseline has a single variant; only flipped pairs carry the baseline transcript (side by side).
 */
export function buildPageData(input: {
  header: RunHeader;
  results: readonly RunResult[];
  baseline?: { header: RunHeader; results: readonly RunResult[] };
  labels: readonly Label[];
  server?: { token: string; reviewer: string };
}): PageData {
  const base = new Map<string, RunResult>();
  const single = input.baseline?.header.variants.length === 1;
  for (const r of input.baseline?.results ?? []) {
    if (r.repeat === 0) base.set(single ? r.caseId : `${r.variant}\u0000${r.caseId}`, r);
  }
  const baseline: PageData['baseline'] = [];
  const results = input.results.map((r): PageItem => {
    const item: PageItem = { r: strip(r), s: caseStatus(r) };
    const b = input.baseline ? (base.get(`${r.variant}\u0000${r.caseId}`) ?? (single ? base.get(r.caseId) : undefined)) : undefined;
    if (b && r.repeat === 0) {
      item.bs = caseStatus(b);
      if (item.bs === 'pass' && item.s === 'fail') item.f = 'regressed';
      if (item.bs === 'fail' && item.s === 'pass') item.f = 'fixed';
      if (item.f) {
        item.b = baseline.length;
        baseline.push(strip(b));
      }
    }
    return item;
  });
  // Filters offer what is in the results: variants that produced any (`recorded` transcripts
  // included), graders that gave any grade (skipped ones gave none); in header order first.
  const present = (declared: readonly string[], seen: Iterable<string>): string[] => {
    const set = new Set(seen);
    return [...new Set([...declared.filter((n) => set.has(n)), ...set])];
  };
  const variants = present(input.header.variants.map((v) => v.name), input.results.map((r) => r.variant));
  const graders = present(input.header.graders.map((g) => g.name), input.results.flatMap((r) => r.grades.map((g) => g.grader)));
  return {
    mode: input.server ? 'server' : 'static',
    ...(input.server ? { token: input.server.token, reviewer: input.server.reviewer } : {}),
    runId: input.header.runId,
    ...(input.baseline ? { baselineRunId: input.baseline.header.runId } : {}),
    variants,
    graders,
    results,
    baseline,
    labels: [...input.labels],
    endReasons: END_REASON_TEXT,
  };
}
