import { describe, expect, it } from 'vitest';
import { formatAgreement } from '../src/cli/agreement.js';
import { agreementByGrader, cohensKappa, humanPass, overriddenPassRates } from '../src/core/agreement.js';
import type { Label } from '../src/schema/label.js';

describe("Cohen's kappa", () => {
  // Textbook examples from Wikipedia, "Cohen's kappa" (https://en.wikipedia.org/wiki/Cohen%27s_kappa):
  // "Simple example" (50 grant proposals: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no → κ = 0.4) and
  // "Same percentages but different numbers" (two 100-item tables, both p_o = 0.60 → κ = 0.1304 and 0.2593).
  it.each([
    ['Wikipedia simple example', [[20, 5], [10, 15]], 0.4],
    ['Wikipedia same agreement, table 1', [[45, 15], [25, 15]], 0.1304],
    ['Wikipedia same agreement, table 2', [[25, 35], [5, 35]], 0.2593],
    ['perfect agreement', [[7, 0], [0, 3]], 1],
    ['agreement at chance level', [[25, 25], [25, 25]], 0],
    ['three categories, perfect', [[2, 0, 0], [0, 3, 0], [0, 0, 4]], 1],
  ])('%s', (_name, matrix, kappa) => {
    expect(cohensKappa(matrix)).toBeCloseTo(kappa, 4);
  });

  it('is undefined without items or with one category only', () => {
    expect(cohensKappa([[0, 0], [0, 0]])).toBeNull();
    expect(cohensKappa([[10, 0], [0, 0]])).toBeNull();
  });
});

const label = (over: Partial<Label>): Label => ({
  type: 'label',
  prev: '0'.repeat(64),
  caseId: 'c1',
  grader: 'helpful',
  transcriptHash: 'aa11',
  verdict: 'agree',
  reviewer: 'rev',
  at: '2026-01-01T00:00:00Z',
  ...over,
});

describe('agreement by grader', () => {
  it('counts labelled grades, builds the matrix and lists disagreements; the latest label wins', () => {
    const grades = [
      { caseId: 'c1', variant: 'v', transcriptHash: 'aa11', grade: { grader: 'helpful', pass: true, score: 0.9 } },
      { caseId: 'c2', variant: 'v', transcriptHash: 'bb22', grade: { grader: 'helpful', pass: true, score: 0.8 } },
      { caseId: 'c3', variant: 'v', transcriptHash: 'cc33', grade: { grader: 'helpful', pass: false, score: 0.2 } },
      { caseId: 'c4', variant: 'v', transcriptHash: 'dd44', grade: { grader: 'helpful', pass: null, score: null } },
      { caseId: 'c5', variant: 'v', transcriptHash: 'ee55', grade: { grader: 'helpful', pass: true, score: 1 } },
    ];
    const labels = [
      label({ caseId: 'c1', transcriptHash: 'aa11', verdict: 'disagree' }),
      label({ caseId: 'c1', transcriptHash: 'aa11', verdict: 'agree' }),
      label({ caseId: 'c2', transcriptHash: 'bb22', verdict: 'disagree', note: 'made up a refund policy' }),
      label({ caseId: 'c3', transcriptHash: 'cc33', verdict: 'agree' }),
      label({ caseId: 'c4', transcriptHash: 'dd44', verdict: 'agree' }),
      label({ caseId: 'c5', transcriptHash: 'other', verdict: 'disagree' }),
    ];
    const [a] = agreementByGrader(grades, labels);
    expect(a).toMatchObject({ grader: 'helpful', labelled: 3, agreed: 2, matrix: [[1, 1], [0, 1]] });
    expect(a?.accuracy).toBeCloseTo(2 / 3);
    expect(a?.kappa).toBeCloseTo(0.4);
    expect(a?.disagreements).toEqual([
      { caseId: 'c2', variant: 'v', judgePass: true, humanPass: false, judgeScore: 0.8, reviewer: 'rev', note: 'made up a refund policy' },
    ]);
  });

  it('counts one label once when the same transcript was graded under two variants', () => {
    const grades = [
      { caseId: 'c1', variant: 'recorded', transcriptHash: 'aa11', grade: { grader: 'helpful', pass: true, score: 0.9 } },
      { caseId: 'c1', variant: 'replayed', transcriptHash: 'aa11', grade: { grader: 'helpful', pass: true, score: 0.9 } },
      { caseId: 'c2', variant: 'recorded', transcriptHash: 'bb22', grade: { grader: 'helpful', pass: true, score: 0.8 } },
      { caseId: 'c2', variant: 'replayed', transcriptHash: 'bb22', grade: { grader: 'helpful', pass: true, score: 0.8 } },
    ];
    const labels = [label({ caseId: 'c1', transcriptHash: 'aa11', verdict: 'agree' }), label({ caseId: 'c2', transcriptHash: 'bb22', verdict: 'disagree' })];
    const [a] = agreementByGrader(grades, labels);
    expect(a).toMatchObject({ labelled: 2, agreed: 1, matrix: [[1, 1], [0, 0]] });
    expect(a?.disagreements.map((d) => `${d.caseId}/${d.variant}`)).toEqual(['c2/recorded']);
  });

  it('humanPass: agree keeps, disagree flips or takes the correction', () => {
    expect(humanPass({ pass: true }, { verdict: 'agree' })).toBe(true);
    expect(humanPass({ pass: true }, { verdict: 'disagree' })).toBe(false);
    expect(humanPass({ pass: false }, { verdict: 'disagree', pass: false })).toBe(false);
  });

  it('overridden pass rates replace labelled verdicts only', () => {
    const results = [
      { caseId: 'c1', variant: 'v', transcriptHash: 'aa11', grades: [{ grader: 'helpful', pass: true }] },
      { caseId: 'c2', variant: 'v', transcriptHash: 'bb22', grades: [{ grader: 'helpful', pass: true }, { grader: 'tone', pass: null }] },
    ];
    expect(overriddenPassRates(results, [label({ caseId: 'c1', verdict: 'disagree' })])).toEqual([
      { variant: 'v', grader: 'helpful', verdicts: 2, judgePassed: 2, humanPassed: 1, labelled: 1 },
    ]);
  });

  it('formats the agreement table for the terminal', () => {
    const grades = [{ caseId: 'c1', variant: 'v', transcriptHash: 'aa11', grade: { grader: 'helpful', pass: true, score: 0.9 } }];
    const text = formatAgreement(agreementByGrader(grades, [label({ verdict: 'disagree', note: 'wrong' })]), 1);
    expect(text).toContain('helpful                         1     0.0%   0.00');
    expect(text).toContain('  judge pass          0           1');
    expect(text).toContain('c1 [v] judge pass (0.90), human fail — rev: wrong');
  });
});
