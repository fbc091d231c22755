import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalyticsConfigSchema, type AnalyticsConfig } from '../../src/analytics/config.js';
import type { ChatEventInput } from '../../src/analytics/events.js';
import { openStore } from '../../src/analytics/store/open.js';
import type { AnalyticsStore } from '../../src/analytics/store/store.js';

/** The PostgreSQL the tests may use (started by .ci/run); tests needing it skip without it. */
export const POSTGRES_URL = process.env.CONVOTEST_TEST_POSTGRES_URL;
export const NO_POSTGRES = 'CONVOTEST_TEST_POSTGRES_URL is not set (.ci/run starts a PostgreSQL and sets it)';

/** A fresh DuckDB file store in a temp folder. */
export async function tempDuckDb(): Promise<{ store: AnalyticsStore; dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'convotest-analytics-'));
  const file = join(dir, 'events.duckdb');
  return { store: await openStore(file), dir, file };
}

/** A PostgreSQL store in a fresh schema of its own (dropped by `drop`), so tests never share tables. */
export async function tempPostgres(url: string): Promise<{ store: AnalyticsStore; drop(): Promise<void> }> {
  const schema = `t_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  const admin = await openStore(url);
  await admin.exec(`CREATE SCHEMA ${schema}`);
  await admin.close();
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  const store = await openStore(u.toString());
  return {
    store,
    async drop() {
      await store.close();
      const again = await openStore(url);
      await again.exec(`DROP SCHEMA ${schema} CASCADE`);
      await again.close();
    },
  };
}

/** Writes events as JSONL into `dir` and returns the path. */
export async function writeEvents(dir: string, name: string, events: readonly unknown[]): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, events.map((e) => `${typeof e === 'string' ? e : JSON.stringify(e)}\n`).join(''), 'utf8');
  return file;
}

export const config = (input: Record<string, unknown> = {}): AnalyticsConfig => AnalyticsConfigSchema.parse(input);

/**
 * Four hand-made sessions whose KPIs are worked out by hand in test/analytics-kpis.test.ts.
 * t0 = 2026-03-02 09:00 UTC (a Monday).
 */
export function handEvents(): ChatEventInput[] {
  const t0 = Date.parse('2026-03-02T09:00:00Z');
  const events: ChatEventInput[] = [];
  const session = (id: string, user: string, channel: string, variant: string, startMs: number, steps: Array<[number, ChatEventInput['type'], Record<string, unknown>]>) => {
    steps.forEach(([offsetS, type, properties], i) => {
      events.push({ event_id: `${id}-${i}`, session_id: id, user_id: user, channel, variant, type, timestamp: new Date(startMs + offsetS * 1000).toISOString(), properties } as ChatEventInput);
    });
  };
  session('s1', 'u1', 'web', 'control', t0, [
    [0, 'session_started', { intent: 'refund', language: 'en' }],
    [1, 'message_sent', {}],
    [3, 'message_received', { tokens_in: 100, tokens_out: 50, cost_usd: 0.01 }],
    [50, 'feedback_submitted', { csat: 5, ces: 4 }],
    [60, 'session_ended', { outcome: 'resolved' }],
  ]);
  session('s2', 'u2', 'web', 'treatment', t0 + 3_600_000, [
    [0, 'session_started', { intent: 'billing', language: 'es' }],
    [0, 'message_sent', {}],
    [1, 'fallback_triggered', {}],
    [4, 'message_received', { tokens_in: 200, tokens_out: 100, cost_usd: 0.02 }],
    [30, 'message_sent', {}],
    [35, 'message_received', { tokens_in: 300, tokens_out: 100, cost_usd: 0.03 }],
    [40, 'escalation_requested', { by: 'user' }],
    [100, 'feedback_submitted', { csat: 2, ces: 2 }],
    [120, 'session_ended', { outcome: 'escalated' }],
  ]);
  // u1 comes back on the same intent two days later: s1 is resolved but not at first contact.
  session('s3', 'u1', 'mobile', 'control', t0 + 2 * 86_400_000, [
    [0, 'session_started', { intent: 'refund', language: 'en' }],
    [0, 'message_received', { tokens_in: 20, tokens_out: 10, cost_usd: 0.001 }],
    [10, 'message_sent', {}],
    [11, 'message_received', { tokens_in: 100, tokens_out: 50, cost_usd: 0.009 }],
    [20, 'conversion', { goal: 'lead', value: 50 }],
    [30, 'session_ended', { outcome: 'resolved' }],
  ]);
  // Eight days later: a second week for the trend.
  session('s4', 'u3', 'mobile', 'treatment', t0 + 8 * 86_400_000, [
    [0, 'session_started', { intent: 'purchase', language: 'en' }],
    [0, 'message_sent', {}],
    [3, 'message_received', { tokens_in: 150, tokens_out: 50, cost_usd: 0.02 }],
    [5, 'flow_started', { flow: 'checkout' }],
    [65, 'flow_completed', { flow: 'checkout' }],
    [66, 'conversion', { goal: 'purchase', value: 30 }],
    [70, 'feedback_submitted', { csat: 4 }],
    [80, 'session_ended', { outcome: 'resolved' }],
  ]);
  return events;
}
