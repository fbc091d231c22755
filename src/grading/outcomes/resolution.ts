import type { Grader, GraderKind } from '../grader.js';
import { definitionSchema, safeGrade, stampOf } from '../grade-helpers.js';
import { OutcomeLexiconShape, resolveLexicon } from './lexicon.js';
import { detectOutcome, outcomeMatches } from './outcome.js';

const ResolutionOptions = definitionSchema(OutcomeLexiconShape);

/**
 * `resolution`: the detected outcome against the case's expected outcome (default `resolved`),
 * and the expected tool calls made with matching arguments. Score = mean of the parts that
 * apply: outcome match (0/1) and the share of expected tool calls made.
 * label: the detected outcome.
 */
export const resolutionKind: GraderKind<typeof ResolutionOptions> = {
  options: ResolutionOptions,
  defaultScope: 'conversation',
  defaultThreshold: 1,
  needsJudge: false,
  create(definition): Grader {
    const stamp = stampOf(definition, resolutionKind);
    const lexicon = resolveLexicon(definition);
    return {
      ...stamp,
      appliesTo: () => true,
      grade: ({ case: c, transcript }) =>
        safeGrade(stamp, () => {
          const facts = detectOutcome(c, transcript, lexicon);
          const expectedOutcome = c.expect?.outcome ?? null;
          const outcomeOk = outcomeMatches(expectedOutcome ?? 'resolved', facts.detectedOutcome);
          const parts = [outcomeOk ? 1 : 0];
          const expectedCount = facts.expectedTools.length;
          if (expectedCount > 0) parts.push(facts.tools.matched.length / expectedCount);
          const problems: string[] = [];
          if (!outcomeOk) problems.push(`detected ${facts.detectedOutcome}, expected ${expectedOutcome ?? 'resolved'}`);
          if (facts.tools.missing.length > 0) {
            problems.push(
              `missing tool calls: ${facts.tools.missing.map((m) => (m.argumentsDiffer ? `${m.name} (arguments differ)` : m.name)).join(', ')}`,
            );
          }
          return {
            score: parts.reduce((a, b) => a + b, 0) / parts.length,
            label: facts.detectedOutcome,
            reason: problems.length > 0 ? problems.join('; ') : `${facts.detectedOutcome}, as expected`,
            evidence: facts.evidence,
            details: {
              detectedOutcome: facts.detectedOutcome,
              expectedOutcome,
              outcomeMatched: outcomeOk,
              toolsExpected: expectedCount,
              expectedTools: facts.expectedTools.map((t) => t.name),
              toolsMatched: expectedCount === 0 ? null : facts.tools.allMatched,
              goalCompleted:
                expectedCount > 0
                  ? facts.tools.allMatched
                  : facts.detectedOutcome === 'resolved' || facts.detectedOutcome === 'converted',
              matchedTools: facts.tools.matched.map((m) => m.name),
              missingTools: facts.tools.missing.map(({ name, argumentsDiffer }) => ({ name, argumentsDiffer })),
              extraTools: facts.tools.extra,
              resolvingTurn: facts.resolvingTurn,
              escalated: facts.handoff.detected,
            },
          };
        }),
    };
  },
};
