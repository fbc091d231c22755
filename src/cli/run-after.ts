import { writeFile } from 'node:fs/promises';
import { gate } from '../core/gate.js';
import { gateMarkdown } from '../report/markdown-gate.js';
import { readRun, readRunAll } from '../io/run-reader.js';
import { formatRunSummary } from '../report/console-run.js';
import { renderHtmlReport, storedSummary } from '../report/html.js';
import type { PreparedRun } from '../runner/prepare.js';
import type { RunOutcome } from '../runner/run.js';
import { emitVerdict, loadGateRun } from './gate.js';
import type { CliContext } from './main.js';

/**
 * After a run: the HTML report beside the record, the console summary, and with a baseline the
 * gate: its verdict on the console (and in GitHub's step summary and annotations when there),
 * the Markdown PR comment written beside the record as `<run>.gate.md`, exit 1 on fail.
 */
export async function afterRun(
  prepared: Pick<PreparedRun, 'config'>,
  outcome: RunOutcome,
  options: Pick<CliContext, 'stdout' | 'stderr' | 'setExitCode'> & { html: boolean; baseline?: string },
): Promise<void> {
  const html = options.html && prepared.config.htmlReport;
  // The HTML embeds every result; without it only the header and the summary line are needed.
  const run = html ? await readRunAll(outcome.path) : await readHeaderAndSummary(outcome.path);
  let htmlPath: string | undefined;
  if (html) {
    htmlPath = `${outcome.path.replace(/\.jsonl$/, '')}.html`;
    const baseline = options.baseline ? await readRunAll(options.baseline) : undefined;
    const summary = storedSummary(run.summaryLine);
    await writeFile(htmlPath, renderHtmlReport({ header: run.header, results: run.results, ...(summary ? { summary } : {}), ...(baseline ? { baseline } : {}) }));
  }
  const summary = run.summaryLine?.summary;
  if (summary) {
    options.stdout.write(formatRunSummary(summary, run.header, { status: outcome.status, path: outcome.path, ...(htmlPath ? { htmlPath } : {}) }));
  }
  if (options.baseline) {
    const [baseline, candidate] = await Promise.all([loadGateRun(options.baseline), loadGateRun(outcome.path)]);
    const verdict = gate(baseline, candidate, prepared.config.gate);
    const markdownPath = `${outcome.path.replace(/\.jsonl$/, '')}.gate.md`;
    await writeFile(markdownPath, gateMarkdown(verdict));
    options.stdout.write('\n');
    const code = await emitVerdict(verdict, candidate, { format: 'console', env: process.env, stdout: options.stdout, color: false });
    options.stdout.write(`gate report (Markdown): ${markdownPath}\n`);
    options.setExitCode(code);
  }
}

/** Streams past the results of a record to its summary line, holding none of them. */
async function readHeaderAndSummary(path: string) {
  const run = await readRun(path);
  for await (const _ of run.results);
  return { header: run.header, results: [], summaryLine: run.summaryLine };
}
