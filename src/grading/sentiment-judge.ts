import { stampOf } from './grade-helpers.js';
import type { z } from 'zod';
import type { Grade, TurnGrade } from '../schema/grade.js';
import { GraderDefinitionBaseSchema } from '../schema/grader-definition.js';
import type { Grader, GraderKind } from './grader.js';
import { askJudge } from './judge/ask.js';
import { errorGrade, judgeCallShape, judgeInfo, judgeParams, majority, noJudgeGrade, round4, samplesDetails, spread } from './judge/common.js';
import { locateEvidence } from './judge/evidence.js';
import { messageKey } from './judge/context.js';
import { resolvePrompt } from './judge/prompt-source.js';
import { sample } from './judge/samples.js';
import {
  DEFAULT_SENTIMENT_PROMPT,
  renderSentimentPrompt,
  SENTIMENT_PLACEHOLDERS,
  type Sentiment,
  type SentimentVerdict,
  sentimentVerdictSchema,
} from './judge/sentiment-prompt.js';
import { checkTemplate } from './judge/template.js';

export const SentimentJudgeOptionsSchema = GraderDefinitionBaseSchema.extend({ ...judgeCallShape }).strict();
export type SentimentJudgeOptions = z.infer<typeof SentimentJudgeOptionsSchema>;

const SENTIMENT_SCORE: Record<Sentiment, number> = { positive: 1, neutral: 0.5, negative: 0 };
const RANK: Record<Sentiment, number> = { positive: 2, neutral: 1, negative: 0 };

/** CSAT 1..5 → 0..1. */
export function csatScore(csat: number): number {
  return (csat - 1) / 4;
}

/**
 * `sentiment-judge`: the LLM variant of `sentiment`. In ONE call the judge labels the customer's
 * sentiment in every user message (and frustration), the tone of every agent message
 * (empathetic, polite, neutral, curt, rude; curt and rude ones quoted as evidence), the
 * trajectory (improved, flat, worsened) and the overall sentiment with a CSAT estimate (1..5).
 * label = overall customer sentiment; score = CSAT proxy = (csat − 1) / 4 (mean over samples);
 * default threshold 0.4, as for the lexicon `sentiment` grader. `turns` holds the user messages
 * (positive 1, neutral 0.5, negative 0); `details.spikes` the user messages whose sentiment
 * dropped from the previous one.
 */
export const sentimentJudgeKind: GraderKind<typeof SentimentJudgeOptionsSchema> = {
  options: SentimentJudgeOptionsSchema,
  defaultScope: 'conversation',
  defaultThreshold: 0.4,
  needsJudge: true,
  create(definition, deps): Grader {
    const o = SentimentJudgeOptionsSchema.parse(definition);
    const template = resolvePrompt(o.name, o, deps.baseDir, DEFAULT_SENTIMENT_PROMPT);
    checkTemplate(o.name, template, SENTIMENT_PLACEHOLDERS, ['transcript']);
    const stamp = stampOf(o, sentimentJudgeKind);
    const { threshold } = stamp;
    const grader: Grader = {
      ...stamp,
      appliesTo: () => true,
      async grade(input): Promise<Grade> {
        if (!deps.judge) return noJudgeGrade(grader);
        const judge = deps.judge;
        const { transcript } = input;
        const withText = (role: string) => [...transcript.keys()].filter((i) => transcript[i]!.role === role && (transcript[i]!.content ?? '').trim() !== '');
        const users = withText('user');
        const agents = withText('assistant');
        const info = judgeInfo(o, deps);
        const messages = renderSentimentPrompt(template, users, agents, input.case, transcript, deps.redactForJudge);
        const schema = sentimentVerdictSchema(users, agents);
        const sampled = await sample(o.samples, (i) =>
          askJudge<SentimentVerdict>(judge, {
            messages,
            schema: { name: 'sentiment_verdict', schema },
            params: judgeParams(o, deps, i),
            sample: i,
            signal: input.signal,
          }),
        );
        if (!sampled.ok) return errorGrade(grader, sampled.error, { usage: sampled.usage, details: { judge: info, attempts: sampled.attempts } });
        const first = sampled.verdicts[0]!;
        const scores = sampled.verdicts.map((v) => csatScore(v.overall.csat));
        const score = round4(spread(scores).mean);
        const label = majority(sampled.verdicts.map((v) => v.overall.sentiment))!;
        const userTurns = users.map((turn) => ({ turn, ...first.user_messages[messageKey(turn)]! }));
        const agentTone = agents.map((turn) => ({ turn, ...first.agent_messages[messageKey(turn)]! }));
        const spikes = userTurns.slice(1).flatMap((u, k) => (RANK[u.sentiment] < RANK[userTurns[k]!.sentiment] ? [u.turn] : []));
        const rough = agentTone.filter((a) => a.tone === 'rude' || a.tone === 'curt');
        const { evidence, dropped } = locateEvidence(
          transcript,
          rough.map((a) => ({ turn: a.turn, quote: a.quote, note: `${a.tone} agent reply: ${a.reasoning}` })),
        );
        const turns: TurnGrade[] = userTurns.map((u) => ({
          turn: u.turn,
          score: SENTIMENT_SCORE[u.sentiment],
          pass: SENTIMENT_SCORE[u.sentiment] >= threshold,
          label: u.sentiment,
        }));
        const details: Record<string, unknown> = {
          judge: { ...info, model: sampled.model || info?.model },
          attempts: sampled.attempts,
          csat: first.overall.csat,
          trajectory: first.trajectory.direction,
          spikes,
          userTurns,
          agentTone,
          rudeTurns: agentTone.filter((a) => a.tone === 'rude').length,
          evidenceDropped: dropped,
        };
        if (o.samples > 1) {
          details['samples'] = samplesDetails(o.samples, sampled.failed, scores, { labels: sampled.verdicts.map((v) => v.overall.sentiment) });
        }
        const parts = [`customer ${label}, ${first.trajectory.direction}, CSAT ${first.overall.csat}/5`];
        if (spikes.length > 0) parts.push(`${spikes.length} frustration spike(s)`);
        if (rough.length > 0) parts.push(`${rough.length} curt or rude agent repl${rough.length === 1 ? 'y' : 'ies'}`);
        return {
          grader: grader.name,
          kind: grader.kind,
          scope: grader.scope,
          score,
          pass: score >= threshold,
          threshold,
          label,
          reason: `${parts.join('; ')}. ${first.overall.reasoning}`,
          evidence,
          turns,
          details,
          usage: sampled.usage,
        };
      },
    };
    return grader;
  },
};
