import { writeSync } from 'node:fs';
import { access, link, mkdir, open, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { type RunBatchLine, type RunHeader, type RunResult, type RunSummaryLine } from '../schema/run-record.js';
import { GENESIS, chainLine, chainText, sha256, signLine } from './hash-chain.js';

export interface RunWriter {
  readonly path: string;
  /** Appends one result line; resolves once it is written (so a killed run keeps it). */
  writeResult(result: Omit<RunResult, 'type' | 'prev'>): Promise<void>;
  /**
   * Appends a result line already serialised without `prev` (`{"type":"result",…}`, as
   * hash-chain.ts `splitPrev` gives it from another record), chained like `writeResult`'s.
   */
  writeResultText(objectText: string): Promise<void>;
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
  /**
   * Gather lines and write them in blocks of about 1 MB (for `merge`, which writes a whole record
   * at once, atomically): a write per line costs a system call each. A plain run writes each line
   * as it comes, so that a killed run keeps it.
   */
  buffered?: boolean;
}

/**
 * Streams a run record to `path` (created, never appended to: a resumed run writes a new record).
 * Lines are chained in call order and handed to the OS with one `write` each (no open or sync per
 * line). A line's promise resolves once that write has returned, so the file is always a valid
 * prefix of the record, and what a SIGKILL leaves is every line whose promise resolved (the OS
 * has it; only a power loss can take it back before `finish` syncs) plus at most a last partial
 * line, which the reader drops with a warning.
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
  const lines = createLineWriter(file, options.buffered === true);
  let prev = GENESIS;
  let closed = false;

  // Chaining and writing are synchronous, so lines go out in exactly the order of the calls.
  const append = (value: object | string, sign?: string): Promise<void> => {
    if (closed) return Promise.reject(new Error(`run record ${path} is closed`));
    const chained = typeof value === 'string' ? chainText(value, prev) : chainLine(value, prev);
    const line = sign ? signLine(chained.line, sign) : chained.line;
    prev = sign ? sha256(line) : chained.hash;
    return lines.push(line);
  };

  await append({ type: 'header', ...header });

  return {
    path,
    writeResult: (result) => append({ type: 'result', ...result }),
    writeResultText: (objectText) => append(objectText),
    writeBatch: (batch) => append({ type: 'batch', ...batch }),
    async finish(summary) {
      await append({ type: 'summary', ...summary, digest: prev }, options.signingKey);
      lines.flush();
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
      lines.flush();
      closed = true;
      await file.close();
      if (target !== path) await rm(target, { force: true });
    },
    async discard() {
      if (!closed) {
        closed = true;
        await file.close();
      }
      await rm(target, { force: true });
    },
  };
}

/**
 * Writes each line to `file` with one synchronous `write` as it comes: the line is in the OS's
 * hands when the call returns, in call order, with no thread-pool round trip or promise per line
 * (a few microseconds for a result line on a local disk). `buffered` gathers lines into blocks of
 * about 1 MB instead, written when full and on `flush`. After a failed write nothing more is
 * written: a later line after a hole would break the chain.
 */
function createLineWriter(file: FileHandle, buffered: boolean): { push(line: string): Promise<void>; flush(): void } {
  let failure: unknown;
  let block: string[] = [];
  let blockSize = 0;
  const write = (text: string): void => {
    if (failure !== undefined) throw failure;
    try {
      writeAll(file.fd, text);
    } catch (error) {
      failure = error;
      throw error;
    }
  };
  const flush = (): void => {
    if (block.length === 0) return;
    const text = block.join('');
    block = [];
    blockSize = 0;
    write(text);
  };
  return {
    push(line) {
      try {
        if (!buffered) write(`${line}\n`);
        else {
          block.push(`${line}\n`);
          blockSize += line.length + 1;
          if (blockSize >= 1 << 20) flush();
        }
      } catch (error) {
        return Promise.reject(error);
      }
      return Promise.resolve();
    },
    flush,
  };
}

/** One write for `text`; a short write (rare on a local file) is completed from where it stopped. */
function writeAll(fd: number, text: string): void {
  const written = writeSync(fd, text);
  if (written >= Buffer.byteLength(text)) return;
  const rest = Buffer.from(text).subarray(written);
  for (let at = 0; at < rest.length; ) at += writeSync(fd, rest, at);
}
