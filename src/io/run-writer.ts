import { writeSync } from 'node:fs';
import { access, link, mkdir, open, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { type RunBatchLine, type RunHeader, type RunResult, type RunSummaryLine } from '../schema/run-record.js';
import { GENESIS, chainLine, chainText, sha256, signLine } from './hash-chain.js';

export interface RunWriter {
  readonly path: string;
  /**
   * Appends one result line; resolves once it is written (so a killed run keeps it). Lines
   * appended in the same turn of the event loop go out in one write.
   */
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
   * at once, atomically): a write per line costs a system call each. A plain run writes the lines
   * of each turn of the event loop at the end of that turn, so that a killed run keeps every line
   * it had been told was written.
   */
  buffered?: boolean;
}

/**
 * Streams a run record to `path` (created, never appended to: a resumed run writes a new record).
 * Lines are chained in call order; the lines of one turn of the event loop are handed to the OS
 * with one `write` (no open or sync per line). A line's promise resolves once that write has
 * returned, so the file is always a valid prefix of the record, and what a SIGKILL leaves is
 * every line whose promise resolved (the OS has it; only a power loss can take it back before
 * `finish` syncs), possibly lines of the last turn not yet reported written, and at most a last
 * partial line, which the reader drops with a warning.
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
    writeResult(result) {
      if ('type' in result || 'prev' in result) return append({ type: 'result', ...result });
      // Serialised as it is, `type` first: the bytes of `{ type: 'result', ...result }` without
      // copying the result into new objects twice (here and for `prev`).
      const text = JSON.stringify(result);
      return append(text === '{}' ? '{"type":"result"}' : `{"type":"result",${text.slice(1)}`);
    },
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
      lines.drop(new Error(`run record ${path} was discarded`));
      if (!closed) {
        closed = true;
        await file.close();
      }
      await rm(target, { force: true });
    },
  };
}

/**
 * Writes lines to `file` with synchronous `write`s, in call order. A plain run gathers the lines
 * that come in the same turn of the event loop (results that finish together, e.g. the replies of
 * one poll of the sockets) and writes them with one `write` in a `setImmediate` callback, then
 * resolves their promises: a line's promise resolves only once the line is in the OS's hands, so
 * what a SIGKILL leaves is every line whose promise resolved, and what it loses is at most the
 * lines of one turn that no caller had yet been told were written. `buffered` gathers lines into
 * blocks of about 1 MB instead, written when full and on `flush`. After a failed write nothing
 * more is written: a later line after a hole would break the chain.
 */
function createLineWriter(file: FileHandle, buffered: boolean): { push(line: string): Promise<void>; flush(): void; drop(reason: Error): void } {
  let failure: unknown;
  let block: string[] = [];
  let blockSize = 0;
  /** The lines gathered this turn (plain mode): they settle together once written. */
  let turn: { settle: (error?: unknown) => void; written: Promise<void> } | undefined;
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
    const settling = turn;
    block = [];
    blockSize = 0;
    turn = undefined;
    try {
      write(text);
    } catch (error) {
      if (!settling) throw error;
      settling.settle(error);
      return;
    }
    settling?.settle();
  };
  return {
    push(line) {
      if (failure !== undefined) return Promise.reject(failure);
      block.push(line, '\n');
      blockSize += line.length + 1;
      if (buffered) {
        try {
          if (blockSize >= 1 << 20) flush();
        } catch (error) {
          return Promise.reject(error);
        }
        return Promise.resolve();
      }
      if (!turn) {
        let settle!: (error?: unknown) => void;
        const written = new Promise<void>((resolve, reject) => {
          settle = (error) => (error === undefined ? resolve() : reject(error));
        });
        turn = { settle, written };
        setImmediate(flush);
      }
      return turn.written;
    },
    flush,
    /** Forgets the lines not written yet (their promises reject with `reason`); nothing more is written. */
    drop(reason) {
      failure = reason;
      const settling = turn;
      block = [];
      blockSize = 0;
      turn = undefined;
      settling?.settle(reason);
    },
  };
}

/** One write for `text`; a short write (rare on a local file) is completed from where it stopped. */
function writeAll(fd: number, text: string): void {
  const written = writeSync(fd, text);
  if (written >= Buffer.byteLength(text)) return;
  const rest = Buffer.from(text).subarray(written);
  for (let at = 0; at < rest.length; ) at += writeSync(fd, rest, at);
}
