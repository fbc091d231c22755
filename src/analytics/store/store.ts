import type { ChatEventRow } from '../events.js';

/** The SQL dialects the analytics queries are written for (the same text runs on both). */
export type StoreKind = 'duckdb' | 'postgres';

/** A row of a query result: numbers as JS numbers (aggregates are cast to DOUBLE PRECISION). */
export type SqlRow = Record<string, string | number | boolean | null>;

/** A query parameter. */
export type SqlParam = string | number | null;

/** What one ingest wrote. */
export interface IngestCounts {
  /** Rows offered to the store (after validation). */
  offered: number;
  /** Rows newly written. */
  inserted: number;
  /** Rows skipped because their `event_id` was already stored or repeated in the input. */
  duplicates: number;
}

/**
 * An ingest in progress, in one transaction: rows are appended in batches, plain JSONL files may
 * be loaded by the store itself; `commit` makes the new events (de-duplicated by `event_id`, first
 * occurrence in input order wins, ids already stored are skipped) visible at once, `abort` drops
 * them. Until `commit`, `chat_events` is unchanged for every reader: an ingest is never half-written.
 */
export interface IngestSession {
  append(rows: readonly ChatEventRow[]): Promise<void>;
  /**
   * Optional (DuckDB): starts loading a JSONL events file with the store's own parser, in input
   * order after everything appended so far, while the caller validates the same file. The caller
   * then either accepts the load (every line was valid and plain, see ingest/plain.ts) or undoes it.
   */
  loadJsonl?(file: string): JsonlLoad;
  commit(): Promise<IngestCounts>;
  abort(): Promise<void>;
}

/** A file the store is loading itself (see {@link IngestSession.loadJsonl}). */
export interface JsonlLoad {
  /** Settles when the store has read the file: rejects when it could not (the caller then undoes and appends rows). */
  readonly loaded: Promise<void>;
  /**
   * Keeps the load: removes the rows of ids stored before or repeated in the file (all but the
   * first record of each), then counts the loaded rows as `valid` offered events, the new ones as
   * inserted. `repeated`: every id the file may repeat (a superset), or undefined to check them all.
   */
  accept(valid: number, repeated: readonly string[] | undefined): Promise<void>;
  /** Removes what the load wrote (after it settled, whatever the outcome). */
  undo(): Promise<void>;
}

/**
 * One SQL layer over the stores: the embedded DuckDB file and a shared PostgreSQL server.
 * KPI, funnel and A/B queries are portable SQL run through `all`; only bulk ingest differs
 * (DuckDB's appender, PostgreSQL's COPY).
 */
export interface AnalyticsStore {
  readonly kind: StoreKind;
  /** Where the data lives, for messages (a file path, or a URL without its password). */
  readonly location: string;
  /** Applies the migrations not yet applied; returns the names of those it applied. */
  migrate(): Promise<string[]>;
  /** Runs one statement with `$1`-style parameters and returns its rows. */
  all(sql: string, params?: ReadonlyArray<SqlParam>): Promise<SqlRow[]>;
  /** Runs statements that return nothing (DDL, temp tables). */
  exec(sql: string): Promise<void>;
  beginIngest(): Promise<IngestSession>;
  close(): Promise<void>;
}
