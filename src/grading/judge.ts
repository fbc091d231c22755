import type { Grade } from '../schema/grade.js';
import type { Grader, GraderKind } from './grader.js';
import { addUsage, askJudge, type JudgeAnswer, ZERO_USAGE } from './judge/ask.js';
import { errorGrade, judgeInfo, judgeParams, noJudgeGrade, round4, samplesDetails, spread } from './judge/common.js';
import { locateEvidence } from './judge/evidence.js';
import { resolvePrompt } from './judge/prompt-source.js';
import {
  normaliseScore,
  type RubricOptions,
  RubricOptionsSchema,
  type RubricVerdict,
  rubricScore,
  rubricVerdictSchema,
} from './judge/rubric.js';
import { RUBRIC_PLACEHOLDERS, renderRubricPrompt } from './judge/rubric-prompt.js';
import { sample } from './judge/samples.js';
import { checkTemplate } from './judge/template.js';

/** The prompt of a rubric that gives none. */
export const DEFAULT_RUBRIC_PROMPT = `## Task
Grade the agent's replies in this customer-support conversation against the rubric below.

## Criteria
{{criteria}}

## Scale
{{scale}}

{{examples}}

## Knowledge the agent had
{{knowledge}}

## Conversation
{{transcript}}`;

/**
 * `judge`: an LLM grades a whole conversation against a rubric (criteria, integer scale,
 * few-shot examples, prompt template; usually a `graders/*.md` file). All criteria are graded
 * in ONE call (`split: true`: one call per criterion); each gets reasoning, verbatim evidence
 * and a score, mapped to 0..1 by the scale.
 * The grade's score is the weighted mean; `pass` = score ≥ threshold (default 0.7), computed
 * here, never taken from the judge. `samples: k` asks k times: the score is the mean and
 * `details.samples` holds every sample's score and the spread.
 *
 * @example
 * // graders/support-quality.md front matter
 * // name: support-quality
 * // kind: judge
 * // criteria: [{ id: empathy, description: Acknowledges the customer's problem }]
 * // scale: 1-5
 */
export const judgeKind: GraderKind<typeof RubricOptionsSchema> = {
  options: RubricOptionsSchema,
  defaultScope: 'conversation',
  defaultThreshold: 0.7,
  needsJudge: true,
  create(definition, deps): Grader {
    const o: RubricOptions = RubricOptionsSchema.parse(definition);
    const template = resolvePrompt(o.name, o, deps.baseDir, DEFAULT_RUBRIC_PROMPT);
    checkTemplate(o.name, template, RUBRIC_PLACEHOLDERS, ['transcript']);
    // One call with every criterion, or (`split: true`) one call per criterion.
    const groups = o.split ? o.criteria.map((c) => [c]) : [o.criteria];
    const schemas = groups.map((g) => rubricVerdictSchema(g, o.scale));
    const grader: Grader = {
      name: o.name,
      kind: o.kind,
      scope: 'conversation',
      threshold: o.threshold ?? judgeKind.defaultThreshold,
      appliesTo: () => true,
      async grade(input): Promise<Grade> {
        if (!deps.judge) return noJudgeGrade(grader);
        const judge = deps.judge;
        const prompts = groups.map((g) =>
          renderRubricPrompt({ criteria: g, scale: o.scale, examples: o.examples, template }, input.case, input.transcript, deps.redactForJudge),
        );
        const info = judgeInfo(o, deps);
        const askAll = async (i: number): Promise<JudgeAnswer<RubricVerdict>> => {
          const merged: RubricVerdict = { criteria: {}, summary: '' };
          const summaries: string[] = [];
          let usage = ZERO_USAGE;
          let attempts = 0;
          let model = '';
          for (const [k, messages] of prompts.entries()) {
            const answer = await askJudge<RubricVerdict>(judge, {
              messages,
              schema: { name: 'rubric_verdict', schema: schemas[k]! },
              params: judgeParams(o, deps, i),
              sample: i,
              signal: input.signal,
            });
            usage = addUsage(usage, answer.usage);
            attempts += answer.attempts;
            if (!answer.ok) return { ...answer, usage, attempts };
            Object.assign(merged.criteria, answer.verdict.criteria);
            summaries.push(answer.verdict.summary);
            model ||= answer.model;
          }
          merged.summary = summaries.join(' ');
          return { ok: true, verdict: merged, usage, attempts, model };
        };
        const sampled = await sample(o.samples, askAll);
        if (!sampled.ok) {
          return errorGrade(grader, sampled.error, { usage: sampled.usage, details: { judge: info, attempts: sampled.attempts } });
        }
        const { verdicts } = sampled;
        const first = verdicts[0]!;
        const scores = verdicts.map((v) => rubricScore(v, o.criteria, o.scale));
        const score = spread(scores).mean;
        const criteria = o.criteria.map((c) => {
          const raw = verdicts.map((v) => v.criteria[c.id]!.score);
          const s = spread(raw);
          return {
            id: c.id,
            weight: c.weight,
            score: round4(s.mean),
            normalised: round4(normaliseScore(s.mean, o.scale)),
            ...(verdicts.length > 1 ? { samples: raw, stdev: round4(s.stdev) } : {}),
            reasoning: first.criteria[c.id]!.reasoning,
          };
        });
        const cited = o.criteria.flatMap((c) => first.criteria[c.id]!.evidence.map((e) => ({ ...e, note: c.id })));
        const { evidence, dropped } = locateEvidence(input.transcript, cited);
        const details: Record<string, unknown> = {
          judge: { ...info, model: sampled.model || info?.model },
          scale: { min: o.scale.min, max: o.scale.max },
          criteria,
          attempts: sampled.attempts,
          evidenceDropped: dropped,
        };
        if (o.samples > 1) details['samples'] = samplesDetails(o.samples, sampled.failed, scores);
        return {
          grader: grader.name,
          kind: grader.kind,
          scope: grader.scope,
          score: round4(score),
          pass: round4(score) >= grader.threshold,
          threshold: grader.threshold,
          reason: `${criteria.map((c) => `${c.id} ${c.score}/${o.scale.max}`).join(', ')}. ${first.summary}`.trim(),
          evidence,
          details,
          usage: sampled.usage,
        };
      },
    };
    return grader;
  },
};
