import type { Grader, GraderKind } from '../grader.js';
import { aggregateTurns, definitionSchema, safeGrade, spanEvidence, textOf, turnGrade, stampOf } from '../grade-helpers.js';
import { phraseMatcher } from './detect.js';
import { OutcomeLexiconShape, resolveLexicon } from './lexicon.js';

const FallbackOptions = definitionSchema(OutcomeLexiconShape);

/**
 * `fallback`: flags assistant replies that mean "I didn't understand". Turn verdicts (1 = not a
 * fallback); the conversation score is the MEAN, i.e. the share of non-fallback replies.
 * label: the number of fallback replies (`"0"`, `"2"`...).
 */
export const fallbackKind: GraderKind<typeof FallbackOptions> = {
  options: FallbackOptions,
  defaultScope: 'turn',
  defaultThreshold: 0.75,
  needsJudge: false,
  create(definition): Grader {
    const stamp = stampOf(definition, fallbackKind);
    const matcher = phraseMatcher(resolveLexicon(definition).fallback_phrases);
    return {
      ...stamp,
      appliesTo: () => true,
      grade: ({ transcript }) =>
        safeGrade(stamp, () => {
          const hits = transcript.flatMap((m, i) => {
            if (m.role !== 'assistant' || textOf(m).trim() === '') return [];
            return [{ i, hit: matcher.find(textOf(m)) }];
          });
          const turns = hits.map(({ i, hit }) => turnGrade(i, hit ? 0 : 1, 1, hit ? 'fallback' : 'ok'));
          const evidence = hits.flatMap(({ i, hit }) =>
            hit ? [spanEvidence(i, textOf(transcript[i]!), hit.start, hit.end, 'fallback reply')] : [],
          );
          const count = evidence.length;
          return {
            score: aggregateTurns(turns, 'mean'),
            label: String(count),
            reason: `${count} of ${turns.length} assistant replies are fallbacks`,
            evidence,
            turns,
            details: { fallbackTurns: count, assistantTurns: turns.length },
          };
        }),
    };
  },
};
