import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatEventSchema } from '../src/analytics/events.js';
import { ingestFiles } from '../src/analytics/ingest/ingest.js';
import { validateEvent } from '../src/analytics/ingest/read.js';
import { kpiReport } from '../src/analytics/kpi/report.js';
import type { AnalyticsStore } from '../src/analytics/store/store.js';
import { runCli } from './helpers/cli.js';
import { sharedDataPath } from './helpers/shared-data.js';
import { config, handEvents, NO_POSTGRES, POSTGRES_URL, tempDuckDb, tempPostgres, writeEvents } from './helpers/analytics.js';

const good = { event_id: 'e1', session_id: 's1', user_id: 'u1', channel: 'web', type: 'message_sent', timestamp: '2026-03-02T09:00:00Z' };
const tau = sharedDataPath('tau-bench-airline-dev/trajectories.json');
const taskmaster = sharedDataPath('taskmaster4-coffee-dev/dialogues_first125.json');

describe('chat event schema', () => {
  it.each([
    [{ ...good, type: 'page_view' }, 'type', 'unknown event type "page_view" (one of: session_started, session_ended, message_sent, message_received, tool_called, fallback_triggered, escalation_requested, conversion, feedback_submitted, flow_started, flow_completed, flow_abandoned)'],
    [{ ...good, timestamp: '2026-03-02 09:00' }, 'timestamp', 'Invalid ISO datetime'],
    [{ ...good, timestamp: '2026-03-02T09:00:00' }, 'timestamp', 'Invalid ISO datetime'],
    [{ ...good, session_id: undefined }, 'session_id', 'missing'],
    [{ ...good, type: 'feedback_submitted', properties: { csat: 6 } }, 'properties.csat', 'Too big: expected number to be <=5'],
    [{ ...good, type: 'feedback_submitted', properties: { comment: 'meh' } }, 'properties.csat', 'feedback needs csat or ces (or both)'],
    [{ ...good, type: 'tool_called', properties: {} }, 'properties.tool', 'missing'],
    [{ ...good, type: 'message_received', properties: { tokens_in: -1 } }, 'properties.tokens_in', 'Too small: expected number to be >=0'],
    [{ ...good, extra: 1 }, '', 'Unrecognized key: "extra"'],
  ])('rejects %j at %s', (raw, field, message) => {
    const item = validateEvent(raw, 'events.jsonl', 7);
    expect(item).toEqual({ problem: { file: 'events.jsonl', line: 7, ...(field ? { field } : {}), message } });
  });

  it('fills variant and properties, keeps unknown property keys', () => {
    expect(ChatEventSchema.parse({ ...good, properties: { intent: 'refund', custom: [1] } })).toEqual({ ...good, variant: 'default', properties: { intent: 'refund', custom: [1] } });
  });
});

describe('analytics ingest (DuckDB)', () => {
  let dir: string;
  let store: AnalyticsStore;
  beforeAll(async () => {
    ({ dir, store } = await tempDuckDb());
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  const count = async () => Number((await store.all('SELECT CAST(COUNT(*) AS DOUBLE PRECISION) AS n FROM chat_events'))[0]!['n']);

  it('refuses a file with bad lines as a whole: nothing is written', async () => {
    const bad = await writeEvents(dir, 'bad.jsonl', [good, '{"event_id": ', { ...good, event_id: 'e2', type: 'feedback_submitted', properties: { csat: 9 } }, { ...good, event_id: 'e3' }]);
    const report = await ingestFiles(store, [bad], { batchSize: 1 });
    expect(report.counts).toBeNull();
    expect(report.problemCount).toBe(2);
    expect(report.problems[0]).toMatchObject({ file: 'bad.jsonl', line: 2 });
    expect(report.problems[0]!.message).toMatch(/^invalid JSON/);
    expect(report.problems[1]).toEqual({ file: 'bad.jsonl', line: 3, field: 'properties.csat', message: 'Too big: expected number to be <=5' });
    expect(await count()).toBe(0);
  });

  it('skips bad lines with --invalid skip and writes the rest', async () => {
    const bad = await writeEvents(dir, 'bad2.jsonl', [good, { ...good, event_id: 'e2', type: 'nope' }, { ...good, event_id: 'e3' }]);
    const report = await ingestFiles(store, [bad], { invalid: 'skip', batchSize: 1 });
    expect(report.counts).toEqual({ offered: 2, inserted: 2, duplicates: 0 });
    expect(await count()).toBe(2);
  });

  it('de-duplicates by event_id, within a file and against the store', async () => {
    const again = await writeEvents(dir, 'again.jsonl', [good, { ...good, event_id: 'e4' }, { ...good, event_id: 'e4', channel: 'later copy' }]);
    const report = await ingestFiles(store, [again], { batchSize: 2 });
    expect(report.counts).toEqual({ offered: 3, inserted: 1, duplicates: 2 });
    const rows = await store.all("SELECT channel FROM chat_events WHERE event_id = 'e4'");
    expect(rows).toEqual([{ channel: 'web' }]); // the first occurrence wins
    expect(await count()).toBe(3);
  });

  it('reads CSV events: fixed columns, a properties JSON column and extra columns as properties', async () => {
    const csv = join(dir, 'events.csv');
    await writeFile(
      csv,
      [
        'event_id,session_id,user_id,channel,variant,timestamp,type,properties,csat',
        'c1,cs1,u9,voice,b,2026-03-02T10:00:00Z,session_started,"{""intent"":""refund""}",',
        'c2,cs1,u9,voice,b,2026-03-02T10:01:00+01:00,feedback_submitted,,5',
        'c3,cs1,u9,voice,b,2026-03-02T10:02:00Z,feedback_submitted,,x',
      ].join('\n'),
    );
    const report = await ingestFiles(store, [csv], { invalid: 'skip' });
    expect(report.problems).toEqual([{ file: 'events.csv', line: 4, field: 'properties.csat', message: 'Invalid input: expected number, received string' }]);
    expect(report.counts?.inserted).toBe(2);
    const rows = await store.all(`SELECT event_id, CAST(properties->>'csat' AS DOUBLE PRECISION) AS csat, CAST("timestamp" AS VARCHAR) AS ts FROM chat_events WHERE session_id = 'cs1' ORDER BY event_id`);
    expect(rows).toEqual([
      { event_id: 'c1', csat: null, ts: '2026-03-02 10:00:00' },
      { event_id: 'c2', csat: 5, ts: '2026-03-02 09:01:00' }, // stored as UTC
    ]);
  });

  it('streams a file larger than one batch', async () => {
    const many = Array.from({ length: 2500 }, (_, i) => ({ ...good, event_id: `m${i}`, session_id: `ms${i % 50}` }));
    const report = await ingestFiles(store, [await writeEvents(dir, 'many.jsonl', many)], { batchSize: 100 });
    expect(report.counts).toEqual({ offered: 2500, inserted: 2500, duplicates: 0 });
  });
});

describe('conversation logs become events', () => {
  it.skipIf(!existsSync(tau))('τ-bench airline trajectories: one session per trajectory, tool calls, escalations and outcomes from the reward', async () => {
    const { dir, store } = await tempDuckDb();
    try {
      const report = await ingestFiles(store, [tau], { read: { messagesField: 'traj', channel: 'web' } });
      expect(report.problemCount).toBe(0);
      const again = await ingestFiles(store, [tau], { read: { messagesField: 'traj', channel: 'web' } });
      expect(again.counts?.inserted).toBe(0); // derived event ids are stable
      const kpis = await kpiReport(store, config());
      const sessions = kpis.overall.aggregates.sessions;
      // Counted from the file itself: reward 1 = solved; a transfer_to_human_agents call = escalation.
      const records = JSON.parse(await readFile(tau, 'utf8')) as Array<{ reward: number; traj: Array<{ tool_calls?: Array<{ function: { name: string } }> }> }>;
      expect(sessions).toBe(records.length);
      expect(kpis.overall.aggregates.resolved).toBe(records.filter((r) => r.reward >= 1).length);
      expect(kpis.overall.aggregates.escalated).toBe(records.filter((r) => r.traj.some((m) => (m.tool_calls ?? []).some((c) => c.function.name === 'transfer_to_human_agents'))).length);
      const tools = await store.all("SELECT CAST(COUNT(*) AS DOUBLE PRECISION) AS n FROM chat_events WHERE event_type = 'tool_called'");
      expect(Number(tools[0]!['n'])).toBeGreaterThan(200);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
  it.skipIf(existsSync(tau))(`τ-bench test skipped: ${tau} is absent`, () => {});

  it.skipIf(!existsSync(taskmaster))('Taskmaster coffee dialogues: one session per dialogue, api calls as tool calls', async () => {
    const { dir, store } = await tempDuckDb();
    try {
      const report = await ingestFiles(store, [taskmaster]);
      expect(report.problemCount).toBe(0);
      const rows = await store.all(`SELECT CAST(COUNT(DISTINCT session_id) AS DOUBLE PRECISION) AS sessions,
        CAST(SUM(CASE WHEN event_type = 'message_sent' THEN 1 ELSE 0 END) AS DOUBLE PRECISION) AS user_messages,
        CAST(SUM(CASE WHEN event_type = 'tool_called' THEN 1 ELSE 0 END) AS DOUBLE PRECISION) AS tools,
        MIN(properties->>'intent') AS intent FROM chat_events`);
      expect(rows[0]).toMatchObject({ sessions: 125, intent: 'coffee' });
      expect(Number(rows[0]!['user_messages'])).toBeGreaterThan(125);
      expect(Number(rows[0]!['tools'])).toBeGreaterThan(0);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
  it.skipIf(existsSync(taskmaster))(`Taskmaster test skipped: ${taskmaster} is absent`, () => {});
});

describe('analytics ingest (PostgreSQL, COPY)', () => {
  it.skipIf(!POSTGRES_URL)('refuses bad input, de-duplicates and escapes text for COPY', async () => {
    const pg = await tempPostgres(POSTGRES_URL!);
    const dir = await mkdtemp(join(tmpdir(), 'convotest-pg-ingest-'));
    try {
      const bad = await writeEvents(dir, 'bad.jsonl', [good, { ...good, event_id: 'x', user_id: '' }]);
      const refused = await ingestFiles(pg.store, [bad]);
      expect(refused.counts).toBeNull();
      expect(refused.problems).toEqual([{ file: 'bad.jsonl', line: 2, field: 'user_id', message: 'Too small: expected string to have >=1 characters' }]);
      const tricky = { ...good, event_id: 'tab\there', channel: 'back\\slash\nnew line', properties: { text: 'a\tb\\c\r\n"q"' } };
      const file = await writeEvents(dir, 'ok.jsonl', [...handEvents(), tricky, tricky]);
      const report = await ingestFiles(pg.store, [file], { batchSize: 3 });
      expect(report.counts).toEqual({ offered: handEvents().length + 2, inserted: handEvents().length + 1, duplicates: 1 });
      const rows = await pg.store.all(`SELECT channel, properties->>'text' AS text FROM chat_events WHERE event_id = $1`, ['tab\there']);
      expect(rows).toEqual([{ channel: 'back\\slash\nnew line', text: 'a\tb\\c\r\n"q"' }]);
    } finally {
      await pg.drop();
      await rm(dir, { recursive: true, force: true });
    }
  });
  it.skipIf(POSTGRES_URL)(`PostgreSQL ingest skipped: ${NO_POSTGRES}`, () => {});
});

describe('convotest analytics ingest (CLI)', () => {
  it('reports bad lines as file:line field and exits 2 without writing; then skips them and exits 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convotest-cli-ingest-'));
    try {
      const file = await writeEvents(dir, 'events.jsonl', [good, { ...good, event_id: 'e2', channel: '' }, { ...good, event_id: 'e3' }]);
      const store = join(dir, 'a.duckdb');
      const refused = await runCli(['analytics', 'ingest', file, '--store', store], { cleanEnv: true });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toBe('events.jsonl:2  channel  Too small: expected string to have >=1 characters\nrefused: 1 bad line(s); nothing was written (use --invalid skip to leave them out)\n');
      const skipped = await runCli(['analytics', 'ingest', file, '--store', store, '--invalid', 'skip'], { cleanEnv: true });
      expect(skipped.code).toBe(0);
      expect(skipped.stdout).toBe(`ingested 2 new events into duckdb ${store} (0 duplicates, 1 bad line(s) skipped)\n`);
      const missing = await runCli(['analytics', 'ingest', join(dir, 'nope.jsonl'), '--store', store], { cleanEnv: true });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toBe(`convotest: ${join(dir, 'nope.jsonl')}  no such file\n`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
