import type { ResolvedCase } from '../schema/golden-set.js';
import type { Grader, GraderKind } from './grader.js';
import { definitionSchema, safeGrade, userTurnOf, stampOf } from './grade-helpers.js';
import { checkPatterns, compilePatterns, type PatternCheck } from './patterns.js';

const RulesOptions = definitionSchema({});

function hasPatterns(e: { must_match?: string[]; must_not_match?: string[] } | undefined): boolean {
  return (e?.must_match?.length ?? 0) + (e?.must_not_match?.length ?? 0) > 0;
}

/**
 * `rules`: the case's own `expect.must_match` / `must_not_match`. Conversation-level patterns
 * are checked against all assistant messages together; a scripted turn's `expect` patterns
 * against the assistant message(s) answering that user turn. Score = passed checks / checks;
 * each forbidden match is evidence. Applies only to cases that have such patterns.
 */
export const rulesKind: GraderKind<typeof RulesOptions> = {
  options: RulesOptions,
  defaultScope: 'conversation',
  defaultThreshold: 1,
  needsJudge: false,
  create(definition): Grader {
    const stamp = stampOf(definition, rulesKind);
    return {
      ...stamp,
      appliesTo: (c: ResolvedCase) => hasPatterns(c.expect) || (c.turns ?? []).some((t) => hasPatterns(t.expect)),
      grade: ({ case: c, transcript }) =>
        safeGrade(stamp, () => {
          const owners = userTurnOf(transcript);
          const assistant = transcript.flatMap((m, i) => (m.role === 'assistant' ? [i] : []));
          const results: Array<{ turn: number | null; check: PatternCheck }> = [];
          if (hasPatterns(c.expect)) {
            const check = checkPatterns(
              transcript,
              assistant,
              compilePatterns(c.expect?.must_match, 'expect.must_match'),
              compilePatterns(c.expect?.must_not_match, 'expect.must_not_match'),
            );
            results.push({ turn: null, check });
          }
          (c.turns ?? []).forEach((t, turn) => {
            if (!hasPatterns(t.expect)) return;
            const replies = assistant.filter((i) => owners[i] === turn);
            const check = checkPatterns(
              transcript,
              replies,
              compilePatterns(t.expect?.must_match, `turns[${turn}].expect.must_match`),
              compilePatterns(t.expect?.must_not_match, `turns[${turn}].expect.must_not_match`),
            );
            results.push({ turn, check });
          });
          const checks = results.reduce((n, r) => n + r.check.checks, 0);
          const passed = results.reduce((n, r) => n + r.check.score * r.check.checks, 0);
          const failures = results.flatMap((r) => {
            const where = r.turn === null ? 'conversation' : `turn ${r.turn}`;
            return [
              ...r.check.violated.map((p) => `${where}: must not match ${p}`),
              ...r.check.missing.map((p) => `${where}: must match ${p}`),
            ];
          });
          return {
            score: checks === 0 ? 1 : passed / checks,
            label: failures.length === 0 ? 'pass' : 'fail',
            reason: failures.length === 0 ? `all ${checks} checks passed` : failures.join('; '),
            evidence: results.flatMap((r) => r.check.evidence),
            details: {
              checks,
              failed: failures.length,
              results: results.map((r) => ({
                turn: r.turn,
                violated: r.check.violated,
                missing: r.check.missing,
              })),
            },
          };
        }),
    };
  },
};
