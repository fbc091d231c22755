import * as z from 'zod';
import type { Grader, GraderKind } from '../grader.js';
import { definitionSchema, safeGrade, stampOf } from '../grade-helpers.js';
import { OutcomeLexiconShape, resolveLexicon } from './lexicon.js';
import { detectOutcome } from './outcome.js';

const TurnsOptions = definitionSchema({
  ...OutcomeLexiconShape,
  /** Number of user turns a resolution should take at most for a full score. */
  target_turns: z.number().int().positive().optional(),
});

/**
 * `turns-to-resolution`: the number of user turns up to the assistant message that resolved the
 * request. Score = min(1, target_turns / turns) when resolved, 0 otherwise (escalated,
 * abandoned, unresolved). label: the number of turns, or the detected outcome when unresolved.
 * Applies to cases expected to be resolved or converted, or with no expected outcome.
 */
export const turnsToResolutionKind: GraderKind<typeof TurnsOptions> = {
  options: TurnsOptions,
  defaultScope: 'conversation',
  defaultThreshold: 0.5,
  needsJudge: false,
  create(definition): Grader {
    const stamp = stampOf(definition, turnsToResolutionKind);
    const lexicon = resolveLexicon(definition);
    const target = definition.target_turns ?? 3;
    return {
      ...stamp,
      // meaningless for a case expected to escalate or be abandoned
      appliesTo: (c) => c.expect?.outcome === undefined || c.expect.outcome === 'resolved' || c.expect.outcome === 'converted',
      grade: ({ case: c, transcript }) =>
        safeGrade(stamp, () => {
          const facts = detectOutcome(c, transcript, lexicon);
          const userTurns = transcript.filter((m) => m.role === 'user').length;
          const at = facts.resolvingTurn;
          const turns = at === null ? null : transcript.slice(0, at).filter((m) => m.role === 'user').length;
          const score = turns === null ? 0 : Math.min(1, target / Math.max(1, turns));
          return {
            score,
            label: turns === null ? facts.detectedOutcome : String(turns),
            reason:
              turns === null
                ? `not resolved (${facts.detectedOutcome})`
                : `resolved after ${turns} user turn${turns === 1 ? '' : 's'} (target ${target})`,
            evidence: facts.evidence,
            details: {
              turns,
              resolvingTurn: at,
              userTurns,
              targetTurns: target,
              detectedOutcome: facts.detectedOutcome,
            },
          };
        }),
    };
  },
};
