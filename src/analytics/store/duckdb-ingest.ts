import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ChatEventRow } from '../events.js';
import type { IngestCounts, IngestSession, JsonlLoad } from './store.js';
import { TYPED_COLUMN_NAMES, TYPED_COLUMNS, typedValues } from './typed-columns.js';

const STAGING = 'chat_events_incoming';

/** Rows per chunk file handed to DuckDB's JSON reader (~250 MB of text). */
const CHUNK_ROWS = 1_000_000;

/** One staged row as a JSON line DuckDB reads back: its columns under short keys, `p` raw JSON. */
function stagedLine(seq: number, r: ChatEventRow): string {
  return `{"q":${seq},"t":${r.timestamp_ms},"e":${JSON.stringify(r.event_id)},"s":${JSON.stringify(r.session_id)},"u":${JSON.stringify(r.user_id)},"y":"${r.event_type}","c":${JSON.stringify(r.channel)},"v":${JSON.stringify(r.variant)},"p":${r.properties}}\n`;
}

const STAGED_COLUMNS = "{q: 'BIGINT', t: 'DOUBLE', e: 'VARCHAR', s: 'VARCHAR', u: 'VARCHAR', y: 'VARCHAR', c: 'VARCHAR', v: 'VARCHAR', p: 'JSON'}";

/** The columns of a chat event line, read by DuckDB's JSON reader from the input file itself. */
const EVENT_COLUMNS = "{event_id: 'VARCHAR', session_id: 'VARCHAR', user_id: 'VARCHAR', channel: 'VARCHAR', variant: 'VARCHAR', type: 'VARCHAR', timestamp: 'VARCHAR', properties: 'JSON'}";

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * The rows of an input JSONL file of chat events as DuckDB's JSON reader sees them, with
 * `ordinality` = the record's number when asked for; the defaults the schema fills, the time as
 * UTC. Never fails on content (a malformed line is a row of NULLs, a bad time NULL), so a file
 * with bad lines cannot abort the transaction: only files the caller found valid and plain are accepted.
 */
const readEvents = (file: string, ordinality = false) => `(SELECT event_id, session_id, user_id, type AS event_type, COALESCE(properties, '{}') AS properties,
    make_timestamp(epoch_us(TRY_CAST("timestamp" AS TIMESTAMPTZ))) AS ts, channel, COALESCE(variant, 'default') AS variant${ordinality ? ', ordinality' : ''},
    ${TYPED_LIST.replace('(properties,', "(COALESCE(properties, '{}'),")}
  FROM read_ndjson(${quote(file)}, columns = ${EVENT_COLUMNS}, compression = 'uncompressed', ignore_errors = true, maximum_object_size = 16777216)${ordinality ? ' WITH ORDINALITY' : ''})`;

/** The columns every insert names (the typed ones after the stored ones). */
const INSERT_COLUMNS = `chat_events (event_id, session_id, user_id, event_type, properties, "timestamp", channel, variant, ${TYPED_COLUMN_NAMES})`;

/** The typed properties of a row as a list, its `properties` JSON parsed once (one list of paths). */
const TYPED_LIST = `json_extract_string(properties, [${TYPED_COLUMNS.map((c) => `'$.${c.key}'`).join(', ')}]) AS typed`;

/** The typed columns from `typed` ({@link TYPED_LIST}) and `event_type`. */
const TYPED_FROM_LIST = typedValues((key) => `typed[${TYPED_COLUMNS.findIndex((c) => c.key === key) + 1}]`, 'event_type', 'TRY_CAST').join(', ');

const EVENT_ROW = `event_id, session_id, user_id, event_type, properties, ts, channel, variant, ${TYPED_FROM_LIST}`;
const COMPLETE = 'event_id IS NOT NULL AND session_id IS NOT NULL AND user_id IS NOT NULL AND event_type IS NOT NULL AND ts IS NOT NULL AND channel IS NOT NULL';

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
 * Ingest in one transaction. Plain JSONL files are read by DuckDB itself (multi-threaded C++,
 * no row built in JS) straight into `chat_events` while the caller validates them; other input
 * arrives as rows, written to chunk files that DuckDB's JSON reader loads into a staging table
 * (far faster than appending values one at a time), one chunk loading while the next is
 * validated, then moved into `chat_events` before the next file the store reads itself. All
 * DuckDB work runs in one queue, so rows land in input order.
 *
 * De-duplication without an index on `event_id` (one over millions of keys costs more memory than
 * ingest may use); within the input the first occurrence (staged `seq`, the file's record number)
 * wins. Staged rows: an anti-join against the stored events as they move. A file DuckDB reads
 * itself goes in whole, then an aggregate over its new rows and a semi-join against the rows
 * stored before find repeated ids, whose rows are replaced by the first record of each.
 * A crash at any point leaves the committed events as they were (the transaction never
 * committed; test/analytics-ingest-crash.test.ts kills an ingest mid-load).
 */
export async function beginDuckDbIngest(connection: DuckDBConnection, settings: { threads: number; memoryLimit: string }): Promise<IngestSession> {
  const dir = await mkdtemp(path.join(tmpdir(), 'convotest-ingest-'));
  // One DuckDB thread while ingesting: this process validates (or builds rows) on the other core.
  // (10 M events load within the limits below with one thread; two were not measured apart.)
  await connection.run('SET threads = 1');
  // Less memory than the queries get: the insert streams, and Node's own heap shares the 500 MB budget.
  await connection.run("SET memory_limit = '192MB'");
  await connection.run('BEGIN TRANSACTION');
  let queue: Promise<unknown> = Promise.resolve();
  /** Runs `work` after all work queued before it; a failure surfaces to the caller of `enqueue` and at commit. */
  let failure: unknown;
  const enqueue = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work);
    queue = next.catch((error: unknown) => {
      failure ??= error;
    });
    return next;
  };
  let seq = 0;
  let offered = 0;
  let inserted = 0;
  let chunkNo = 0;
  let chunk: ChunkFile | undefined;
  let staged = false; // the staging table holds rows not yet moved into chat_events
  let loading: Promise<void> = Promise.resolve();

  const loadChunk = async (file: string) => {
    if (!staged) {
      await connection.run(`CREATE OR REPLACE TEMPORARY TABLE ${STAGING} (seq BIGINT, event_id VARCHAR, session_id VARCHAR, user_id VARCHAR, event_type VARCHAR,
        properties JSON, ts_ms DOUBLE, channel VARCHAR, variant VARCHAR)`);
      staged = true;
    }
    await connection.run(`INSERT INTO ${STAGING} SELECT q, e, s, u, y, p, t, c, v FROM read_ndjson(${quote(file)}, columns = ${STAGED_COLUMNS})`);
    await rm(file, { force: true });
  };
  const closeChunk = () => {
    if (!chunk) return;
    chunk.close();
    const file = chunk.path;
    chunk = undefined;
    loading = enqueue(() => loadChunk(file));
    loading.catch(() => undefined); // surfaces through `failure`
  };
  /** Moves the staged rows into chat_events (queued after the chunks). */
  const moveStaged = () => {
    closeChunk();
    return enqueue(async () => {
      if (!staged) return;
      const result = await connection.run(`INSERT INTO ${INSERT_COLUMNS}
        SELECT event_id, session_id, user_id, event_type, properties, make_timestamp(CAST(ts_ms AS BIGINT) * 1000), channel, variant, ${TYPED_FROM_LIST}
        FROM (SELECT *, ${TYPED_LIST} FROM ${STAGING}) s
        WHERE seq IN (SELECT MIN(seq) FROM ${STAGING} GROUP BY event_id)
          AND NOT EXISTS (SELECT 1 FROM chat_events c WHERE c.event_id = s.event_id)`);
      inserted += result.rowsChanged;
      await connection.run(`DROP TABLE ${STAGING}`);
      staged = false;
    });
  };
  const lastRowId = async () => {
    const reader = await connection.runAndReadAll('SELECT CAST(COALESCE(MAX(rowid), -1) AS VARCHAR) AS id FROM chat_events');
    return String(reader.getRows()[0]![0]);
  };
  const cleanUp = async () => {
    chunk?.close();
    chunk = undefined;
    await queue;
    await rm(dir, { recursive: true, force: true });
  };
  /** The store's own settings, after the transaction ended. */
  const restoreThreads = async () => {
    await connection.run(`SET threads = ${settings.threads}`);
    await connection.run(`SET memory_limit = ${quote(settings.memoryLimit)}`);
  };

  return {
    async append(rows: readonly ChatEventRow[]) {
      chunk ??= new ChunkFile(path.join(dir, `chunk-${chunkNo++}.jsonl`));
      for (const row of rows) chunk.add(stagedLine(seq++, row));
      offered += rows.length;
      if (chunk.rows >= CHUNK_ROWS) {
        await loading; // at most one chunk waits on disk while another loads
        closeChunk();
      }
    },
    loadJsonl(file: string): JsonlLoad {
      void moveStaged().catch(() => undefined);
      let mark: string | undefined; // chat_events rows after this rowid are this file's (rows appended in a transaction get increasing ids)
      let rows = 0;
      const loaded = enqueue(async () => {
        mark = await lastRowId();
        // The file goes in as it is; duplicates are removed on accept. De-duplicating inside this
        // insert (an anti-join against chat_events, record numbers to keep the first of repeated
        // ids) ran out of DuckDB's memory limit at 10 M events; the plain insert streams.
        const result = await connection.run(`INSERT INTO ${INSERT_COLUMNS} SELECT ${EVENT_ROW} FROM ${readEvents(file)} s WHERE ${COMPLETE}`);
        rows = result.rowsChanged;
      });
      const settled = loaded.catch(() => undefined);
      /** Replaces the new rows of ids repeated in the file or stored before by the first record of each id not stored before. */
      const deduplicate = async (after: string, candidates: readonly string[] | undefined) => {
        // Repeated in the file: only the caller's candidates are grouped (grouping all 10 M ids went
        // past the memory limit). Stored before: a semi-join, when anything was stored before.
        let inFile = `SELECT event_id FROM chat_events WHERE rowid > ${after} GROUP BY event_id HAVING COUNT(*) > 1`;
        if (candidates) {
          await connection.run('CREATE OR REPLACE TEMPORARY TABLE chat_events_candidates (event_id VARCHAR)');
          for (let i = 0; i < candidates.length; i += 1000) {
            await connection.run(`INSERT INTO chat_events_candidates VALUES ${candidates.slice(i, i + 1000).map((id) => `(${quote(id)})`).join(', ')}`);
          }
          inFile = `SELECT event_id FROM chat_events WHERE rowid > ${after} AND event_id IN (SELECT event_id FROM chat_events_candidates) GROUP BY event_id HAVING COUNT(*) > 1`;
        }
        const before = `SELECT event_id FROM chat_events WHERE rowid > ${after} AND event_id IN (SELECT event_id FROM chat_events WHERE rowid <= ${after})`;
        const any = async (sql: string) => (await connection.runAndReadAll(`${sql} LIMIT 1`)).currentRowCount > 0;
        const repeatedInFile = candidates?.length !== 0 && (await any(inFile));
        const repeatedBefore = after !== '-1' && (await any(before));
        if (repeatedInFile || repeatedBefore) {
          await connection.run(`CREATE OR REPLACE TEMPORARY TABLE chat_events_repeated AS SELECT event_id, bool_or(stored) AS stored
            FROM (SELECT event_id, false AS stored FROM (${inFile})${repeatedBefore ? ` UNION ALL SELECT event_id, true FROM (${before})` : ''}) GROUP BY event_id`);
          const removed = await connection.run(`DELETE FROM chat_events WHERE rowid > ${after} AND event_id IN (SELECT event_id FROM chat_events_repeated)`);
          const firsts = await connection.run(`INSERT INTO ${INSERT_COLUMNS} SELECT ${EVENT_ROW} FROM ${readEvents(file, true)} s
            WHERE ${COMPLETE} AND event_id IN (SELECT event_id FROM chat_events_repeated WHERE NOT stored)
            QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY ordinality) = 1`);
          await connection.run('DROP TABLE chat_events_repeated');
          rows += firsts.rowsChanged - removed.rowsChanged;
        }
        if (candidates) await connection.run('DROP TABLE chat_events_candidates');
      };
      return {
        loaded,
        async accept(valid: number, candidates: readonly string[] | undefined) {
          await settled;
          const after = mark;
          if (after === undefined) throw new Error(`cannot accept the load of ${file}: it did not start`);
          await enqueue(() => deduplicate(after, candidates));
          offered += valid;
          inserted += rows;
        },
        async undo() {
          await settled;
          const after = mark;
          if (after === undefined) throw new Error(`cannot undo the load of ${file}: it did not start`);
          await enqueue(() => connection.run(`DELETE FROM chat_events WHERE rowid > ${after}`));
        },
      };
    },
    async commit(): Promise<IngestCounts> {
      try {
        await moveStaged();
        await queue;
        if (failure) throw failure;
        await connection.run('COMMIT');
      } catch (error) {
        await connection.run('ROLLBACK').catch(() => undefined);
        await cleanUp();
        await restoreThreads();
        throw error;
      }
      await cleanUp();
      await restoreThreads();
      return { offered, inserted, duplicates: offered - inserted };
    },
    async abort() {
      await cleanUp();
      await connection.run('ROLLBACK').catch(() => undefined);
      await restoreThreads();
    },
  };
}
