import { ConvotestError } from '../../errors.js';
import { openDuckDbStore } from './duckdb.js';
import { openPostgresStore } from './postgres.js';
import type { AnalyticsStore } from './store.js';

/** The default store when neither `--store`, the analytics config nor the environment names one. */
export const DEFAULT_STORE = '.convotest/analytics.duckdb';

/** The environment variable that may hold the store (a PostgreSQL URL or a DuckDB file). */
export const STORE_ENV = 'CONVOTEST_ANALYTICS_STORE';

/**
 * Opens the store a spec names and applies pending migrations: `postgres://…` or
 * `postgresql://…` → PostgreSQL; `duckdb:<file>` or any other path → a DuckDB file.
 * @example await openStore('postgres://analytics@db:5432/chat');
 */
export async function openStore(spec: string): Promise<AnalyticsStore> {
  const isPg = /^postgres(ql)?:\/\//i.test(spec);
  let store: AnalyticsStore;
  try {
    store = isPg ? await openPostgresStore(spec) : await openDuckDbStore(spec.replace(/^duckdb:/, ''));
  } catch (error) {
    const what = isPg ? 'PostgreSQL store' : `DuckDB store ${spec}`;
    throw new ConvotestError('E_CONFIG', `cannot open the ${what}: ${(error as Error).message}`, { cause: error });
  }
  await store.migrate();
  return store;
}
