import { emptyUsage } from '../core/usage.js';
import { readRun } from '../io/run-reader.js';
import { createRunWriter } from '../io/run-writer.js';
import { RUN_FORMAT_VERSION, type RunHeader, type RunStatus } from '../schema/run-record.js';
import { TOOL_VERSION } from '../version.js';
import { createSummaryAccumulator } from '../core/summary.js';
import { sha256 } from '../io/hash-chain.js';
import { gradeConversation, gradersFor } from './grade-conversation.js';
import { configForRecord, secretValues } from '../io/secrets.js';
import { createMeter } from './meter.js';
import { createStoreFilter } from './store-filter.js';
import { runAsyncPool } from './pool.js';
import type { PreparedGrading } from './prepare.js';
import type { RunReporter, RunTotals } from './events.js';

export interface RegradeOptions {
  sourcePath: string;
  outPath: string;
  runId: string;
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
export async function regradeRun(grading: PreparedGrading, options: RegradeOptions): Promise<{ status: RunStatus; totals: RunTotals }> {
  const source = await readRun(options.sourcePath, { onWarning: options.warn });
  const cases = new Map(grading.cases.map((c) => [c.id, c]));
  const meter = createMeter(grading.config.pricing, options.warn);
  const judgeModel = grading.judge?.model;
  // New grades (and errors copied from older records) are scrubbed and redacted as a run's are.
  const storeFilter = createStoreFilter(grading.config.redaction, secretValues(grading.config, process.env));
  const header: Omit<RunHeader, 'type' | 'prev'> = {
    ...source.header,
    format: RUN_FORMAT_VERSION,
    runId: options.runId,
    tool: { name: 'convotest', version: TOOL_VERSION },
    startedAt: new Date().toISOString(),
    config: configForRecord(grading.config) as Record<string, unknown>,
    hashes: {
      config: sha256(grading.configSource || JSON.stringify(grading.config)),
      goldenSets: Object.fromEntries(grading.goldenFiles.map((f) => [f.path, f.sha256])),
      graders: Object.fromEntries(grading.graderInfos.map((g) => [g.name, g.hash])),
    },
    graders: grading.graderInfos,
    ...(grading.config.judge
      ? { judge: { provider: grading.config.judge.provider, model: grading.config.judge.model, temperature: grading.config.judge.temperature } }
      : {}),
    sourceRun: { runId: source.header.runId, path: options.sourcePath },
  };
  if (!grading.config.judge) delete header.judge;
  const writer = await createRunWriter(options.outPath, header, { atomic: true });
  const summary = createSummaryAccumulator({ type: 'header', ...header });
  const totals: RunTotals = { planned: 0, done: 0, errors: 0, tokens: 0, costUsd: 0 };
  let missing = 0;
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
      totals.planned = totals.done;
      if (result.error) totals.errors += 1;
      totals.costUsd += judgeCostUsd ?? 0;
      for (const r of options.reporters ?? []) await r.onCaseEnd?.({ type: 'result', ...regraded }, totals);
    },
    () => options.signal.aborted,
  ).catch(async (error: unknown) => {
    await writer.discard();
    throw error;
  });
  if (missing > 0) options.warn(`${missing} results name cases that are no longer in the golden sets: carried over with their old grades`);
  const status: RunStatus = options.signal.aborted ? 'interrupted' : 'complete';
  await writer.finish({
    status,
    endedAt: new Date().toISOString(),
    results: totals.done,
    errors: totals.errors,
    summary: summary.finish() as unknown as Record<string, unknown>,
  });
  return { status, totals };
}
