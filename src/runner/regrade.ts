import { createErrorTally } from '../core/error-groups.js';
import { emptyUsage } from '../core/usage.js';
import { countResultLines, readRun } from '../io/run-reader.js';
import { createRunWriter } from '../io/run-writer.js';
import type { RunStatus } from '../schema/run-record.js';
import { createSummaryAccumulator } from '../core/summary.js';
import { gradeConversation, gradersFor } from './grade-conversation.js';
import { secretValues } from '../io/secrets.js';
import { buildRunHeader, recordSettings } from './header.js';
import { createMeter } from './meter.js';
import { createStoreFilter } from './store-filter.js';
import { runAsyncPool } from './pool.js';
import type { PreparedGrading } from './prepare.js';
import type { RunReporter, RunTotals } from './events.js';
import type { RunOutcome } from './run.js';

export interface RegradeOptions {
  sourcePath: string;
  outPath: string;
  runId: string;
  /** Working folder (its git commit goes into the header). */
  cwd: string;
  /** Environment: the signing key is read from the variable the config names. */
  env: NodeJS.ProcessEnv;
  reporters?: readonly RunReporter[];
  signal: AbortSignal;
  warn(message: string): void;
}

/**
 * Re-grades the stored transcripts of a run with today's graders, rubrics, thresholds and judge,
 * without calling any agent, into a new run record that names its source run. Agent usage,
 * cost and latency are carried over; judge usage is the regrade's own. Results whose case is no
 * longer in the golden sets are carried over with their old grades and counted in a warning.
 */
export async function regradeRun(grading: PreparedGrading, options: RegradeOptions): Promise<RunOutcome> {
  const warnings: string[] = [];
  const warn = (message: string) => {
    if (warnings.includes(message)) return;
    warnings.push(message);
    options.warn(message);
  };
  const source = await readRun(options.sourcePath, { onWarning: warn });
  const cases = new Map(grading.cases.map((c) => [c.id, c]));
  const meter = createMeter(grading.config.pricing, warn);
  const judgeModel = grading.judge?.model;
  // New grades (and errors copied from older records) are scrubbed and redacted as a run's are.
  const storeFilter = createStoreFilter(grading.config.redaction, secretValues(grading.config, process.env));
  const header = await buildRunHeader(grading, {
    runId: options.runId,
    cwd: options.cwd,
    variants: source.header.variants,
    // The simulated conversations are the source run's: so is the simulator that played them.
    ...(source.header.simulator ? { simulator: source.header.simulator } : {}),
    repeat: source.header.repeat,
    ...(source.header.selection ? { selection: source.header.selection } : {}),
    sourceRun: { runId: source.header.runId, path: options.sourcePath },
  });
  const settings = recordSettings(grading.config, options.env);
  const writer = await createRunWriter(options.outPath, header, { atomic: true, ...(settings.signingKey ? { signingKey: settings.signingKey } : {}) });
  const summary = createSummaryAccumulator(
    { type: 'header', ...header },
    settings.minCasePassRate !== undefined ? { minCasePassRate: settings.minCasePassRate } : {},
  );
  const totals: RunTotals = { planned: await countResultLines(options.sourcePath), done: 0, errors: 0, tokens: 0, costUsd: 0 };
  let missing = 0;
  const errorTally = createErrorTally();
  for (const r of options.reporters ?? []) await r.onRunStart?.({ type: 'header', ...header }, totals);

  // A source line that cannot be read stops the regrade: leave no half-written record behind.
  await runAsyncPool(
    source.results,
    grading.config.concurrency.judge,
    async (result) => {
      const testCase = cases.get(result.caseId);
      let grades = result.grades;
      let judgeUsage = emptyUsage();
      let judgeCostUsd: number | null = 0;
      if (!testCase) missing += 1;
      else if (!result.error) {
        const graded = await gradeConversation(testCase, result.transcript, gradersFor(testCase, grading.graders, grading.defaultGraders), {
          variant: result.variant,
          signal: options.signal,
          priceJudge: (usage) => (judgeModel ? meter.priceJudge(judgeModel, usage) : null),
        });
        grades = graded.grades;
        judgeUsage = graded.judgeUsage;
        judgeCostUsd = graded.judgeCostUsd;
      }
      const { type: _t, prev: _p, ...rest } = result;
      const stored = storeFilter({ transcript: result.transcript, grades, error: result.error });
      const regraded = { ...rest, grades: stored.grades, ...(stored.error ? { error: stored.error } : {}), judgeUsage, judgeCostUsd };
      await writer.writeResult(regraded);
      summary.add({ type: 'result', ...regraded });
      totals.done += 1;
      if (result.error) {
        totals.errors += 1;
        errorTally.add(result.caseId, result.error);
      }
      totals.costUsd += judgeCostUsd ?? 0;
      for (const r of options.reporters ?? []) await r.onCaseEnd?.({ type: 'result', ...regraded }, totals);
    },
    () => options.signal.aborted,
  ).catch(async (error: unknown) => {
    await writer.discard();
    throw error;
  });
  if (missing > 0) warn(`${missing} results name cases that are no longer in the golden sets: carried over with their old grades`);
  const status: RunStatus = options.signal.aborted ? 'interrupted' : 'complete';
  await writer.finish({
    status,
    endedAt: new Date().toISOString(),
    results: totals.done,
    errors: totals.errors,
    summary: summary.finish(),
    ...(warnings.length ? { warnings } : {}),
  });
  for (const r of options.reporters ?? []) await r.onRunEnd?.({ status, path: options.outPath, totals });
  return { status, path: options.outPath, totals, warnings, errorGroups: errorTally.groups(), cacheMisses: { count: 0 } };
}
