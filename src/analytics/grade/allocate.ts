/** One stratum of the sampling frame: the sessions of one intent on one channel. */
export interface Stratum {
  key: string;
  size: number;
}

/**
 * Proportional allocation of a sample of `n` over strata (largest remainder, ties by key), each
 * capped at its size: every stratum gets its share of the sample, so pass rates over the sample
 * weigh intents and channels as traffic does.
 * @example allocate([{ key: 'refund/web', size: 300 }, { key: 'billing/web', size: 100 }], 4) // refund/web 3, billing/web 1
 */
export function allocate(strata: readonly Stratum[], n: number): Map<string, number> {
  const total = strata.reduce((s, x) => s + x.size, 0);
  const want = Math.min(n, total);
  const out = new Map<string, number>();
  if (want <= 0) return out;
  const shares = strata.map((x) => {
    const exact = (x.size / total) * want;
    return { key: x.key, size: x.size, take: Math.min(x.size, Math.floor(exact)), rest: exact - Math.floor(exact) };
  });
  let left = want - shares.reduce((s, x) => s + x.take, 0);
  const order = [...shares].sort((a, b) => b.rest - a.rest || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  while (left > 0) {
    let gave = false;
    for (const x of order) {
      if (left === 0) break;
      if (x.take < x.size) {
        x.take++;
        left--;
        gave = true;
      }
    }
    if (!gave) break;
  }
  for (const x of shares) if (x.take > 0) out.set(x.key, x.take);
  return out;
}
