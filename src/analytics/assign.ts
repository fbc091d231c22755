import { hash32 } from '../core/hash32.js';

/**
 * Deterministic A/B assignment: the same user always gets the same variant of an experiment,
 * with no state to keep. The bucket is FNV-1a (32-bit) of `experiment:userId`, read as a
 * fraction of 2³², so the function runs anywhere (browser, edge, Node) with no dependency.
 *
 * @example
 * assignVariant('user-42', 'prompt-v2', { control: 1, treatment: 1 }); // 'control' or 'treatment', always the same
 */
export function assignVariant(userId: string, experiment: string, weights: Readonly<Record<string, number>>): string {
  const entries = Object.entries(weights).filter(([, w]) => w > 0);
  if (entries.length === 0) throw new TypeError('assignVariant: give at least one variant with a positive weight');
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let point = bucket(`${experiment}:${userId}`) * total;
  for (const [name, w] of entries) {
    if (point < w) return name;
    point -= w;
  }
  return entries[entries.length - 1]![0];
}

/** {@link hash32} of the UTF-16 code units, as a fraction in [0, 1). */
export function bucket(key: string): number {
  return hash32(key) / 4294967296;
}
