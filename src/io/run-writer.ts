import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { type RunHeader, type RunResult, type RunSummaryLine } from '../schema/run-record.js';
import { GENESIS, chainLine, sha256, signLine } from './hash-chain.js';

export interface RunWriter {
  readonly path: string;
  /** Appends one result line; resolves once it is written (so a killed run keeps it). */
  writeResult(result: Omit<RunResult, 'type' | 'prev'>): Promise<void>;
  /** Writes the summary line (with the chain's digest and optional signature) and closes the file. */
  finish(summary: Omit<RunSummaryLine, 'type' | 'prev' | 'digest' | 'signature'>): Promise<void>;
  /** Closes without a summary line (the record then reads as `incomplete`). */
  close(): Promise<void>;
}

export interface RunWriterOptions {
  /**
   * HMAC key: when given, the summary line ends with `signature` = HMAC-SHA256 of the whole line
   * before it (its counts, its summary and its `digest` of every line above), see hash-chain.ts.
   */
  signingKey?: string;
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
  const file: FileHandle = await open(path, 'wx');
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
    async finish(summary) {
      await queue;
      await append({ type: 'summary', ...summary, digest: prev }, options.signingKey);
      closed = true;
      await file.close();
    },
    async close() {
      if (closed) return;
      await queue;
      closed = true;
      await file.close();
    },
  };
}
