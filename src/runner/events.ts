import type { RunHeader, RunResult, RunStatus } from '../schema/run-record.js';

/** Totals so far, sent with every case event (progress bars, budget checks). */
export interface RunTotals {
  planned: number;
  done: number;
  errors: number;
  tokens: number;
  /** Agent + judge + simulator cost so far (unknown prices count as 0 here; see warnings). */
  costUsd: number;
}

/** What a `run --batch` is doing with one provider batch (see runner/batch-rounds.ts). */
export interface BatchEvent {
  /**
   * submitted: sent; resumed: a batch of the run being resumed is read instead of sending again;
   * pending: polled, not ended; ended: its results are read.
   */
  kind: 'submitted' | 'resumed' | 'pending' | 'ended';
  round: number;
  id: string;
  provider: string;
  model: string;
  role: 'agent' | 'judge';
  /** The variant name, or `judge`. */
  name: string;
  items: number;
  /** pending: the provider's state, items finished so far, and the wait before the next poll. */
  state?: string;
  finished?: number;
  nextPollMs?: number;
  /** ended: items answered, failed for good, and sent again in the next round. */
  answered?: number;
  failed?: number;
  retried?: number;
}

/**
 * Reporter lifecycle hooks, all optional and possibly async (the runner awaits them in order).
 * Console progress, live Markdown and anything a user plugs in implement this.
 */
export interface RunReporter {
  onRunStart?(header: RunHeader, totals: RunTotals): void | Promise<void>;
  onCaseEnd?(result: RunResult, totals: RunTotals): void | Promise<void>;
  onWarning?(message: string): void | Promise<void>;
  /** run --batch: a provider batch was submitted, polled or ended. Not awaited (polling goes on). */
  onBatch?(event: BatchEvent): void;
  onRunEnd?(outcome: { status: RunStatus; path: string; totals: RunTotals }): void | Promise<void>;
}
