import { type ChatEventRow, toRow } from '../events.js';
import type { AnalyticsStore, IngestCounts } from '../store/store.js';
import { type LineProblem, type ReadOptions, readEvents } from './read.js';

/** Options of {@link ingestFiles}. */
export interface IngestOptions {
  /** `refuse` (default): one bad line and nothing is written. `skip`: bad lines are left out. */
  invalid?: 'skip' | 'refuse';
  /** Rows per batch sent to the store (default 10,000). */
  batchSize?: number;
  read?: ReadOptions;
  /** Problems kept for the report (all are counted; default 50). */
  keepProblems?: number;
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
 * aborts the ingest and nothing is written.
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
  try {
    let batch: ChatEventRow[] = [];
    for (const file of files) {
      for await (const items of readEvents(file, options.read)) {
        for (const item of items) {
          if ('problem' in item) {
            problemCount++;
            if (problems.length < keep) problems.push(item.problem);
            continue;
          }
          valid++;
          if (refuse && problemCount > 0) continue; // refused anyway: only count what follows
          batch.push(toRow(item.event));
        }
        if (batch.length >= batchSize) {
          await session.append(batch);
          batch = [];
        }
      }
    }
    if (refuse && problemCount > 0) {
      await session.abort();
      return { files: files.length, valid, problems, problemCount, counts: null };
    }
    if (batch.length > 0) await session.append(batch);
    const counts = await session.commit();
    return { files: files.length, valid, problems, problemCount, counts };
  } catch (error) {
    await session.abort().catch(() => undefined);
    throw error;
  }
}
