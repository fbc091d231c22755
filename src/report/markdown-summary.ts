import type { KpiValue } from '../core/kpis.js';
import type { Summary } from '../core/summary.js';
import { metricValue, percent, points } from './format-numbers.js';
import { mdCell } from './markdown-gate.js';

const kpi = (k: KpiValue) => (k.value === null ? '–' : `${points(k.value)} (n=${k.n})`);
const ci = (lo: number | null, hi: number | null) => (lo === null || hi === null ? '' : ` [${points(lo)}–${points(hi)}]`);
const money = (x: number | null, unpriced: number) => (x === null ? (unpriced > 0 ? `unknown (${unpriced} unpriced)` : '–') : metricValue('costUsd', x));

/**
 * A run summary as Markdown (for `$GITHUB_STEP_SUMMARY` or a PR comment without a baseline):
 * per variant the overall score and pass rate with intervals, KPIs, cost and latency, then
 * graders and slices, then repeats and flaky cases.
 */
export function summaryMarkdown(s: Summary): string {
  const out = [`## convotest run \`${mdCell(s.runId)}\``, '', `${s.results} results, ${s.errors} errors, 95 % intervals.`, ''];
  out.push('| variant | score | pass rate | resolved | FCR | escalated | fallback/turn | goal | CSAT | cost/conv | cost/resolved | judge cost/conv | p50/p95 turn |');
  out.push('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const v of s.variants) {
    const k = v.kpis;
    out.push(
      `| ${mdCell(v.variant)} | ${points(v.score.mean)}${ci(v.score.lo, v.score.hi)} | ${points(v.passRate.rate)}${ci(v.passRate.lo, v.passRate.hi)} | ${kpi(k.resolutionRate)} | ${kpi(k.firstContactResolution)} | ${kpi(k.escalationRate)} | ${kpi(k.fallbackRate)} | ${kpi(k.goalCompletion)} | ${kpi(k.csat)} | ${money(k.costPerConversationUsd, k.unpricedResults)} | ${money(k.costPerResolvedUsd, k.unpricedResults)} | ${money(k.judgeCostPerConversationUsd, k.judgeUnpricedResults)} | ${metricValue('latencyMs', k.latencyP50Ms)} / ${metricValue('latencyMs', k.latencyP95Ms)} |`,
    );
  }
  const simulated = s.variants.filter((v) => v.kpis.totalSimulatorCostUsd !== undefined);
  if (simulated.length > 0) {
    const cost = (x: number | null | undefined) => (x === null || x === undefined ? 'unknown' : metricValue('costUsd', x));
    out.push('', `Simulated customers, simulator cost (apart from the agent's): ${simulated.map((v) => `${mdCell(v.variant)} ${cost(v.kpis.totalSimulatorCostUsd)}`).join(', ')}.`);
  }
  for (const v of s.variants) {
    out.push('', `<details><summary>${mdCell(v.variant)}: graders and slices</summary>`, '', '| grader | score | pass rate | cases | errors |', '|---|---|---|---:|---:|');
    for (const g of v.graders) out.push(`| ${mdCell(g.grader)} | ${points(g.score.mean)}${ci(g.score.lo, g.score.hi)} | ${points(g.passRate.rate)}${ci(g.passRate.lo, g.passRate.hi)} | ${g.cases} | ${g.errors} |`);
    if (v.slices.length > 0) {
      out.push('', '| slice | cases | score | pass rate | resolved | errors |', '|---|---:|---|---|---:|---:|');
      for (const sl of v.slices) out.push(`| ${mdCell(sl.name)} | ${sl.cases} | ${points(sl.score.mean)}${ci(sl.score.lo, sl.score.hi)} | ${points(sl.passRate.rate)}${ci(sl.passRate.lo, sl.passRate.hi)} | ${kpi(sl.kpis.resolutionRate)} | ${sl.errors} |`);
    }
    const r = v.repeats;
    if (r.k > 1) {
      out.push('', `Repeats k=${r.k}: pass^k ${percent(r.passAllK)}, mean per-case pass rate ${percent(r.meanCasePassRate)}.`);
      if (r.casesBelowMin.length > 0) out.push(`Below ${percent(r.minCasePassRate)} of repeats: ${r.casesBelowMin.map((c) => `\`${mdCell(c.caseId)}\` (${percent(c.passRate)})`).join(', ')}.`);
      if (r.flaky.length > 0) out.push(`Flaky (repeats disagree): ${r.flaky.map((f) => `\`${mdCell(f.caseId)}\` (${mdCell(f.graders.join(', '))})`).join(', ')}.`);
    }
    out.push('', '</details>');
  }
  return `${out.join('\n')}\n`;
}
