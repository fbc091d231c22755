import { type ErrorGroup, formatErrorGroups } from '../core/error-groups.js';
import type { KpiValue } from '../core/kpis.js';
import type { Summary, VariantSummary } from '../core/summary.js';
import type { RunHeader, RunStatus } from '../schema/run-record.js';

/** How the run ended, as the console summary tells it. */
export interface RunEnd {
  status: RunStatus;
  path: string;
  htmlPath?: string;
  /** Errored conversations by cause (src/core/error-groups.ts). */
  errorGroups?: readonly ErrorGroup[];
  /** Conversations recorded. */
  totals?: { done: number };
  /** Why the run exits 3 (src/runner/execute.ts), when it does. */
  failure?: string;
}

/**
 * The end-of-run summary on the console: per variant the cases, pass rate, overall score,
 * per-grader means, outcome KPIs, tokens, cost (agent, judge, and the simulator's when simulated
 * customers ran) and latency; the errored conversations grouped
 * by cause; how the run ended (and why it exits 3) and the path of the run record. Skipped
 * variants and graders are warned about once, when the run starts (src/cli/run.ts).
 */
export function formatRunSummary(summary: Summary, _header: RunHeader, outcome: RunEnd): string {
  const out: string[] = [];
  const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)}%`);
  const num = (v: number | null | undefined, digits = 2) => (v === null || v === undefined ? '–' : v.toFixed(digits));
  const kpi = (k: KpiValue) => (k.n === 0 ? '–' : pct(k.value));
  const money = (v: number | null) => (v === null ? 'unknown' : `$${v < 0.01 && v > 0 ? v.toFixed(5) : v.toFixed(4)}`);

  const variants = summary.variants;
  const columns: Array<[string, (v: VariantSummary) => string]> = [
    ['cases', (v) => String(v.cases)],
    ['pass rate', (v) => `${pct(v.passRate.rate)} [${pct(v.passRate.lo)}–${pct(v.passRate.hi)}]`],
    ['score', (v) => num(v.score.mean)],
    ['resolved', (v) => kpi(v.kpis.resolutionRate)],
    ['escalated', (v) => kpi(v.kpis.escalationRate)],
    ['fallback', (v) => kpi(v.kpis.fallbackRate)],
    ['CSAT', (v) => num(v.kpis.csat.value)],
    ['tokens/conv', (v) => (v.kpis.tokensPerConversation === null ? '–' : thousands(Math.round(v.kpis.tokensPerConversation)))],
    ['cost', (v) => money(v.kpis.totalCostUsd)],
    ['judge cost', (v) => money(v.kpis.totalJudgeCostUsd)],
    // Only when simulated-customer cases ran: the simulator's cost, apart from the agent's.
    ...(variants.some((v) => v.kpis.totalSimulatorCostUsd !== undefined)
      ? [['simulator cost', (v: VariantSummary) => (v.kpis.totalSimulatorCostUsd === undefined ? '–' : money(v.kpis.totalSimulatorCostUsd))] as [string, (v: VariantSummary) => string]]
      : []),
    ['p50/p95 turn', (v) => `${ms(v.kpis.latencyP50Ms)}/${ms(v.kpis.latencyP95Ms)}`],
    ['errors', (v) => String(v.errors)],
  ];
  out.push(table(['variant', ...columns.map(([h]) => h)], variants.map((v) => [v.variant, ...columns.map(([, f]) => f(v))])));

  const graders = [...new Set(variants.flatMap((v) => v.graders.map((g) => g.grader)))].sort();
  if (graders.length > 0) {
    out.push('', 'per grader (mean score · pass rate · errors):');
    out.push(
      table(
        ['grader', ...variants.map((v) => v.variant)],
        graders.map((name) => [
          name,
          ...variants.map((v) => {
            const g = v.graders.find((x) => x.grader === name);
            return g ? `${num(g.score.mean)} · ${pct(g.passRate.rate)}${g.errors ? ` · ${g.errors} err` : ''}` : '';
          }),
        ]),
      ),
    );
  }
  const flaky = variants.flatMap((v) => v.repeats.flaky?.map((f) => `${v.variant}:${f.caseId}`) ?? []);
  if (flaky.length > 0) out.push('', `flaky cases (repeats disagree): ${flaky.slice(0, 10).join(', ')}${flaky.length > 10 ? ` … +${flaky.length - 10}` : ''}`);
  if (outcome.errorGroups?.length) out.push('', formatErrorGroups(outcome.errorGroups, outcome.totals?.done ?? summary.results));
  out.push('', `${outcome.status === 'complete' ? 'run complete' : `run ${outcome.status}`}: ${outcome.path}`);
  if (outcome.failure) out.push(`exit 3: ${outcome.failure}`);
  if (outcome.htmlPath) out.push(`HTML report: ${outcome.htmlPath}`);
  return `${out.join('\n')}\n`;
}

function ms(v: number | null): string {
  return v === null ? '–' : v >= 1000 ? `${(v / 1000).toFixed(1)}s` : `${Math.round(v)}ms`;
}

/** Left-aligned text table with two spaces between columns. */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * An integer with comma thousands separators (`12,345`), as `toLocaleString('en-US')` writes it
 * without its cost: the first call of Intl's number formatting takes ~30 ms of CPU.
 */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
