import { meanOrNull } from '../case-table.js';
import { sliceName, slicesOf } from '../slices.js';
import type { CasePair } from './drops.js';
import type { SliceDrop } from './types.js';

/**
 * Where the overall score dropped most, whatever the rules: for each tag key, the value whose
 * paired cases lost the most points (at least half a point), largest drops first. Information
 * for the reviewer only: not tested, never blocking.
 * @example largestSliceDrops(pairs) // [{ slice: 'intent=policy', delta: -1, cases: 3, ... }]
 */
export function largestSliceDrops(pairs: readonly CasePair[], max = 5): Omit<SliceDrop, 'variant'>[] {
  const sums = new Map<string, { key: string; b: number; c: number; n: number }>();
  for (const { base, cand } of pairs) {
    const b = meanOrNull(base.overallScores);
    const c = meanOrNull(cand.overallScores);
    if (b === null || c === null) continue;
    for (const s of slicesOf(cand.tags)) {
      const name = sliceName(s);
      const acc = sums.get(name) ?? { key: s.key, b: 0, c: 0, n: 0 };
      acc.b += b;
      acc.c += c;
      acc.n++;
      sums.set(name, acc);
    }
  }
  const worstPerKey = new Map<string, Omit<SliceDrop, 'variant'>>();
  for (const [slice, acc] of sums) {
    const delta = (acc.c - acc.b) / acc.n;
    if (delta > -0.005) continue;
    const held = worstPerKey.get(acc.key);
    if (held && held.delta <= delta) continue;
    worstPerKey.set(acc.key, { slice, baseline: acc.b / acc.n, candidate: acc.c / acc.n, delta, cases: acc.n });
  }
  return [...worstPerKey.values()].sort((x, y) => x.delta - y.delta || x.slice.localeCompare(y.slice)).slice(0, max);
}
