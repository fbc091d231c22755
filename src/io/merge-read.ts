import { hash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseShard, type ShardSpec } from '../core/shard.js';
import { ConvotestError, InputError } from '../errors.js';
import { type RunHeader, type RunResult, runResultParser, type RunStatus, RunSummaryLineSchema } from '../schema/run-record.js';
import { GENESIS, hmac, signedPart } from './hash-chain.js';
import { parseHeader } from './run-reader.js';
import { verifyFile } from './verify.js';

/** One shard record given to `merge`, verified. */
export interface ShardRecord {
  path: string;
  header: RunHeader;
  shard: ShardSpec;
  /** The final digest of its hash chain (as verified). */
  digest: string;
  status: RunStatus;
  results: number;
  endedAt?: string;
  warnings: string[];
}

/**
 * A result line of a shard: the parsed result, and where its text sits in the shard's bytes
 * (`body`: the line's object members after `prev`, without the braces), for the merged chain to
 * copy as written.
 */
export interface ShardLine {
  result: RunResult;
  body: ResultBody;
}

/** A slice of a shard file's bytes: kept off the JS heap until the merged record is written. */
export interface ResultBody {
  bytes: Buffer;
  start: number;
  end: number;
}

/** `{"prev":"<64 hex>",` — how every line written by hash-chain.ts `chainLine` starts. */
const PREV_HEAD = /^\{"prev":"[0-9a-f]{64}",$/;
const PREV_HEAD_LENGTH = 75;

/**
 * Reads a shard record in one pass over its bytes: its header (it must be a shard:
 * `selection.shard`), each result handed to `onResult` (parsed once, its text left in the file's
 * buffer), and its hash chain checked on the way (every `prev`, the summary's digest, and the
 * signature when `keyFor` gives a key). A record that does not verify (a line edited, removed or
 * reordered, a digest or signature that does not match, a run killed before its summary line) is
 * an E_RECORD error naming the file and the line, worded by `verifyFile` as `convotest verify`
 * says it.
 */
export async function readShard(
  path: string,
  keyFor: (header: RunHeader) => string | undefined,
  onResult: (line: ShardLine, shard: ShardSpec) => void,
  warn: (message: string) => void,
): Promise<ShardRecord> {
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new InputError('run record not found', { file: path });
    throw new ConvotestError('E_RECORD', `${path}: cannot read (${error.code ?? error.message})`, { cause: error });
  });
  const chain = createChainCheck(bytes);
  let key: string | undefined;
  let read: Omit<ShardRecord, 'digest'>;
  try {
    let header: RunHeader | undefined;
    let shard: ShardSpec | undefined;
    let results = 0;
    let summary: ReturnType<typeof RunSummaryLineSchema.parse> | undefined;
    let lineNo = 0;
    for (let start = 0; start < bytes.length; ) {
      const newline = bytes.indexOf(0x0a, start);
      const next = newline < 0 ? bytes.length : newline + 1;
      let end = newline < 0 ? bytes.length : newline;
      if (end > start && bytes[end - 1] === 0x0d) end--;
      lineNo++;
      chain.line(start, end);
      const text = bytes.toString('utf8', start, end);
      if (!header) {
        header = parseHeader(path, text);
        shard = shardOfHeader(path, header);
        key = keyFor(header);
      } else if (text.trim() !== '') {
        const value = parseJson(path, lineNo, text) as { type?: unknown; shard?: unknown };
        if (value.type === 'result') {
          const parsed = runResultParser().safeParse(value);
          if (!parsed.success) {
            const issue = parsed.error.issues[0];
            throw new ConvotestError('E_RECORD', `${path}:${lineNo}  ${issue?.path.join('.')}  ${issue?.message}`);
          }
          if (value.shard !== undefined || end - start < PREV_HEAD_LENGTH + 1) throw new ConvotestError('E_RECORD', `${path}:${lineNo}: a result line not written by \`convotest run\``);
          results++;
          onResult({ result: parsed.data, body: { bytes, start: start + PREV_HEAD_LENGTH, end: end - 1 } }, shard!);
        } else if (value.type === 'summary') summary = RunSummaryLineSchema.parse(value);
        else if (value.type !== 'batch') warn(`${path}:${lineNo}: unknown line type ${JSON.stringify(value.type)} skipped`);
      }
      start = next;
    }
    if (!header || !shard) throw new ConvotestError('E_RECORD', `${path}: empty file, not a run record`);
    read = {
      path,
      header,
      shard,
      status: summary?.status ?? 'incomplete',
      results,
      ...(summary?.endedAt ? { endedAt: summary.endedAt } : {}),
      warnings: summary?.warnings ?? [],
    };
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw (await verifyProblem(path, key)) ?? error;
  }
  const sealed = chain.finish(key);
  if (!sealed.ok) throw (await verifyProblem(path, key)) ?? new ConvotestError('E_RECORD', `${path}: its hash chain does not verify`);
  if (sealed.signature === 'unchecked') warn(`${path} is signed but no signing key is set: its signature was not checked`);
  return { ...read, digest: sealed.digest };
}

function shardOfHeader(path: string, header: RunHeader): ShardSpec {
  const spec = header.selection?.['shard'];
  const shard = typeof spec === 'string' ? parseShard(spec) : undefined;
  if (shard) return shard;
  throw new InputError(
    header.merged ? 'already a merged record: give the shard records it was merged from' : 'not a shard record (its header has no selection.shard): merge joins records written by `convotest run --shard i/n`',
    { file: path, line: 1 },
  );
}

function parseJson(path: string, lineNo: number, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ConvotestError('E_RECORD', `${path}:${lineNo}: not valid JSON`);
  }
}

/** Why `verifyFile` refuses a record, as an E_RECORD error naming file and line; undefined when it verifies. */
async function verifyProblem(path: string, key: string | undefined): Promise<ConvotestError | undefined> {
  const verified = await verifyFile(path, { kind: 'run', ...(key ? { key } : {}) });
  if (verified.ok) return undefined;
  const problem = verified.problem;
  const hint =
    problem?.kind === 'truncated'
      ? 'the shard did not finish writing its record (complete it with `convotest run --resume <it> --shard i/n`)'
      : `the shard was altered: \`convotest verify ${path}\` shows it`;
  return new ConvotestError('E_RECORD', `${path}:${problem?.line ?? 1}: ${problem?.message ?? 'does not verify'}; not merged: ${hint}`);
}

/**
 * The hash chain of src/io/verify.ts checked line by line over a record's bytes (no second
 * read): each line's `prev` is the hash of the line before, the last line is a summary whose
 * `digest` is the hash of the line before it, and with a key its signature is valid.
 */
function createChainCheck(bytes: Buffer) {
  let expected = GENESIS;
  let beforeLast = GENESIS;
  let last = { start: 0, end: 0 };
  let broken = false;
  return {
    line(start: number, end: number) {
      if (broken) return;
      const head = bytes.toString('latin1', start, Math.min(end, start + PREV_HEAD_LENGTH));
      if (!PREV_HEAD.test(head) || head.slice(9, 73) !== expected) broken = true;
      beforeLast = expected;
      last = { start, end };
      expected = hash('sha256', bytes.subarray(start, end), 'hex');
    },
    finish(key: string | undefined): { ok: true; digest: string; signature: 'valid' | 'absent' | 'unchecked' } | { ok: false } {
      if (broken) return { ok: false };
      const text = bytes.toString('utf8', last.start, last.end);
      let summary: { type?: unknown; digest?: unknown; signature?: unknown };
      try {
        summary = JSON.parse(text) as typeof summary;
      } catch {
        return { ok: false };
      }
      if (summary.type !== 'summary' || summary.digest !== beforeLast) return { ok: false };
      const signed = signedPart(text);
      if (key === undefined) return { ok: true, digest: beforeLast, signature: typeof summary.signature === 'string' ? 'unchecked' : 'absent' };
      if (!signed || hmac(key, signed.signed) !== signed.signature) return { ok: false };
      return { ok: true, digest: beforeLast, signature: 'valid' };
    },
  };
}
