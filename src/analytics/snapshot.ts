import { analyseExperiment, type ExperimentResult } from './ab.js';
import type { AnalyticsConfig } from './config.js';
import { type FunnelResult, runFunnel } from './funnel.js';
import { qualityReport, type QualityReport } from './grade/quality.js';
import { kpiReport, type KpiReport } from './kpi/report.js';
import type { AnalyticsStore } from './store/store.js';

/** Everything the console output and the dashboard show, computed once from the store. */
export interface AnalyticsSnapshot {
  store: { kind: string; location: string };
  /** First and last day with sessions (UTC), null when the store is empty. */
  period: { from: string; to: string } | null;
  events: number;
  kpis: KpiReport;
  funnels: FunnelResult[];
  experiment: ExperimentResult | null;
  /** Measured quality of sampled sessions (`convotest analytics grade`), null when none was graded. */
  quality: QualityReport | null;
}

/**
 * Runs every query the dashboard needs: KPIs (overall, per slice, trend), the funnels, the
 * experiment of the config and the measured quality of graded samples.
 * @example const snapshot = await analyticsSnapshot(store, await loadAnalyticsConfig(undefined));
 */
export async function analyticsSnapshot(store: AnalyticsStore, config: AnalyticsConfig): Promise<AnalyticsSnapshot> {
  const kpis = await kpiReport(store, config);
  const [range] = await store.all('SELECT MIN(day) AS first_day, MAX(day) AS last_day FROM kpi_sessions');
  const [count] = await store.all('SELECT CAST(COUNT(*) AS DOUBLE PRECISION) AS n FROM chat_events');
  const funnels: FunnelResult[] = [];
  for (const funnel of config.funnels) funnels.push(await runFunnel(store, funnel));
  const experiment = config.experiment
    ? analyseExperiment(
        config.experiment,
        kpis.slices.variant.map((s) => ({ variant: s.slice, ...s.aggregates })),
      )
    : null;
  const quality = await qualityReport(store);
  return {
    store: { kind: store.kind, location: store.location },
    period: range?.['first_day'] ? { from: String(range['first_day']), to: String(range['last_day']) } : null,
    events: Number(count?.['n'] ?? 0),
    kpis,
    funnels,
    experiment,
    quality,
  };
}
