import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import type { ChatEventRow } from '../events.js';
import { applyMigrations } from './migrations.js';
import type { AnalyticsStore, IngestCounts, IngestSession, SqlRow } from './store.js';

/** Options of {@link openDuckDbStore}. */
export interface DuckDbOptions {
  /** DuckDB's memory limit (default 256MB: ingest and KPIs spill to disk beyond it). */
  memoryLimit?: string;
  /** Worker threads (default 2). */
  threads?: number;
}

const STAGING = 'chat_events_incoming';

/**
 * The embedded store: one DuckDB file, no server. `:memory:` gives a throw-away store.
 * @example const store = await openDuckDbStore('.convotest/analytics.duckdb');
 */
export async function openDuckDbStore(file: string, options: DuckDbOptions = {}): Promise<AnalyticsStore> {
  if (file !== ':memory:') await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const instance = await DuckDBInstance.create(file, {
    memory_limit: options.memoryLimit ?? '256MB',
    threads: String(options.threads ?? 2),
    preserve_insertion_order: 'false',
  });
  const connection = await instance.connect();
  const all = async (sql: string, params: ReadonlyArray<string | number> = []): Promise<SqlRow[]> => {
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
    beginIngest: () => beginDuckDbIngest(connection),
    async close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

async function beginDuckDbIngest(connection: DuckDBConnection): Promise<IngestSession> {
  await connection.run(`DROP TABLE IF EXISTS ${STAGING}`);
  // Plain numbers for seq and time: appending them needs no BigInt per row.
  await connection.run(`CREATE TABLE ${STAGING} (seq INTEGER, event_id VARCHAR, session_id VARCHAR, user_id VARCHAR, event_type VARCHAR,
    properties VARCHAR, ts_ms DOUBLE, channel VARCHAR, variant VARCHAR)`);
  const appender = await connection.createAppender(STAGING);
  let seq = 0;
  let closed = false;
  const close = () => {
    if (!closed) appender.closeSync();
    closed = true;
  };
  return {
    async append(rows: readonly ChatEventRow[]) {
      for (const row of rows) {
        appender.appendInteger(seq++);
        appender.appendVarchar(row.event_id);
        appender.appendVarchar(row.session_id);
        appender.appendVarchar(row.user_id);
        appender.appendVarchar(row.event_type);
        appender.appendVarchar(row.properties);
        appender.appendDouble(row.timestamp_ms);
        appender.appendVarchar(row.channel);
        appender.appendVarchar(row.variant);
        appender.endRow();
      }
      appender.flushSync();
    },
    async commit(): Promise<IngestCounts> {
      close();
      await connection.run('BEGIN TRANSACTION');
      try {
        const inserted = await connection.run(`INSERT INTO chat_events
          SELECT event_id, session_id, user_id, event_type, CAST(properties AS JSON), make_timestamp(CAST(ts_ms AS BIGINT) * 1000), channel, variant
          FROM ${STAGING} s
          WHERE seq IN (SELECT MIN(seq) FROM ${STAGING} GROUP BY event_id)
            AND NOT EXISTS (SELECT 1 FROM chat_events c WHERE c.event_id = s.event_id)`);
        await connection.run(`DROP TABLE ${STAGING}`);
        await connection.run('COMMIT');
        return { offered: seq, inserted: inserted.rowsChanged, duplicates: seq - inserted.rowsChanged };
      } catch (error) {
        await connection.run('ROLLBACK');
        await connection.run(`DROP TABLE IF EXISTS ${STAGING}`);
        throw error;
      }
    },
    async abort() {
      close();
      await connection.run(`DROP TABLE IF EXISTS ${STAGING}`);
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
