import { describe, expect, it } from 'vitest';
import { type ResultSpec, syntheticHeader, syntheticResult } from '../bench/synthetic-run.js';
import { gate, gateRun } from '../src/core/gate.js';
import { GateRulesSchema } from '../src/schema/gate.js';
import type { RunResult } from '../src/schema/run-record.js';

const rules = (over: Record<string, unknown> = {}) => GateRulesSchema.parse(over);

/** N cases; `fail(i)` says whether case i fails; other knobs per case. */
function run(n: number, fail: (i: number) => boolean, extra: (i: number) => Partial<ResultSpec> = () => ({})): RunResult[] {
  return Array.from({ length: n }, (_, i) =>
    syntheticResult({
      caseId: `case-${String(i).padStart(3, '0')}`,
      tags: { intent: i % 2 === 0 ? 'refund' : 'billing' },
      grades: [{ score: fail(i) ? 0 : 1, reason: fail(i) ? `wrong answer in case ${i}` : 'fine' }],
      ...extra(i),
    }),
  );
}

const verdictOf = (base: RunResult[], cand: RunResult[], over: Record<string, unknown> = {}, headers = {}) =>
  gate(gateRun(syntheticHeader('base'), base), gateRun({ ...syntheticHeader('cand'), ...headers }, cand), rules(over));

describe('gate rule kinds', () => {
  const base = run(200, (i) => i % 10 === 0); // 90 % pass

  it('passes an identical candidate', () => {
    const v = verdictOf(base, run(200, (i) => i % 10 === 0));
    expect(v.verdict).toBe('pass');
    expect(v.pairing).toMatchObject({ shared: 200, baselineOnly: 0, candidateOnly: 0 });
    expect(v.rules.filter((r) => r.blocking)).toEqual([]);
  });

  it('maxDrop: a large, real drop of the overall score fails with the rule, interval and p-value', () => {
    const v = verdictOf(base, run(200, (i) => i % 10 === 0 || i % 10 === 1 || i % 10 === 2));
    expect(v.verdict).toBe('fail');
    const score = v.rules.find((r) => r.metric === 'score' && !r.slice)!;
    expect(score).toMatchObject({ rule: 'maxDrop', baseline: 0.9, candidate: 0.7, blocking: true, significant: true, cases: 200 });
    expect(score.delta).toBeCloseTo(-0.2, 10);
    expect(score.interval![0]).toBeLessThan(-0.14);
    expect(score.interval![1]).toBeGreaterThan(-0.26);
    expect(score.p).toBeLessThan(0.001);
    expect(v.flips.passToFail).toHaveLength(40);
    expect(v.flips.passToFail[0]!.graders[0]).toEqual({ grader: 'quality', reason: expect.stringMatching(/^wrong answer/) });
    expect(v.reasons.some((r) => r.startsWith('score 90.0 → 70.0 (-20.0 points'))).toBe(true);
  });

  it('maxDrop: a drop above the threshold that is not significant does not block', () => {
    // 3 of 200 flip (1.5 points) with 2 opposite flips: over 0 ... use a tiny set: 20 cases, 1 flip = 5 points.
    const b = run(20, () => false);
    const v = verdictOf(b, run(20, (i) => i === 3));
    const score = v.rules.find((r) => r.metric === 'score')!;
    expect(score.exceeded).toBe(true);
    expect(score.significant).toBe(false);
    expect(v.verdict).toBe('pass');
    expect(v.flips.passToFail.map((f) => f.caseId)).toEqual(['case-003']);
  });

  it('maxDrop: a significant drop below the threshold does not block', () => {
    const b = run(4000, () => false);
    const v = verdictOf(b, run(4000, (i) => i % 100 === 0), { maxDrop: 0.02 }); // 1 point, 40 cases, p tiny
    const score = v.rules.find((r) => r.metric === 'score')!;
    expect(score.significant).toBe(true);
    expect(score.exceeded).toBe(false);
    expect(v.verdict).toBe('pass');
  });

  it('maxDrop per slice names the slice', () => {
    const v = verdictOf(base, run(200, (i) => i % 10 === 0 || (i % 2 === 0 && i % 10 !== 0 && i % 3 === 0)), { slices: ['intent'], perGrader: false });
    const failing = v.rules.filter((r) => r.blocking);
    expect(failing.map((r) => r.slice)).toContain('intent=refund');
    expect(failing.map((r) => r.slice)).not.toContain('intent=billing');
    expect(v.reasons.join('\n')).toContain('[intent=refund]');
  });

  it('relative drops compare with the baseline value', () => {
    const b = run(400, (i) => i % 2 === 0); // 50 %
    const c = run(400, (i) => i % 2 === 0 || i % 8 === 1); // 37.5 %: −25 % relative
    const v = verdictOf(b, c, { maxDrop: 1, perGrader: false, drops: [{ metric: 'passRate', maxDrop: 0.2, relative: true }] });
    const r = v.rules.find((x) => x.metric === 'passRate')!;
    expect(r).toMatchObject({ relative: true, exceeded: true, blocking: true });
    expect(v.verdict).toBe('fail');
  });

  it('min: a floor blocks regardless of significance and lists the failing cases', () => {
    const b = run(50, () => false);
    const c = run(50, (i) => i === 7);
    const v = verdictOf(b, c, { floors: [{ metric: 'quality.passRate', min: 1 }] });
    const floor = v.rules.find((r) => r.rule === 'min')!;
    expect(floor).toMatchObject({ blocking: true, candidate: 0.98, caseIds: ['case-007'] });
    expect(v.verdict).toBe('fail');
  });

  it('maxCostIncrease and maxP95LatencyIncrease budgets', () => {
    const b = run(30, () => false, () => ({ costUsd: 0.01, turnLatencies: [100, 200] }));
    const c = run(30, () => false, () => ({ costUsd: 0.013, turnLatencies: [100, 300] }));
    const v = verdictOf(b, c, { maxCostIncrease: 0.2, maxP95LatencyIncrease: 0.6 });
    const cost = v.rules.find((r) => r.rule === 'maxCostIncrease')!;
    const lat = v.rules.find((r) => r.rule === 'maxP95LatencyIncrease')!;
    expect(cost).toMatchObject({ blocking: true, relative: true });
    expect(cost.candidate! / cost.baseline! - 1).toBeCloseTo(0.3, 10);
    expect(lat).toMatchObject({ baseline: 200, candidate: 300, blocking: false });
    expect(v.verdict).toBe('fail');
  });

  it('unknown prices leave cases out of the cost budget with a warning', () => {
    const b = run(10, () => false, (i) => ({ costUsd: i === 0 ? null : 0.01 }));
    const v = verdictOf(b, run(10, () => false), { maxCostIncrease: 0.1 });
    expect(v.warnings.join('\n')).toContain('1 case(s) without a known price');
  });

  it('maxErrorRate: too many errors make the verdict inconclusive', () => {
    const c = run(200, (i) => i % 10 === 0, (i) => (i < 20 ? { error: 'provider down' } : {}));
    const v = verdictOf(base, c);
    expect(v.verdict).toBe('inconclusive');
    expect(v.reasons[0]).toContain('20/200 results');
    expect(v.errors.rate).toBeCloseTo(0.1, 10);
  });

  it('minCasePassRate: a case passing fewer repeats than required blocks', () => {
    const reps = (fails: (i: number, r: number) => boolean) =>
      [0, 1, 2, 3, 4].flatMap((r) => run(10, (i) => fails(i, r), () => ({ repeat: r })));
    const b = reps(() => false);
    const c = reps((i, r) => i === 4 && r < 2); // case 4 passes 3/5 = 60 %
    const v = verdictOf(b, c, { minCasePassRate: 0.8 });
    const rule = v.rules.find((r) => r.rule === 'minCasePassRate')!;
    expect(rule).toMatchObject({ blocking: true, caseIds: ['case-004'] });
    expect(v.flaky.map((f) => f.caseId)).toEqual(['case-004']);
  });
});

describe('gate pairing and mismatch checks', () => {
  it('compares only shared cases and says how many were left out', () => {
    const b = run(100, () => false);
    const c = run(110, () => false).slice(5);
    const v = verdictOf(b, c);
    expect(v.pairing).toMatchObject({ shared: 95, baselineOnly: 5, candidateOnly: 10 });
    expect(v.warnings.join('\n')).toContain('compared 95 shared cases');
  });

  it('warns about different golden-set and grader hashes, and pairs single variants with different names', () => {
    const b = run(10, () => false);
    const c = run(10, () => false, () => ({ variant: 'gpt-new' }));
    const v = verdictOf(b, c, {}, { hashes: { config: 'x', goldenSets: { 'golden-sets/demo.yaml': 'g2' }, graders: { quality: 'other' } } });
    expect(v.warnings.join('\n')).toMatch(/golden set hashes differ.*demo\.yaml/);
    expect(v.warnings.join('\n')).toMatch(/grader hashes differ.*quality/);
    expect(v.pairing.variants).toEqual([['main', 'gpt-new']]);
    expect(v.pairing.shared).toBe(10);
  });

  it('no shared cases is inconclusive', () => {
    const v = verdictOf(run(5, () => false), run(5, () => false, () => ({ variant: 'a' })).concat(run(5, () => false, () => ({ variant: 'b' }))));
    expect(v.verdict).toBe('inconclusive');
  });

  it('states its minimum detectable drop and what would reach 5 points', () => {
    const b = run(60, (i) => i % 5 === 0);
    const c = run(60, (i) => i % 5 === 1);
    const v = verdictOf(b, c);
    const note = v.power.find((p) => p.metric === 'pass rate')!;
    expect(note.cases).toBe(60);
    expect(note.discordance).toBeCloseTo(24 / 60, 10);
    expect(note.mdd).toBeGreaterThan(0.2);
    expect(note.sentence).toMatch(/^This 60-case comparison cannot reliably see pass rate drops under \d+\.\d points/);
    expect(note.sentence).toMatch(/needs about \d+ cases/);
  });

  it('is reproducible: the same inputs and seed give the same verdict', () => {
    const b = run(100, (i) => i % 7 === 0);
    const c = run(100, (i) => i % 6 === 0);
    expect(verdictOf(b, c)).toEqual(verdictOf(b, c));
  });
});

describe('gate properties', () => {
  it('an identical re-run never blocks, and a candidate that only improves never fails (fast-check)', async () => {
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 80 }), fc.array(fc.nat(79), { maxLength: 20 }), (fails, fixes) => {
        const b = run(fails.length, (i) => fails[i]!);
        const same = verdictOf(b, run(fails.length, (i) => fails[i]!));
        const better = verdictOf(b, run(fails.length, (i) => fails[i]! && !fixes.includes(i)));
        return same.verdict === 'pass' && better.verdict === 'pass' && better.flips.passToFail.length === 0;
      }),
      { numRuns: 40 },
    );
  });
});
