import * as z from 'zod';
import type { Grader, GraderKind } from './grader.js';
import { aggregateTurns, definitionSchema, safeGrade, turnGrade, stampOf } from './grade-helpers.js';
import { checkPatterns, compilePatterns, PatternEntrySchema, patternReason } from './patterns.js';

const RegexOptions = definitionSchema({
  must_match: z.array(PatternEntrySchema).optional(),
  must_not_match: z.array(PatternEntrySchema).optional(),
  /** Which messages are checked (default: assistant). */
  roles: z.array(z.enum(['user', 'assistant', 'tool'])).min(1).optional(),
});

/**
 * `regex`: a pattern pack (e.g. graders/pii-leak.yaml). Turn scope: each checked message is a
 * turn verdict and the conversation score is the minimum (passes only if every turn passes).
 * Conversation scope: the messages are checked together.
 */
export const regexKind: GraderKind<typeof RegexOptions> = {
  options: RegexOptions,
  defaultScope: 'turn',
  defaultThreshold: 1,
  needsJudge: false,
  create(definition): Grader {
    const stamp = stampOf(definition, regexKind);
    const mustMatch = compilePatterns(definition.must_match, 'must_match');
    const mustNotMatch = compilePatterns(definition.must_not_match, 'must_not_match');
    const roles = new Set(definition.roles ?? ['assistant']);
    return {
      ...stamp,
      appliesTo: () => true,
      grade: ({ transcript }) =>
        safeGrade(stamp, () => {
          const indexes = transcript.flatMap((m, i) => (roles.has(m.role as 'assistant') ? [i] : []));
          if (stamp.scope === 'conversation') {
            const check = checkPatterns(transcript, indexes, mustMatch, mustNotMatch);
            return {
              score: check.score,
              label: check.violated.length > 0 ? check.violated.join(', ') : 'clean',
              reason: patternReason(check),
              evidence: check.evidence,
              details: { violated: check.violated, missing: check.missing },
            };
          }
          const checks = indexes.map((i) => ({ i, check: checkPatterns(transcript, [i], mustMatch, mustNotMatch) }));
          const turns = checks.map(({ i, check }) =>
            turnGrade(i, check.score, stamp.threshold, check.violated.join(', ') || undefined, patternReason(check)),
          );
          const violated = [...new Set(checks.flatMap(({ check }) => check.violated))];
          const failing = turns.filter((t) => !t.pass).length;
          return {
            score: aggregateTurns(turns, 'min'),
            label: violated.length > 0 ? violated.join(', ') : 'clean',
            reason: failing === 0 ? `${turns.length} turns checked, none failed` : `${failing} of ${turns.length} turns failed`,
            evidence: checks.flatMap(({ check }) => check.evidence),
            turns,
            details: { violated, failingTurns: failing },
          };
        }),
    };
  },
};
