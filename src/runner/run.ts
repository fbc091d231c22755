import { setMaxListeners } from 'node:events';
import { type ErrorGroup, createErrorTally } from '../core/error-groups.js';
import { emptyUsage } from '../core/usage.js';
import type { Agent } from '../agents/agent.js';
import type { Grader } from '../grading/grader.js';
import { createRunWriter } from '../io/run-writer.js';
import type { ResolvedCase } from '../schema/golden-set.js';
import type { ToolDefinition, Usage } from '../schema/message.js';
import type { RunHeader, RunResult, RunStatus, TranscriptMessage } from '../schema/run-record.js';
import type { Summary } from '../schema/summary.js';
import type { BatchRounds } from './batch-rounds.js';
import { type Budget, isBudgetStop } from './budget.js';
import { type Conversation, type ConversationOptions, type Meter, replayConversation } from './conversation.js';
import { type SimulatedConversation, simulateConversation } from './simulation.js';
import type { Simulator } from '../simulator/simulator.js';
import { handoffDetector } from '../grading/outcomes/detect.js';
import { DEFAULT_LEXICON } from '../grading/outcomes/lexicon.js';
import type { RunReporter, RunTotals } from './events.js';
import { type EarlyGrades, earlySpend, gradeConversation, gradeReplies, gradersFor } from './grade-conversation.js';
import { RECORDED_VARIANT, type WorkItem, countWork, planWork, recordedTranscript, resultKey } from './plan.js';
import { runPool } from './pool.js';
import type { StoredParts, StoreFilter } from './store-filter.js';
import { transcriptHash } from './transcript-hash.js';

/** One variant ready to run. */
export interface RunVariant {
  name: string;
  agent: Agent;
  maxSteps: number;
  /** Prices this variant's usage instead of the run's meter (run --batch: the batch price). */
  meter?: Meter;
  /** Tools offered for a case. */
  tools(testCase: ResolvedCase): ToolDefinition[] | undefined;
}

export interface RunOptions {
  outPath: string;
  header: Omit<RunHeader, 'type' | 'prev'>;
  cases: readonly ResolvedCase[];
  variants: readonly RunVariant[];
  repeat: number;
  graders: readonly Grader[];
  /** Grader names applied to every case. */
  defaultGraders: ReadonlySet<string>;
  /** Conversations in flight at once (capped by the caller: see MAX_CONCURRENCY). */
  concurrency: number;
  /** Judge calls in flight at once (each holds a listener on the run's signal). */
  judgeConcurrency?: number;
  turnTimeoutMs: number;
  /** Plays the customer of `user:` cases (prepare leaves such cases out when there is none). */
  simulator?: Simulator;
  meter: Meter;
  priceJudge: (usage: Usage) => number | null;
  /**
   * `maxCost`, per call (the variants' and the judge's calls go through it): once it refuses a
   * call no new case starts; replays it cut are not recorded (`--resume` runs them).
   */
  budget?: Budget;
  /** Scrubs secrets and redacts PII from every result before it is written (see store-filter.ts). */
  storeFilter?: StoreFilter;
  /** Finished results of the run being resumed: copied first, never run again. */
  previous?: readonly RunResult[];
  /** Accumulates the summary written on the last line. */
  summarizer?: { add(result: RunResult): void; finish(): Summary };
  reporters?: readonly RunReporter[];
  signingKey?: string;
  /** Batch mode: every conversation runs tracked by the rounds, which write their batch lines to the record. */
  batch?: BatchRounds;
  /** Warnings raised while running (unknown prices...): written into the summary line. */
  warnings?: string[];
  signal: AbortSignal;
  now?: () => number;
}

/** The first request `--cache-only` found no recorded answer for. */
export interface CacheMiss {
  caseId: string;
  variant: string;
  repeat: number;
  /** The turn as stored in the record (0-based), when the agent missed. */
  turn?: number;
  /** The grader, when its judge missed. */
  grader?: string;
}

export interface RunOutcome {
  status: RunStatus;
  path: string;
  totals: RunTotals;
  warnings: string[];
  /** Errored conversations by cause, commonest first. */
  errorGroups: ErrorGroup[];
  /** Results with a cache miss (`--cache-only`), and the first one by case id. */
  cacheMisses: { count: number; first?: CacheMiss };
  /** Why the run is counted as failed (set by the exit policy in execute.ts). */
  failure?: string;
}

/** Conversations in flight at most, whatever `--concurrency` says: more only costs memory. */
export const MAX_CONCURRENCY = 256;

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
  const errorTally = createErrorTally();
  const cacheMisses: RunOutcome['cacheMisses'] = { count: 0 };

  const record = async (result: Omit<RunResult, 'type' | 'prev'>) => {
    await writer.writeResult(result);
    const full = { type: 'result', ...result } as RunResult;
    options.summarizer?.add(full);
    totals.done += 1;
    if (result.error) {
      totals.errors += 1;
      errorTally.add(result.caseId, result.error);
    }
    const miss = cacheMissOf(result);
    if (miss) {
      cacheMisses.count += 1;
      // The first by case id (then variant, repeat), not by finishing order: the same on every run.
      if (!cacheMisses.first || compareMiss(miss, cacheMisses.first) < 0) cacheMisses.first = miss;
    }
    const simulated = result.simulation;
    totals.tokens +=
      result.usage.input + result.usage.output + result.judgeUsage.input + result.judgeUsage.output + (simulated ? simulated.usage.input + simulated.usage.output : 0);
    totals.costUsd += (result.costUsd ?? 0) + (result.judgeCostUsd ?? 0) + (simulated?.costUsd ?? 0);
    for (const r of reporters) await r.onCaseEnd?.(full, totals);
  };

  for (const r of reporters) await r.onRunStart?.({ type: 'header', ...options.header }, totals);
  options.batch?.attach({
    record: (line) => writer.writeBatch(line),
    event: (event) => {
      for (const r of reporters) r.onBatch?.(event);
    },
    signal: options.signal,
  });
  for (const previous of options.previous ?? []) {
    const { type: _t, prev: _p, ...rest } = previous;
    done.add(resultKey(previous.caseId, previous.variant, previous.repeat));
    await record(rest);
  }

  // The handoff phrases and tools that end a simulated conversation, compiled once for the run.
  const handoff = options.simulator ? handoffDetector(DEFAULT_LEXICON) : undefined;
  const handsOver = (replies: readonly TranscriptMessage[]) => handoff?.(replies).detected ?? false;

  /** A replay of scripted turns, or a simulated customer's conversation, with one variant. */
  const converse = (item: WorkItem, variant: RunVariant, afterTurn?: ConversationOptions['afterTurn']): Promise<Conversation | SimulatedConversation> => {
    const conversation = {
      agent: variant.agent,
      repeat: item.repeat,
      sessionId: `${item.testCase.id}:${variant.name}:${item.repeat}`,
      tools: variant.tools(item.testCase),
      maxSteps: variant.maxSteps,
      turnTimeoutMs: options.turnTimeoutMs,
      meter: variant.meter ?? options.meter,
      signal: options.signal,
    };
    if (!item.testCase.user) return replayConversation(item.testCase, { ...conversation, ...(afterTurn ? { afterTurn } : {}) });
    if (!options.simulator) throw new Error(`case ${item.testCase.id} needs a simulator (prepareRun leaves such cases out without one)`);
    return simulateConversation(item.testCase, { ...conversation, simulator: options.simulator, handsOver });
  };

  const runOne = async (item: WorkItem): Promise<void> => {
    const started = now();
    const startedAt = new Date().toISOString();
    const variant = variants.get(item.variant);
    const graders = gradersFor(item.testCase, options.graders, options.defaultGraders);
    const grading = { variant: item.variant, signal: options.signal, priceJudge: options.priceJudge };
    // run --batch: the replies of every turn but the last are graded as the turn ends, so their
    // judge calls go in that turn's round; the last turn's go with the conversation's graders.
    const early: EarlyGrades | undefined = options.batch && graders.some((g) => g.byReply) ? new Map() : undefined;
    const lastTurn = (item.testCase.turns?.length ?? 0) - 1;
    const afterTurn = early
      ? (transcript: TranscriptMessage[], turn: number) => (turn < lastTurn ? gradeReplies(item.testCase, transcript, graders, early, grading) : Promise.resolve())
      : undefined;
    const conversation: Conversation & Partial<Pick<SimulatedConversation, 'simulation'>> = variant
      ? await converse(item, variant, afterTurn)
      : { transcript: recordedTranscript(item.testCase), usage: emptyUsage(), costUsd: 0, latencyMs: 0 };
    // A replay the budget cut is not a result (--resume replays it). A replay whose grading the
    // budget cut is kept, those grades as E_BUDGET errors: `regrade` completes them without
    // paying for the agent again.
    if (isBudgetStop(conversation.error)) return;
    const graded = conversation.error
      ? { grades: [], ...(early ? earlySpend(early, grading) : { judgeUsage: emptyUsage(), judgeCostUsd: 0 }) }
      : await gradeConversation(item.testCase, conversation.transcript, graders, { ...grading, ...(early ? { early } : {}) });
    const parts: StoredParts = {
      transcript: conversation.transcript,
      grades: graded.grades,
      error: conversation.error,
      knowledge: item.testCase.knowledge,
    };
    const stored = options.storeFilter?.(parts) ?? { ...parts, counts: {} };
    await record({
      caseId: item.testCase.id,
      variant: item.variant,
      repeat: item.repeat,
      tags: item.testCase.tags,
      source: item.testCase.source.file,
      ...(stored.knowledge?.length ? { knowledge: stored.knowledge } : {}),
      mode: item.variant === RECORDED_VARIANT ? 'recorded' : conversation.simulation ? 'simulated' : 'replay',
      ...(conversation.simulation ? { simulation: conversation.simulation } : {}),
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
      ...(stored.error ? { error: stored.error } : {}),
      ...(Object.keys(stored.counts).length ? { redactions: stored.counts } : {}),
    });
  };

  // Every agent call and judge call in flight listens to the run's signal (one listener each,
  // removed when the call settles).
  setMaxListeners(Math.max(10, options.concurrency + (options.judgeConcurrency ?? options.concurrency) + 10), options.signal);
  const stop = () => options.signal.aborted || options.budget?.reached === true;
  await runPool(
    planWork(options.cases, [...variants.keys()], options.repeat, done),
    options.concurrency,
    async (item) => {
      try {
        await (options.batch ? options.batch.track(resultKey(item.testCase.id, item.variant, item.repeat), () => runOne(item)) : runOne(item));
      } catch (error) {
        // Only an interruption gets here (agent and grader failures are data): the case is not
        // recorded, so --resume runs it again.
        if (!options.signal.aborted) throw error;
      }
    },
    stop,
  );

  const status: RunStatus = options.signal.aborted ? 'interrupted' : options.budget?.reached ? 'budget' : 'complete';
  await writer.finish({
    status,
    endedAt: new Date().toISOString(),
    results: totals.done,
    errors: totals.errors,
    ...(options.summarizer ? { summary: options.summarizer.finish() } : {}),
    ...(warnings.length ? { warnings } : {}),
  });
  for (const r of reporters) await r.onRunEnd?.({ status, path: options.outPath, totals });
  return { status, path: options.outPath, totals, warnings, errorGroups: errorTally.groups(), cacheMisses };
}

export function compareMiss(a: CacheMiss, b: CacheMiss): number {
  return a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : a.variant < b.variant ? -1 : a.variant > b.variant ? 1 : a.repeat - b.repeat;
}

/** Where a result met a `--cache-only` miss: its agent (with the stored turn) or a judge. */
export function cacheMissOf(result: Omit<RunResult, 'type' | 'prev'>): CacheMiss | undefined {
  const at = { caseId: result.caseId, variant: result.variant, repeat: result.repeat };
  if (result.error?.code === 'E_CACHE_MISS') return { ...at, ...(result.error.turn !== undefined ? { turn: result.error.turn } : {}) };
  const grade = result.grades.find((g) => g.error?.code === 'E_CACHE_MISS');
  return grade ? { ...at, grader: grade.grader } : undefined;
}
