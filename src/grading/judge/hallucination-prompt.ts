import * as z from 'zod';
import type { ResolvedCase } from '../../schema/golden-set.js';
import type { Message } from '../../schema/message.js';
import { CONTEXT_PLACEHOLDERS, contextValues, messageKey } from './context.js';

export { messageKey } from './context.js';
import { judgeMessages } from './fence.js';
import { renderTemplate } from './template.js';

export const CLAIM_VERDICTS = ['supported', 'contradicted', 'unverifiable'] as const;
export type ClaimVerdict = (typeof CLAIM_VERDICTS)[number];

export const HALLUCINATION_PLACEHOLDERS = CONTEXT_PLACEHOLDERS;

export const DEFAULT_HALLUCINATION_PROMPT = `## Task
Check a support agent's messages for hallucinations. For every assistant message, extract each factual claim it makes
(amounts, prices, fees, dates, times, durations, policies, product facts, order or account details, promises about what
will happen) and verify it against the knowledge documents, what was said earlier in the conversation, and tool results.
Greetings, questions, apologies and offers of help are not claims.
- supported: the knowledge, an earlier message or a tool result states it.
- contradicted: one of them states something incompatible with it.
- unverifiable: nothing available states it or its opposite.

## Knowledge the agent had
{{knowledge}}

## Conversation (tool results are messages with role="tool")
{{transcript}}`;

/**
 * The verdict: for every assistant message (keyed `message_<index>`, all required), its claims,
 * each with the claim, a verbatim quote, reasoning and the source looked at, then the verdict.
 */
export function hallucinationVerdictSchema(indices: readonly number[]) {
  const claim = z.strictObject({
    claim: z.string(),
    quote: z.string(),
    reasoning: z.string(),
    source: z.string(),
    verdict: z.enum(CLAIM_VERDICTS),
  });
  const entry = z.strictObject({ claims: z.array(claim) });
  const shape: Record<string, typeof entry> = {};
  for (const i of indices) shape[messageKey(i)] = entry;
  return z.strictObject({ messages: z.strictObject(shape) });
}
export interface Claim {
  claim: string;
  quote: string;
  reasoning: string;
  source: string;
  verdict: ClaimVerdict;
}
export type HallucinationVerdict = { messages: Record<string, { claims: Claim[] }> };

export function renderHallucinationPrompt(
  template: string,
  indices: readonly number[],
  testCase: ResolvedCase,
  transcript: readonly Message[],
  redact?: (text: string) => string,
): Message[] {
  const body = renderTemplate(template, contextValues(testCase, transcript, redact));
  const instructions = [
    '## How to answer',
    `Answer for every assistant message: ${indices.map(messageKey).join(', ')} (the number is the message's index).`,
    'Give an empty claims list for a message that makes no factual claim.',
    'For each claim: the claim in your own words, the quote (copied verbatim from that message), your reasoning, the source you checked (e.g. "document refunds", "message 4", or "none"), then the verdict.',
    'Only the knowledge, earlier messages and tool results can support a claim; a claim does not support itself.',
  ].join('\n');
  return judgeMessages(body, instructions);
}
