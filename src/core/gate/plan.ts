import type { GateRules } from '../../schema/gate.js';
import { caseKey } from '../case-table.js';
import type { GateRun } from '../gate.js';
import { parseSliceSelector, type SliceId, sliceName, slicesOf } from '../slices.js';
import type { CasePair, DropSpec } from './drops.js';
import { metricDef } from './metrics.js';

/**
 * Pairs the two runs' cases by (variant, case id). Variants pair by name; when each run has
 * exactly one variant and the names differ, those two are paired (with a warning).
 * Mismatched golden-set or grader hashes are reported as warnings.
 */
export function pairRuns(baseline: GateRun, candidate: GateRun, warnings: string[]) {
  const bVariants = variantsOf(baseline);
  const cVariants = variantsOf(candidate);
  const variants: [string, string][] = [];
  if (bVariants.length === 1 && cVariants.length === 1 && bVariants[0] !== cVariants[0]) {
    variants.push([bVariants[0]!, cVariants[0]!]);
    warnings.push(`variants differ in name: baseline "${bVariants[0]}" compared with candidate "${cVariants[0]}"`);
  } else {
    for (const v of bVariants) if (cVariants.includes(v)) variants.push([v, v]);
    const lone = [...bVariants.filter((v) => !cVariants.includes(v)), ...cVariants.filter((v) => !bVariants.includes(v))];
    if (lone.length > 0) warnings.push(`variants in only one run are not compared: ${lone.join(', ')}`);
  }
  hashWarnings('golden set', baseline.header.hashes.goldenSets, candidate.header.hashes.goldenSets, warnings);
  hashWarnings('grader', baseline.header.hashes.graders, candidate.header.hashes.graders, warnings);

  const pairs: CasePair[] = [];
  const droppedExamples: string[] = [];
  const matched = new Set<string>();
  for (const [bv, cv] of variants) {
    for (const base of baseline.records.values()) {
      if (base.variant !== bv) continue;
      const cand = candidate.records.get(caseKey(cv, base.caseId));
      if (cand) {
        pairs.push({ base, cand });
        matched.add(caseKey(cv, base.caseId));
      }
    }
  }
  const baselineOnly = baseline.records.size - pairs.length;
  const candidateOnly = candidate.records.size - matched.size;
  const pairedBase = new Set(pairs.map((p) => p.base));
  for (const rec of baseline.records.values()) {
    if (droppedExamples.length >= 5) break;
    if (!pairedBase.has(rec)) droppedExamples.push(`baseline:${rec.caseId}`);
  }
  for (const [key, rec] of candidate.records) {
    if (droppedExamples.length >= 10) break;
    if (!matched.has(key)) droppedExamples.push(`candidate:${rec.caseId}`);
  }
  if (baselineOnly > 0 || candidateOnly > 0) {
    warnings.push(`compared ${pairs.length} shared cases; ${baselineOnly} only in the baseline and ${candidateOnly} only in the candidate were left out`);
  }
  return { pairs, baselineOnly, candidateOnly, variants, droppedExamples };
}

function variantsOf(run: GateRun): string[] {
  const names = new Set<string>();
  for (const rec of run.records.values()) names.add(rec.variant);
  return [...names];
}

function hashWarnings(what: string, b: Record<string, string>, c: Record<string, string>, warnings: string[]): void {
  const changed = Object.keys(b).filter((k) => k in c && b[k] !== c[k]);
  if (changed.length > 0) warnings.push(`${what} hashes differ between the runs: ${changed.join(', ')} (scores may not be comparable)`);
  const only = [...Object.keys(b).filter((k) => !(k in c)), ...Object.keys(c).filter((k) => !(k in b))];
  if (only.length > 0) warnings.push(`${what}s present in only one run: ${only.join(', ')}`);
}

/**
 * The family of drop tests: the overall score (`maxDrop`), every grader's pass rate
 * (`perGrader`), the overall score of every value of the `slices` keys, and the explicit
 * `drops` rules (a slice key expands to each of its values). Explicit rules replace defaults
 * on the same metric and slice.
 */
export function dropSpecs(rules: GateRules, pairs: readonly CasePair[], warnings: string[]): DropSpec[] {
  const specs = new Map<string, DropSpec>();
  const put = (metric: string, maxDrop: number, relative: boolean, slice?: SliceId) => {
    const def = metricDef(metric);
    if (!def) {
      warnings.push(`drop rule on unknown metric ${metric} ignored`);
      return;
    }
    const spec: DropSpec = { def, maxDrop, relative };
    if (slice) spec.slice = slice;
    specs.set(`${metric}|${slice ? sliceName(slice) : ''}`, spec);
  };
  put('score', rules.maxDrop, false);
  if (rules.perGrader) {
    const graders = new Set<string>();
    for (const { base, cand } of pairs) for (const g of cand.graders.keys()) if (base.graders.has(g)) graders.add(g);
    for (const g of [...graders].sort()) put(`${g}.passRate`, rules.maxDrop, false);
  }
  const valuesOf = (key: string) => {
    const values = new Set<string>();
    for (const { cand } of pairs) for (const s of slicesOf(cand.tags, [key])) values.add(s.value);
    return [...values].sort();
  };
  for (const key of rules.slices) for (const value of valuesOf(key)) put('score', rules.maxDrop, false, { key, value });
  for (const rule of rules.drops) {
    if (!rule.slice) {
      put(rule.metric, rule.maxDrop, rule.relative);
      continue;
    }
    const sel = parseSliceSelector(rule.slice);
    const values = sel.value !== undefined ? [sel.value] : valuesOf(sel.key);
    if (values.length === 0) warnings.push(`drop rule slice ${rule.slice} matches no shared case`);
    for (const value of values) put(rule.metric, rule.maxDrop, rule.relative, { key: sel.key, value });
  }
  return [...specs.values()];
}
