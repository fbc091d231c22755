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

/**
 * Reporter lifecycle hooks, all optional and possibly async (the runner awaits them in order).
 * Console progress, live Markdown and anything a user plugs in implement this.
 */
export interface RunReporter {
  onRunStart?(header: RunHeader, totals: RunTotals): void | Promise<void>;
  onCaseEnd?(result: RunResult, totals: RunTotals): void | Promise<void>;
  onWarning?(message: string): void | Promise<void>;
  onRunEnd?(outcome: { status: RunStatus; path: string; totals: RunTotals }): void | Promise<void>;
}
