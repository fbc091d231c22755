import { stampOf } from './grade-helpers.js';
import * as z from 'zod';
import { compareText } from '../core/text-overlap.js';
import type { Grade, TurnGrade } from '../schema/grade.js';
import type { ResolvedCase } from '../schema/golden-set.js';
import { GraderDefinitionBaseSchema } from '../schema/grader-definition.js';
import type { TranscriptMessage } from '../schema/run-record.js';
import type { Grader, GraderKind } from './grader.js';
import {
  ACCURACY_PLACEHOLDERS,
  type AccuracyPair,
  type AccuracyVerdict,
  accuracyVerdictSchema,
  DEFAULT_ACCURACY_PROMPT,
  RELATION_SCORES,
  RELATIONS,
  type Relation,
  renderAccuracyPrompt,
} from './judge/accuracy-prompt.js';
import { askJudge } from './judge/ask.js';
import { errorGrade, judgeCallShape, judgeInfo, judgeParams, majority, noJudgeGrade, round4, samplesDetails, spread } from './judge/common.js';
import { locateEvidence } from './judge/evidence.js';
import { resolvePrompt } from './judge/prompt-source.js';
import { sample } from './judge/samples.js';
import { checkTemplate } from './judge/template.js';

export const AccuracyOptionsSchema = GraderDefinitionBaseSchema.extend({
  /**
   * Which assistant text is compared with a reference: `all` (default) the assistant messages of
   * the conversation (or of the turn, for a per-turn reference), joined; `last` only the last one.
   */
  answer: z.enum(['last', 'all']).default('all'),
  /** Score of each relation, overriding the defaults (same 1, superset 0.8, subset 0.5, contradicts 0, irrelevant 0). */
  scores: z.strictObject(Object.fromEntries(RELATIONS.map((r) => [r, z.number().min(0).max(1).optional()]))).optional(),
  ...judgeCallShape,
}).strict();
export type AccuracyOptions = z.infer<typeof AccuracyOptionsSchema>;

function assistantText(transcript: readonly TranscriptMessage[], indices: number[], mode: 'last' | 'all'): { text: string; messages: number[] } {
  const withText = indices.filter((i) => (transcript[i]?.content ?? '').trim() !== '');
  const chosen = mode === 'last' ? withText.slice(-1) : withText;
  return { text: chosen.map((i) => transcript[i]!.content ?? '').join('\n\n'), messages: chosen };
}

/**
 * The (reference, answer) pairs of a conversation: the case's `expect.reference` against the
 * conversation's assistant text, and each scripted turn's `expect.reference` against that
 * turn's assistant text (messages carrying `turn: n`).
 */
export function accuracyPairs(testCase: ResolvedCase, transcript: readonly TranscriptMessage[], mode: 'last' | 'all'): AccuracyPair[] {
  const assistant = [...transcript.keys()].filter((i) => transcript[i]!.role === 'assistant');
  const pairs: AccuracyPair[] = [];
  testCase.turns?.forEach((turn, n) => {
    const reference = turn.expect?.reference;
    if (reference === undefined) return;
    const { text, messages } = assistantText(transcript, assistant.filter((i) => transcript[i]!.turn === n), mode);
    pairs.push({ id: `turn_${n}`, reference, answer: text, messages });
  });
  const reference = testCase.expect?.reference;
  if (reference !== undefined) {
    const { text, messages } = assistantText(transcript, assistant, mode);
    pairs.push({ id: 'conversation', reference, answer: text, messages });
  }
  return pairs;
}

/**
 * `accuracy`: an LLM factuality judge compares the agent's answer with the case's reference
 * (`expect.reference`, and per-turn `turns[n].expect.reference`) and says whether it is the
 * same, a superset, a subset, contradicts it, or is irrelevant; the relation maps to the score
 * (same 1, superset 0.8, subset 0.5, contradicts 0, irrelevant 0). All pairs of a conversation
 * go in one call. Beside it, a deterministic signal that needs no model is always computed
 * (`details.pairs[].overlap`: token F1 and exact match of numbers, dates and money), also when
 * the judge is missing or fails. Default threshold 0.7: same and superset pass, subset fails.
 */
export const accuracyKind: GraderKind<typeof AccuracyOptionsSchema> = {
  options: AccuracyOptionsSchema,
  defaultScope: 'conversation',
  defaultThreshold: 0.7,
  needsJudge: true,
  create(definition, deps): Grader {
    const o = AccuracyOptionsSchema.parse(definition);
    const template = resolvePrompt(o.name, o, deps.baseDir, DEFAULT_ACCURACY_PROMPT);
    checkTemplate(o.name, template, ACCURACY_PLACEHOLDERS, ['items']);
    const relationScore = (r: Relation) => o.scores?.[r] ?? RELATION_SCORES[r];
    const grader: Grader = {
      ...stampOf(o, accuracyKind),
      appliesTo: (c) => c.expect?.reference !== undefined || (c.turns ?? []).some((t) => t.expect?.reference !== undefined),
      async grade(input): Promise<Grade> {
        const pairs = accuracyPairs(input.case, input.transcript, o.answer);
        const overlap = pairs.map((p) => ({ id: p.id, messages: p.messages, overlap: compareText(p.answer, p.reference) }));
        if (!deps.judge) return noJudgeGrade(grader, { pairs: overlap });
        const judge = deps.judge;
        const info = judgeInfo(o, deps);
        const redact = deps.redactForJudge ?? ((t: string) => t);
        const asked = pairs.filter((p) => p.answer !== '');
        const verdicts: AccuracyVerdict[] = [];
        let extra: Partial<Grade> = {};
        let sampleScores: number[] = [];
        let failed = 0;
        if (asked.length > 0) {
          const messages = renderAccuracyPrompt(
            template,
            asked.map((p) => ({ ...p, answer: redact(p.answer), reference: p.reference })),
            input.case,
            input.transcript,
            deps.redactForJudge,
          );
          const schema = accuracyVerdictSchema(asked.map((p) => p.id));
          const sampled = await sample(o.samples, (i) =>
            askJudge<AccuracyVerdict>(judge, { messages, schema: { name: 'accuracy_verdict', schema }, params: judgeParams(o, deps, i), sample: i, signal: input.signal }),
          );
          if (!sampled.ok) {
            return errorGrade(grader, sampled.error, { usage: sampled.usage, details: { judge: info, attempts: sampled.attempts, pairs: overlap } });
          }
          verdicts.push(...sampled.verdicts);
          failed = sampled.failed;
          extra = { usage: sampled.usage };
          sampleScores = sampled.verdicts.map((v) => spread(pairs.map((p) => (v.items[p.id] ? relationScore(v.items[p.id]!.relation) : 0))).mean);
          extra.details = { judge: { ...info, model: sampled.model || info?.model }, attempts: sampled.attempts };
        }
        const results = pairs.map((p, k) => {
          const relations = verdicts.map((v) => v.items[p.id]?.relation).filter((r): r is Relation => r !== undefined);
          const relation: Relation = majority(relations) ?? 'irrelevant';
          const score = relations.length > 0 ? spread(relations.map(relationScore)).mean : relationScore('irrelevant');
          const first = verdicts[0]?.items[p.id];
          return {
            id: p.id,
            messages: p.messages,
            relation,
            score: round4(score),
            reasoning: first?.reasoning ?? 'no assistant answer to compare',
            ...(relations.length > 1 ? { samples: relations } : {}),
            overlap: overlap[k]!.overlap,
          };
        });
        const score = round4(spread(results.map((r) => r.score)).mean);
        const cited = pairs.flatMap((p) => (verdicts[0]?.items[p.id]?.evidence ?? []).map((e) => ({ ...e, note: `${p.id}: ${verdicts[0]!.items[p.id]!.relation}` })));
        const { evidence, dropped } = locateEvidence(input.transcript, cited);
        const turns: TurnGrade[] = results
          .filter((r) => r.id.startsWith('turn_') && r.messages.length > 0)
          .map((r) => ({ turn: r.messages.at(-1)!, score: r.score, pass: r.score >= (o.threshold ?? accuracyKind.defaultThreshold), label: r.relation, reason: r.reasoning }));
        const details: Record<string, unknown> = { ...(extra.details ?? { judge: info }), answer: o.answer, pairs: results, evidenceDropped: dropped };
        if (o.samples > 1 && sampleScores.length > 0) details['samples'] = samplesDetails(o.samples, failed, sampleScores);
        return {
          grader: grader.name,
          kind: grader.kind,
          scope: grader.scope,
          score,
          pass: score >= grader.threshold,
          threshold: grader.threshold,
          ...(results.length === 1 ? { label: results[0]!.relation } : {}),
          reason: results.map((r) => `${r.id}: ${r.relation} (${r.reasoning})`).join(' '),
          evidence,
          ...(turns.length > 0 ? { turns } : {}),
          details,
          ...(extra.usage ? { usage: extra.usage } : {}),
        };
      },
    };
    return grader;
  },
};
