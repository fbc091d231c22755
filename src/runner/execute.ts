import type { RunResult, RunStatus } from '../schema/run-record.js';
import { createSummaryAccumulator } from '../core/summary.js';
import { EXIT } from '../errors.js';
import { resultKey } from './plan.js';
import type { RunReporter } from './events.js';
import { createMeter } from './meter.js';
import type { PreparedRun } from './prepare.js';
import { type RunOutcome, runEval } from './run.js';
import { redactingStoreFilter } from './store-filter.js';

export interface ExecuteOptions {
  reporters: RunReporter[];
  /** A run being resumed: its finished results are copied, never called again. */
  resume?: { path: string; runId: string; results: readonly RunResult[] };
  signal: AbortSignal;
  warn(message: string): void;
}

/**
 * Runs a prepared run: prices usage, redacts what is stored, streams the summary, and applies
 * the exit policy (interrupted, over budget, or errors beyond `failOnError` → exit 3).
 */
export async function executeRun(prepared: PreparedRun, options: ExecuteOptions): Promise<{ outcome: RunOutcome; exitCode: number }> {
  const { config } = prepared;
  // Warnings go to the console at once and into the record's summary line.
  const warnings: string[] = [];
  const warn = (message: string) => {
    if (warnings.includes(message)) return;
    warnings.push(message);
    options.warn(message);
  };
  const meter = createMeter(config.pricing, warn);
  const header = {
    ...prepared.header,
    ...(options.resume ? { resumedFrom: options.resume.runId } : {}),
  };
  const previous = options.resume ? dedupe(options.resume.results) : [];
  const summarizer = createSummaryAccumulator({ type: 'header', ...header }, { minCasePassRate: config.gate.minCasePassRate });
  const storeFilter = redactingStoreFilter(config.redaction);
  const signingKey = config.signingKeyEnv ? process.env[config.signingKeyEnv] : undefined;
  const judgeModel = prepared.judge?.model;
  const outcome = await runEval({
    outPath: prepared.outPath,
    header,
    cases: prepared.cases,
    variants: prepared.variants,
    repeat: header.repeat,
    graders: prepared.graders,
    defaultGraders: prepared.defaultGraders,
    concurrency: config.concurrency.agent,
    turnTimeoutMs: config.turnTimeoutMs,
    meter,
    priceJudge: (usage) => (judgeModel ? meter.priceJudge(judgeModel, usage) : null),
    ...(config.maxCost !== undefined ? { maxCost: config.maxCost } : {}),
    ...(storeFilter ? { storeFilter } : {}),
    previous,
    summarizer: { add: (r) => summarizer.add(r), finish: () => summarizer.finish() },
    reporters: options.reporters,
    ...(signingKey ? { signingKey } : {}),
    signal: options.signal,
    warnings,
  });
  return { outcome, exitCode: exitCodeOf(outcome.status, outcome.totals.errors, outcome.totals.done, config.failOnError) };
}

/** 0 when the run completed within the error policy; 3 otherwise. */
export function exitCodeOf(status: RunStatus, errors: number, done: number, failOnError: boolean | number): number {
  if (status !== 'complete') return EXIT.incomplete;
  if (failOnError === false || errors === 0) return EXIT.ok;
  if (failOnError === true) return EXIT.incomplete;
  const limit = failOnError < 1 ? failOnError * done : failOnError;
  return errors > limit ? EXIT.incomplete : EXIT.ok;
}

/** A resumed record keeps the last copy of each (case, variant, repeat). */
function dedupe(results: readonly RunResult[]): RunResult[] {
  const byKey = new Map<string, RunResult>();
  for (const r of results) byKey.set(resultKey(r.caseId, r.variant, r.repeat), r);
  return [...byKey.values()];
}
