import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyseExperiment } from '../src/analytics/ab.js';
import { exactPower, fleissSampleSize, minimumDetectableEffect, sampleSizePerVariant, twoProportionTest, welchTest } from '../src/analytics/ab-stats.js';
import { binomialPmf } from '../src/core/stats/binomial.js';
import { assignVariant } from '../src/analytics/assign.js';
import type { Aggregates } from '../src/analytics/kpi/sql.js';
import { ExperimentSchema } from '../src/analytics/config.js';

describe('assignVariant', () => {
  it('is deterministic and splits traffic by weight', () => {
    expect(assignVariant('user-42', 'prompt-v2', { control: 1, treatment: 1 })).toBe(assignVariant('user-42', 'prompt-v2', { control: 1, treatment: 1 }));
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 30_000; i++) counts[assignVariant(`u${i}`, 'exp', { a: 1, b: 1, c: 2 })]! += 1;
    expect(counts['a']! / 30_000).toBeCloseTo(0.25, 1);
    expect(counts['c']! / 30_000).toBeCloseTo(0.5, 1);
  });
  it('assigns independently per experiment', () => {
    let same = 0;
    for (let i = 0; i < 10_000; i++) if (assignVariant(`u${i}`, 'x', { a: 1, b: 1 }) === assignVariant(`u${i}`, 'y', { a: 1, b: 1 })) same++;
    expect(same / 10_000).toBeCloseTo(0.5, 1);
  });
  it('refuses an empty variant list', () => {
    expect(() => assignVariant('u', 'x', {})).toThrow(/at least one variant/);
  });
});

describe('A/B statistics', () => {
  it('twoProportionTest: Newcombe (1998) example, 56/70 vs 48/80 → 0.2, hybrid score interval 0.0524 to 0.3339', () => {
    const r = twoProportionTest(48, 80, 56, 70);
    expect(r.diff).toBeCloseTo(0.2, 10);
    expect(r.lo).toBeCloseTo(0.0524, 4);
    expect(r.hi).toBeCloseTo(0.3339, 4);
  });

  it('pooled z-test p-value with continuity correction matches the textbook value', () => {
    // 150/1000 vs 180/1000: z = (0.03 − ½·(1/1000 + 1/1000)) / sqrt(0.165·0.835·0.002) = 1.7474, two-sided p = 0.0806.
    expect(twoProportionTest(150, 1000, 180, 1000).p).toBeCloseTo(0.0806, 3);
  });

  it('sample size and MDE agree with each other', () => {
    const n = sampleSizePerVariant(0.15, 0.03);
    expect(n).toBe(2465);
    expect(minimumDetectableEffect(0.15, n, n)).toBeCloseTo(0.03, 2);
    expect(minimumDetectableEffect(0.15, 0, 10)).toBe(Number.POSITIVE_INFINITY);
  });

  it('the planned sample size reaches the power exactly, where Fleiss\' approximation can fall short', () => {
    // At 50 % → 53 % Fleiss' n gives 79.8 % power; the planned n is the first from which it stays ≥ 80 %.
    expect(exactPower(0.5, 0.03, fleissSampleSize(0.5, 0.03))).toBeLessThan(0.8);
    for (const base of [0.02, 0.126, 0.15, 0.5]) {
      const n = sampleSizePerVariant(base, 0.03);
      for (const m of [n, n + 1, n + 5, n + 20]) expect(exactPower(base, 0.03, m)).toBeGreaterThanOrEqual(0.8);
      // … and it is the first such n: a little below it the power dips under the target.
      expect(Math.min(...[1, 2, 3, 5, 8, 13].map((d) => exactPower(base, 0.03, n - d)))).toBeLessThan(0.8);
    }
  });

  it('exact power equals the brute-force sum over every outcome and stays under α/2 without a lift', () => {
    const n = 60;
    let brute = 0;
    for (let k1 = 0; k1 <= n; k1++) {
      for (let k2 = 0; k2 <= n; k2++) {
        const r = twoProportionTest(k1, n, k2, n);
        if (r.p < 0.05 && r.diff > 0) brute += binomialPmf(k1, n, 0.3) * binomialPmf(k2, n, 0.5);
      }
    }
    expect(exactPower(0.3, 0.2, n)).toBeCloseTo(brute, 9);
    expect(exactPower(0.15, 0, 2465)).toBeLessThanOrEqual(0.025);
  });

  it('Welch test on means', () => {
    const r = welchTest({ n: 400, mean: 3.9, variance: 1 }, { n: 400, mean: 4.1, variance: 1 });
    expect(r.diff).toBeCloseTo(0.2, 10);
    expect(r.p).toBeCloseTo(0.00468, 4);
    expect(r.hi - r.lo).toBeCloseTo(2 * 1.959964 * Math.sqrt(2 / 400), 5);
  });

  it('the interval always contains the observed difference', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 500 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (n1, n2, a, b) => {
        const r = twoProportionTest(Math.round(a * n1), n1, Math.round(b * n2), n2);
        return r.lo <= r.diff + 1e-12 && r.diff <= r.hi + 1e-12 && r.p >= 0 && r.p <= 1;
      }),
    );
  });
});

const agg = (sessions: number, converted: number): Aggregates => ({
  sessions, resolved: 0, fcr: 0, deflected: 0, escalated: 0, fallbacks: 0, user_messages: sessions, converted, revenue: 0, revenue_sessions: 0,
  tokens: 0, cost: 0, csat_n: 0, csat_good: 0, ces_n: sessions, ces_sum: sessions * 4, ces_sq: sessions * 17, handle_n: 0, handle_sum: 0, handle_sq: 0, frt_n: 0, frt_sum: 0, frt_sq: 0,
});

describe('analyseExperiment', () => {
  const experiment = ExperimentSchema.parse({ name: 'prompt-v2', variants: { control: 1, treatment: 1 }, baselineRate: 0.15 });

  it('before the horizon: says it is collecting and why not to read the p-value yet', () => {
    const r = analyseExperiment(experiment, [{ variant: 'control', ...agg(1000, 150) }, { variant: 'treatment', ...agg(1000, 200) }]);
    expect(r.state).toBe('collecting');
    expect(r.horizon).toMatchObject({ perVariant: 2465, from: 'computed' });
    expect(r.summary).toEqual([
      'Still collecting: 1,000 of 2,465 sessions in the smallest variant (40 %). No verdict yet.',
      'Fixed horizon: the test is read once, when every variant has 2,465 sessions (enough to detect 3.0 points from a 15.0% conversion rate with 80 % power at α = 0.05).',
      'Reading the p-value before then and stopping on a good-looking one (peeking) makes a false win far more likely than 5 %: the numbers below are for monitoring only.',
    ]);
  });

  it('at the horizon: a verdict with the difference, its interval and p', () => {
    const r = analyseExperiment(experiment, [{ variant: 'control', ...agg(2500, 375) }, { variant: 'treatment', ...agg(2500, 450) }]);
    expect(r.state).toBe('significant');
    expect(r.summary[0]).toMatch(/^treatment vs control: conversion 18\.0% vs 15\.0% \(\+3\.0 points, 95 % CI \+0\.9 points to \+5\.1 points\), p = 0\.0048: a real increase at α = 0\.05\.$/);
    expect(r.comparisons[0]!.means[0]).toMatchObject({ metric: 'ces', control: 4, treatment: 4 });
    expect(r.comparisons[0]!.means[0]!.p).toBeCloseTo(1, 6);
    const flat = analyseExperiment(experiment, [{ variant: 'control', ...agg(2500, 375) }, { variant: 'treatment', ...agg(2500, 380) }]);
    expect(flat.state).toBe('not-significant');
    expect(flat.summary[0]).toMatch(/no difference shown; this test could detect about 2\.9 points or more\.$/);
  });

  it('without traffic for a variant: no data', () => {
    const r = analyseExperiment(experiment, [{ variant: 'control', ...agg(10, 1) }]);
    expect(r.state).toBe('no-data');
    expect(r.summary[0]).toBe('No sessions yet for treatment.');
  });
});
