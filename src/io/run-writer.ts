import { access, link, mkdir, open, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { type RunBatchLine, type RunHeader, type RunResult, type RunSummaryLine } from '../schema/run-record.js';
import { GENESIS, chainLine, sha256, signLine } from './hash-chain.js';

export interface RunWriter {
  readonly path: string;
  /** Appends one result line; resolves once it is written (so a killed run keeps it). */
  writeResult(result: Omit<RunResult, 'type' | 'prev'>): Promise<void>;
  /** Appends one `batch` line (run --batch: a provider batch was submitted). */
  writeBatch(batch: Omit<RunBatchLine, 'type' | 'prev'>): Promise<void>;
  /** Writes the summary line (with the chain's digest and optional signature) and closes the file. */
  finish(summary: Omit<RunSummaryLine, 'type' | 'prev' | 'digest' | 'signature'>): Promise<void>;
  /** Closes without a summary line (the record then reads as `incomplete`; an atomic writer leaves nothing). */
  close(): Promise<void>;
  /** Closes and removes what was written (for a run that failed and must leave no record). */
  discard(): Promise<void>;
}

export interface RunWriterOptions {
  /**
   * HMAC key: when given, the summary line ends with `signature` = HMAC-SHA256 of the whole line
   * before it (its counts, its summary and its `digest` of every line above), see hash-chain.ts.
   */
  signingKey?: string;
  /**
   * Write to a temporary file beside `path` and move it into place only when `finish` completes,
   * so `path` is either absent or a whole record (for `regrade`, which has nothing to resume).
   */
  atomic?: boolean;
}

/**
 * Streams a run record to `path` (created, never appended to: a resumed run writes a new record).
 * Lines are written one at a time in call order; each write is awaited before the next starts,
 * so the file is always a valid prefix of the record.
 *
 * @example
 * const w = await createRunWriter('runs/r1.jsonl', header);
 * await w.writeResult(result);
 * await w.finish({ status: 'complete', endedAt: new Date().toISOString(), results: 1, errors: 0 });
 */
export async function createRunWriter(
  path: string,
  header: Omit<RunHeader, 'type' | 'prev'>,
  options: RunWriterOptions = {},
): Promise<RunWriter> {
  await mkdir(dirname(path), { recursive: true });
  const target = options.atomic ? join(dirname(path), `.${basename(path)}.${process.pid}-${Date.now()}.tmp`) : path;
  if (options.atomic) {
    // Refuse an existing record up front, as the plain writer does ('wx'), rather than at the end.
    const existing = await access(path).then(
      () => true,
      () => false,
    );
    if (existing) throw Object.assign(new Error(`EEXIST: file already exists, open '${path}'`), { code: 'EEXIST', path });
  }
  const file: FileHandle = await open(target, 'wx');
  let prev = GENESIS;
  let queue: Promise<void> = Promise.resolve();
  let closed = false;

  const append = (value: object, sign?: string): Promise<void> => {
    if (closed) return Promise.reject(new Error(`run record ${path} is closed`));
    const next = queue.then(async () => {
      const chained = chainLine(value, prev);
      const line = sign ? signLine(chained.line, sign) : chained.line;
      await file.write(`${line}\n`);
      prev = sign ? sha256(line) : chained.hash;
    });
    queue = next.catch(() => undefined);
    return next;
  };

  await append({ type: 'header', ...header });

  return {
    path,
    writeResult: (result) => append({ type: 'result', ...result }),
    writeBatch: (batch) => append({ type: 'batch', ...batch }),
    async finish(summary) {
      await queue;
      await append({ type: 'summary', ...summary, digest: prev }, options.signingKey);
      closed = true;
      await file.sync();
      await file.close();
      if (target !== path) {
        // link refuses to replace a record that appeared meanwhile; then the temporary name goes.
        await link(target, path).finally(() => rm(target, { force: true }));
      }
    },
    async close() {
      if (closed) return;
      await queue;
      closed = true;
      await file.close();
      if (target !== path) await rm(target, { force: true });
    },
    async discard() {
      if (!closed) {
        await queue;
        closed = true;
        await file.close();
      }
      await rm(target, { force: true });
    },
  };
}
