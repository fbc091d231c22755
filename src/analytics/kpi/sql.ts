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

/** Seconds since the epoch of a timestamp expression, as a double. */
const epoch = (expr: string) => num(`EXTRACT(EPOCH FROM ${expr})`);

/**
 * Statements that (re)build `kpi_sessions`; `fcrWindowDays` is a number from the validated config.
 *
 * One GROUP BY over the events gives every per-session fact; the typed property columns hold a
 * value only on the event type whose schema types it (store/typed-columns.ts), so the aggregates
 * over them need no `event_type` test. The first response (the first `message_received` at or
 * after the first `message_sent`) is the session's first reply whenever no reply came before the
 * user's first message; only sessions that open with a reply (a greeting) read their replies
 * again, in a join over those sessions alone (no window over all events). Times are aggregated as
 * timestamps and turned into seconds once per session, not per event; counts are COUNTs of CASE
 * expressions (a 64-bit count, where SUM of 0/1 gives DuckDB a 128-bit sum). The one window left
 * runs over sessions (FCR: the same user's next session on the same intent).
 */
export function sessionFactsSql(fcrWindowDays: number): string[] {
  const windowSeconds = Math.round(fcrWindowDays * 86400);
  return [
    'DROP TABLE IF EXISTS kpi_sessions',
    `CREATE TEMPORARY TABLE kpi_sessions AS
WITH s AS (
  SELECT session_id,
    MIN(user_id) AS user_id, MIN(channel) AS channel, MIN(variant) AS variant,
    COALESCE(MAX(intent), '(none)') AS intent,
    COALESCE(MAX(language), '(none)') AS language,
    MIN("timestamp") AS started_at, MAX("timestamp") AS ended_at,
    MIN(CASE WHEN ${is('message_sent')} THEN "timestamp" END) AS first_user_at,
    MIN(CASE WHEN ${is('message_received')} THEN "timestamp" END) AS first_reply_at,
    COUNT(CASE WHEN outcome = 'resolved' THEN 1 END) AS resolved_n,
    COUNT(CASE WHEN ${is('escalation_requested')} THEN 1 END) AS escalations,
    COUNT(CASE WHEN ${is('fallback_triggered')} THEN 1 END) AS fallbacks,
    COUNT(CASE WHEN ${is('message_sent')} THEN 1 END) AS user_messages,
    COUNT(CASE WHEN ${is('conversion')} THEN 1 END) AS conversions,
    COALESCE(SUM(conversion_value), 0) AS revenue,
    COUNT(conversion_value) AS revenue_n,
    COALESCE(SUM(COALESCE(tokens_in, 0) + COALESCE(tokens_out, 0)), 0) AS tokens,
    COALESCE(SUM(cost_usd), 0) AS cost,
    COUNT(csat) AS csat_n,
    COUNT(CASE WHEN csat >= 4 THEN 1 END) AS csat_good,
    COUNT(ces) AS ces_n,
    COALESCE(SUM(ces), 0) AS ces_sum,
    COALESCE(SUM(ces * ces), 0) AS ces_sq
  FROM chat_events GROUP BY session_id
), late AS (
  SELECT e.session_id, MIN(e."timestamp") AS first_response_at
  FROM chat_events e JOIN s ON s.session_id = e.session_id AND s.first_reply_at < s.first_user_at
  WHERE e.event_type = 'message_received' AND e."timestamp" >= s.first_user_at
  GROUP BY e.session_id
), f AS (
  SELECT s.*, ${epoch('s.started_at')} AS start_ep,
    CASE WHEN resolved_n > 0 THEN 1 ELSE 0 END AS resolved, CASE WHEN escalations > 0 THEN 1 ELSE 0 END AS escalated,
    CASE WHEN conversions > 0 THEN 1 ELSE 0 END AS converted, CASE WHEN revenue_n > 0 THEN 1 ELSE 0 END AS has_revenue,
    ${epoch('CASE WHEN s.first_reply_at >= s.first_user_at THEN s.first_reply_at ELSE late.first_response_at END')} - ${epoch('s.first_user_at')} AS first_response_s
  FROM s LEFT JOIN late ON late.session_id = s.session_id
), g AS (
  SELECT f.*, LEAD(start_ep) OVER (PARTITION BY user_id, intent ORDER BY start_ep, session_id) AS next_same_intent_ep FROM f
)
SELECT session_id, user_id, channel, variant, intent, language, started_at, resolved, escalated, fallbacks, user_messages, converted,
  revenue, has_revenue, tokens, cost, csat_n, csat_good, ces_n, ces_sum, ces_sq, first_response_s,
  ${epoch('ended_at')} - start_ep AS handle_s,
  CASE WHEN resolved = 1 AND (next_same_intent_ep IS NULL OR next_same_intent_ep - start_ep > ${windowSeconds}) THEN 1 ELSE 0 END AS fcr,
  CASE WHEN resolved = 1 AND escalated = 0 THEN 1 ELSE 0 END AS deflected,
  CAST(CAST(date_trunc('day', started_at) AS DATE) AS VARCHAR) AS day,
  CAST(CAST(date_trunc('week', started_at) AS DATE) AS VARCHAR) AS week
FROM g`,
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
