import { wilson } from '../../core/stats/wilson.js';
import type { AnalyticsStore } from '../store/store.js';

/** The slices measured quality is broken down by (those the sample is stratified by, and more). */
export const QUALITY_DIMENSIONS = ['intent', 'channel', 'language', 'variant'] as const;
export type QualityDimension = (typeof QUALITY_DIMENSIONS)[number];

/** A grader's pass rate over some graded sessions, with its 95 % Wilson interval. */
export interface PassRate {
  /** Sessions with a verdict (pass or fail). */
  graded: number;
  passed: number;
  /** Sessions whose grade was an error or had no verdict (not counted in the rate). */
  unscored: number;
  rate: number | null;
  lo: number | null;
  hi: number | null;
}

/** Measured quality of sampled traffic: pass rates per grader, overall and per slice. */
export interface QualityReport {
  /** Sampled sessions with at least one grade. */
  sessions: number;
  /** The grading runs joined (newest first), so every figure traces to its run record. */
  runs: Array<{ runId: string; gradedAt: string; sessions: number }>;
  graders: Array<{ grader: string; overall: PassRate; slices: Record<QualityDimension, Array<{ slice: string } & PassRate>> }>;
}

/** One grouped row of the quality query (pure input of {@link summariseQuality}). */
export interface QualityRow {
  grader: string;
  intent: string;
  channel: string;
  language: string;
  variant: string;
  n: number;
  passed: number;
  unscored: number;
}

const rateOf = (n: number, passed: number, unscored: number): PassRate => {
  const graded = n - unscored;
  const ci = graded > 0 ? wilson(passed, graded) : null;
  return { graded, passed, unscored, rate: graded > 0 ? passed / graded : null, lo: ci?.lo ?? null, hi: ci?.hi ?? null };
};

/** Pass rates per grader, overall and per slice, from the grouped rows. */
export function summariseQuality(rows: readonly QualityRow[]): QualityReport['graders'] {
  const graders = [...new Set(rows.map((r) => r.grader))].sort();
  return graders.map((grader) => {
    const mine = rows.filter((r) => r.grader === grader);
    const sum = (list: readonly QualityRow[]) => rateOf(list.reduce((s, r) => s + r.n, 0), list.reduce((s, r) => s + r.passed, 0), list.reduce((s, r) => s + r.unscored, 0));
    const slices = {} as Record<QualityDimension, Array<{ slice: string } & PassRate>>;
    for (const d of QUALITY_DIMENSIONS) {
      const values = [...new Set(mine.map((r) => r[d]))].sort();
      slices[d] = values.map((slice) => ({ slice, ...sum(mine.filter((r) => r[d] === slice)) }));
    }
    return { grader, overall: sum(mine), slices };
  });
}

/**
 * Measured quality from `chat_grades` joined to the session facts (`kpi_sessions`, built by the
 * KPI report first): each session's latest grade per grader. Null when nothing was graded yet.
 */
export async function qualityReport(store: AnalyticsStore): Promise<QualityReport | null> {
  const runs = await store.all(
    `SELECT run_id, CAST(MAX(graded_at) AS VARCHAR) AS graded_at, CAST(COUNT(DISTINCT session_id) AS DOUBLE PRECISION) AS sessions FROM chat_grades GROUP BY run_id ORDER BY MAX(graded_at) DESC, run_id`,
  );
  if (runs.length === 0) return null;
  const rows = await store.all(`WITH g AS (
  SELECT session_id, grader, passed, ROW_NUMBER() OVER (PARTITION BY session_id, grader ORDER BY graded_at DESC, run_id DESC) AS latest FROM chat_grades
)
SELECT g.grader, k.intent, k.channel, k.language, k.variant,
  CAST(COUNT(*) AS DOUBLE PRECISION) AS n,
  CAST(SUM(CASE WHEN g.passed = 1 THEN 1 ELSE 0 END) AS DOUBLE PRECISION) AS passed,
  CAST(SUM(CASE WHEN g.passed IS NULL THEN 1 ELSE 0 END) AS DOUBLE PRECISION) AS unscored
FROM g JOIN kpi_sessions k ON k.session_id = g.session_id
WHERE g.latest = 1
GROUP BY g.grader, k.intent, k.channel, k.language, k.variant`);
  const [count] = await store.all(
    'SELECT CAST(COUNT(DISTINCT g.session_id) AS DOUBLE PRECISION) AS n FROM chat_grades g JOIN kpi_sessions k ON k.session_id = g.session_id',
  );
  return {
    sessions: Number(count?.['n'] ?? 0),
    runs: runs.map((r) => ({ runId: String(r['run_id']), gradedAt: String(r['graded_at']), sessions: Number(r['sessions']) })),
    graders: summariseQuality(
      rows.map((r) => ({
        grader: String(r['grader']),
        intent: String(r['intent']),
        channel: String(r['channel']),
        language: String(r['language']),
        variant: String(r['variant']),
        n: Number(r['n']),
        passed: Number(r['passed']),
        unscored: Number(r['unscored']),
      })),
    ),
  };
}
