import type { AnalyticsConfig } from '../config.js';
import { targetsOf } from '../config.js';
import type { AnalyticsStore, SqlRow } from '../store/store.js';
import { computeKpis, type KpiValue, resolveTargets, unseenIntents } from './compute.js';
import { AGGREGATE_COLUMNS, type Aggregates, aggregatesSql, DIMENSIONS, type Dimension, sessionFactsSql } from './sql.js';

/** The KPIs of one slice (one channel, one day, …). */
export interface SliceKpis {
  slice: string;
  aggregates: Aggregates;
  kpis: KpiValue[];
}

/** Everything the KPI queries return: overall, per dimension, the trend and unseen intents. */
export interface KpiReport {
  overall: SliceKpis;
  slices: Record<Dimension, SliceKpis[]>;
  /** The trend's period: weeks when the data spans at least 3 of them, else days. */
  trend: { granularity: 'day' | 'week'; points: SliceKpis[] };
  unseenIntents: ReturnType<typeof unseenIntents>;
  knownIntents: number;
}

/** Builds `kpi_sessions` in the store (call before {@link sliceAggregates} and the funnel/A/B queries). */
export async function buildSessionFacts(store: AnalyticsStore, config: Pick<AnalyticsConfig, 'fcrWindowDays'>): Promise<void> {
  for (const statement of sessionFactsSql(config.fcrWindowDays)) await store.exec(statement);
}

/** The aggregates overall (no dimension) or per slice of one dimension, as numbers. */
export async function sliceAggregates(store: AnalyticsStore, dimension?: Dimension): Promise<Array<{ slice: string } & Aggregates>> {
  const rows = await store.all(aggregatesSql(dimension));
  return rows.map(toAggregates);
}

function toAggregates(row: SqlRow): { slice: string } & Aggregates {
  const out = { slice: String(row['slice'] ?? '(none)') } as { slice: string } & Aggregates;
  for (const key of Object.keys(AGGREGATE_COLUMNS) as Array<keyof Aggregates>) out[key] = Number(row[key] ?? 0);
  return out;
}

/**
 * Runs the KPI queries on the store and computes every KPI overall, per channel, intent,
 * language, variant, day and week, with targets, the trend and unseen intents.
 * @example const report = await kpiReport(store, config);
 */
export async function kpiReport(store: AnalyticsStore, config: AnalyticsConfig): Promise<KpiReport> {
  await buildSessionFacts(store, config);
  const targets = resolveTargets(targetsOf(config));
  const toSlice = ({ slice, ...aggregates }: { slice: string } & Aggregates): SliceKpis => ({ slice, aggregates, kpis: computeKpis(aggregates, targets) });
  const [overall] = await sliceAggregates(store);
  const slices = {} as Record<Dimension, SliceKpis[]>;
  for (const dimension of DIMENSIONS) slices[dimension] = (await sliceAggregates(store, dimension)).map(toSlice);
  const granularity = slices.week.length >= 3 ? 'week' : 'day';
  return {
    overall: toSlice(overall!),
    slices,
    trend: { granularity, points: slices[granularity] },
    unseenIntents: unseenIntents(
      slices.intent.map((s) => ({ slice: s.slice, sessions: s.aggregates.sessions })),
      config.knownIntents,
    ),
    knownIntents: config.knownIntents.length,
  };
}
