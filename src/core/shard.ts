/**
 * Shards: `--shard i/n` splits the selected cases over n CI jobs by a hash of the case id, as
 * vitest and Playwright do. A case's shard depends on its id and n only, so it stays on its shard
 * when cases are added or removed, and all its variants and repeats run on the same shard.
 */

import { hash32 } from './hash32.js';

/** Shard `index` of `count` (1 ≤ index ≤ count). */
export interface ShardSpec {
  index: number;
  count: number;
}

const SHARD_TEXT = /^\s*(\d+)\s*\/\s*(\d+)\s*$/;

/**
 * Reads `i/n`; undefined when the text is not of that form or not 1 ≤ i ≤ n.
 * @example parseShard('2/4') // { index: 2, count: 4 }
 */
export function parseShard(text: string): ShardSpec | undefined {
  const m = SHARD_TEXT.exec(text);
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || index < 1 || index > count) return undefined;
  return { index, count };
}

/** `i/n`, as the command line and the run record write a shard. */
export function formatShard(shard: ShardSpec): string {
  return `${shard.index}/${shard.count}`;
}

const encoder = new TextEncoder();

/**
 * The shard (1-based) a case id belongs to among `count`: {@link hash32} of the id's UTF-8 bytes,
 * modulo `count`.
 * @example shardOf('refund-window', 4) // the same number on every machine and every run
 */
export function shardOf(caseId: string, count: number): number {
  return (hash32(encoder.encode(caseId)) % count) + 1;
}

/** Whether a case runs on `shard`. */
export function inShard(caseId: string, shard: ShardSpec): boolean {
  return shardOf(caseId, shard.count) === shard.index;
}
