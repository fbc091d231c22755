import { formatShard, inShard, parseShard, type ShardSpec } from '../core/shard.js';
import { InputError } from '../errors.js';
import type { ResolvedCase } from '../schema/golden-set.js';

/**
 * `--filter intent=refund` (repeatable: all must hold; a key may repeat to allow several values),
 * `--case id`, and `--shard i/n` (applied after the others: shard i of the cases they keep).
 */
export interface Selection {
  filters: Array<{ key: string; value: string }>;
  caseIds: string[];
  shard?: ShardSpec;
}

/** `--shard i/n` → the shard; anything else is an InputError saying what is expected. */
export function parseShardFlag(text: string): ShardSpec {
  const shard = parseShard(text);
  if (!shard) throw new InputError(`--shard ${JSON.stringify(text)}: expected i/n with 1 ≤ i ≤ n (whole numbers), e.g. --shard 2/4`);
  return shard;
}

/** The selection as the run header records it (`selection`): only what narrowed the run; undefined when nothing did. */
export function selectionRecord(selection: Selection | undefined): Record<string, unknown> | undefined {
  if (!selection) return undefined;
  const { filters, caseIds, shard } = selection;
  if (filters.length === 0 && caseIds.length === 0 && !shard) return undefined;
  return { filters, caseIds, ...(shard ? { shard: formatShard(shard) } : {}) };
}

/** The cases of `shard` among `cases` (all of them without a shard), in their order. */
export function shardCases(cases: readonly ResolvedCase[], shard: ShardSpec | undefined): ResolvedCase[] {
  return shard ? cases.filter((c) => inShard(c.id, shard)) : [...cases];
}

export function parseFilters(raw: readonly string[]): Selection['filters'] {
  return raw.map((f) => {
    const eq = f.indexOf('=');
    if (eq <= 0) throw new InputError(`--filter "${f}": expected tag=value, e.g. --filter intent=refund`);
    return { key: f.slice(0, eq).trim(), value: f.slice(eq + 1).trim() };
  });
}

/** The cases `--filter` and `--case` keep (not yet the shard: see shardCases), in their order. Unknown `--case` ids are an error naming them. */
export function selectCases(cases: readonly ResolvedCase[], selection: Selection): ResolvedCase[] {
  const byKey = new Map<string, Set<string>>();
  for (const { key, value } of selection.filters) byKey.set(key, (byKey.get(key) ?? new Set()).add(value));
  const ids = new Set(selection.caseIds);
  const known = new Set(cases.map((c) => c.id));
  const unknown = [...ids].filter((id) => !known.has(id));
  if (unknown.length > 0) throw new InputError(`--case: no case with id ${unknown.map((id) => `"${id}"`).join(', ')}`);
  return cases.filter((c) => {
    if (ids.size > 0 && !ids.has(c.id)) return false;
    for (const [key, values] of byKey) {
      const tag = c.tags[key];
      const have = Array.isArray(tag) ? tag : tag === undefined ? [] : [tag];
      if (!have.some((v) => values.has(v))) return false;
    }
    return true;
  });
}
