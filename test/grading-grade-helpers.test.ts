import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateTurns, errorGrade, makeGrade, turnGrade, userTurnOf } from '../src/grading/grade-helpers.js';
import { DEFAULT_LEXICON } from '../src/grading/outcomes/lexicon.js';
import { loadGraderFiles } from '../src/io/grader-files.js';
import { GradeSchema } from '../src/schema/grade.js';
import { ROOT } from './grading-helpers.js';

const stamp = (threshold: number) => ({ name: 'g', kind: 'k', scope: 'turn' as const, threshold });

describe('grade helpers', () => {
  it('pass is exactly score >= threshold, scores are clamped, grades are valid', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, min: -2, max: 2 }), fc.double({ min: 0, max: 1, noNaN: true }), (score, threshold) => {
        const g = makeGrade(stamp(threshold), { score });
        expect(GradeSchema.safeParse(g).success).toBe(true);
        expect(g.score).toBe(Math.min(1, Math.max(0, score)));
        expect(g.pass).toBe(g.score! >= threshold);
      }),
    );
  });

  it('min aggregation passes exactly when every turn passes', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1 }), fc.double({ min: 0, max: 1, noNaN: true }), (scores, t) => {
        const turns = scores.map((s, i) => turnGrade(i, s, t));
        expect(aggregateTurns(turns, 'min') >= t).toBe(turns.every((x) => x.pass));
      }),
    );
    expect(aggregateTurns([])).toBe(1);
  });

  it('an error grade has null score and pass', () => {
    expect(errorGrade(stamp(0.5), new Error('boom'))).toMatchObject({ score: null, pass: null, error: { code: 'E_GRADER', message: 'boom' } });
  });

  it('user turns: the message `turn` when set, else counted', () => {
    expect(
      userTurnOf([
        { role: 'assistant', content: 'hi' },
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'b' },
        { role: 'user', content: 'c', turn: 5 },
        { role: 'tool', content: 'd' },
      ]),
    ).toEqual([-1, 0, 0, 5, 5]);
  });
});

describe('graders/outcomes.yaml', () => {
  it('spells out the built-in lexicon (the two stay in sync)', async () => {
    const { graders, problems } = await loadGraderFiles(['graders/outcomes.yaml'], { cwd: ROOT });
    expect(problems).toEqual([]);
    const byName = new Map(graders.map((g) => [g.definition['name'], g.definition]));
    const resolution = byName.get('resolution')!;
    for (const key of Object.keys(DEFAULT_LEXICON) as Array<keyof typeof DEFAULT_LEXICON>) {
      if (key === 'fallback_phrases') expect(byName.get('fallback')![key]).toEqual(DEFAULT_LEXICON[key]);
      else expect(resolution[key]).toEqual(DEFAULT_LEXICON[key]);
    }
  });
});
