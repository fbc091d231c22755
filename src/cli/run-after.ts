import { writeFile } from 'node:fs/promises';
import type { GateRun, Verdict } from '../core/gate.js';
import { summarize } from '../core/summary.js';
import { readRecordEnds, readRunAll } from '../io/run-reader.js';
import { formatRunSummary } from '../report/console-run.js';
import { renderHtmlReport, storedSummary } from '../report/html.js';
import { gateMarkdown } from '../report/markdown-gate.js';
import type { PreparedRun } from '../runner/prepare.js';
import type { RunOutcome } from '../runner/run.js';
import { emitVerdict, gateLoaded, type GateRulesSource, loadGateRuns } from './gate-verdict.js';
import type { CliContext } from './main.js';

/** The run's config, and the file and text it came from when known (a merge has only the config). */
type ConfigOfRun = Pick<PreparedRun, 'config'> & Partial<Pick<PreparedRun, 'configFile' | 'configSource'>>;

/**
 * After a run: with a baseline the gate is computed once, first; then the HTML report beside the
 * record (showing that verdict), the console summary, and the verdict on the console (and in
 * GitHub's step summary and annotations when there), the Markdown PR comment written beside the
 * record as `<run>.gate.md`, exit 1 on fail or inconclusive. Gate rules that name nothing in the
 * runs are reported (exit 2) after the summary: the run itself is kept.
 */
export async function afterRun(
  prepared: ConfigOfRun,
  outcome: RunOutcome,
  options: Pick<CliContext, 'stdout' | 'stderr' | 'setExitCode'> & { html: boolean; baseline?: string },
): Promise<void> {
  let gated: { verdict: Verdict; candidate: GateRun } | undefined;
  let gateError: unknown;
  if (options.baseline) {
    const runs = await loadGateRuns([options.baseline, outcome.path]);
    try {
      gated = { verdict: gateLoaded(runs, configGateRules(prepared), {}), candidate: runs[1]! };
    } catch (error) {
      gateError = error;
    }
  }
  const html = options.html && prepared.config.htmlReport;
  // The HTML embeds every result; without it only the header and the summary line are needed.
  const run = html ? await readRunAll(outcome.path) : await readHeaderAndSummary(outcome.path);
  let htmlPath: string | undefined;
  if (html) {
    htmlPath = `${outcome.path.replace(/\.jsonl$/, '')}.html`;
    const baseline = options.baseline ? await readRunAll(options.baseline) : undefined;
    const summary = storedSummary(run.summaryLine) ?? summarize(run.results, run.header);
    const baselineSummary = baseline ? (storedSummary(baseline.summaryLine) ?? summarize(baseline.results, baseline.header)) : undefined;
    const analysis = { summary, ...(baselineSummary ? { baselineSummary } : {}), ...(gated ? { verdict: gated.verdict } : {}) };
    await writeFile(
      htmlPath,
      renderHtmlReport({ header: run.header, results: run.results, summary, analysis, ...(baseline ? { baseline: { header: baseline.header, results: baseline.results } } : {}) }),
    );
  }
  const summary = run.summaryLine?.summary;
  if (summary) {
    options.stdout.write(formatRunSummary(summary, run.header, { ...outcome, ...(htmlPath ? { htmlPath } : {}) }));
  }
  if (gateError !== undefined) throw gateError;
  if (gated) {
    const markdownPath = `${outcome.path.replace(/\.jsonl$/, '')}.gate.md`;
    await writeFile(markdownPath, gateMarkdown(gated.verdict));
    options.stdout.write('\n');
    const code = await emitVerdict(gated.verdict, gated.candidate, { format: 'console', env: process.env, stdout: options.stdout, color: false });
    options.stdout.write(`gate report (Markdown): ${markdownPath}\n`);
    options.setExitCode(code);
  }
}

/** The config's gate rules, with its file and (YAML/JSON only) text so a bad rule names file and line. */
function configGateRules(prepared: ConfigOfRun): GateRulesSource {
  const file = prepared.configFile;
  const text = file !== undefined && /\.(ya?ml|json)$/.test(file) ? prepared.configSource : undefined;
  return { rules: prepared.config.gate, prefix: ['gate'], ...(file !== undefined ? { file } : {}), ...(text !== undefined ? { text } : {}) };
}

/** The header and summary line of the record just written (its results are not read again). */
async function readHeaderAndSummary(path: string) {
  return { ...(await readRecordEnds(path)), results: [] };
}
