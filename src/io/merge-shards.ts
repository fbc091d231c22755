import { isDeepStrictEqual } from 'node:util';
import { InputError } from '../errors.js';
import { type Config, ConfigSchema } from '../schema/config.js';
import type { RunHeader } from '../schema/run-record.js';
import type { ShardRecord } from './merge-read.js';

export type { ShardRecord } from './merge-read.js';

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
