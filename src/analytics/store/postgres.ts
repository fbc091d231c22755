import { once } from 'node:events';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ChatEventRow } from '../events.js';
import { applyMigrations } from './migrations.js';
import { TYPED_COLUMN_NAMES, typedValues } from './typed-columns.js';
import type { AnalyticsStore, IngestCounts, IngestSession, SqlParam, SqlRow } from './store.js';

/**
 * The shared store: a PostgreSQL server reached by a connection string
 * (`postgres://user@host:port/db`; the password, if any, from PGPASSWORD or the URL).
 * Ingest streams rows with one COPY into a temporary table, then inserts the new ones in one transaction.
 * @example const store = await openPostgresStore(process.env.ANALYTICS_DATABASE_URL!);
 */
export async function openPostgresStore(url: string): Promise<AnalyticsStore> {
  const client = new pg.Client({ connectionString: url });
  // float8 and numeric arrive as strings by default; the queries cast aggregates to float8.
  await client.connect();
  await client.query("SET TIME ZONE 'UTC'");
  const all = async (sql: string, params: ReadonlyArray<SqlParam> = []): Promise<SqlRow[]> => {
    const result = await client.query<SqlRow>(sql, [...params]);
    return result.rows;
  };
  const exec = async (sql: string) => {
    await client.query(sql);
  };
  return {
    kind: 'postgres',
    location: redactUrl(url),
    migrate: () => applyMigrations('postgres', { all, exec }),
    all,
    exec,
    beginIngest: () => beginPostgresIngest(client),
    async close() {
      await client.end();
    },
  };
}

/**
 * One COPY stream for the whole ingest into a temporary (unlogged) table, properties as plain
 * text; at commit one INSERT … SELECT in `seq` order with ON CONFLICT DO NOTHING keeps the first
 * occurrence of each `event_id` and skips ids already stored, using the primary key, without
 * sorting the batch by id.
 */
async function beginPostgresIngest(client: pg.Client): Promise<IngestSession> {
  await client.query('BEGIN');
  await client.query(`CREATE TEMPORARY TABLE chat_events_incoming (seq BIGINT, event_id TEXT, session_id TEXT, user_id TEXT, event_type TEXT,
    properties TEXT, ts_ms BIGINT, channel TEXT, variant TEXT) ON COMMIT DROP`);
  let seq = 0;
  let copy: ReturnType<typeof copyFrom> | undefined;
  let copyDone: Promise<void> | undefined;
  const finishCopy = async () => {
    if (!copy) return;
    copy.end();
    await copyDone;
    copy = undefined;
  };
  return {
    async append(rows: readonly ChatEventRow[]) {
      if (!copy) {
        const stream = client.query(copyFrom('COPY chat_events_incoming FROM STDIN'));
        copy = stream;
        copyDone = new Promise<void>((resolve, reject) => {
          stream.on('finish', () => resolve());
          stream.on('error', reject);
        });
        copyDone.catch(() => undefined); // handled where it is awaited
      }
      let text = '';
      for (const r of rows) {
        text += `${seq++}\t${copyText(r.event_id)}\t${copyText(r.session_id)}\t${copyText(r.user_id)}\t${r.event_type}\t${copyText(r.properties)}\t${r.timestamp_ms}\t${copyText(r.channel)}\t${copyText(r.variant)}\n`;
      }
      if (!copy.write(text)) await Promise.race([once(copy, 'drain'), copyDone]);
    },
    async commit(): Promise<IngestCounts> {
      try {
        await finishCopy();
        await client.query("SET LOCAL work_mem = '64MB'");
        const result = await client.query(`INSERT INTO chat_events (event_id, session_id, user_id, event_type, properties, "timestamp", channel, variant, ${TYPED_COLUMN_NAMES})
          SELECT event_id, session_id, user_id, event_type, p, CAST(to_timestamp(ts_ms / 1000.0) AT TIME ZONE 'UTC' AS TIMESTAMP), channel, variant,
            ${typedValues((key) => `(p->>'${key}')`, 'event_type').join(', ')}
          FROM (SELECT *, CAST(properties AS JSONB) AS p FROM chat_events_incoming) i ORDER BY seq
          ON CONFLICT (event_id) DO NOTHING`);
        await client.query('COMMIT');
        const inserted = result.rowCount ?? 0;
        return { offered: seq, inserted, duplicates: seq - inserted };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    },
    async abort() {
      await finishCopy().catch(() => undefined);
      await client.query('ROLLBACK');
    },
  };
}

/** COPY text format: backslash, tab, newline and carriage return escaped. */
function copyText(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres (unparsable URL)';
  }
}
