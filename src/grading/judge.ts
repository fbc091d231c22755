import type { Grade } from '../schema/grade.js';
import type { Usage } from '../schema/message.js';
import type { TranscriptMessage } from '../schema/run-record.js';
import { aggregateTurns, assistantIndexes, type GradeStamp, makeGrade, textOf, turnGrade } from './grade-helpers.js';
import type { GradeInput, Grader, GraderKind, ReplyGrading } from './grader.js';
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
import { RUBRIC_PLACEHOLDERS, rubricPrompt } from './judge/rubric-prompt.js';
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
 * `scope: turn` judges each reply (assistant message with text) on the conversation up to it,
 * one verdict per reply (`turns`); the grade's score is the lowest reply's (every reply must
 * pass), and a failed judge call makes the grade an error. Replies can be graded as their turn
 * ends (`byReply`): run --batch sends them in that turn's round.
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
    const renderers = groups.map((g) => rubricPrompt({ criteria: g, scale: o.scale, examples: o.examples, template }));
    const scope = o.scope ?? judgeKind.defaultScope;
    const stamp = { name: o.name, kind: o.kind, scope, threshold: o.threshold ?? judgeKind.defaultThreshold };
    /** One verdict on `transcript` (its last reply only when `reply` is set), as a grade. */
    const judgeOnce = async (input: GradeInput, transcript: TranscriptMessage[], reply?: number): Promise<Grade> => {
      if (!deps.judge) return noJudgeGrade(stamp);
      const judge = deps.judge;
      const prompts = renderers.map((render) => render(input.case, transcript, deps.redactForJudge, reply));
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
        return errorGrade(stamp, sampled.error, { usage: sampled.usage, details: { judge: info, attempts: sampled.attempts, ...(reply !== undefined ? { reply } : {}) } });
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
      const { evidence, dropped } = locateEvidence(transcript, cited);
      const details: Record<string, unknown> = {
        judge: { ...info, model: sampled.model || info?.model },
        scale: { min: o.scale.min, max: o.scale.max },
        criteria,
        attempts: sampled.attempts,
        evidenceDropped: dropped,
        ...(reply !== undefined ? { reply } : {}),
      };
      if (o.samples > 1) details['samples'] = samplesDetails(o.samples, sampled.failed, scores);
      return {
        grader: stamp.name,
        kind: stamp.kind,
        scope: stamp.scope,
        score: round4(score),
        pass: round4(score) >= stamp.threshold,
        threshold: stamp.threshold,
        reason: `${criteria.map((c) => `${c.id} ${c.score}/${o.scale.max}`).join(', ')}. ${first.summary}`.trim(),
        evidence,
        details,
        usage: sampled.usage,
      };
    };
    if (scope === 'conversation') return { ...stamp, appliesTo: () => true, grade: (input) => judgeOnce(input, input.transcript) };
    // Turn scope: one verdict per reply, on the conversation up to it.
    const byReply: ReplyGrading = {
      replies: (transcript) => assistantIndexes(transcript).filter((i) => textOf(transcript[i]!).trim() !== ''),
      grade: (input, reply) => judgeOnce(input, input.transcript.slice(0, reply + 1), reply),
      combine: (parts) => combineReplies(stamp, parts),
    };
    const grader: Grader = {
      ...stamp,
      appliesTo: () => true,
      byReply,
      async grade(input) {
        if (!deps.judge) return noJudgeGrade(stamp);
        return byReply.combine(await Promise.all(byReply.replies(input.transcript).map((i) => byReply.grade(input, i))));
      },
    };
    return grader;
  },
};

/**
 * A per-reply rubric's grade from the grades of its replies (`details.reply` = transcript index):
 * each reply a turn verdict, the score the lowest (every reply must pass), judge usage summed;
 * the first reply whose judge call failed makes it an error grade naming that reply.
 */
function combineReplies(stamp: GradeStamp, parts: readonly Grade[]): Grade {
  let usage: Usage = ZERO_USAGE;
  for (const p of parts) usage = addUsage(usage, p.usage);
  const replyOf = (p: Grade) => p.details?.['reply'] as number;
  const failed = parts.filter((p) => p.error);
  if (failed[0]?.error) {
    const { code, message } = failed[0].error;
    const details = { replies: parts.length, failed: failed.map(replyOf) };
    return errorGrade(stamp, { code, message: `reply #${replyOf(failed[0])}: ${message}` }, { usage, details });
  }
  const turns = parts.map((p) => turnGrade(replyOf(p), p.score ?? 0, stamp.threshold, undefined, p.reason));
  const failing = turns.filter((t) => !t.pass);
  const lowest = turns.reduce<(typeof turns)[number] | undefined>((low, t) => (low === undefined || t.score < low.score ? t : low), undefined);
  const grade = makeGrade(stamp, {
    score: aggregateTurns(turns, 'min'),
    reason:
      turns.length === 0
        ? 'no reply to grade'
        : `${turns.length - failing.length} of ${turns.length} replies pass; lowest #${lowest!.turn}: ${lowest!.reason ?? ''}`.trim(),
    evidence: parts.flatMap((p) => p.evidence ?? []),
    turns,
    details: {
      judge: parts[0]?.details?.['judge'],
      replies: parts.map((p) => ({ reply: replyOf(p), criteria: p.details?.['criteria'] })),
      attempts: parts.reduce((n, p) => n + ((p.details?.['attempts'] as number | undefined) ?? 0), 0),
    },
  });
  return parts.length > 0 ? { ...grade, usage } : grade;
}
