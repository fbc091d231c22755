import { isDeepStrictEqual } from 'node:util';
import { parseShard, type ShardSpec } from '../core/shard.js';
import { ConvotestError, InputError } from '../errors.js';
import { type Config, ConfigSchema } from '../schema/config.js';
import type { RunHeader, RunResult, RunStatus } from '../schema/run-record.js';
import { GENESIS, hmac, sha256, signedPart, splitPrev } from './hash-chain.js';
import { readRun } from './run-reader.js';
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

/** A result line of a shard: the parsed result and its exact text without `prev` (for the merged chain). */
export interface ShardLine {
  result: RunResult;
  text: string;
}

/**
 * Reads a shard record in one pass: its header (it must be a shard: `selection.shard`), each
 * result handed to `onResult` with its exact text, and its hash chain checked on the way (every
 * `prev`, the summary's digest, and the signature when `keyFor` gives a key). A record that does
 * not verify (a line edited, removed or reordered, a digest or signature that does not match, a
 * run killed before its summary line) is an E_RECORD error naming the file and the line, worded
 * by `verifyFile` as `convotest verify` says it.
 */
export async function readShard(
  path: string,
  keyFor: (header: RunHeader) => string | undefined,
  onResult: (line: ShardLine, shard: ShardSpec) => void,
  warn: (message: string) => void,
): Promise<ShardRecord> {
  const chain = createChainCheck();
  let text = '';
  let key: string | undefined;
  let read: Omit<ShardRecord, 'digest'>;
  try {
    const reader = await readRun(path, {
      onLine: (line) => {
        chain.line(line);
        text = line;
      },
    });
    const header = reader.header;
    const spec = header.selection?.['shard'];
    const shard = typeof spec === 'string' ? parseShard(spec) : undefined;
    if (!shard) {
      throw new InputError(
        header.merged ? 'already a merged record: give the shard records it was merged from' : 'not a shard record (its header has no selection.shard): merge joins records written by `convotest run --shard i/n`',
        { file: path, line: 1 },
      );
    }
    key = keyFor(header);
    let results = 0;
    for await (const result of reader.results) {
      const line = splitPrev(text);
      if (!line || result.shard !== undefined) throw new ConvotestError('E_RECORD', `${path}: a result line not written by \`convotest run\``);
      results++;
      onResult({ result, text: line.rest }, shard);
    }
    const summary = reader.summaryLine;
    read = { path, header, shard, status: reader.status, results, ...(summary?.endedAt ? { endedAt: summary.endedAt } : {}), warnings: summary?.warnings ?? [] };
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw (await verifyProblem(path, key)) ?? error;
  }
  const sealed = chain.finish(key);
  if (!sealed.ok) throw (await verifyProblem(path, key)) ?? new ConvotestError('E_RECORD', `${path}: its hash chain does not verify`);
  if (sealed.signature === 'unchecked') warn(`${path} is signed but no signing key is set: its signature was not checked`);
  return { ...read, digest: sealed.digest };
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
 * The hash chain of src/io/verify.ts checked line by line as a record streams by (no second
 * read): each line's `prev` is the hash of the line before, the last line is a summary whose
 * `digest` is the hash of the line before it, and with a key its signature is valid.
 */
function createChainCheck() {
  let expected = GENESIS;
  let beforeLast = GENESIS;
  let last = '';
  let broken = false;
  return {
    line(text: string) {
      if (broken) return;
      if (splitPrev(text)?.prev !== expected) broken = true;
      beforeLast = expected;
      last = text;
      expected = sha256(text);
    },
    finish(key: string | undefined): { ok: true; digest: string; signature: 'valid' | 'absent' | 'unchecked' } | { ok: false } {
      if (broken) return { ok: false };
      let summary: { type?: unknown; digest?: unknown; signature?: unknown };
      try {
        summary = JSON.parse(last) as typeof summary;
      } catch {
        return { ok: false };
      }
      if (summary.type !== 'summary' || summary.digest !== beforeLast) return { ok: false };
      const signed = signedPart(last);
      if (key === undefined) return { ok: true, digest: beforeLast, signature: typeof summary.signature === 'string' ? 'unchecked' : 'absent' };
      if (!signed || hmac(key, signed.signed) !== signed.signature) return { ok: false };
      return { ok: true, digest: beforeLast, signature: 'valid' };
    },
  };
}

/** What must be equal across shards for their results to form one run, and how to tell it. */
const SAME: Array<[what: string, of: (h: RunHeader) => unknown]> = [
  ['tool version', (h) => h.tool.version],
  ['config hash', (h) => h.hashes.config],
  ['golden-set hashes', (h) => h.hashes.goldenSets],
  ['grader hashes', (h) => h.hashes.graders],
  ['variants', (h) => h.variants.map((v) => [v.name, v.hash ?? null, v.skipped ?? null])],
  ['repeat', (h) => h.repeat],
  ['selection (--filter, --case)', (h) => [h.selection?.['filters'] ?? [], h.selection?.['caseIds'] ?? []]],
];

/**
 * Checks that shard records can be merged: one tool version, the same config, golden-set and
 * grader hashes, variants, repeat and selection, the same shard count, and each shard index
 * once. Throws an E_INPUT error naming what differs and the two files.
 */
export function assertSameRun(shards: readonly ShardRecord[]): void {
  const [first, ...rest] = shards;
  if (!first) return;
  for (const other of rest) {
    for (const [what, of] of SAME) {
      const a = of(first.header);
      const b = of(other.header);
      if (!isDeepStrictEqual(a, b)) {
        throw new InputError(`shards differ in ${what}: ${describeDifference(a, b, first.path, other.path)}; shards of one run come from the same commit, config and command`, { file: other.path, line: 1 });
      }
    }
    if (other.shard.count !== first.shard.count) {
      throw new InputError(`shards differ in their count: ${first.path} is shard ${first.shard.index}/${first.shard.count}, ${other.path} is shard ${other.shard.index}/${other.shard.count}`, { file: other.path, line: 1 });
    }
  }
}

function describeDifference(a: unknown, b: unknown, pathA: string, pathB: string): string {
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    // Hash maps (file or grader → sha256): name the first entry that differs.
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    for (const key of [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort()) {
      if (ra[key] !== rb[key]) return `${key} is ${short(ra[key])} in ${pathA}, ${short(rb[key])} in ${pathB}`;
    }
  }
  return `${short(a)} in ${pathA}, ${short(b)} in ${pathB}`;
}

function short(value: unknown): string {
  if (value === undefined) return 'absent';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /^[0-9a-f]{64}$/.test(text) ? `${text.slice(0, 12)}…` : text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

/** Shard indices given twice (with their files), and shard indices of 1..n given by no file. */
export function shardCoverage(shards: readonly ShardRecord[]): { twice: Array<[ShardRecord, ShardRecord]>; missing: number[] } {
  const byIndex = new Map<number, ShardRecord>();
  const twice: Array<[ShardRecord, ShardRecord]> = [];
  for (const s of shards) {
    const earlier = byIndex.get(s.shard.index);
    if (earlier) twice.push([earlier, s]);
    else byIndex.set(s.shard.index, s);
  }
  const count = shards[0]?.shard.count ?? 0;
  const missing: number[] = [];
  for (let i = 1; i <= count; i++) if (!byIndex.has(i)) missing.push(i);
  return { twice, missing };
}

/**
 * The configuration a record was run with, from its header (secrets were never in it): what
 * `merge` applies as `run` would have (gate rules, failOnError, htmlReport, signingKeyEnv).
 * A recorded config this version cannot read gives the defaults.
 */
export function recordedConfig(header: RunHeader): Config {
  const whole = ConfigSchema.safeParse(header.config);
  if (whole.success) return whole.data;
  const picked = Object.fromEntries(['gate', 'failOnError', 'htmlReport', 'signingKeyEnv'].filter((k) => k in header.config).map((k) => [k, header.config[k]]));
  const some = ConfigSchema.safeParse(picked);
  return some.success ? some.data : ConfigSchema.parse({});
}
