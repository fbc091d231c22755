import type { Funnel, FunnelStep } from './config.js';
import type { AnalyticsStore } from './store/store.js';

/** One step of a funnel, per variant (or `all`): sessions that reached it and the time from the step before. */
export interface FunnelStepResult {
  name: string;
  sessions: number;
  /** Share of the first step's sessions that reached this step. */
  conversion: number | null;
  /** Share of the previous step's sessions lost before this step (null for the first). */
  dropOff: number | null;
  /** Mean seconds from the previous step (null for the first, or when none reached it). */
  meanSecondsFromPrevious: number | null;
}

export interface FunnelResult {
  name: string;
  /** `all`, then one entry per variant. */
  byVariant: Array<{ variant: string; steps: FunnelStepResult[] }>;
}

/**
 * The SQL of an ordered funnel: step k is the first matching event of a session at or after
 * the time step k−1 was reached. Values come in as `$n` parameters; property names are checked
 * by the config schema. Portable (CTEs, joins, CASE aggregates). A session's variant comes from
 * the session facts (`kpi_sessions`, built by the KPI report first), not from another pass over
 * the events.
 */
export function funnelSql(steps: readonly FunnelStep[]): { sql: string; params: Array<string | number> } {
  const params: Array<string | number> = [];
  const param = (value: string | number | boolean) => {
    params.push(typeof value === 'boolean' ? String(value) : value);
    return `$${params.length}`;
  };
  const condition = (step: FunnelStep, alias: string) => {
    const parts = [`${alias}.event_type = ${param(step.event)}`];
    for (const [key, value] of Object.entries(step.where ?? {})) parts.push(`(${alias}.properties->>'${key}') = ${param(typeof value === 'number' ? String(value) : value)}`);
    return parts.join(' AND ');
  };
  const ctes = steps.map((step, i) =>
    i === 0
      ? `f0 AS (SELECT e.session_id, MIN(e."timestamp") AS t FROM chat_events e WHERE ${condition(step, 'e')} GROUP BY e.session_id)`
      : `f${i} AS (SELECT e.session_id, MIN(e."timestamp") AS t FROM chat_events e JOIN f${i - 1} p ON p.session_id = e.session_id AND e."timestamp" >= p.t WHERE ${condition(step, 'e')} GROUP BY e.session_id)`,
  );
  const epoch = (alias: string) => `CAST(EXTRACT(EPOCH FROM ${alias}.t) AS DOUBLE PRECISION)`;
  const columns = steps.map((_, i) => {
    const reached = `CAST(COUNT(f${i}.session_id) AS DOUBLE PRECISION) AS reached_${i}`;
    return i === 0 ? reached : `${reached}, CAST(SUM(${epoch(`f${i}`)} - ${epoch(`f${i - 1}`)}) AS DOUBLE PRECISION) AS seconds_${i}`;
  });
  const joins = steps.slice(1).map((_, j) => `LEFT JOIN f${j + 1} ON f${j + 1}.session_id = f0.session_id`);
  const sql = `WITH ${ctes.join(',\n')}
SELECT v.variant AS variant, ${columns.join(', ')}
FROM f0 JOIN kpi_sessions v ON v.session_id = f0.session_id ${joins.join(' ')}
GROUP BY v.variant ORDER BY v.variant`;
  return { sql, params };
}

/** Per-step results from the counts of sessions reaching each step and the summed seconds between steps. */
export function funnelSteps(steps: readonly FunnelStep[], reached: readonly number[], seconds: readonly number[]): FunnelStepResult[] {
  return steps.map((step, i) => {
    const first = reached[0] ?? 0;
    const here = reached[i] ?? 0;
    const before = i > 0 ? (reached[i - 1] ?? 0) : 0;
    return {
      name: step.name,
      sessions: here,
      conversion: first > 0 ? here / first : null,
      dropOff: i === 0 ? null : before > 0 ? 1 - here / before : null,
      meanSecondsFromPrevious: i === 0 || here === 0 ? null : (seconds[i] ?? 0) / here,
    };
  });
}

/** Runs a funnel on the store (after the KPI report built `kpi_sessions`): per variant and for all sessions. */
export async function runFunnel(store: AnalyticsStore, funnel: Funnel): Promise<FunnelResult> {
  const { sql, params } = funnelSql(funnel.steps);
  const rows = await store.all(sql, params);
  const k = funnel.steps.length;
  const totals = { reached: new Array<number>(k).fill(0), seconds: new Array<number>(k).fill(0) };
  const byVariant = rows.map((row) => {
    const reached = funnel.steps.map((_, i) => Number(row[`reached_${i}`] ?? 0));
    const seconds = funnel.steps.map((_, i) => (i === 0 ? 0 : Number(row[`seconds_${i}`] ?? 0)));
    reached.forEach((r, i) => (totals.reached[i]! += r));
    seconds.forEach((s, i) => (totals.seconds[i]! += s));
    return { variant: String(row['variant']), steps: funnelSteps(funnel.steps, reached, seconds) };
  });
  return { name: funnel.name, byVariant: [{ variant: 'all', steps: funnelSteps(funnel.steps, totals.reached, totals.seconds) }, ...byVariant] };
}
