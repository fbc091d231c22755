import { isDeepStrictEqual } from 'node:util';
import { shardOf } from '../core/shard.js';
import { type Selection, selectCases } from '../runner/selection.js';
import type { RunHeader } from '../schema/run-record.js';
import { loadGoldenSets } from './golden-sets.js';

/**
 * The case ids of the missing shards, read from the golden-set files the shard headers name
 * (paths as recorded, from `cwd`) when they are here with the recorded hashes and the recorded
 * `--filter`/`--case` selection applied; otherwise why they cannot be named.
 */
export async function casesOfMissingShards(
  header: RunHeader,
  missing: readonly number[],
  cwd: string,
): Promise<{ cases: Map<number, string[]> } | { unknown: string }> {
  const recorded = header.hashes.goldenSets;
  const loaded = await loadGoldenSets(Object.keys(recorded), { cwd }).catch(() => undefined);
  if (!loaded || loaded.problems.length > 0) return { unknown: `the golden-set files the shards name (${Object.keys(recorded).join(', ')}) cannot be read here` };
  const here = Object.fromEntries(loaded.files.map((f) => [f.path, f.sha256]));
  if (!isDeepStrictEqual(here, recorded)) return { unknown: 'the golden-set files here differ from those the shards ran' };
  const selection = {
    filters: (header.selection?.['filters'] ?? []) as Selection['filters'],
    caseIds: (header.selection?.['caseIds'] ?? []) as string[],
  };
  let selected;
  try {
    selected = selectCases(loaded.cases, selection);
  } catch (error) {
    return { unknown: (error as Error).message };
  }
  const count = Number(String(header.selection?.['shard']).split('/')[1]);
  const cases = new Map<number, string[]>(missing.map((i) => [i, []]));
  for (const c of selected) cases.get(shardOf(c.id, count))?.push(c.id);
  return { cases };
}
