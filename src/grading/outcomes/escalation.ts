import type { Grader, GraderKind } from '../grader.js';
import { definitionSchema, safeGrade, stampOf } from '../grade-helpers.js';
import { detectHandoff } from './detect.js';
import { OutcomeLexiconShape, resolveLexicon } from './lexicon.js';

const EscalationOptions = definitionSchema(OutcomeLexiconShape);

/**
 * `escalation`: detects a handoff to a human (handoff tool call or handoff phrase) and compares
 * it with the case's expected outcome (`escalated` ↔ detected). With no expected outcome the
 * conversation is expected not to escalate. label: `escalated` | `not-escalated`.
 */
export const escalationKind: GraderKind<typeof EscalationOptions> = {
  options: EscalationOptions,
  defaultScope: 'conversation',
  defaultThreshold: 1,
  needsJudge: false,
  create(definition): Grader {
    const stamp = stampOf(definition, escalationKind);
    const lexicon = resolveLexicon(definition);
    return {
      ...stamp,
      appliesTo: () => true,
      grade: ({ case: c, transcript }) =>
        safeGrade(stamp, () => {
          const found = detectHandoff(transcript, lexicon);
          const expectedOutcome = c.expect?.outcome ?? null;
          const expected = expectedOutcome === 'escalated';
          const label = found.detected ? 'escalated' : 'not-escalated';
          const ok = found.detected === expected;
          const reason = ok
            ? `${label}, as expected`
            : expected
              ? 'expected a handoff to a human; none detected'
              : `escalated (${found.via.join(' + ')}) but the case does not expect it`;
          return {
            score: ok ? 1 : 0,
            label,
            reason,
            evidence: found.evidence,
            details: {
              escalated: found.detected,
              via: found.via,
              escalationTurn: found.turn,
              expectedEscalation: expected,
              expectedOutcome,
            },
          };
        }),
    };
  },
};
