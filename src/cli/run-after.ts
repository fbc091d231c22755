import { writeFile } from 'node:fs/promises';
import type { Summary } from '../core/summary.js';
import { readRunAll } from '../io/run-reader.js';
import { formatRunSummary } from '../report/console-run.js';
import { renderHtmlReport } from '../report/html.js';
import type { PreparedRun } from '../runner/prepare.js';
import type { RunOutcome } from '../runner/run.js';
import type { CliContext } from './main.js';

/** After a run: the HTML report beside the record, the console summary, and the gate when a baseline is given. */
export async function afterRun(
  prepared: PreparedRun,
  outcome: RunOutcome,
  options: Pick<CliContext, 'stdout' | 'stderr' | 'setExitCode'> & { html: boolean; baseline?: string },
): Promise<void> {
  const run = await readRunAll(outcome.path);
  let htmlPath: string | undefined;
  if (options.html && prepared.config.htmlReport) {
    htmlPath = `${outcome.path.replace(/\.jsonl$/, '')}.html`;
    const baseline = options.baseline ? await readRunAll(options.baseline) : undefined;
    await writeFile(htmlPath, renderHtmlReport({ header: run.header, results: run.results, ...(baseline ? { baseline } : {}) }));
  }
  const summary = run.summaryLine?.summary as Summary | undefined;
  if (summary) {
    options.stdout.write(formatRunSummary(summary, run.header, { status: outcome.status, path: outcome.path, ...(htmlPath ? { htmlPath } : {}) }));
  }
}
