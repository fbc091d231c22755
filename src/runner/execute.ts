import type { RunBatchLine, RunResult } from '../schema/run-record.js';
import { createSummaryAccumulator } from '../core/summary.js';
import { EXIT } from '../errors.js';
import { countWork, resultKey } from './plan.js';
import type { RunReporter } from './events.js';
import { createMeter } from './meter.js';
import type { PreparedRun } from './prepare.js';
import { MAX_CONCURRENCY, type RunOutcome, runEval } from './run.js';
import { secretValues } from '../io/secrets.js';
import { createStoreFilter } from './store-filter.js';

export interface ExecuteOptions {
  reporters: RunReporter[];
  /** A run being resumed: its finished results are copied, never called again; its batches (run --batch) are read, not sent again. */
  resume?: { path: string; runId: string; results: readonly RunResult[]; batches?: readonly RunBatchLine[] };
  signal: AbortSignal;
  warn(message: string): void;
}

/**
 * Runs a prepared run: prices usage, redacts what is stored, streams the summary, and applies
 * the exit policy (interrupted, over budget, `--cache-only` misses, or errored conversations
 * beyond `failOnError` → exit 3, with the reason in `outcome.failure`).
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
  // --batch: model variants and the judge pay the batch price; http and module agents call their own bots.
  const batchMeter = prepared.batch ? createMeter(config.pricing, warn, { batch: true }) : undefined;
  if (prepared.batch && options.resume?.batches) prepared.batch.resumeFrom(options.resume.batches);
  const header = {
    ...prepared.header,
    ...(options.resume ? { resumedFrom: options.resume.runId } : {}),
  };
  const previous = options.resume ? dedupe(options.resume.results) : [];
  const summarizer = createSummaryAccumulator({ type: 'header', ...header }, { minCasePassRate: config.gate.minCasePassRate });
  const storeFilter = createStoreFilter(config.redaction, secretValues(config, process.env));
  const signingKey = config.signingKeyEnv ? process.env[config.signingKeyEnv] : undefined;
  const judgeModel = prepared.judge?.model;
  if (prepared.budget) {
    for (const v of prepared.variants) {
      if ((v.agent.kind === 'http' || v.agent.kind === 'module') && !v.agent.model) {
        warn(`maxCost: variant ${v.name} (${v.agent.kind}) names no model, so its cost is unknown and not counted in the budget`);
      }
    }
  }
  const units = countWork(prepared.cases, prepared.variants.length, header.repeat) - previous.length;
  const asked = config.concurrency.agent;
  if (asked > MAX_CONCURRENCY) warn(`concurrency ${asked} is more than ${MAX_CONCURRENCY} conversations at once: using ${MAX_CONCURRENCY}`);
  // Batch mode: every conversation is in flight (each waits on its round, holding little).
  const concurrency = prepared.batch ? Math.max(1, units) : Math.max(1, Math.min(asked, MAX_CONCURRENCY, units));
  const outcome = await runEval({
    outPath: prepared.outPath,
    header,
    cases: prepared.cases,
    variants: batchMeter ? prepared.variants.map((v) => (v.agent.kind === 'model' ? { ...v, meter: batchMeter } : v)) : prepared.variants,
    repeat: header.repeat,
    graders: prepared.graders,
    defaultGraders: prepared.defaultGraders,
    concurrency,
    judgeConcurrency: config.concurrency.judge,
    // A batch may take up to 24 h: batch mode has no per-turn timeout (the longest a timer can wait).
    turnTimeoutMs: prepared.batch ? 2 ** 31 - 1 : config.turnTimeoutMs,
    ...(prepared.simulator ? { simulator: prepared.simulator } : {}),
    meter,
    priceJudge: (usage) => (judgeModel ? (batchMeter ?? meter).priceJudge(judgeModel, usage) : null),
    ...(prepared.budget ? { budget: prepared.budget } : {}),
    storeFilter,
    previous,
    summarizer: { add: (r) => summarizer.add(r), finish: () => summarizer.finish() },
    reporters: options.reporters,
    ...(signingKey ? { signingKey } : {}),
    signal: options.signal,
    warnings,
    ...(prepared.batch ? { batch: prepared.batch } : {}),
  });
  const failure = failureOf(outcome, config.failOnError, config.maxCost);
  return { outcome: { ...outcome, ...(failure ? { failure } : {}) }, exitCode: failure ? EXIT.incomplete : EXIT.ok };
}

/**
 * Why a run counts as not completed (exit 3), or undefined when it passed the policy:
 * interrupted; budget reached; any `--cache-only` miss; errored conversations beyond
 * `failOnError` (true or 0: none tolerated; a number below 1: a share of the conversations;
 * 1 or more: a count; false: no limit).
 */
export function failureOf(
  outcome: Pick<RunOutcome, 'status' | 'totals' | 'cacheMisses'>,
  failOnError: boolean | number,
  maxCost?: number,
): string | undefined {
  const { status, totals } = outcome;
  if (status === 'interrupted') return 'interrupted: the unfinished conversations are not recorded (--resume runs them)';
  if (status === 'budget') return `budget${maxCost !== undefined ? ` of $${maxCost}` : ''} reached: replays not finished are not recorded (--resume runs them), grades not given are E_BUDGET errors (regrade gives them)`;
  const miss = outcome.cacheMisses.first;
  if (miss) {
    const where = miss.grader ? `the judge of grader "${miss.grader}"` : `turn ${miss.turn ?? 0}`;
    const count = outcome.cacheMisses.count;
    return `--cache-only: ${count} conversation${count === 1 ? '' : 's'} missed the cache; first: case "${miss.caseId}", variant "${miss.variant}", ${where}, repeat ${miss.repeat} (run once without --cache-only to record them)`;
  }
  if (totals.errors === 0 || failOnError === false) return undefined;
  const limit = failOnError === true ? 0 : failOnError < 1 ? failOnError * totals.done : failOnError;
  if (totals.errors <= limit) return undefined;
  const tolerated = failOnError === true || failOnError === 0 ? 'none' : failOnError < 1 ? `${failOnError * 100}%` : String(failOnError);
  return `${totals.errors} of ${totals.done} conversations errored (failOnError tolerates ${tolerated})`;
}

/** A resumed record keeps the last copy of each (case, variant, repeat). */
function dedupe(results: readonly RunResult[]): RunResult[] {
  const byKey = new Map<string, RunResult>();
  for (const r of results) byKey.set(resultKey(r.caseId, r.variant, r.repeat), r);
  return [...byKey.values()];
}
