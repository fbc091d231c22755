import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { beginDuckDbIngest } from './duckdb-ingest.js';
import { applyMigrations } from './migrations.js';
import type { AnalyticsStore, SqlParam, SqlRow } from './store.js';

/** Options of {@link openDuckDbStore}. */
export interface DuckDbOptions {
  /** DuckDB's memory limit (default 256MB: ingest and KPIs spill to disk beyond it). */
  memoryLimit?: string;
  /** Worker threads (default 2). */
  threads?: number;
}

/**
 * The embedded store: one DuckDB file, no server. `:memory:` gives a throw-away store.
 * @example const store = await openDuckDbStore('.convotest/analytics.duckdb');
 */
export async function openDuckDbStore(file: string, options: DuckDbOptions = {}): Promise<AnalyticsStore> {
  if (file !== ':memory:') await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const settings = { memoryLimit: options.memoryLimit ?? '256MB', threads: options.threads ?? 2 };
  const instance = await DuckDBInstance.create(file, {
    memory_limit: settings.memoryLimit,
    threads: String(settings.threads),
    preserve_insertion_order: 'false',
  });
  const connection = await instance.connect();
  const all = async (sql: string, params: ReadonlyArray<SqlParam> = []): Promise<SqlRow[]> => {
    const reader = await connection.runAndReadAll(sql, params.length > 0 ? [...params] : undefined);
    return reader.getRowObjects().map(toJsRow);
  };
  const exec = async (sql: string) => {
    await connection.run(sql);
  };
  return {
    kind: 'duckdb',
    location: file,
    migrate: () => applyMigrations('duckdb', { all, exec }),
    all,
    exec,
    beginIngest: () => beginDuckDbIngest(connection, settings),
    async close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

function toJsRow(row: Record<string, DuckDBValue>): SqlRow {
  const out: SqlRow = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
    else if (typeof value === 'bigint') out[key] = Number(value);
    else out[key] = String(value);
  }
  return out;
}
