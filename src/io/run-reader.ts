import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { cleanIntegrity, type RecordIntegrity } from '../core/gate/integrity.js';
import { ConvotestError, InputError } from '../errors.js';
import {
  RUN_FORMAT,
  RUN_FORMAT_MAJOR,
  type RunBatchLine,
  RunBatchLineSchema,
  type RunHeader,
  RunHeaderSchema,
  type RunResult,
  runResultParser,
  type RunStatus,
  type RunSummaryLine,
  RunSummaryLineSchema,
} from '../schema/run-record.js';

export interface RunReader {
  readonly path: string;
  readonly header: RunHeader;
  /** Streams the result lines (one pass; call `readRun` again for another). */
  readonly results: AsyncIterable<RunResult>;
  /** Known once `results` has been iterated to the end; undefined for a killed run. */
  readonly summaryLine: RunSummaryLine | undefined;
  /** `complete`, `interrupted`, `budget`, `failed` from the summary line; `incomplete` without one. */
  readonly status: RunStatus;
  /** The `batch` lines (run --batch) read so far: complete once `results` is read to the end. */
  readonly batches: RunBatchLine[];
  /** Problems met while reading (a truncated last line, a duplicated result line), as sentences. */
  readonly warnings: string[];
  /** What the reading saw (cut, duplicates, no result, no summary): complete once `results` is read to the end. */
  readonly integrity: RecordIntegrity;
}

export interface ReadRunOptions {
  /** Called with each warning as it is met (besides `warnings`). */
  onWarning?: (message: string) => void;
  /**
   * Called with the exact text of every line (header first, blank and cut lines too) before it is
   * parsed: `merge` checks the hash chain and keeps result lines as written in the same pass.
   */
  onLine?: (text: string, lineNo: number) => void;
}

/**
 * Opens a run record for streaming. The header is read and checked at once (an unknown major
 * version is an E_RECORD error); results are parsed lazily, line by line, so a 1 GB record
 * never sits in memory. A last line cut mid-way (a killed run) is skipped with a warning.
 * A result line that repeats an earlier one of the same (case, variant, repeat) byte for byte
 * (a copied line) is skipped with a warning, so nothing counts it twice; a second result for the
 * same key with different content is an E_RECORD error (the record is damaged: which one is
 * right cannot be known). Every such fact is in `integrity` once the results are read.
 */
export async function readRun(path: string, options: ReadRunOptions = {}): Promise<RunReader> {
  // A missing file or a folder is bad input with one clear line, not a stream error (EISDIR).
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new InputError('run record not found', { file: path });
    throw new ConvotestError('E_RECORD', `${path}: cannot read (${error.code ?? error.message})`, { cause: error });
  });
  if (info.isDirectory()) throw new ConvotestError('E_RECORD', `${path}: is a folder, not a run record (give a runs/<id>.jsonl file)`);
  const lines = lineIterator(path);
  const first = await lines.next();
  if (first.done) throw new ConvotestError('E_RECORD', `${path}: empty file, not a run record`);
  options.onLine?.(first.value.text, first.value.lineNo);
  const header = parseHeader(path, first.value.text);
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    options.onWarning?.(message);
  };
  const integrity: RecordIntegrity = cleanIntegrity();
  // Per result key: the line it was first read on and a digest of that line's text.
  const seen = new Map<string, { line: number; digest: string }>();
  let summaryLine: RunSummaryLine | undefined;
  const batches: RunBatchLine[] = [];
  let consumed = false;

  async function* results(): AsyncGenerator<RunResult> {
    if (consumed) throw new Error(`${path}: results can be iterated once; call readRun again`);
    consumed = true;
    for await (const { text, lineNo, last } of { [Symbol.asyncIterator]: () => lines }) {
      options.onLine?.(text, lineNo);
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        if (last) {
          integrity.truncatedLine = lineNo;
          integrity.summaryMissing = summaryLine === undefined;
          warn(`${path}:${lineNo}: last line is incomplete (the run was cut off); read up to line ${lineNo - 1}`);
          return;
        }
        throw new ConvotestError('E_RECORD', `${path}:${lineNo}: not valid JSON`);
      }
      const type = (value as { type?: unknown }).type;
      if (type === 'result') {
        const parsed = runResultParser().safeParse(value);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new ConvotestError('E_RECORD', `${path}:${lineNo}  ${issue?.path.join('.')}  ${issue?.message}`);
        }
        const r = parsed.data;
        const key = JSON.stringify([r.caseId, r.variant, r.repeat]);
        const digest = createHash('sha1').update(text).digest('base64');
        const earlier = seen.get(key);
        if (earlier) {
          const what = `case ${r.caseId}, variant ${r.variant}, repeat ${r.repeat}`;
          if (earlier.digest !== digest) {
            throw new ConvotestError(
              'E_RECORD',
              `${path}:${lineNo}: a second result for ${what} (first at line ${earlier.line}) with different content: the record is damaged (\`convotest verify\` shows where)`,
            );
          }
          integrity.duplicateLines++;
          if (integrity.duplicateExamples.length < 3) integrity.duplicateExamples.push(`line ${lineNo} = line ${earlier.line} (${what})`);
          warn(`${path}:${lineNo}: repeats line ${earlier.line} (${what}) verbatim: skipped, counted once`);
          continue;
        }
        seen.set(key, { line: lineNo, digest });
        integrity.results++;
        yield r;
      } else if (type === 'summary') {
        summaryLine = RunSummaryLineSchema.parse(value);
      } else if (type === 'batch') {
        const parsed = RunBatchLineSchema.safeParse(value);
        if (!parsed.success) throw new ConvotestError('E_RECORD', `${path}:${lineNo}  ${parsed.error.issues[0]?.path.join('.')}  ${parsed.error.issues[0]?.message}`);
        batches.push(parsed.data);
      } else {
        integrity.unknownLines++;
        warn(`${path}:${lineNo}: unknown line type ${JSON.stringify(type)} skipped`);
      }
    }
    integrity.summaryMissing = summaryLine === undefined;
    if (integrity.results === 0) warn(`${path}: header only, no result`);
  }

  return {
    path,
    header,
    results: results(),
    get summaryLine() {
      return summaryLine;
    },
    get status(): RunStatus {
      return summaryLine?.status ?? 'incomplete';
    },
    batches,
    warnings,
    integrity,
  };
}

/** Reads a whole record into memory: for small records and tests. */
export async function readRunAll(
  path: string,
  options: ReadRunOptions = {},
): Promise<{
  header: RunHeader;
  results: RunResult[];
  summaryLine: RunSummaryLine | undefined;
  status: RunStatus;
  batches: RunBatchLine[];
  warnings: string[];
  integrity: RecordIntegrity;
}> {
  const run = await readRun(path, options);
  const results: RunResult[] = [];
  for await (const r of run.results) results.push(r);
  return { header: run.header, results, summaryLine: run.summaryLine, status: run.status, batches: run.batches, warnings: run.warnings, integrity: run.integrity };
}

/**
 * The header and the summary line of a record, read from its first and last lines only: for a
 * record this process has just written (the end of `convotest run`), where streaming and
 * checking every result again would cost as much as writing them did. The summary line is
 * undefined when the last line is not one (a run that did not finish).
 */
export async function readRecordEnds(path: string): Promise<{ header: RunHeader; summaryLine: RunSummaryLine | undefined }> {
  const file = await open(path, 'r');
  try {
    const header = parseHeader(path, await readLineAt(file, 'first'));
    let value: unknown;
    try {
      value = JSON.parse(await readLineAt(file, 'last'));
    } catch {
      return { header, summaryLine: undefined };
    }
    const summaryLine = (value as { type?: unknown }).type === 'summary' ? RunSummaryLineSchema.parse(value) : undefined;
    return { header, summaryLine };
  } finally {
    await file.close();
  }
}

/** The first line, or the last non-empty one, of an open file; bytes are decoded once the line is whole. */
async function readLineAt(file: FileHandle, which: 'first' | 'last'): Promise<string> {
  const { size } = await file.stat();
  let bytes = Buffer.alloc(0);
  for (let chunk = 64 * 1024; bytes.length < size; chunk *= 2) {
    const length = Math.min(chunk, size - bytes.length);
    const at = which === 'first' ? bytes.length : size - bytes.length - length;
    const { buffer } = await file.read(Buffer.alloc(length), 0, length, at);
    bytes = which === 'first' ? Buffer.concat([bytes, buffer]) : Buffer.concat([buffer, bytes]);
    if (which === 'first') {
      const end = bytes.indexOf(0x0a);
      if (end >= 0) return bytes.subarray(0, end).toString('utf8');
    } else {
      let end = bytes.length;
      while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--;
      const start = bytes.lastIndexOf(0x0a, end - 1);
      if (start >= 0) return bytes.subarray(start + 1, end).toString('utf8');
    }
  }
  return bytes.toString('utf8').trim();
}

/** The header line of a run record, checked (format and major version, schema); errors are E_RECORD naming the file. */
export function parseHeader(path: string, text: string): RunHeader {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConvotestError('E_RECORD', `${path}:1: not a run record (the first line is not JSON)`);
  }
  const format = (value as { format?: unknown }).format;
  if (typeof format !== 'string' || !format.startsWith(`${RUN_FORMAT}/`)) {
    throw new ConvotestError('E_RECORD', `${path}:1: not a convotest run record (format ${JSON.stringify(format)})`);
  }
  const major = Number(format.slice(RUN_FORMAT.length + 1).split('.')[0]);
  if (major !== RUN_FORMAT_MAJOR) {
    throw new ConvotestError(
      'E_RECORD',
      `${path}: run record format ${format} is not supported by this convotest (reads ${RUN_FORMAT}/${RUN_FORMAT_MAJOR}.x); upgrade convotest`,
    );
  }
  const parsed = RunHeaderSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConvotestError('E_RECORD', `${path}:1  ${issue?.path.join('.')}  ${issue?.message}`);
  }
  return parsed.data;
}

interface Line {
  text: string;
  lineNo: number;
  /** true for the final line when the file does not end with a newline (a cut-off write). */
  last: boolean;
}

/** Lines of a file with their numbers; tells whether the final line lacked its newline. */
function lineIterator(path: string): AsyncIterator<Line> {
  return (async function* () {
    const stream = createReadStream(path, { encoding: 'utf8' });
    let endsWithNewline = true;
    stream.on('data', (chunk) => {
      if (chunk.length > 0) endsWithNewline = (chunk as string).endsWith('\n');
    });
    const rl = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    let pending: Line | undefined;
    let lineNo = 0;
    for await (const text of rl) {
      lineNo += 1;
      if (pending) yield pending;
      pending = { text, lineNo, last: false };
    }
    if (pending) yield { ...pending, last: !endsWithNewline };
  })();
}

/** How many result lines a record holds, without parsing them (for a progress total). */
export async function countResultLines(path: string): Promise<number> {
  let n = 0;
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
  // Lines are written by chainLine (src/io/hash-chain.ts): `prev` first, then `type`.
  for await (const text of rl) if (/^\{"prev":"[0-9a-f]{64}","type":"result"/.test(text)) n += 1;
  return n;
}
