import { join } from 'node:path';
import { readRunAll } from '../src/io/run-reader.js';
import { executeRun } from '../src/runner/execute.js';
import { prepareRun } from '../src/runner/prepare.js';
import type { RunBatchLine, RunResult } from '../src/schema/run-record.js';

const ENV = { OPENAI_API_KEY: 'test-key', ANTHROPIC_API_KEY: 'test-key' };

/** Runs a project in this process (interactive, or `batch`), optionally resuming a record; returns the exit code and the record read back. */
export async function runProject(
  dir: string,
  name: string,
  options: { batch: boolean; resume?: string; signal?: AbortSignal; maxCost?: number },
): Promise<{ exitCode: number; run: Awaited<ReturnType<typeof readRunAll>>; failure: string | undefined }> {
  const outPath = join(dir, 'runs', `${name}.jsonl`);
  const prepared = await prepareRun({ cwd: dir, env: ENV, outPath, ...(options.batch ? { batch: true } : {}), ...(options.maxCost ? { maxCost: options.maxCost } : {}) });
  const previous = options.resume ? await readRunAll(options.resume) : undefined;
  const { outcome, exitCode } = await executeRun(prepared, {
    reporters: [],
    signal: options.signal ?? new AbortController().signal,
    warn: () => {},
    ...(previous
      ? { resume: { path: options.resume!, runId: previous.header.runId, results: previous.results as RunResult[], batches: previous.batches as RunBatchLine[] } }
      : {}),
  });
  return { exitCode, run: await readRunAll(outPath), failure: outcome.failure };
}
