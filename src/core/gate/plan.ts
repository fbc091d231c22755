import type { GateRules } from '../../schema/gate.js';
import { caseKey } from '../case-table.js';
import type { GateRun } from '../gate.js';
import { parseSliceSelector, type SliceId, sliceName, slicesOf } from '../slices.js';
import type { CasePair, DropSpec } from './drops.js';
import { metricDef } from './metrics.js';

/** Transcript cases graded as they are: a variant of their own, paired only with itself. */
export const RECORDED_VARIANT = 'recorded';

/**
 * The variant pairs (baseline name, candidate name) to gate: every variant both runs have, by
 * name. When each run has exactly one variant besides `recorded` and the names differ, those two
 * are paired (with a warning); `recorded` pairs only with `recorded`. With `only`, just the
 * candidate variants named (unknown names are reported by `variantProblems`).
 */
export function pairVariants(
  baseline: GateRun,
  candidate: GateRun,
  warnings: string[],
  only?: readonly string[],
): { pairs: [string, string][]; baselineOnly: string[] } {
  const bVariants = variantsOf(baseline);
  const cVariants = variantsOf(candidate);
  const pairs: [string, string][] = [];
  const bModels = bVariants.filter((v) => v !== RECORDED_VARIANT);
  const cModels = cVariants.filter((v) => v !== RECORDED_VARIANT);
  const renamed = bModels.length === 1 && cModels.length === 1 && bModels[0] !== cModels[0];
  if (renamed) {
    pairs.push([bModels[0]!, cModels[0]!]);
    warnings.push(`variants differ in name: baseline "${bModels[0]}" compared with candidate "${cModels[0]}"`);
  }
  for (const v of bVariants) if (cVariants.includes(v) && !(renamed && v !== RECORDED_VARIANT)) pairs.push([v, v]);
  const paired = new Set(pairs.flat());
  const lone = [...bVariants, ...cVariants].filter((v) => !paired.has(v));
  if (lone.length > 0) warnings.push(`variants in only one run are not gated: ${[...new Set(lone)].join(', ')}`);
  if (only) return { pairs: pairs.filter(([b, c]) => only.includes(c) || only.includes(b)), baselineOnly: bVariants.filter((v) => !paired.has(v) && only.includes(v)) };
  return { pairs, baselineOnly: bVariants.filter((v) => !paired.has(v)) };
}

/** Names given to `--variant` that neither run has. */
export function unknownVariants(baseline: GateRun, candidate: GateRun, only: readonly string[]): { name: string; known: string[] }[] {
  const known = [...new Set([...variantsOf(baseline), ...variantsOf(candidate)])].sort();
  return only.filter((v) => !known.includes(v)).map((name) => ({ name, known }));
}

/** The (baseline, candidate) records of one variant pair, and the baseline cases the candidate lacks. */
export function pairCases(baseline: GateRun, candidate: GateRun, bv: string, cv: string) {
  const pairs: CasePair[] = [];
  const missing: string[] = [];
  const matched = new Set<string>();
  for (const base of baseline.records.values()) {
    if (base.variant !== bv) continue;
    const key = caseKey(cv, base.caseId);
    const cand = candidate.records.get(key);
    if (cand) {
      pairs.push({ base, cand });
      matched.add(key);
    } else missing.push(base.caseId);
  }
  const candidateOnly: string[] = [];
  for (const [key, rec] of candidate.records) if (rec.variant === cv && !matched.has(key)) candidateOnly.push(rec.caseId);
  return { pairs, missing, candidateOnly };
}

export function variantsOf(run: GateRun): string[] {
  const names = new Set<string>();
  for (const rec of run.records.values()) names.add(rec.variant);
  return [...names];
}

/** Warnings for golden-set and grader files whose hashes differ, or that only one run has. */
export function hashWarnings(baseline: GateRun, candidate: GateRun, warnings: string[]): void {
  const check = (what: string, b: Record<string, string>, c: Record<string, string>) => {
    const changed = Object.keys(b).filter((k) => k in c && b[k] !== c[k]);
    if (changed.length > 0) warnings.push(`${what} hashes differ between the runs: ${changed.join(', ')} (scores may not be comparable)`);
    const only = [...Object.keys(b).filter((k) => !(k in c)), ...Object.keys(c).filter((k) => !(k in b))];
    if (only.length > 0) warnings.push(`${what}s present in only one run: ${only.join(', ')}`);
  };
  check('golden set', baseline.header.hashes.goldenSets, candidate.header.hashes.goldenSets);
  check('grader', baseline.header.hashes.graders, candidate.header.hashes.graders);
}

/**
 * The family of drop tests of one variant: the overall score (`maxDrop`), every grader's pass
 * rate (`perGrader`, graders both sides have), the overall score of every value of the `slices`
 * keys, and the explicit `drops` rules (a slice key expands to each of its values). Explicit
 * rules replace defaults on the same metric and slice. Rule names were checked before
 * (`ruleNameProblems`); a name the metric table does not know is skipped.
 */
export function dropSpecs(variant: string, rules: GateRules, pairs: readonly CasePair[]): DropSpec[] {
  const specs = new Map<string, DropSpec>();
  const put = (metric: string, maxDrop: number, relative: boolean, slice?: SliceId) => {
    const def = metricDef(metric);
    if (!def) return;
    const spec: DropSpec = { variant, def, maxDrop, relative };
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
    for (const value of values) put(rule.metric, rule.maxDrop, rule.relative, { key: sel.key, value });
  }
  return [...specs.values()];
}
