import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import type { ChatEventRow } from '../events.js';
import { applyMigrations } from './migrations.js';
import type { AnalyticsStore, IngestCounts, IngestSession, SqlParam, SqlRow } from './store.js';

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
    beginIngest: () => beginDuckDbIngest(connection),
    async close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Rows per chunk file handed to DuckDB's JSON reader (~250 MB of text). */
const CHUNK_ROWS = 1_000_000;

/** One staged row as a JSON line DuckDB reads back: its columns under short keys, `p` raw JSON. */
function stagedLine(seq: number, r: ChatEventRow): string {
  return `{"q":${seq},"t":${r.timestamp_ms},"e":${JSON.stringify(r.event_id)},"s":${JSON.stringify(r.session_id)},"u":${JSON.stringify(r.user_id)},"y":"${r.event_type}","c":${JSON.stringify(r.channel)},"v":${JSON.stringify(r.variant)},"p":${r.properties}}\n`;
}

const STAGED_COLUMNS = "{q: 'BIGINT', t: 'DOUBLE', e: 'VARCHAR', s: 'VARCHAR', u: 'VARCHAR', y: 'VARCHAR', c: 'VARCHAR', v: 'VARCHAR', p: 'JSON'}";

/**
 * A chunk file written through one reused buffer (encoding lines into it costs a fraction of
 * concatenating strings); synchronous writes, so the buffer is free again at once.
 */
class ChunkFile {
  private readonly fd: number;
  private readonly buffer = Buffer.allocUnsafe(4 << 20);
  private used = 0;
  rows = 0;
  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }
  add(line: string): void {
    if (this.used + line.length * 3 > this.buffer.length) this.flush();
    if (line.length * 3 > this.buffer.length) writeSync(this.fd, line);
    else this.used += this.buffer.write(line, this.used);
    this.rows++;
  }
  private flush(): void {
    let at = 0;
    while (at < this.used) at += writeSync(this.fd, this.buffer, at, this.used - at);
    this.used = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/**
 * Ingest through DuckDB's own JSON reader, which loads rows far faster than appending them one
 * value at a time: validated rows are written to chunk files in a temporary folder, and each
 * full chunk is loaded into the staging table while the next one is being validated.
 */
async function beginDuckDbIngest(connection: DuckDBConnection): Promise<IngestSession> {
  await connection.run(`DROP TABLE IF EXISTS ${STAGING}`);
  await connection.run(`CREATE TABLE ${STAGING} (seq BIGINT, event_id VARCHAR, session_id VARCHAR, user_id VARCHAR, event_type VARCHAR,
    properties JSON, ts_ms DOUBLE, channel VARCHAR, variant VARCHAR)`);
  const dir = await mkdtemp(path.join(tmpdir(), 'convotest-ingest-'));
  let seq = 0;
  let chunkNo = 0;
  let chunk: ChunkFile | undefined;
  let loading: Promise<void> = Promise.resolve();
  const load = async (file: string) => {
    await connection.run(`INSERT INTO ${STAGING} SELECT q, e, s, u, y, p, t, c, v FROM read_ndjson('${file.replace(/'/g, "''")}', columns = ${STAGED_COLUMNS})`);
    await rm(file, { force: true });
  };
  const closeChunk = () => {
    if (!chunk) return;
    chunk.close();
    const file = chunk.path;
    chunk = undefined;
    // One chunk loads while the next is validated; a failed load surfaces where `loading` is awaited.
    loading = loading.then(() => load(file));
    loading.catch(() => undefined);
  };
  const cleanUp = async () => {
    chunk?.close();
    chunk = undefined;
    await loading.catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    await connection.run(`DROP TABLE IF EXISTS ${STAGING}`);
  };
  return {
    async append(rows: readonly ChatEventRow[]) {
      chunk ??= new ChunkFile(path.join(dir, `chunk-${chunkNo++}.jsonl`));
      for (const row of rows) chunk.add(stagedLine(seq++, row));
      if (chunk.rows >= CHUNK_ROWS) {
        await loading; // at most one chunk waits on disk while another loads
        closeChunk();
      }
    },
    async commit(): Promise<IngestCounts> {
      try {
        closeChunk();
        await loading;
      } catch (error) {
        await cleanUp();
        throw error;
      }
      await connection.run('BEGIN TRANSACTION');
      try {
        const inserted = await connection.run(`INSERT INTO chat_events
          SELECT event_id, session_id, user_id, event_type, properties, make_timestamp(CAST(ts_ms AS BIGINT) * 1000), channel, variant
          FROM ${STAGING} s
          WHERE seq IN (SELECT MIN(seq) FROM ${STAGING} GROUP BY event_id)
            AND NOT EXISTS (SELECT 1 FROM chat_events c WHERE c.event_id = s.event_id)`);
        await connection.run(`DROP TABLE ${STAGING}`);
        await connection.run('COMMIT');
        await rm(dir, { recursive: true, force: true });
        return { offered: seq, inserted: inserted.rowsChanged, duplicates: seq - inserted.rowsChanged };
      } catch (error) {
        await connection.run('ROLLBACK');
        await cleanUp();
        throw error;
      }
    },
    async abort() {
      await cleanUp();
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
