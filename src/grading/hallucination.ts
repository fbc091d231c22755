import { stampOf } from './grade-helpers.js';
import type { z } from 'zod';
import type { Grade, TurnGrade } from '../schema/grade.js';
import type { ResolvedCase } from '../schema/golden-set.js';
import { GraderDefinitionBaseSchema } from '../schema/grader-definition.js';
import type { Grader, GraderKind } from './grader.js';
import { askJudge } from './judge/ask.js';
import { errorGrade, judgeCallShape, judgeInfo, judgeParams, noJudgeGrade, round4, samplesDetails, spread } from './judge/common.js';
import { locateEvidence } from './judge/evidence.js';
import {
  type Claim,
  DEFAULT_HALLUCINATION_PROMPT,
  HALLUCINATION_PLACEHOLDERS,
  type HallucinationVerdict,
  hallucinationVerdictSchema,
  messageKey,
  renderHallucinationPrompt,
} from './judge/hallucination-prompt.js';
import { resolvePrompt } from './judge/prompt-source.js';
import { sample } from './judge/samples.js';
import { checkTemplate } from './judge/template.js';

export const HallucinationOptionsSchema = GraderDefinitionBaseSchema.extend({ ...judgeCallShape }).strict();
export type HallucinationOptions = z.infer<typeof HallucinationOptionsSchema>;

/** true when the case gives claims something to be checked against. */
export function hasGroundTruth(c: ResolvedCase): boolean {
  return c.knowledge.length > 0 || c.tool_results !== undefined || (c.transcript ?? []).some((m) => m.role === 'tool');
}

/** Supported share of a verdict's claims (1 when there are none: nothing was invented). */
export function supportedShare(verdict: HallucinationVerdict): number {
  const claims = Object.values(verdict.messages).flatMap((m) => m.claims);
  return claims.length === 0 ? 1 : claims.filter((c) => c.verdict === 'supported').length / claims.length;
}

function labelOf(claims: readonly Claim[]): string {
  if (claims.length === 0) return 'no-claims';
  if (claims.some((c) => c.verdict === 'contradicted')) return 'contradicted';
  if (claims.some((c) => c.verdict === 'unverifiable')) return 'unverifiable';
  return 'grounded';
}

/**
 * `hallucination`: LLM claim verification. In ONE call the judge lists the factual claims of
 * every assistant message and checks each against the knowledge, the earlier conversation and
 * tool results: supported, contradicted or unverifiable. Score = supported share of all claims
 * (1 when no claims); default threshold 0.9. Contradicted and unverifiable claims are evidence
 * (their quote located in the message); `turns` has the share per assistant message; every claim
 * is in `details.claims`. Applies to cases with knowledge or tool results.
 */
export const hallucinationKind: GraderKind<typeof HallucinationOptionsSchema> = {
  options: HallucinationOptionsSchema,
  defaultScope: 'conversation',
  defaultThreshold: 0.9,
  needsJudge: true,
  create(definition, deps): Grader {
    const o = HallucinationOptionsSchema.parse(definition);
    const template = resolvePrompt(o.name, o, deps.baseDir, DEFAULT_HALLUCINATION_PROMPT);
    checkTemplate(o.name, template, HALLUCINATION_PLACEHOLDERS, ['transcript']);
    const stamp = stampOf(o, hallucinationKind);
    const { threshold } = stamp;
    const grader: Grader = {
      ...stamp,
      appliesTo: hasGroundTruth,
      async grade(input): Promise<Grade> {
        const indices = [...input.transcript.keys()].filter(
          (i) => input.transcript[i]!.role === 'assistant' && (input.transcript[i]!.content ?? '').trim() !== '',
        );
        const base = { grader: grader.name, kind: grader.kind, scope: grader.scope, threshold };
        if (!deps.judge) return noJudgeGrade(grader);
        if (indices.length === 0) {
          return { ...base, score: 1, pass: true, label: 'no-claims', reason: 'no assistant text to check', details: { claims: [] } };
        }
        const judge = deps.judge;
        const info = judgeInfo(o, deps);
        const messages = renderHallucinationPrompt(template, indices, input.case, input.transcript, deps.redactForJudge);
        const schema = hallucinationVerdictSchema(indices);
        const sampled = await sample(o.samples, (i) =>
          askJudge<HallucinationVerdict>(judge, {
            messages,
            schema: { name: 'claims_verdict', schema },
            params: judgeParams(o, deps, i),
            sample: i,
            signal: input.signal,
          }),
        );
        if (!sampled.ok) return errorGrade(grader, sampled.error, { usage: sampled.usage, details: { judge: info, attempts: sampled.attempts } });
        const first = sampled.verdicts[0]!;
        const scores = sampled.verdicts.map(supportedShare);
        const score = round4(spread(scores).mean);
        const claims = indices.flatMap((turn) => first.messages[messageKey(turn)]!.claims.map((c) => ({ turn, ...c })));
        const turns: TurnGrade[] = indices.map((turn) => {
          const own = first.messages[messageKey(turn)]!.claims;
          const share = own.length === 0 ? 1 : own.filter((c) => c.verdict === 'supported').length / own.length;
          return { turn, score: round4(share), pass: share >= threshold, label: labelOf(own) };
        });
        const { evidence, dropped } = locateEvidence(
          input.transcript,
          claims
            .filter((c) => c.verdict !== 'supported')
            .map((c) => ({ turn: c.turn, quote: c.quote, note: `${c.verdict}: ${c.claim} (${c.reasoning})` })),
        );
        const counts = { supported: 0, contradicted: 0, unverifiable: 0 };
        for (const c of claims) counts[c.verdict] += 1;
        const details: Record<string, unknown> = {
          judge: { ...info, model: sampled.model || info?.model },
          attempts: sampled.attempts,
          counts,
          claims,
          evidenceDropped: dropped,
        };
        if (o.samples > 1) details['samples'] = samplesDetails(o.samples, sampled.failed, scores);
        return {
          ...base,
          score,
          pass: score >= threshold,
          label: labelOf(claims),
          reason: `${counts.supported} of ${claims.length} claims supported, ${counts.contradicted} contradicted, ${counts.unverifiable} unverifiable`,
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
