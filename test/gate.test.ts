import { describe, expect, it } from 'vitest';
import { type ResultSpec, syntheticHeader, syntheticResult } from '../bench/synthetic-run.js';
import { gate, gateRun } from '../src/core/gate.js';
import { ruleNameProblems } from '../src/core/gate/rule-names.js';
import { gateConsole } from '../src/report/console-gate.js';
import { gateMarkdown } from '../src/report/markdown-gate.js';
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

describe('gate rules that name nothing (issue 14 item 4)', () => {
  const b = run(20, () => false);
  const c = run(20, () => false);
  const runs = [gateRun(syntheticHeader('base'), b), gateRun(syntheticHeader('cand'), c)];

  it.each([
    [{ floors: [{ metric: 'qualty.passRate', min: 1 }] }, 'floors[0].metric', 'grader "qualty"', 'quality'],
    [{ drops: [{ metric: 'quality.pasRate', maxDrop: 0.1 }] }, 'drops[0].metric', 'metric field "pasRate"', 'passRate'],
    [{ drops: [{ metric: 'resolutonRate', maxDrop: 0.1 }] }, 'drops[0].metric', 'metric "resolutonRate"', 'resolutionRate'],
    [{ slices: ['intnt'] }, 'slices[0]', 'slice key "intnt"', 'intent'],
    [{ drops: [{ metric: 'score', slice: 'intent=refnd', maxDrop: 0.1 }] }, 'drops[0].slice', 'slice value "intent=refnd"', 'refund'],
    [{ floors: [{ metric: 'score', slice: 'intent', min: 0.5 }] }, 'floors[0].slice', 'a floor needs key=value', 'intent=billing'],
  ])('%j is reported at its field with the names it could mean', (over, field, what, near) => {
    const problems = ruleNameProblems(rules(over), runs);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ field });
    expect(problems[0]!.what).toContain(what);
    expect(problems[0]!.known).toContain(near);
  });

  it('a floor on a misspelt grader no longer passes: the verdict is inconclusive and names the rule', () => {
    const v = verdictOf(b, c, { floors: [{ metric: 'qualty.passRate', min: 1 }] });
    expect(v.verdict).toBe('inconclusive');
    expect(v.reasons.join('\n')).toContain('gate rule floors[0].metric (floor qualty.passRate ≥ 1) names an unknown grader "qualty"');
  });

  it('known names raise no problem', () => {
    expect(ruleNameProblems(rules({ slices: ['intent'], floors: [{ metric: 'quality.passRate', slice: 'intent=refund', min: 0.5 }], drops: [{ metric: 'csat', maxDrop: 0.1 }] }), runs)).toEqual([]);
  });
});

describe('gate on unlike runs (issue 14 item 5)', () => {
  // Baseline graded by quality and tone (tone fails everything), candidate by quality only:
  // pooled over different graders the candidate's overall score "rises" by 50 points.
  const graded = (n: number, withTone: boolean, variant = 'main') =>
    Array.from({ length: n }, (_, i) =>
      syntheticResult({
        caseId: `case-${i}`,
        variant,
        tags: { intent: i % 2 === 0 ? 'refund' : 'billing' },
        grades: [{ score: 1 }, ...(withTone ? [{ grader: 'tone', score: 0 }] : [])],
      }),
    );

  it('a grader missing from the candidate makes the verdict inconclusive and is reported', () => {
    const v = verdictOf(graded(40, true), graded(40, false));
    expect(v.verdict).toBe('inconclusive');
    expect(v.variants[0]!.graders).toEqual({ baselineOnly: ['tone'], candidateOnly: [] });
    expect(v.reasons.join('\n')).toContain('grader(s) tone graded the baseline but no candidate case');
    expect(v.warnings.join('\n')).toContain('graders of main differ (only in the baseline: tone)');
    // The overall score is compared over the graders both runs have: no phantom +50 points.
    expect(v.rules.find((r) => r.metric === 'score' && !r.slice)).toMatchObject({ baseline: 1, candidate: 1, delta: 0 });
  });

  it('a floor on a grader that graded no candidate case is inconclusive, not a pass', () => {
    // The grader is known (the header lists it) but produced no grade in either run (skipped).
    const v = gate(gateRun(syntheticHeader('base', { graders: { quality: 'q', 'pii-leak': 'p' } }), run(20, () => false)), gateRun(syntheticHeader('cand', { graders: { quality: 'q', 'pii-leak': 'p' } }), run(20, () => false)), rules({ floors: [{ metric: 'pii-leak.passRate', min: 1 }] }));
    expect(v.verdict).toBe('inconclusive');
    expect(v.reasons).toEqual(['gate rule floors[0] on pii-leak.passRate: grader pii-leak graded no candidate case of main']);
  });

  it('without a rule on the missing grader, the verdict compares the shared graders', () => {
    const v = verdictOf(graded(40, true), graded(40, false), { perGrader: false });
    expect(v.verdict).toBe('pass');
    expect(v.warnings.join('\n')).toContain('only in the baseline: tone');
  });

  it('variants are gated separately: a drop in one is not hidden by a gain in another', () => {
    const scores = (variant: string, good: (i: number) => boolean) =>
      Array.from({ length: 100 }, (_, i) => syntheticResult({ caseId: `case-${i}`, variant, tags: { intent: 'refund' }, grades: [{ score: good(i) ? 1 : 0 }] }));
    const base = [...scores('a', () => true), ...scores('b', () => false)];
    const cand = [...scores('a', (i) => i % 2 === 0), ...scores('b', (i) => i % 2 === 0)];
    const v = verdictOf(base, cand);
    expect(v.variants.map((x) => [x.variant, x.verdict])).toEqual([
      ['a', 'fail'],
      ['b', 'pass'],
    ]);
    expect(v.verdict).toBe('fail');
    expect(v.reasons[0]).toMatch(/^\[a\] score 100\.0 → 50\.0/);
    expect(new Set(v.flips.passToFail.map((f) => f.variant))).toEqual(new Set(['a']));
    expect(new Set(v.flips.failToPass.map((f) => f.variant))).toEqual(new Set(['b']));
    expect(gateConsole(v)).toContain('case-1 [a]');
    // --variant b: only b is gated, and it passes.
    const onlyB = gate(gateRun(syntheticHeader('base'), base), gateRun(syntheticHeader('cand'), cand), rules(), { variants: ['b'] });
    expect(onlyB.variants.map((x) => x.variant)).toEqual(['b']);
    expect(onlyB.verdict).toBe('pass');
  });

  it('a baseline variant the candidate lacks (skipped, not run) is inconclusive unless allowed or deselected', () => {
    const v10 = (variant: string) => run(10, () => false, () => ({ variant }));
    const v = verdictOf([...v10('main'), ...v10('gpt')], v10('main'));
    expect(v.verdict).toBe('inconclusive');
    expect(v.reasons).toEqual(['baseline variant(s) missing from the candidate: gpt (10 cases) (allow with allowMissingCases / --allow-missing-cases, or choose variants with --variant)']);
    expect(verdictOf([...v10('main'), ...v10('gpt')], v10('main'), { allowMissingCases: true }).verdict).toBe('pass');
    const chosen = gate(gateRun(syntheticHeader('base'), [...v10('main'), ...v10('gpt')]), gateRun(syntheticHeader('cand'), v10('main')), rules(), { variants: ['main'] });
    expect(chosen.verdict).toBe('pass');
  });

  it('recorded transcripts are their own variant: never paired with a model variant', () => {
    const rec = (variant: string) => run(10, () => false, () => ({ variant }));
    expect(verdictOf(rec('recorded'), rec('gpt')).pairing.variants).toEqual([]);
    expect(verdictOf(rec('recorded'), rec('gpt')).verdict).toBe('inconclusive');
    const v = verdictOf([...rec('recorded'), ...rec('old-model')], [...rec('recorded'), ...rec('new-model')]);
    expect(v.pairing.variants).toEqual([
      ['old-model', 'new-model'],
      ['recorded', 'recorded'],
    ]);
    expect(v.variants.map((x) => x.verdict)).toEqual(['pass', 'pass']);
  });
});

describe('where it dropped (issue 14 item 6)', () => {
  it('shows the slice with the largest drop per tag key without any slice rule', () => {
    const tags = (i: number) => ({ tags: { intent: i < 3 ? 'policy' : 'other', channel: i % 2 === 0 ? 'chat' : 'email' } });
    const v = verdictOf(run(40, () => false, tags), run(40, (i) => i < 3, tags));
    expect(v.rules.some((r) => r.slice)).toBe(false);
    expect(v.largestDrops[0]).toMatchObject({ variant: 'main', slice: 'intent=policy', delta: -1, cases: 3 });
    expect(v.largestDrops.map((d) => d.slice)).toEqual(['intent=policy', 'channel=chat']);
    expect(gateConsole(v)).toContain('largest slice drops (information, not rules): intent=policy −100.0 points (3 cases)');
    expect(gateMarkdown(v)).toContain('| intent=policy | 100.0 | 0.0 | -100.0 | 3 |');
  });
});

describe('a candidate that lacks baseline cases (issue 15 item 6)', () => {
  it('is inconclusive and names the missing cases, unless allowed', () => {
    const b = run(50, () => false);
    const c = run(50, () => false).slice(0, 46);
    const v = verdictOf(b, c);
    expect(v.verdict).toBe('inconclusive');
    expect(v.variants[0]).toMatchObject({ missingCount: 4, missing: ['case-046', 'case-047', 'case-048', 'case-049'] });
    expect(v.reasons[0]).toContain('4 baseline case(s) missing from the candidate: case-046, case-047, case-048, case-049');
    expect(verdictOf(b, c, { allowMissingCases: true }).verdict).toBe('pass');
  });

  it('carries what the reader met into the warnings', () => {
    const cand = { ...gateRun(syntheticHeader('cand'), run(10, () => false).slice(0, 8)), path: 'pr.jsonl', status: 'incomplete', integrity: { results: 8, truncatedLine: 10, duplicateLines: 0, duplicateExamples: [], unknownLines: 0, summaryMissing: true } };
    const v = gate(gateRun(syntheticHeader('base'), run(10, () => false)), cand, rules());
    expect(v.verdict).toBe('inconclusive');
    expect(v.reasons[0]).toContain('(the candidate record was cut mid-line)');
    expect(v.candidate.integrity).toEqual(['candidate pr.jsonl was cut mid-line at line 10: read up to line 9 (8 results)']);
    expect(v.warnings).toContain('the candidate run did not complete (status incomplete)');
  });
});
