import type { GateRules } from '../../schema/gate.js';
import type { GateRun } from '../gate.js';
import { parseSliceSelector } from '../slices.js';
import { KPI_METRIC_NAMES } from './metrics.js';

/**
 * A gate rule that names nothing in the runs it gates: an unknown grader, metric, slice key or
 * slice value (a typo such as `polcy.passRate` would otherwise gate nothing and pass).
 * `field` is the rule's path under `gate:` (`floors[0].metric`); `known` the names it could mean.
 */
export interface RuleNameProblem {
  field: string;
  /** The rule as written, e.g. `floor polcy.passRate ≥ 1`. */
  rule: string;
  /** What is unknown: `grader "polcy"`. */
  what: string;
  name: string;
  known: string[];
}

/** The names the runs offer a rule: graders, tag keys and the values of each key. */
export interface KnownNames {
  graders: Set<string>;
  tags: Map<string, Set<string>>;
}

/** Grader names (from both headers and every grade) and tag keys and values of both runs. */
export function knownNames(runs: readonly GateRun[]): KnownNames {
  const graders = new Set<string>();
  const tags = new Map<string, Set<string>>();
  for (const run of runs) {
    for (const g of run.header.graders) graders.add(g.name);
    for (const rec of run.records.values()) {
      for (const name of rec.graders.keys()) graders.add(name);
      for (const [key, raw] of Object.entries(rec.tags)) {
        const values = tags.get(key) ?? new Set<string>();
        tags.set(key, values);
        for (const v of Array.isArray(raw) ? raw : [raw]) values.add(v);
      }
    }
  }
  return { graders, tags };
}

const FIELDS = ['score', 'passRate'];

/**
 * Every gate rule that names a grader, metric, slice key or slice value the two runs do not have.
 * @example ruleNameProblems(GateRulesSchema.parse({ floors: [{ metric: 'polcy.passRate', min: 1 }] }), [base, cand])
 */
export function ruleNameProblems(rules: GateRules, runs: readonly GateRun[]): RuleNameProblem[] {
  const known = knownNames(runs);
  const out: RuleNameProblem[] = [];
  const metricNames = () => [...FIELDS, ...KPI_METRIC_NAMES, ...[...known.graders].flatMap((g) => FIELDS.map((f) => `${g}.${f}`))];
  const checkMetric = (field: string, rule: string, metric: string) => {
    if (FIELDS.includes(metric) || KPI_METRIC_NAMES.includes(metric)) return;
    const dot = metric.lastIndexOf('.');
    if (dot <= 0) {
      out.push({ field, rule, what: `metric "${metric}"`, name: metric, known: metricNames() });
      return;
    }
    const grader = metric.slice(0, dot);
    const f = metric.slice(dot + 1);
    if (!FIELDS.includes(f)) out.push({ field, rule, what: `metric field "${f}" (a grader's metric is .score or .passRate)`, name: f, known: FIELDS });
    if (!known.graders.has(grader)) out.push({ field, rule, what: `grader "${grader}"`, name: grader, known: [...known.graders].sort() });
  };
  const checkSlice = (field: string, rule: string, selector: string, needsValue: boolean) => {
    const sel = parseSliceSelector(selector);
    const values = known.tags.get(sel.key);
    if (!values) {
      out.push({ field, rule, what: `slice key "${sel.key}"`, name: sel.key, known: [...known.tags.keys()].sort() });
      return;
    }
    if (sel.value === undefined) {
      if (needsValue) out.push({ field, rule, what: `slice "${selector}" (a floor needs key=value)`, name: selector, known: [...values].sort().map((v) => `${sel.key}=${v}`) });
      return;
    }
    if (!values.has(sel.value)) out.push({ field, rule, what: `slice value "${sel.key}=${sel.value}"`, name: sel.value, known: [...values].sort() });
  };
  rules.slices.forEach((key, i) => {
    if (!known.tags.has(key)) out.push({ field: `slices[${i}]`, rule: `slices: ${key}`, what: `slice key "${key}"`, name: key, known: [...known.tags.keys()].sort() });
  });
  rules.drops.forEach((d, i) => {
    const rule = `drop ${d.metric}${d.slice ? ` [${d.slice}]` : ''} ≤ ${d.maxDrop}`;
    checkMetric(`drops[${i}].metric`, rule, d.metric);
    if (d.slice !== undefined) checkSlice(`drops[${i}].slice`, rule, d.slice, false);
  });
  rules.floors.forEach((f, i) => {
    const rule = `floor ${f.metric}${f.slice ? ` [${f.slice}]` : ''} ≥ ${f.min}`;
    checkMetric(`floors[${i}].metric`, rule, f.metric);
    if (f.slice !== undefined) checkSlice(`floors[${i}].slice`, rule, f.slice, true);
  });
  return out;
}

/** The graders a rule names (`<grader>.score` / `.passRate` of drops and floors), by field. */
export function gradersNamedByRules(rules: GateRules): { field: string; grader: string; metric: string }[] {
  const out: { field: string; grader: string; metric: string }[] = [];
  const add = (field: string, metric: string) => {
    const dot = metric.lastIndexOf('.');
    if (dot > 0 && FIELDS.includes(metric.slice(dot + 1))) out.push({ field, grader: metric.slice(0, dot), metric });
  };
  rules.drops.forEach((d, i) => add(`drops[${i}]`, d.metric));
  rules.floors.forEach((f, i) => add(`floors[${i}]`, f.metric));
  return out;
}
