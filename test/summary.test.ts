import { describe, expect, it } from 'vitest';
import { type GradeSpec, syntheticHeader, syntheticResult } from '../bench/synthetic-run.js';
import { createSummaryAccumulator, summarize } from '../src/core/summary.js';
import type { RunResult } from '../src/schema/run-record.js';

const header = syntheticHeader('run-1', { variants: ['a', 'b'] });

/** Outcome grades as the outcome graders write them (keys documented in docs/gate.md). */
function outcome(resolved: boolean, escalated: boolean, fallbacks: boolean[], csat: number, label: string): GradeSpec[] {
  return [
    { grader: 'resolution', kind: 'resolution', score: resolved ? 1 : 0, details: { detectedOutcome: resolved ? 'resolved' : 'abandoned', expectedOutcome: 'resolved', expectedTools: ['refund'], missingTools: resolved ? [] : ['refund'] } },
    { grader: 'escalation', kind: 'escalation', score: escalated ? 0 : 1, label: escalated ? 'escalated' : 'not-escalated' },
    { grader: 'fallback', kind: 'fallback', score: 1, turns: fallbacks.map((f, turn) => ({ turn, score: f ? 0 : 1, pass: !f })) },
    { grader: 'ttr', kind: 'turns-to-resolution', score: 1, details: { turns: fallbacks.length } },
    { grader: 'sentiment', kind: 'sentiment', score: csat, label },
  ];
}

function results(): RunResult[] {
  return [
    syntheticResult({ caseId: 'c1', variant: 'a', tags: { intent: 'refund', channel: ['chat', 'web'] }, grades: outcome(true, false, [false, false], 0.9, 'positive'), costUsd: 0.01, turnLatencies: [100, 200] }),
    syntheticResult({ caseId: 'c2', variant: 'a', tags: { intent: 'refund', channel: 'voice' }, grades: outcome(true, true, [false, true], 0.5, 'neutral'), costUsd: 0.02, turnLatencies: [300, 400] }),
    syntheticResult({ caseId: 'c3', variant: 'a', tags: { intent: 'billing' }, grades: outcome(false, false, [true, true], 0.1, 'negative'), costUsd: 0.03, turnLatencies: [500, 600] }),
    syntheticResult({ caseId: 'c4', variant: 'a', tags: { intent: 'billing' }, grades: [], error: 'provider down', costUsd: 0 }),
    syntheticResult({ caseId: 'c1', variant: 'b', tags: { intent: 'refund' }, grades: [{ score: 1 }], costUsd: null }),
  ];
}

describe('summary', () => {
  const s = summarize(results(), header, { seed: 3 });
  const a = s.variants.find((v) => v.variant === 'a')!;

  it('counts results and errors per variant', () => {
    expect(s).toMatchObject({ runId: 'run-1', results: 5, errors: 1 });
    expect(a).toMatchObject({ cases: 4, results: 4, errors: 1 });
  });

  it('KPIs from the outcome graders (documented keys)', () => {
    const k = a.kpis;
    expect(k.resolutionRate).toEqual({ value: 2 / 3, n: 3 });
    expect(k.firstContactResolution).toEqual({ value: 1 / 3, n: 3 }); // c2 resolved but escalated
    expect(k.escalationRate).toEqual({ value: 1 / 3, n: 3 });
    expect(k.fallbackRate).toEqual({ value: 3 / 6, n: 6 }); // per turn
    expect(k.goalCompletion).toEqual({ value: 2 / 3, n: 3 });
    expect(k.averageTurnsToResolution).toEqual({ value: 2, n: 3 });
    expect(k.csat.value).toBeCloseTo(0.5, 10);
    expect(k.sentiment).toEqual({ positive: 1, neutral: 1, negative: 1 });
    expect(k.averageTurns).toEqual({ value: 2, n: 3 });
    // Latency per assistant turn over the four results' six turns (+ the errored one's 100 ms).
    expect(k.latencyP50Ms).toBe(300);
    expect(k.costPerConversationUsd).toBeCloseTo(0.015, 10); // (0.01+0.02+0.03+0)/4
    expect(k.costPerResolvedUsd).toBeCloseTo(0.03, 10); // 0.06 / 2 resolved
    expect(k.judgeCostPerConversationUsd).toBeCloseTo(0.0005, 10);
  });

  it('unknown prices make cost null and are counted', () => {
    const b = s.variants.find((v) => v.variant === 'b')!;
    expect(b.kpis).toMatchObject({ costPerConversationUsd: null, totalCostUsd: null, unpricedResults: 1 });
  });

  it('per grader and per slice; array tag values count in each slice', () => {
    const res = a.graders.find((g) => g.grader === 'resolution')!;
    expect(res).toMatchObject({ kind: 'resolution', cases: 3, errors: 0, passRate: { passed: 2, n: 3 } });
    expect(a.slices.map((x) => x.name)).toEqual(['channel=chat', 'channel=voice', 'channel=web', 'intent=billing', 'intent=refund']);
    expect(a.slices.find((x) => x.name === 'intent=refund')).toMatchObject({ cases: 2, kpis: { resolutionRate: { value: 1, n: 2 } } });
  });

  it('overall score: mean of each result’s grade scores, then over cases, with a bootstrap interval', () => {
    // c1: (1+1+1+1+0.9)/5 = 0.98, c2: (1+0+1+1+0.5)/5 = 0.7, c3: (0+1+1+1+0.1)/5 = 0.62
    expect(a.score.mean).toBeCloseTo((0.98 + 0.7 + 0.62) / 3, 10);
    expect(a.score.n).toBe(3);
    expect(a.score.lo!).toBeLessThanOrEqual(a.score.mean!);
    expect(a.score.hi!).toBeGreaterThanOrEqual(a.score.mean!);
  });

  it('the accumulator streams to the same summary', () => {
    const acc = createSummaryAccumulator(header, { seed: 3 });
    for (const r of results()) acc.add(r);
    expect(acc.finish()).toEqual(s);
  });
});

describe('repeats: pass^k, per-case threshold and flaky cases', () => {
  const rs: RunResult[] = [];
  for (let r = 0; r < 5; r++) {
    rs.push(syntheticResult({ caseId: 'steady', repeat: r, grades: [{ score: 0.9 }] }));
    rs.push(syntheticResult({ caseId: 'flaky', repeat: r, grades: [{ score: r < 3 ? 0.9 : 0.2 }] }));
    rs.push(syntheticResult({ caseId: 'broken', repeat: r, grades: [{ score: 0.1 }] }));
  }
  const v = summarize(rs, { ...syntheticHeader('rep'), repeat: 5 }, { minCasePassRate: 0.8 }).variants[0]!;

  it('reports pass^k, cases below the threshold and flaky cases apart', () => {
    expect(v.repeats).toMatchObject({ k: 5, minCasePassRate: 0.8 });
    expect(v.repeats.passAllK).toBeCloseTo(1 / 3, 10);
    expect(v.repeats.meanCasePassRate).toBeCloseTo((1 + 0.6 + 0) / 3, 10);
    // In case id order, whatever order the results arrived in.
    expect(v.repeats.casesBelowMin).toEqual([
      { caseId: 'broken', passRate: 0 },
      { caseId: 'flaky', passRate: 0.6 },
    ]);
    expect(v.repeats.flaky).toEqual([{ caseId: 'flaky', variant: 'main', graders: ['quality'], passRate: 0.6, repeats: 5 }]);
  });
});

describe('summary Markdown', () => {
  it('renders the variant table with KPIs and null-aware cost', async () => {
    const { summaryMarkdown } = await import('../src/report/markdown-summary.js');
    const md = summaryMarkdown(summarize(results(), header, { seed: 3 }));
    const rows = md.split('\n').filter((l) => l.startsWith('| a ') || l.startsWith('| b '));
    expect(rows[0]).toContain('| 66.7 (n=3) | 33.3 (n=3) | 33.3 (n=3) | 50.0 (n=6) | 66.7 (n=3) | 50.0 (n=3) | $0.0150 | $0.0300 |');
    expect(rows[1]).toContain('unknown (1 unpriced)');
    expect(md).toContain('| intent=refund | 2 |');
  });
});
