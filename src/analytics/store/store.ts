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
 * An ingest in progress: rows go to a staging table in batches; `commit` moves the new ones
 * (de-duplicated by `event_id`, first occurrence wins) into `chat_events` in one transaction,
 * `abort` drops them. Until `commit`, `chat_events` is untouched: an ingest is never half-written.
 */
export interface IngestSession {
  append(rows: readonly ChatEventRow[]): Promise<void>;
  commit(): Promise<IngestCounts>;
  abort(): Promise<void>;
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
