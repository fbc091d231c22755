/**
 * The KPI queries: portable SQL that runs unchanged on DuckDB and PostgreSQL (and is written to
 * stay portable to ClickHouse: CASE aggregates, window functions, no dialect functions beyond
 * EXTRACT(EPOCH …) and date_trunc). They read the typed property columns (store/typed-columns.ts),
 * never the `properties` JSON: parsing JSON per event was most of their cost.
 *
 * First one row per session (`kpi_sessions`, a temporary table), then one GROUP BY per slice
 * that returns only counts and sums; every rate, mean and interval is computed from those in
 * pure code (kpi/compute.ts), so both stores feed the same arithmetic.
 */

const num = (expr: string) => `CAST(${expr} AS DOUBLE PRECISION)`;
const is = (type: string) => `event_type = '${type}'`;

/** Statements that (re)build `kpi_sessions`; `fcrWindowDays` is a number from the validated config. */
export function sessionFactsSql(fcrWindowDays: number): string[] {
  const windowSeconds = Math.round(fcrWindowDays * 86400);
  return [
    'DROP TABLE IF EXISTS kpi_sessions',
    `CREATE TEMPORARY TABLE kpi_sessions AS
WITH e AS (
  SELECT session_id, user_id, channel, variant, event_type, intent, language, outcome, tokens_in, tokens_out, cost_usd, conversion_value, csat, ces, "timestamp" AS ts,
    ${num('EXTRACT(EPOCH FROM "timestamp")')} AS ep,
    MIN(CASE WHEN ${is('message_sent')} THEN ${num('EXTRACT(EPOCH FROM "timestamp")')} END) OVER (PARTITION BY session_id) AS first_user_ep
  FROM chat_events
), s AS (
  SELECT session_id,
    MIN(user_id) AS user_id, MIN(channel) AS channel, MIN(variant) AS variant,
    COALESCE(MAX(intent), '(none)') AS intent,
    COALESCE(MAX(language), '(none)') AS language,
    MIN(ts) AS started_at, MIN(ep) AS start_ep, MAX(ep) AS end_ep,
    MAX(CASE WHEN ${is('session_ended')} AND outcome = 'resolved' THEN 1 ELSE 0 END) AS resolved,
    MAX(CASE WHEN ${is('escalation_requested')} THEN 1 ELSE 0 END) AS escalated,
    SUM(CASE WHEN ${is('fallback_triggered')} THEN 1 ELSE 0 END) AS fallbacks,
    SUM(CASE WHEN ${is('message_sent')} THEN 1 ELSE 0 END) AS user_messages,
    MAX(CASE WHEN ${is('conversion')} THEN 1 ELSE 0 END) AS converted,
    SUM(CASE WHEN ${is('conversion')} THEN COALESCE(conversion_value, 0) ELSE 0 END) AS revenue,
    MAX(CASE WHEN ${is('conversion')} AND conversion_value IS NOT NULL THEN 1 ELSE 0 END) AS has_revenue,
    SUM(CASE WHEN ${is('message_received')} THEN COALESCE(tokens_in, 0) + COALESCE(tokens_out, 0) ELSE 0 END) AS tokens,
    SUM(CASE WHEN ${is('message_received')} THEN COALESCE(cost_usd, 0) ELSE 0 END) AS cost,
    SUM(CASE WHEN ${is('feedback_submitted')} AND csat IS NOT NULL THEN 1 ELSE 0 END) AS csat_n,
    SUM(CASE WHEN ${is('feedback_submitted')} AND csat >= 4 THEN 1 ELSE 0 END) AS csat_good,
    SUM(CASE WHEN ${is('feedback_submitted')} AND ces IS NOT NULL THEN 1 ELSE 0 END) AS ces_n,
    SUM(CASE WHEN ${is('feedback_submitted')} THEN COALESCE(ces, 0) ELSE 0 END) AS ces_sum,
    SUM(CASE WHEN ${is('feedback_submitted')} THEN COALESCE(ces, 0) * COALESCE(ces, 0) ELSE 0 END) AS ces_sq,
    MIN(CASE WHEN ${is('message_received')} AND ep >= first_user_ep THEN ep END) - MIN(first_user_ep) AS first_response_s
  FROM e GROUP BY session_id
), f AS (
  SELECT s.*, LEAD(start_ep) OVER (PARTITION BY user_id, intent ORDER BY start_ep, session_id) AS next_same_intent_ep FROM s
)
SELECT f.*, end_ep - start_ep AS handle_s,
  CASE WHEN resolved = 1 AND (next_same_intent_ep IS NULL OR next_same_intent_ep - start_ep > ${windowSeconds}) THEN 1 ELSE 0 END AS fcr,
  CASE WHEN resolved = 1 AND escalated = 0 THEN 1 ELSE 0 END AS deflected,
  CAST(CAST(date_trunc('day', started_at) AS DATE) AS VARCHAR) AS day,
  CAST(CAST(date_trunc('week', started_at) AS DATE) AS VARCHAR) AS week
FROM f`,
  ];
}

/** The slice dimensions KPIs are broken down by. */
export const DIMENSIONS = ['channel', 'intent', 'language', 'variant', 'day', 'week'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** The counts and sums one slice's KPIs are computed from (all numbers). */
export const AGGREGATE_COLUMNS = {
  sessions: 'COUNT(*)',
  resolved: 'SUM(resolved)',
  fcr: 'SUM(fcr)',
  deflected: 'SUM(deflected)',
  escalated: 'SUM(escalated)',
  fallbacks: 'SUM(fallbacks)',
  user_messages: 'SUM(user_messages)',
  converted: 'SUM(converted)',
  revenue: 'SUM(revenue)',
  revenue_sessions: 'SUM(has_revenue)',
  tokens: 'SUM(tokens)',
  cost: 'SUM(cost)',
  csat_n: 'SUM(csat_n)',
  csat_good: 'SUM(csat_good)',
  ces_n: 'SUM(ces_n)',
  ces_sum: 'SUM(ces_sum)',
  ces_sq: 'SUM(ces_sq)',
  handle_n: 'COUNT(handle_s)',
  handle_sum: 'SUM(handle_s)',
  handle_sq: 'SUM(handle_s * handle_s)',
  frt_n: 'COUNT(first_response_s)',
  frt_sum: 'SUM(first_response_s)',
  frt_sq: 'SUM(first_response_s * first_response_s)',
} as const;
export type Aggregates = { -readonly [K in keyof typeof AGGREGATE_COLUMNS]: number };

const selectAggregates = Object.entries(AGGREGATE_COLUMNS)
  .map(([name, expr]) => `COALESCE(${num(expr)}, 0) AS ${name}`)
  .join(',\n  ');

/** The aggregates over all sessions (`dimension` absent) or per value of one dimension. */
export function aggregatesSql(dimension?: Dimension, filter?: string): string {
  const where = filter ? ` WHERE ${filter}` : '';
  if (!dimension) return `SELECT 'all' AS slice,\n  ${selectAggregates}\nFROM kpi_sessions${where}`;
  return `SELECT ${dimension} AS slice,\n  ${selectAggregates}\nFROM kpi_sessions${where}\nGROUP BY ${dimension}\nORDER BY ${dimension}`;
}
