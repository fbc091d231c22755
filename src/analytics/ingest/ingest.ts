import path from 'node:path';
import { type ChatEventRow, toRow } from '../events.js';
import type { AnalyticsStore, IngestCounts } from '../store/store.js';
import { checkJsonl } from './plain.js';
import { inputFormat, type LineProblem, type ReadOptions, readEvents } from './read.js';

/** Options of {@link ingestFiles}. */
export interface IngestOptions {
  /** `refuse` (default): one bad line and nothing is written. `skip`: bad lines are left out. */
  invalid?: 'skip' | 'refuse';
  /** Rows per batch sent to the store (default 10,000). */
  batchSize?: number;
  read?: ReadOptions;
  /** Problems kept for the report (all are counted; default 50). */
  keepProblems?: number;
  /**
   * Let a store that parses JSON itself (DuckDB) read plain JSONL event files directly while they
   * are validated here (default true; false: every event is sent as a row). The tests compare both paths.
   */
  storeReads?: boolean;
}

/** What an ingest did. `counts` is null when it was refused (nothing written). */
export interface IngestReport {
  files: number;
  valid: number;
  problems: LineProblem[];
  problemCount: number;
  counts: IngestCounts | null;
}

/**
 * Reads every file, validates every line and appends the valid events to the store in batches
 * (streamed: memory stays flat whatever the input size). The new events are committed in one
 * transaction at the end, de-duplicated by `event_id`; with `invalid: 'refuse'` one bad line
 * aborts the ingest and nothing is written. A JSONL events file is loaded by the store itself
 * when it can (DuckDB) while this process validates it; when a line turns out bad or not plain
 * (see ingest/plain.ts) that load is undone and the file's valid events are sent as rows.
 * @example const report = await ingestFiles(store, ['events.jsonl'], { invalid: 'skip' });
 */
export async function ingestFiles(store: AnalyticsStore, files: readonly string[], options: IngestOptions = {}): Promise<IngestReport> {
  const refuse = (options.invalid ?? 'refuse') === 'refuse';
  const batchSize = options.batchSize ?? 10_000;
  const keep = options.keepProblems ?? 50;
  const problems: LineProblem[] = [];
  let problemCount = 0;
  let valid = 0;
  const session = await store.beginIngest();
  let batch: ChatEventRow[] = [];
  const flush = async () => {
    if (batch.length > 0) await session.append(batch);
    batch = [];
  };
  /** Reads a file as rows; `counted`: its problems and valid lines were already counted by a first pass. */
  const appendRows = async (file: string, counted: boolean) => {
    for await (const items of readEvents(file, options.read)) {
      for (const item of items) {
        if ('problem' in item) {
          if (counted) continue;
          problemCount++;
          if (problems.length < keep) problems.push(item.problem);
          continue;
        }
        if (!counted) valid++;
        if (refuse && problemCount > 0) continue; // refused anyway: only count what follows
        batch.push(toRow(item.event));
      }
      if (batch.length >= batchSize) await flush();
    }
  };
  try {
    for (const file of files) {
      const load = (options.storeReads ?? true) && session.loadJsonl && (await storeCanRead(file, options.read)) ? session.loadJsonl : undefined;
      if (!load || (refuse && problemCount > 0)) {
        await appendRows(file, false);
        continue;
      }
      await flush();
      const loading = load(path.resolve(file));
      let check;
      try {
        check = await checkJsonl(file, path.basename(file), keep - problems.length);
      } catch (error) {
        await loading.undo();
        throw error;
      }
      valid += check.valid;
      problemCount += check.problemCount;
      problems.push(...check.problems);
      const loaded = await loading.loaded.then(() => true, () => false);
      if (loaded && check.problemCount === 0 && check.plain) {
        await loading.accept(check.valid, check.repeated);
        continue;
      }
      await loading.undo();
      if (!(refuse && problemCount > 0)) await appendRows(file, true);
    }
    if (refuse && problemCount > 0) {
      await session.abort();
      return { files: files.length, valid, problems, problemCount, counts: null };
    }
    await flush();
    const counts = await session.commit();
    return { files: files.length, valid, problems, problemCount, counts };
  } catch (error) {
    await session.abort().catch(() => undefined);
    throw error;
  }
}

/** A JSONL events file whose path DuckDB's reader takes literally (no glob characters). */
async function storeCanRead(file: string, read: ReadOptions | undefined): Promise<boolean> {
  return !/[*?[\]{}]/.test(file) && (await inputFormat(file, read ?? {})) === 'events-jsonl';
}
