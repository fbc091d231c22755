import { setMaxListeners } from 'node:events';
import { emptyUsage } from '../core/usage.js';
import type { Agent } from '../agents/agent.js';
import type { Grader } from '../grading/grader.js';
import { createRunWriter } from '../io/run-writer.js';
import type { ResolvedCase } from '../schema/golden-set.js';
import type { Grade } from '../schema/grade.js';
import type { ToolDefinition, Usage } from '../schema/message.js';
import type { RunHeader, RunResult, RunStatus, TranscriptMessage } from '../schema/run-record.js';
import type { Summary } from '../schema/summary.js';
import { type Meter, replayConversation } from './conversation.js';
import type { RunReporter, RunTotals } from './events.js';
import { gradeConversation, gradersFor } from './grade-conversation.js';
import { RECORDED_VARIANT, type WorkItem, countWork, planWork, recordedTranscript, resultKey } from './plan.js';
import { runPool } from './pool.js';
import { transcriptHash } from './transcript-hash.js';

/** One variant ready to run. */
export interface RunVariant {
  name: string;
  agent: Agent;
  maxSteps: number;
  /** Tools offered for a case. */
  tools(testCase: ResolvedCase): ToolDefinition[] | undefined;
  /** Awaited before each agent call (requests-per-minute limit). */
  beforeCall?: () => Promise<void>;
}

/** Rewrites what is stored (PII redaction); graders have already seen the original. */
export type StoreFilter = (
  transcript: TranscriptMessage[],
  grades: Grade[],
) => { transcript: TranscriptMessage[]; grades: Grade[]; counts: Record<string, number> };

export interface RunOptions {
  outPath: string;
  header: Omit<RunHeader, 'type' | 'prev'>;
  cases: readonly ResolvedCase[];
  variants: readonly RunVariant[];
  repeat: number;
  graders: readonly Grader[];
  /** Grader names applied to every case. */
  defaultGraders: ReadonlySet<string>;
  /** Conversations in flight at once. */
  concurrency: number;
  turnTimeoutMs: number;
  meter: Meter;
  priceJudge: (usage: Usage) => number | null;
  /** Budget for agent + judge cost: no new case starts once it is reached. */
  maxCost?: number;
  storeFilter?: StoreFilter;
  /** Finished results of the run being resumed: copied first, never run again. */
  previous?: readonly RunResult[];
  /** Accumulates the summary written on the last line. */
  summarizer?: { add(result: RunResult): void; finish(): Summary };
  reporters?: readonly RunReporter[];
  signingKey?: string;
  /** Warnings raised while running (unknown prices...): written into the summary line. */
  warnings?: string[];
  signal: AbortSignal;
  now?: () => number;
}

export interface RunOutcome {
  status: RunStatus;
  path: string;
  totals: RunTotals;
  warnings: string[];
}

/**
 * Replays the golden set against every variant and grades each conversation, streaming one
 * result line per (case, variant, repeat) to the run record as soon as it is finished. Ctrl-C
 * (the signal) and the budget stop new cases; what finished stays on disk.
 */
export async function runEval(options: RunOptions): Promise<RunOutcome> {
  const now = options.now ?? Date.now;
  const reporters = options.reporters ?? [];
  const warnings = options.warnings ?? [];
  const writer = await createRunWriter(options.outPath, options.header, { signingKey: options.signingKey });
  const done = new Set<string>();
  const totals: RunTotals = {
    planned: countWork(options.cases, options.variants.length, options.repeat),
    done: 0,
    errors: 0,
    tokens: 0,
    costUsd: 0,
  };
  const variants = new Map(options.variants.map((v) => [v.name, v]));
  let budgetReached = false;

  const record = async (result: Omit<RunResult, 'type' | 'prev'>) => {
    await writer.writeResult(result);
    const full = { type: 'result', ...result } as RunResult;
    options.summarizer?.add(full);
    totals.done += 1;
    if (result.error) totals.errors += 1;
    totals.tokens += result.usage.input + result.usage.output + result.judgeUsage.input + result.judgeUsage.output;
    totals.costUsd += (result.costUsd ?? 0) + (result.judgeCostUsd ?? 0);
    if (options.maxCost !== undefined && totals.costUsd >= options.maxCost) budgetReached = true;
    for (const r of reporters) await r.onCaseEnd?.(full, totals);
  };

  for (const r of reporters) await r.onRunStart?.({ type: 'header', ...options.header }, totals);
  for (const previous of options.previous ?? []) {
    const { type: _t, prev: _p, ...rest } = previous;
    done.add(resultKey(previous.caseId, previous.variant, previous.repeat));
    await record(rest);
  }

  const runOne = async (item: WorkItem): Promise<void> => {
    const started = now();
    const startedAt = new Date().toISOString();
    const variant = variants.get(item.variant);
    const conversation = variant
      ? await replayConversation(item.testCase, {
          agent: variant.agent,
          repeat: item.repeat,
          sessionId: `${item.testCase.id}:${variant.name}:${item.repeat}`,
          tools: variant.tools(item.testCase),
          maxSteps: variant.maxSteps,
          turnTimeoutMs: options.turnTimeoutMs,
          meter: options.meter,
          signal: options.signal,
          ...(variant.beforeCall ? { beforeCall: variant.beforeCall } : {}),
        })
      : { transcript: recordedTranscript(item.testCase), usage: emptyUsage(), costUsd: 0, latencyMs: 0 };
    const graded = conversation.error
      ? { grades: [], judgeUsage: emptyUsage(), judgeCostUsd: 0 }
      : await gradeConversation(
          item.testCase,
          conversation.transcript,
          gradersFor(item.testCase, options.graders, options.defaultGraders),
          { variant: item.variant, signal: options.signal, priceJudge: options.priceJudge },
        );
    const stored = options.storeFilter?.(conversation.transcript, graded.grades) ?? {
      transcript: conversation.transcript,
      grades: graded.grades,
      counts: {},
    };
    await record({
      caseId: item.testCase.id,
      variant: item.variant,
      repeat: item.repeat,
      tags: item.testCase.tags,
      source: item.testCase.source.file,
      ...(item.testCase.knowledge.length ? { knowledge: item.testCase.knowledge } : {}),
      mode: item.variant === RECORDED_VARIANT ? 'recorded' : 'replay',
      transcript: stored.transcript,
      transcriptHash: transcriptHash(stored.transcript),
      usage: conversation.usage,
      judgeUsage: graded.judgeUsage,
      costUsd: conversation.costUsd,
      judgeCostUsd: graded.judgeCostUsd,
      latencyMs: conversation.latencyMs,
      startedAt,
      durationMs: Math.max(0, now() - started),
      grades: stored.grades,
      ...(conversation.error ? { error: conversation.error } : {}),
      ...(Object.keys(stored.counts).length ? { redactions: stored.counts } : {}),
    });
  };

  // Every conversation in flight listens to the run's signal.
  setMaxListeners(Math.max(10, options.concurrency * 2 + 10), options.signal);
  const stop = () => options.signal.aborted || budgetReached;
  await runPool(
    planWork(options.cases, [...variants.keys()], options.repeat, done),
    options.concurrency,
    async (item) => {
      try {
        await runOne(item);
      } catch (error) {
        // Only an interruption gets here (agent and grader failures are data): the case is not
        // recorded, so --resume runs it again.
        if (!options.signal.aborted) throw error;
      }
    },
    stop,
  );

  const status: RunStatus = options.signal.aborted ? 'interrupted' : budgetReached ? 'budget' : 'complete';
  await writer.finish({
    status,
    endedAt: new Date().toISOString(),
    results: totals.done,
    errors: totals.errors,
    ...(options.summarizer ? { summary: options.summarizer.finish() } : {}),
    ...(warnings.length ? { warnings } : {}),
  });
  for (const r of reporters) await r.onRunEnd?.({ status, path: options.outPath, totals });
  return { status, path: options.outPath, totals, warnings };
}
