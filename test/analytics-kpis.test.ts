import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEventInput } from '../src/analytics/events.js';
import { ingestFiles } from '../src/analytics/ingest/ingest.js';
import { computeKpis } from '../src/analytics/kpi/compute.js';
import { kpiReport, type KpiReport } from '../src/analytics/kpi/report.js';
import { runFunnel } from '../src/analytics/funnel.js';
import { analyticsSnapshot } from '../src/analytics/snapshot.js';
import type { AnalyticsStore } from '../src/analytics/store/store.js';
import { TYPED_COLUMNS } from '../src/analytics/store/typed-columns.js';
import { syntheticTraffic } from '../src/analytics/synthetic.js';
import { wilson } from '../src/core/stats/wilson.js';
import { config, handEvents, NO_POSTGRES, POSTGRES_URL, tempDuckDb, tempPostgres, writeEvents } from './helpers/analytics.js';

const cfg = config({
  knownIntents: ['refund', 'billing'],
  funnels: [
    {
      name: 'checkout',
      steps: [
        { name: 'asked', event: 'message_sent' },
        { name: 'started', event: 'flow_started', where: { flow: 'checkout' } },
        { name: 'converted', event: 'conversion' },
      ],
    },
  ],
  experiment: { name: 'x', variants: { control: 1, treatment: 1 }, plannedSessionsPerVariant: 2 },
});

const value = (report: KpiReport, id: string) => report.overall.kpis.find((k) => k.id === id)!;

/** Every KPI of the four hand-made sessions, worked out by hand (see test/helpers/analytics.ts). */
function expectHandKpis(report: KpiReport) {
  expect(report.overall.aggregates.sessions).toBe(4);
  expect(value(report, 'resolution').value).toBe(3 / 4); // s1, s3, s4
  expect(value(report, 'fcr').value).toBe(2 / 4); // s1 is followed by s3 (same user, same intent, 2 days)
  expect(value(report, 'deflection').value).toBe(3 / 4); // resolved without escalation
  expect(value(report, 'escalation').value).toBe(1 / 4); // s2
  expect(value(report, 'fallback').value).toBe(1 / 5); // 1 fallback over 5 user messages
  expect(value(report, 'conversion').value).toBe(2 / 4); // s3, s4
  expect(value(report, 'revenue_per_chat').value).toBe(80 / 4);
  expect(value(report, 'csat').value).toBeCloseTo(2 / 3, 12); // ratings 5, 2, 4
  expect(value(report, 'ces').value).toBe(3); // ratings 4, 2
  expect(value(report, 'handle_time').value).toBe((60 + 120 + 30 + 80) / 4);
  // s1 2 s; s2 4 s; s3: the greeting before the user's message does not count, 1 s; s4 3 s.
  expect(value(report, 'first_response_time').value).toBe((2 + 4 + 1 + 3) / 4);
  expect(value(report, 'tokens_per_conversation').value).toBe((150 + 300 + 400 + 30 + 150 + 200) / 4);
  expect(value(report, 'cost_per_conversation').value).toBeCloseTo(0.09 / 4, 12);
  expect(value(report, 'cost_per_resolved').value).toBeCloseTo(0.09 / 3, 12); // all cost ÷ resolved sessions
  // Rates carry Wilson intervals; targets come from the defaults.
  expect(value(report, 'resolution')).toMatchObject(wilson(3, 4));
  expect(value(report, 'escalation')).toMatchObject({ target: { max: 0.2 }, status: 'missed' });
  expect(value(report, 'deflection')).toMatchObject({ target: { min: 0.5, max: 0.6 }, status: 'missed' });
  expect(value(report, 'conversion').status).toBe('met');
  // Slices and the trend.
  expect(report.slices.channel.map((s) => [s.slice, s.aggregates.sessions])).toEqual([['mobile', 2], ['web', 2]]);
  expect(report.slices.intent.map((s) => s.slice)).toEqual(['billing', 'purchase', 'refund']);
  expect(report.slices.language.map((s) => [s.slice, s.aggregates.sessions])).toEqual([['en', 3], ['es', 1]]);
  expect(report.slices.day.map((s) => s.slice)).toEqual(['2026-03-02', '2026-03-04', '2026-03-10']);
  expect(report.slices.week.map((s) => [s.slice, s.aggregates.sessions])).toEqual([['2026-03-02', 3], ['2026-03-09', 1]]);
  expect(report.unseenIntents).toEqual([{ intent: 'purchase', sessions: 1, share: 0.25 }]);
}

describe.each([
  ['DuckDB', async () => tempDuckDb().then((t) => ({ store: t.store, drop: () => rm(t.dir, { recursive: true, force: true }) }))],
  ['PostgreSQL', async () => tempPostgres(POSTGRES_URL!)],
])('KPIs on hand-computed data (%s)', (name, open) => {
  let store: AnalyticsStore;
  let drop: () => Promise<void>;
  const skip = name === 'PostgreSQL' && !POSTGRES_URL;
  beforeAll(async () => {
    if (skip) return;
    ({ store, drop } = await open());
    const dir = (await tempDuckDb().then(async (t) => (await t.store.close(), t.dir)));
    await ingestFiles(store, [await writeEvents(dir, 'hand.jsonl', handEvents())]);
  });
  afterAll(async () => {
    if (!skip) await drop();
  });

  it.skipIf(skip)('computes every KPI as defined', async () => {
    expectHandKpis(await kpiReport(store, cfg));
  });

  it.skipIf(skip)('runs the ordered funnel per variant', async () => {
    await kpiReport(store, cfg);
    const f = await runFunnel(store, cfg.funnels[0]!);
    const all = f.byVariant.find((v) => v.variant === 'all')!;
    expect(all.steps.map((s) => s.sessions)).toEqual([4, 1, 1]);
    expect(all.steps[1]).toMatchObject({ conversion: 0.25, dropOff: 0.75, meanSecondsFromPrevious: 5 });
    // s3's conversion is not counted: it never started the checkout flow.
    expect(all.steps[2]).toMatchObject({ conversion: 0.25, dropOff: 0, meanSecondsFromPrevious: 61 });
    expect(f.byVariant.find((v) => v.variant === 'control')!.steps.map((s) => s.sessions)).toEqual([2, 0, 0]);
    expect(f.byVariant.find((v) => v.variant === 'treatment')!.steps.map((s) => s.sessions)).toEqual([2, 1, 1]);
  });

  it.skipIf(skip)('applies migrations once', async () => {
    expect(await store.migrate()).toEqual([]);
    const rows = await store.all('SELECT version, name FROM convotest_migrations ORDER BY version');
    expect(rows).toEqual([{ version: 1, name: 'create chat_events' }, { version: 2, name: 'create chat_grades' }, { version: 3, name: 'typed property columns' }]);
  });

  it.skipIf(skip)('fills the typed property columns of events stored before migration 3', async () => {
    // Back to the schema of version 2 (events, no typed columns), then migrate again.
    for (const { column } of TYPED_COLUMNS) await store.exec(`ALTER TABLE chat_events DROP COLUMN ${column}`);
    await store.exec('DELETE FROM convotest_migrations WHERE version = 3');
    await expect(kpiReport(store, cfg)).rejects.toThrow(/intent/);
    expect(await store.migrate()).toEqual(['3 typed property columns']);
    expectHandKpis(await kpiReport(store, cfg));
  });
});

/**
 * Edge cases of the session facts: a typed property on an event type whose schema does not type it
 * counts nowhere (the KPI queries read the typed columns without testing the event type), and the
 * first response is the first reply at or after the first user message, or none.
 */
function edgeEvents(): ChatEventInput[] {
  const t0 = Date.parse('2026-04-06T10:00:00Z');
  const events: ChatEventInput[] = [];
  const session = (id: string, startMs: number, steps: Array<[number, ChatEventInput['type'], Record<string, unknown>]>) =>
    steps.forEach(([offsetS, type, properties], i) =>
      events.push({ event_id: `${id}-${i}`, session_id: id, user_id: `u-${id}`, channel: 'web', variant: 'control', type, timestamp: new Date(startMs + offsetS * 1000).toISOString(), properties } as ChatEventInput),
    );
  // Keys typed on other events, here free: none of them is a rating, a cost, revenue or an outcome.
  const stray = { csat: 5, ces: 1, tokens_in: 1000, tokens_out: 1000, cost_usd: 5, value: 99, outcome: 'resolved' };
  session('x1', t0, [
    [0, 'session_started', { intent: 'refund', ...stray }],
    [0, 'message_sent', stray],
    [1, 'tool_called', { tool: 'lookup', ...stray }],
    [2, 'message_received', { tokens_in: 10, tokens_out: 5, cost_usd: 0.5 }],
    [10, 'session_ended', { outcome: 'unresolved', csat: 4 }],
  ]);
  // A greeting and no user message: no first response.
  session('x2', t0 + 60_000, [
    [0, 'message_received', { tokens_in: 1, tokens_out: 1 }],
    [5, 'session_ended', { outcome: 'resolved' }],
  ]);
  // A greeting, then a user message nobody answers: no first response.
  session('x3', t0 + 120_000, [
    [0, 'message_received', {}],
    [5, 'message_sent', {}],
    [10, 'session_ended', { outcome: 'abandoned' }],
  ]);
  // Two user messages before the first reply: timed from the first (4 s).
  session('x4', t0 + 180_000, [
    [0, 'message_sent', {}],
    [1, 'message_sent', {}],
    [4, 'message_received', {}],
    [6, 'message_received', {}],
    [7, 'conversion', { goal: 'lead' }],
  ]);
  return events;
}

describe.each([
  ['DuckDB', async () => tempDuckDb().then((t) => ({ store: t.store, dir: t.dir, drop: () => t.store.close() }))],
  ['PostgreSQL', async () => tempPostgres(POSTGRES_URL!).then(async (p) => ({ ...p, dir: await mkdtemp(join(tmpdir(), 'convotest-kpi-')) }))],
])('session facts edge cases (%s)', (name, open) => {
  const skip = name === 'PostgreSQL' && !POSTGRES_URL;
  it.skipIf(skip)('reads typed properties only on the event type that types them, and times the first response from the first user message', async () => {
    const { store, dir, drop } = await open();
    try {
      await ingestFiles(store, [await writeEvents(dir, 'edge.jsonl', edgeEvents())]);
      const report = await kpiReport(store, cfg);
      const a = report.overall.aggregates;
      expect(a).toMatchObject({ sessions: 4, resolved: 1, csat_n: 0, ces_n: 0, tokens: 17, revenue_sessions: 0, revenue: 0, converted: 1, user_messages: 4 });
      expect(a.cost).toBeCloseTo(0.5, 12);
      expect(value(report, 'revenue_per_chat').value).toBeNull();
      expect(value(report, 'first_response_time')).toMatchObject({ value: 3, n: 2 }); // x1 2 s, x4 4 s
      expect(report.slices.intent.map((s) => [s.slice, s.aggregates.sessions])).toEqual([['(none)', 3], ['refund', 1]]);
    } finally {
      await drop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('both stores give the same results', () => {
  it.skipIf(!POSTGRES_URL)('on 3,000 synthetic sessions: KPIs per slice, funnels and the A/B test are equal', async () => {
    const duck = await tempDuckDb();
    const pg = await tempPostgres(POSTGRES_URL!);
    try {
      const file = await writeEvents(duck.dir, 'traffic.jsonl', [...syntheticTraffic({ seed: 7, sessions: 3000, days: 30 })]);
      const a = await ingestFiles(duck.store, [file]);
      const b = await ingestFiles(pg.store, [file]);
      expect(a.counts).toEqual(b.counts);
      const c = config({ ...cfg, knownIntents: ['refund'], experiment: { name: 'p', variants: { control: 1, treatment: 1 } } });
      const x = await analyticsSnapshot(duck.store, c);
      const y = await analyticsSnapshot(pg.store, c);
      expect(x.kpis.overall.aggregates.sessions).toBe(3000);
      // Sums of floating-point costs may differ in the last bits between engines.
      expect(mismatches(x, y, 'snapshot').filter((m) => !m.startsWith('snapshot.store'))).toEqual([]);
    } finally {
      await duck.store.close();
      await rm(duck.dir, { recursive: true, force: true });
      await pg.drop();
    }
  }, 240_000);
  it.skipIf(POSTGRES_URL)(`PostgreSQL comparison skipped: ${NO_POSTGRES}`, () => {});
});

describe('computeKpis', () => {
  it('leaves KPIs without data empty rather than zero, and gives no status', () => {
    const zero = Object.fromEntries(['sessions', 'resolved', 'fcr', 'deflected', 'escalated', 'fallbacks', 'user_messages', 'converted', 'revenue', 'revenue_sessions', 'tokens', 'cost', 'csat_n', 'csat_good', 'ces_n', 'ces_sum', 'ces_sq', 'handle_n', 'handle_sum', 'handle_sq', 'frt_n', 'frt_sum', 'frt_sq'].map((k) => [k, 0]));
    const kpis = computeKpis(zero as never, { csat: { min: 0.8 } });
    expect(kpis.every((k) => k.value === null && k.status === null)).toBe(true);
    expect(kpis.find((k) => k.id === 'csat')!.target).toEqual({ min: 0.8 });
  });
});

/** Paths where two values differ (numbers beyond a relative 1e-9). */
function mismatches(a: unknown, b: unknown, path: string): string[] {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)) ? [] : [`${path}: ${a} ≠ ${b}`];
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => mismatches((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`));
  }
  return Object.is(a, b) ? [] : [`${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`];
}
