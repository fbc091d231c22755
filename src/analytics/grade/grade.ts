import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../../errors.js';
import { readRunAll } from '../../io/run-reader.js';
import type { RunReporter } from '../../runner/events.js';
import { executeRun } from '../../runner/execute.js';
import { prepareRun } from '../../runner/prepare.js';
import type { RunOutcome } from '../../runner/run.js';
import type { AnalyticsStore } from '../store/store.js';
import { type SampledSession, sampleSessions, sessionCases } from './sample.js';

/** Options of {@link gradeSample}. */
export interface GradeSampleOptions {
  /** Sessions to sample (stratified by intent × channel). */
  size: number;
  seed: number;
  /** The eval config naming graders, judge and prices (default: convotest.config.* in `cwd`). */
  evalConfig?: string;
  /** Graders applied to every sampled session (default: the eval config's defaultGraders). */
  graders?: string[];
  /** USD for judge calls; once reached no new session is graded (exit 3, what finished is kept and joined). */
  maxCost?: number;
  /** The run record to write; the sampled cases are written beside it as `<name>.cases.jsonl`. */
  outPath: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  reporters: RunReporter[];
  signal: AbortSignal;
  warn(message: string): void;
}

/** What a grading of sampled traffic did. */
export interface GradeSampleResult {
  sampled: SampledSession[];
  strata: number;
  casesPath: string;
  runId: string;
  outcome: RunOutcome;
  exitCode: number;
  /** Grade rows joined back into `chat_grades`. */
  joined: number;
}

/**
 * Grades a sample of production conversations through the normal run path: samples sessions
 * from the store, writes them as a golden set of transcript cases, runs it like `convotest run`
 * (recorded transcripts, the eval config's graders and judge, its budget, its record format),
 * then joins every grade of the record back into `chat_grades` keyed by session and run.
 * @example await gradeSample(store, { size: 200, seed: 1, maxCost: 2, outPath: 'runs/traffic.jsonl', … });
 */
export async function gradeSample(store: AnalyticsStore, options: GradeSampleOptions): Promise<GradeSampleResult> {
  const sampled = await sampleSessions(store, { size: options.size, seed: options.seed });
  if (sampled.length === 0) {
    throw new InputError('no session in the store has agent replies with their text (message_received events with properties.text): nothing to grade', {
      file: store.location,
    });
  }
  const cases = await sessionCases(store, sampled);
  const casesPath = options.outPath.replace(/\.jsonl$/i, '') + '.cases.jsonl';
  await mkdir(path.dirname(path.resolve(options.cwd, casesPath)), { recursive: true });
  await writeFile(path.resolve(options.cwd, casesPath), cases.map((c) => `${JSON.stringify(c)}\n`).join(''), 'utf8');
  const prepared = await prepareRun({
    ...(options.evalConfig ? { configPath: options.evalConfig } : {}),
    cwd: options.cwd,
    env: options.env,
    goldenPaths: [casesPath],
    // Transcript cases are graded as recorded: no agent is called.
    agents: ['transcript'],
    ...(options.graders ? { graders: options.graders } : {}),
    ...(options.maxCost !== undefined ? { maxCost: options.maxCost } : {}),
    outPath: options.outPath,
  });
  if (prepared.defaultGraders.size === 0) {
    throw new InputError('no graders to apply to the sampled sessions: set defaultGraders in the eval config or pass --graders', { file: options.evalConfig ?? '', field: 'defaultGraders' });
  }
  const { outcome, exitCode } = await executeRun(prepared, { reporters: options.reporters, signal: options.signal, warn: options.warn });
  const joined = await joinGrades(store, path.resolve(options.cwd, options.outPath));
  return { sampled, strata: new Set(sampled.map((s) => `${s.intent}\u0000${s.channel}`)).size, casesPath, runId: prepared.header.runId, outcome, exitCode, joined };
}

/**
 * Writes the grades of a run record into `chat_grades` (one row per session, run and grader;
 * an errored grade has no pass and its error code), in one transaction; a record joined twice
 * replaces its rows.
 */
export async function joinGrades(store: AnalyticsStore, recordPath: string): Promise<number> {
  const run = await readRunAll(recordPath);
  const runId = run.header.runId;
  const gradedAt = run.header.startedAt;
  let rows = 0;
  await store.exec('BEGIN');
  try {
    await store.all('DELETE FROM chat_grades WHERE run_id = $1', [runId]);
    for (const result of run.results) {
      const seen = new Set<string>();
      for (const g of result.grades) {
        if (seen.has(g.grader)) continue;
        seen.add(g.grader);
        await store.all(
          `INSERT INTO chat_grades (session_id, run_id, grader, passed, score, error, graded_at) VALUES ($1, $2, $3, $4, $5, $6, CAST($7 AS TIMESTAMP))`,
          [result.caseId, runId, g.grader, g.error || g.pass === null ? null : g.pass ? 1 : 0, g.error ? null : g.score, g.error ? g.error.code : null, gradedAt.replace('T', ' ').replace('Z', '')],
        );
        rows++;
      }
    }
    await store.exec('COMMIT');
  } catch (error) {
    await store.exec('ROLLBACK');
    throw error;
  }
  return rows;
}
