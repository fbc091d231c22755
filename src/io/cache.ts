import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from './hash-chain.js';

/**
 * The response cache: recorded provider answers keyed by the SHA-256 of the full request
 * (kind, variant configuration hash, messages, tools, parameters, repeat or sample index).
 * One file per entry under `<dir>/<2 hex>/<hash>.json`, written to a temp name and renamed,
 * so concurrent writers (parallel runs, shards) never leave a torn entry.
 *
 * What is on disk: the request only as that hash (never its messages, system prompt or tools),
 * and the answer as the provider gave it, unredacted: a replay must hand graders exactly what
 * the live call did (a `pii-leak` grade of a reply that leaked an address must fail again), so
 * a reply cannot be stored with placeholders. The cache therefore holds raw agent and judge
 * replies and must not be committed where conversations may carry personal data.
 */
export interface ResponseCache {
  get<T>(key: CacheKey): Promise<T | undefined>;
  set(key: CacheKey, value: unknown): Promise<void>;
  readonly stats: { hits: number; misses: number; writes: number };
}

/** Any JSON-serialisable description of the request. */
export type CacheKey = Record<string, unknown>;

export function cacheKeyHash(key: CacheKey): string {
  return sha256(stableStringify(key));
}

export function createDiskCache(dir: string): ResponseCache {
  const stats = { hits: 0, misses: 0, writes: 0 };
  const pathOf = (hash: string) => join(dir, hash.slice(0, 2), `${hash}.json`);
  return {
    stats,
    async get<T>(key: CacheKey): Promise<T | undefined> {
      try {
        const entry = JSON.parse(await readFile(pathOf(cacheKeyHash(key)), 'utf8')) as { value: T };
        stats.hits += 1;
        return entry.value;
      } catch {
        stats.misses += 1;
        return undefined;
      }
    },
    async set(key, value) {
      const hash = cacheKeyHash(key);
      const file = pathOf(hash);
      await mkdir(join(dir, hash.slice(0, 2)), { recursive: true });
      const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      // The key is not stored: its hash names the file, and the request may carry personal data.
      await writeFile(temp, JSON.stringify({ kind: key['kind'] ?? null, value }));
      await rename(temp, file);
      stats.writes += 1;
    },
  };
}

/** JSON with object keys sorted, so equal requests hash equally whatever their key order. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
