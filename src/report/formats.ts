import type { CaseRecord } from '../core/case-table.js';
import type { Verdict } from '../core/gate/types.js';
import type { Summary } from '../core/summary.js';
import type { RunHeader, RunStatus } from '../schema/run-record.js';
import { gateConsole } from './console-gate.js';
import { formatRunSummary } from './console-run.js';
import { githubAnnotations } from './github.js';
import { gateJson } from './json.js';
import { junitReport } from './junit.js';
import { gateMarkdown } from './markdown-gate.js';
import { summaryMarkdown } from './markdown-summary.js';
import type { FormatName } from './format-names.js';

export { FORMAT_NAMES, type FormatName } from './format-names.js';

/**
 * What a text format renders: a gate verdict (`convotest gate`), a run (`convotest report`), or
 * both (`report --baseline`). `records` are the (candidate) run's per-case records, for JUnit.
 */
export interface FormatInput {
  verdict?: Verdict;
  run?: { header: RunHeader; summary: Summary; status: RunStatus; path: string };
  records: () => Iterable<CaseRecord>;
  /** Colour (console only): a TTY without NO_COLOR. */
  color?: boolean;
}

/** Renders one input in one format. */
export type Formatter = (input: FormatInput) => string;

const markdown: Formatter = ({ verdict, run }) => [verdict ? gateMarkdown(verdict) : '', run ? summaryMarkdown(run.summary) : ''].filter(Boolean).join('\n');

/**
 * The text formats shared by `gate` and `report` (the HTML report is `report`'s own: it embeds
 * every transcript). Each renders the verdict, the run, or the verdict then the run:
 * - `console`: the verdict's aligned columns, or the run summary as `run` prints it;
 * - `markdown`: the verdict as a PR comment, and/or the run summary tables;
 * - `json`: the verdict (`convotest.verdict/1`) for `gate`; `{ runId, status, summary, verdict? }` for `report`;
 * - `junit`: one test case per case × grader, plus one per gate rule with a verdict;
 * - `github`: `::error`/`::warning` annotations of the verdict, then the Markdown.
 * @example process.stdout.write(FORMATS.markdown({ verdict, records: () => candidate.records.values() }));
 */
export const FORMATS = {
  console: ({ verdict, run, color }) =>
    [verdict ? gateConsole(verdict, { color: color ?? false }) : '', run ? formatRunSummary(run.summary, run.header, { status: run.status, path: run.path }) : '']
      .filter(Boolean)
      .join('\n'),
  markdown,
  json: ({ verdict, run }) =>
    run
      ? `${JSON.stringify({ runId: run.header.runId, status: run.status, summary: run.summary, ...(verdict ? { verdict } : {}) }, finite, 2)}\n`
      : verdict
        ? gateJson(verdict)
        : '{}\n',
  junit: ({ verdict, run, records }) => junitReport(records(), { ...(verdict ? { verdict } : {}), ...(run ? { name: run.header.runId } : {}) }),
  github: (input) => `${input.verdict ? githubAnnotations(input.verdict) : ''}${markdown(input)}`,
} satisfies Record<FormatName, Formatter>;

function finite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}
