import { agreementByGrader, indexLabels, overriddenPassRates } from '../core/agreement.js';
import { gate, gateRun, type Verdict } from '../core/gate.js';
import { type Summary, summarize } from '../core/summary.js';
import { GateRulesSchema } from '../schema/gate.js';
import type { Label } from '../schema/label.js';
import type { RunHeader, RunResult } from '../schema/run-record.js';
import { groupErrors } from './html/error-groups.js';
import { renderOverview } from './html/overview.js';
import { buildPageData } from './html/page-data.js';
import { simulationStats } from './html/simulation.js';
import { renderPage } from './html/template.js';

/** A run in memory, as the HTML report reads it. */
export interface HtmlRun {
  header: RunHeader;
  results: readonly RunResult[];
}

export interface HtmlReportInput extends HtmlRun {
  /** A baseline run: adds the gate verdict, the delta chart and flipped-case filters. */
  baseline?: HtmlRun & { summary?: Summary };
  /** Human labels (`<run>.labels.jsonl`): shown per grade, in agreement and human-overridden rates. */
  labels?: readonly Label[];
  /** Set by `convotest view`: the page may POST labels to its own origin with this token. */
  server?: { token: string; reviewer: string };
  /** Bootstrap resamples for the summary intervals (default 1000). */
  resamples?: number;
  /** A summary computed already (e.g. the one in the record's summary line). */
  summary?: Summary;
  /** Figures computed already by `analyseForReport` (the viewer renders many times). */
  analysis?: ReportAnalysis;
}

/** The costly figures of a report (summary with bootstrap intervals, gate verdict), computed once. */
export interface ReportAnalysis {
  summary: Summary;
  baselineSummary?: Summary;
  verdict?: Verdict;
}

/** A summary stored in a record's summary line, when it has the shape the report reads. */
export function storedSummary(line: { summary?: Summary | undefined } | undefined): Summary | undefined {
  return line?.summary;
}

/**
 * Summarises the run (and the baseline) and runs the gate with the rules in the run's own
 * config. Pass the result as `analysis` to render several times (the viewer does) without redoing it.
 */
export function analyseForReport(input: HtmlReportInput): ReportAnalysis {
  const options = { resamples: input.resamples ?? 1000 };
  const summary = input.summary ?? summarize(input.results, input.header, options);
  if (!input.baseline) return { summary };
  const baselineSummary = input.baseline.summary ?? summarize(input.baseline.results, input.baseline.header, options);
  const parsed = GateRulesSchema.safeParse(input.header.config?.gate ?? {});
  const rules = parsed.success ? parsed.data : GateRulesSchema.parse({});
  const verdict = gate(gateRun(input.baseline.header, input.baseline.results), gateRun(input.header, input.results), rules, options);
  return { summary, baselineSummary, verdict };
}

/**
 * Renders the self-contained HTML report: one file with inline CSS, script and SVG charts,
 * a strict Content-Security-Policy, no external request of any kind. The run's data is embedded
 * as JSON and every transcript string is rendered as text.
 *
 * @example
 * const run = await readRunAll('runs/r1.jsonl');
 * await writeFile('runs/r1.html', renderHtmlReport({ header: run.header, results: run.results }));
 */
export function renderHtmlReport(input: HtmlReportInput): string {
  const labels = [...indexLabels(input.labels ?? []).values()];
  const { summary, baselineSummary, verdict } = input.analysis ?? analyseForReport(input);
  const baseline = input.baseline && baselineSummary ? { header: input.baseline.header, summary: baselineSummary } : undefined;
  const scores = new Map<string, Map<string, number[]>>();
  const redactions: Record<string, number> = {};
  for (const r of input.results) {
    const byGrader = scores.get(r.variant) ?? new Map<string, number[]>();
    scores.set(r.variant, byGrader);
    for (const g of r.grades) {
      if (g.score === null) continue;
      const list = byGrader.get(g.grader) ?? [];
      list.push(g.score);
      byGrader.set(g.grader, list);
    }
    for (const [k, n] of Object.entries(r.redactions ?? {})) redactions[k] = (redactions[k] ?? 0) + n;
  }
  const refs = input.results.flatMap((r) => r.grades.map((grade) => ({ caseId: r.caseId, variant: r.variant, transcriptHash: r.transcriptHash, grade })));
  const overview = renderOverview({
    header: input.header,
    summary,
    scores,
    ...(baseline ? { baseline } : {}),
    ...(verdict ? { verdict } : {}),
    agreement: agreementByGrader(refs, labels),
    overrides: overriddenPassRates(input.results, labels),
    labels: labels.length,
    redactions,
    errors: groupErrors(input.results),
    simulation: simulationStats(input.results),
  });
  const data = buildPageData({ ...input, labels });
  return renderPage({ title: `convotest · ${input.header.runId}`, overview, data, server: input.server !== undefined });
}
