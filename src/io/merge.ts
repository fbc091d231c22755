import { createSummaryAccumulator, type SummaryAccumulator } from '../core/summary.js';
import { createErrorTally, type ErrorGroup } from '../core/error-groups.js';
import { formatShard, shardOf } from '../core/shard.js';
import { ConvotestError, InputError } from '../errors.js';
import { type CacheMiss, cacheMissOf, compareMiss } from '../runner/run.js';
import type { RunTotals } from '../runner/events.js';
import { RUN_FORMAT_VERSION, type RunHeader, type RunResult, type RunStatus } from '../schema/run-record.js';
import { casesOfMissingShards } from './merge-gaps.js';
import { readShard, type ResultBody, type ShardRecord } from './merge-read.js';
import { assertSameRun, shardCoverage } from './merge-shards.js';
import { createRunWriter } from './run-writer.js';

export interface MergeOptions {
  /** Shard record paths, in any order. */
  paths: readonly string[];
  outPath: string;
  /** The merged record's run id. */
  runId: string;
  /**
   * From a shard's header (its recorded config): the HMAC key (shards must carry a valid
   * signature, and the merged record is signed with it) and the summary's `minCasePassRate`.
   */
  settings(header: RunHeader): { signingKey?: string; minCasePassRate?: number };
  /** Where the golden-set files named by the shard headers are read from, to name missing cases. */
  cwd: string;
  warn(message: string): void;
}

/** What a merge wrote, in the shape the console summary and the exit policy of `run` read. */
export interface MergeOutcome {
  path: string;
  header: RunHeader;
  status: RunStatus;
  totals: RunTotals;
  warnings: string[];
  errorGroups: ErrorGroup[];
  cacheMisses: { count: number; first?: CacheMiss };
  shards: readonly ShardRecord[];
}

/** Best first: the merged status is the worst of the shards'. */
const STATUS_ORDER: readonly RunStatus[] = ['complete', 'budget', 'interrupted', 'incomplete', 'failed'];

/**
 * Joins the records of `convotest run --shard i/n` into one record, as if one run had done the
 * work. Every shard's hash chain (and signature, with a key) is verified first; the shards must
 * share tool version, config, golden-set and grader hashes, variants, repeat and selection;
 * a (case, variant, repeat) on two shards, a shard index given twice and a shard given by no
 * file are E_INPUT errors naming the cases and files. The merged record lists the shards in its
 * header (`merged`: path, run id, final digest, status), keeps each result's shard (`shard`),
 * orders results by case id, repeat and variant, starts a new hash chain, carries the summary of
 * src/core/summary.ts over all results and the worst status of the shards, and is signed with the
 * key. It is written whole or not at all.
 *
 * @example
 * await mergeShards({ paths: ['runs/s1.jsonl', 'runs/s2.jsonl'], outPath: 'runs/run.jsonl', runId, cwd, warn });
 */
export async function mergeShards(options: MergeOptions): Promise<MergeOutcome> {
  const warnings: string[] = [];
  const warn = (message: string) => {
    if (warnings.includes(message)) return;
    warnings.push(message);
    options.warn(message);
  };
  if (options.paths.length === 0) throw new InputError('no shard record given', { file: '' });
  // One pass per shard: chain checked, each result parsed once and tallied, its text left where it
  // is in the shard's bytes (off the JS heap, no re-serialising); a (case, variant, repeat) seen
  // on two shards is an overlap.
  const owner = new Map<string, string>();
  const entries: Array<{ key: string; body: ResultBody; shard: string }> = [];
  const overlaps: Array<{ caseId: string; files: [string, string] }> = [];
  const shards: ShardRecord[] = [];
  // The summary orders case records itself (src/core/summary.ts), so results are tallied as read.
  let summarizer: SummaryAccumulator | undefined;
  const errorTally = createErrorTally();
  const totals: RunTotals = { planned: 0, done: 0, errors: 0, tokens: 0, costUsd: 0 };
  const cacheMisses: MergeOutcome['cacheMisses'] = { count: 0 };
  const tally = (result: RunResult) => {
    totals.done++;
    if (result.error) {
      totals.errors++;
      errorTally.add(result.caseId, result.error);
    }
    totals.tokens += result.usage.input + result.usage.output + result.judgeUsage.input + result.judgeUsage.output;
    totals.costUsd += (result.costUsd ?? 0) + (result.judgeCostUsd ?? 0);
    const miss = cacheMissOf(result);
    if (miss) {
      cacheMisses.count++;
      if (!cacheMisses.first || compareMiss(miss, cacheMisses.first) < 0) cacheMisses.first = miss;
    }
  };
  for (const path of options.paths) {
    // `,"shard":"i/n"}`: the member every merged line of this shard ends with, built once.
    let tail: string | undefined;
    const shard = await readShard(
      path,
      (h) => {
        const { signingKey, minCasePassRate } = options.settings(h);
        // Variants and repeat are the same on every shard (checked below); the run id is set at the end.
        summarizer ??= createSummaryAccumulator(h, minCasePassRate !== undefined ? { minCasePassRate } : {});
        return signingKey;
      },
      ({ result, body }, spec) => {
        const at = shardOf(result.caseId, spec.count);
        if (at !== spec.index) {
          throw new InputError(`case ${result.caseId} belongs to shard ${at}/${spec.count}, but this record is shard ${formatShard(spec)}`, { file: path });
        }
        const key = `${result.caseId}\u0000${String(result.repeat).padStart(10, '0')}\u0000${result.variant}`;
        const earlier = owner.get(key);
        if (earlier !== undefined) {
          overlaps.push({ caseId: result.caseId, files: [earlier, path] });
          return;
        }
        owner.set(key, path);
        summarizer?.add(result);
        tally(result);
        tail ??= `,"shard":${JSON.stringify(formatShard(spec))}}`;
        entries.push({ key, body, shard: tail });
      },
      warn,
    );
    shards.push(shard);
  }
  shards.sort((a, b) => a.shard.index - b.shard.index);
  assertSameRun(shards);
  assertNoOverlap(overlaps);
  const { twice, missing } = shardCoverage(shards);
  if (twice.length > 0) {
    const [a, b] = twice[0]!;
    throw new InputError(`${a.path} and ${b.path} are both shard ${formatShard(a.shard)}: give each shard once`, { file: b.path });
  }
  if (missing.length > 0) throw await gapError(shards[0]!, missing, options.cwd);

  entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const first = shards[0]!;
  const header = mergedHeader(first.header, shards, options.runId);
  const { signingKey } = options.settings(first.header);
  totals.planned = entries.length;
  const writer = await createRunWriter(options.outPath, header, { atomic: true, buffered: true, ...(signingKey ? { signingKey } : {}) });
  try {
    // Writes are queued in order by the writer; waiting for them in batches keeps a write error
    // from passing unseen without a round trip per line.
    let pending: Array<Promise<void>> = [];
    for (const { body, shard } of entries) {
      // The shard's line as written, `prev` dropped and the shard added as its last member.
      pending.push(writer.writeResultText(`{${body.bytes.toString('utf8', body.start, body.end)}${shard}`));
      if (pending.length >= 512) {
        await Promise.all(pending);
        pending = [];
      }
    }
    await Promise.all(pending);
    const status = worstStatus(shards.map((s) => s.status));
    for (const shard of shards) {
      for (const w of shard.warnings) warn(`shard ${formatShard(shard.shard)}: ${w}`);
      if (shard.status !== 'complete') warn(`shard ${formatShard(shard.shard)} (${shard.path}) is ${shard.status}`);
    }
    const ended = shards.map((s) => s.endedAt).filter((e): e is string => e !== undefined).sort();
    await writer.finish({
      status,
      endedAt: ended.at(-1) ?? new Date().toISOString(),
      results: totals.done,
      errors: totals.errors,
      summary: { ...summarizer!.finish(), runId: header.runId },
      ...(warnings.length ? { warnings } : {}),
    });
    return { path: options.outPath, header: { type: 'header', ...header }, status, totals, warnings, errorGroups: errorTally.groups(), cacheMisses, shards };
  } catch (error) {
    await writer.discard();
    throw error;
  }
}

function assertNoOverlap(overlaps: ReadonlyArray<{ caseId: string; files: [string, string] }>): void {
  if (overlaps.length === 0) return;
  const [a, b] = overlaps[0]!.files;
  const cases = [...new Set(overlaps.map((o) => o.caseId))].sort();
  const shown = cases.slice(0, 5).join(', ');
  throw new InputError(
    `${cases.length} case${cases.length === 1 ? '' : 's'} on two shards (${shown}${cases.length > 5 ? `, and ${cases.length - 5} more` : ''}): in ${a} and in ${b}; each case must be on one shard`,
    { file: b },
  );
}

async function gapError(first: ShardRecord, missing: readonly number[], cwd: string): Promise<ConvotestError> {
  const count = first.shard.count;
  const names = missing.map((i) => `${i}/${count}`).join(', ');
  const known = await casesOfMissingShards(first.header, missing, cwd);
  let detail: string;
  if ('unknown' in known) detail = `its cases cannot be named: ${known.unknown}`;
  else {
    const cases = missing.flatMap((i) => known.cases.get(i) ?? []);
    detail =
      cases.length === 0
        ? 'it holds no case of the golden set, but its record is needed to show it ran'
        : `${cases.length} case${cases.length === 1 ? '' : 's'} on no shard: ${cases.slice(0, 10).join(', ')}${cases.length > 10 ? `, and ${cases.length - 10} more` : ''}`;
  }
  return new InputError(`shard${missing.length === 1 ? '' : 's'} ${names} missing (${count} shards, ${count - missing.length} given); ${detail}`, { file: '' });
}

function worstStatus(statuses: readonly RunStatus[]): RunStatus {
  let worst = 0;
  for (const s of statuses) worst = Math.max(worst, STATUS_ORDER.indexOf(s));
  return STATUS_ORDER[worst] ?? 'incomplete';
}

/** The merged header: the shards' common header, a new run id, the earliest start, no shard in the selection, and the shards listed. */
function mergedHeader(first: RunHeader, shards: readonly ShardRecord[], runId: string): Omit<RunHeader, 'type' | 'prev'> {
  const { type: _type, prev: _prev, selection, resumedFrom: _resumed, ...rest } = first;
  const { shard: _shard, ...narrowing } = selection ?? {};
  const narrowed = ((narrowing['filters'] as unknown[] | undefined)?.length ?? 0) > 0 || ((narrowing['caseIds'] as unknown[] | undefined)?.length ?? 0) > 0;
  const startedAt = shards.map((s) => s.header.startedAt).sort()[0] ?? first.startedAt;
  return {
    ...rest,
    // The shards' tool version stays in `tool`; the format is this writer's (it adds `merged` and `shard`).
    format: RUN_FORMAT_VERSION,
    runId,
    startedAt,
    ...(narrowed ? { selection: narrowing } : {}),
    merged: shards.map((s) => ({
      shard: formatShard(s.shard),
      path: s.path,
      runId: s.header.runId,
      digest: s.digest,
      status: s.status,
      results: s.results,
    })),
  };
}
