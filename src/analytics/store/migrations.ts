import type { StoreKind } from './store.js';
import { ADD_TYPED_COLUMNS, BACKFILL_TYPED_COLUMNS } from './typed-columns.js';

/** One schema change, with its SQL per dialect; applied once, in order, recorded in `convotest_migrations`. */
export interface Migration {
  version: number;
  name: string;
  sql: Record<StoreKind, string[]>;
}

/**
 * The store's schema history. Append new migrations; never edit an applied one.
 * DuckDB keeps no index on `event_id` (an index over millions of keys costs more memory than
 * ingest may use); ingest de-duplicates with an anti-join instead. PostgreSQL has the primary key.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'create chat_events',
    sql: {
      duckdb: [
        `CREATE TABLE chat_events (
  event_id VARCHAR NOT NULL, session_id VARCHAR NOT NULL, user_id VARCHAR NOT NULL, event_type VARCHAR NOT NULL,
  properties JSON NOT NULL, "timestamp" TIMESTAMP NOT NULL, channel VARCHAR NOT NULL, variant VARCHAR NOT NULL)`,
      ],
      postgres: [
        `CREATE TABLE chat_events (
  event_id TEXT PRIMARY KEY, session_id TEXT NOT NULL, user_id TEXT NOT NULL, event_type TEXT NOT NULL,
  properties JSONB NOT NULL, "timestamp" TIMESTAMP NOT NULL, channel TEXT NOT NULL, variant TEXT NOT NULL)`,
        'CREATE INDEX chat_events_session ON chat_events (session_id)',
        'CREATE INDEX chat_events_time ON chat_events ("timestamp")',
      ],
    },
  },
  {
    version: 2,
    name: 'create chat_grades',
    sql: {
      // One grade of one sampled session by one grader in one run (`convotest analytics grade`).
      duckdb: [
        `CREATE TABLE chat_grades (
  session_id VARCHAR NOT NULL, run_id VARCHAR NOT NULL, grader VARCHAR NOT NULL, passed INTEGER, score DOUBLE,
  error VARCHAR, graded_at TIMESTAMP NOT NULL, PRIMARY KEY (session_id, run_id, grader))`,
      ],
      postgres: [
        `CREATE TABLE chat_grades (
  session_id TEXT NOT NULL, run_id TEXT NOT NULL, grader TEXT NOT NULL, passed INTEGER, score DOUBLE PRECISION,
  error TEXT, graded_at TIMESTAMP NOT NULL, PRIMARY KEY (session_id, run_id, grader))`,
      ],
    },
  },
  {
    version: 3,
    name: 'typed property columns',
    // The properties KPIs read, as columns (store/typed-columns.ts); `properties` stays as it is.
    sql: { duckdb: [...ADD_TYPED_COLUMNS, BACKFILL_TYPED_COLUMNS], postgres: [...ADD_TYPED_COLUMNS, BACKFILL_TYPED_COLUMNS] },
  },
];

export const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS convotest_migrations (version INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL, applied_at TIMESTAMP NOT NULL)`;

/** Applies pending migrations through `run` (one transaction each); returns the applied names. */
export async function applyMigrations(
  kind: StoreKind,
  db: { all(sql: string): Promise<Array<Record<string, unknown>>>; exec(sql: string): Promise<void> },
): Promise<string[]> {
  await db.exec(MIGRATIONS_TABLE);
  const done = new Set((await db.all('SELECT version FROM convotest_migrations')).map((r) => Number(r['version'])));
  const applied: string[] = [];
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    await db.exec('BEGIN');
    try {
      for (const statement of m.sql[kind]) await db.exec(statement);
      await db.exec(`INSERT INTO convotest_migrations (version, name, applied_at) VALUES (${m.version}, '${m.name.replace(/'/g, "''")}', CURRENT_TIMESTAMP)`);
      await db.exec('COMMIT');
    } catch (error) {
      await db.exec('ROLLBACK');
      throw error;
    }
    applied.push(`${m.version} ${m.name}`);
  }
  return applied;
}
