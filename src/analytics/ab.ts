import { holm } from '../core/stats/holm.js';
import { type Difference, meanSummary, minimumDetectableEffect, sampleSizePerVariant, twoProportionTest, welchTest } from './ab-stats.js';
import type { Experiment } from './config.js';
import type { Aggregates } from './kpi/sql.js';

/** The session counts behind each rate metric an experiment can test. */
const RATE_FIELD: Record<Experiment['metric'], keyof Aggregates> = {
  conversion: 'converted',
  resolution: 'resolved',
  deflection: 'deflected',
  escalation: 'escalated',
  fcr: 'fcr',
};

/** One treatment against the control. */
export interface VariantComparison {
  variant: string;
  sessions: number;
  rate: number | null;
  /** The primary rate: treatment − control, interval, p (raw) and Holm-adjusted p over the treatments. */
  primary: Difference & { pAdjusted: number };
  /** Means compared with Welch's test (CES, handle time) when both arms have ratings/sessions. */
  means: Array<{ metric: 'ces' | 'handle_time'; control: number; treatment: number } & Difference>;
}

/** An A/B test read at a fixed horizon, with its verdict in plain words. */
export interface ExperimentResult {
  name: string;
  metric: Experiment['metric'];
  control: { variant: string; sessions: number; rate: number | null };
  comparisons: VariantComparison[];
  /** Sessions per variant the test is read at, and where it came from. */
  horizon: { perVariant: number; from: 'config' | 'computed'; baselineRate: number; mde: number; alpha: number; power: number };
  /** The smallest difference detectable with the sessions so far (80 % power). */
  mdeSoFar: number;
  state: 'collecting' | 'significant' | 'not-significant' | 'no-data';
  /** The verdict and the peeking rule, in plain words. */
  summary: string[];
}

const pts = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} points`;
const pc = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);

/**
 * Reads an experiment from per-variant aggregates (the variant slice of the KPI report).
 * Fixed horizon: the test is read once every variant has `horizon.perVariant` sessions; before
 * that the output says how far it is and that reading it early inflates false wins.
 * @example analyseExperiment(experiment, report.slices.variant.map((s) => ({ variant: s.slice, ...s.aggregates })))
 */
export function analyseExperiment(experiment: Experiment, variants: ReadonlyArray<{ variant: string } & Aggregates>): ExperimentResult {
  const names = Object.keys(experiment.variants);
  const controlName = experiment.control ?? names[0]!;
  const field = RATE_FIELD[experiment.metric];
  const find = (name: string) => variants.find((v) => v.variant === name);
  const control = find(controlName);
  const rateOf = (a: Aggregates | undefined) => (a && a.sessions > 0 ? a[field] / a.sessions : null);
  const observedBase = rateOf(control);
  const baselineRate = experiment.baselineRate ?? observedBase ?? 0.5;
  const perVariant = experiment.plannedSessionsPerVariant ?? sampleSizePerVariant(baselineRate, experiment.minimumDetectableEffect, experiment.alpha, experiment.power);
  const horizon = {
    perVariant,
    from: experiment.plannedSessionsPerVariant ? ('config' as const) : ('computed' as const),
    baselineRate,
    mde: experiment.minimumDetectableEffect,
    alpha: experiment.alpha,
    power: experiment.power,
  };
  const treatments = names.filter((n) => n !== controlName);
  const raw = treatments.map((name) => {
    const t = find(name);
    const primary = twoProportionTest(control?.[field] ?? 0, control?.sessions ?? 0, t?.[field] ?? 0, t?.sessions ?? 0);
    const means: VariantComparison['means'] = [];
    if (control && t) {
      const pairs = [
        ['ces', meanSummary(control.ces_n, control.ces_sum, control.ces_sq), meanSummary(t.ces_n, t.ces_sum, t.ces_sq)],
        ['handle_time', meanSummary(control.handle_n, control.handle_sum, control.handle_sq), meanSummary(t.handle_n, t.handle_sum, t.handle_sq)],
      ] as const;
      for (const [metric, c, tr] of pairs) if (c.n >= 2 && tr.n >= 2) means.push({ metric, control: c.mean, treatment: tr.mean, ...welchTest(c, tr) });
    }
    return { variant: name, sessions: t?.sessions ?? 0, rate: rateOf(t), primary, means };
  });
  const adjusted = holm(raw.map((r) => r.primary.p));
  const comparisons = raw.map((r, i) => ({ ...r, primary: { ...r.primary, pAdjusted: adjusted[i]! } }));
  const counts = [control?.sessions ?? 0, ...comparisons.map((c) => c.sessions)];
  const least = Math.min(...counts);
  const mdeSoFar = minimumDetectableEffect(baselineRate, control?.sessions ?? 0, Math.min(...comparisons.map((c) => c.sessions), Number.POSITIVE_INFINITY), experiment.alpha, experiment.power);
  const summary: string[] = [];
  let state: ExperimentResult['state'];
  const rule = `Fixed horizon: the test is read once, when every variant has ${perVariant.toLocaleString('en-US')} sessions (enough to detect ${pts(experiment.minimumDetectableEffect).replace('+', '')} from a ${pc(baselineRate)} ${experiment.metric} rate with ${Math.round(experiment.power * 100)} % power at α = ${experiment.alpha}).`;
  if (!control || control.sessions === 0 || comparisons.some((c) => c.sessions === 0)) {
    state = 'no-data';
    summary.push(`No sessions yet for ${[controlName, ...treatments].filter((n) => !(find(n)?.sessions)).join(', ')}.`, rule);
  } else if (least < perVariant) {
    state = 'collecting';
    summary.push(
      `Still collecting: ${least.toLocaleString('en-US')} of ${perVariant.toLocaleString('en-US')} sessions in the smallest variant (${Math.floor((least / perVariant) * 100)} %). No verdict yet.`,
      rule,
      'Reading the p-value before then and stopping on a good-looking one (peeking) makes a false win far more likely than 5 %: the numbers below are for monitoring only.',
    );
  } else {
    const winners = comparisons.filter((c) => c.primary.pAdjusted < experiment.alpha);
    state = winners.length > 0 ? 'significant' : 'not-significant';
    for (const c of comparisons) {
      const real = c.primary.pAdjusted < experiment.alpha;
      summary.push(
        `${c.variant} vs ${controlName}: ${experiment.metric} ${pc(c.rate)} vs ${pc(rateOf(control))} (${pts(c.primary.diff)}, 95 % CI ${pts(c.primary.lo)} to ${pts(c.primary.hi)}), p = ${c.primary.pAdjusted.toPrecision(2)}: ` +
          (real ? `a real ${c.primary.diff > 0 ? 'increase' : 'decrease'} at α = ${experiment.alpha}.` : `no difference shown; this test could detect about ${pts(mdeSoFar).replace('+', '')} or more.`),
      );
    }
    summary.push(rule);
  }
  return { name: experiment.name, metric: experiment.metric, control: { variant: controlName, sessions: control?.sessions ?? 0, rate: rateOf(control) }, comparisons, horizon, mdeSoFar, state, summary };
}
