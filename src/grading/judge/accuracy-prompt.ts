import * as z from 'zod';
import type { ResolvedCase } from '../../schema/golden-set.js';
import type { Message } from '../../schema/message.js';
import { CONTEXT_PLACEHOLDERS, contextValues } from './context.js';
import { fence, judgeMessages } from './fence.js';
import { CitedQuoteSchema } from './rubric.js';
import { renderTemplate } from './template.js';

/** How an answer relates to its reference (the OpenAI-evals "fact" classes, named). */
export const RELATIONS = ['same', 'superset', 'subset', 'contradicts', 'irrelevant'] as const;
export type Relation = (typeof RELATIONS)[number];

/** Default score of each relation (documented in docs/judges.md; a definition may override). */
export const RELATION_SCORES: Record<Relation, number> = { same: 1, superset: 0.8, subset: 0.5, contradicts: 0, irrelevant: 0 };

/** One answer to check against one reference. `id` is `conversation` or `turn_<n>` (scripted user turn n). */
export interface AccuracyPair {
  id: string;
  reference: string;
  answer: string;
  /** Transcript indices of the answer's assistant messages. */
  messages: number[];
}

export const ACCURACY_PLACEHOLDERS = [...CONTEXT_PLACEHOLDERS, 'items'] as const;

export const DEFAULT_ACCURACY_PROMPT = `## Task
You are checking the factual accuracy of a support agent's answers against reference answers written by experts.
For each item below, compare the <answer> with the <reference>. Ignore style, tone and wording; compare only the facts
(amounts, dates, numbers, names, conditions, steps). Decide how the answer relates to the reference:
- same: it states the same facts as the reference.
- superset: it states every fact of the reference, plus more that does not conflict with it.
- subset: it states some of the reference's facts and nothing that conflicts with it.
- contradicts: at least one of its statements conflicts with the reference.
- irrelevant: it does not address what the reference answers.

## Items
{{items}}

## Conversation, for context
{{transcript}}`;

/** Renders the items as `<item id=…>` fences holding `<reference>` and `<answer>` fences. */
export function renderItems(pairs: readonly AccuracyPair[]): string {
  return pairs
    .map(
      (p) =>
        `<item id="${p.id}">\n${fence('reference', p.reference)}\n${fence('answer', p.answer, { messages: p.messages.join(' ') })}\n</item>`,
    )
    .join('\n');
}

/** The verdict: per item id, reasoning, the answer quotes that decided it, then the relation. */
export function accuracyVerdictSchema(ids: readonly string[]) {
  const entry = z.strictObject({ reasoning: z.string(), evidence: z.array(CitedQuoteSchema), relation: z.enum(RELATIONS) });
  const shape: Record<string, typeof entry> = {};
  for (const id of ids) shape[id] = entry;
  return z.strictObject({ items: z.strictObject(shape) });
}
export type AccuracyVerdict = {
  items: Record<string, { reasoning: string; evidence: { turn: number; quote: string }[]; relation: Relation }>;
};

export function renderAccuracyPrompt(
  template: string,
  pairs: readonly AccuracyPair[],
  testCase: ResolvedCase,
  transcript: readonly Message[],
  redact?: (text: string) => string,
): Message[] {
  const body = renderTemplate(template, { ...contextValues(testCase, transcript, redact), items: renderItems(pairs) });
  const instructions = [
    '## How to answer',
    `Give a verdict for every item: ${pairs.map((p) => p.id).join(', ')}.`,
    'For each: first your reasoning (list the reference facts and whether the answer states, omits or contradicts each), then evidence (short quotes copied verbatim from the answer, with the transcript `index` of the message they come from), then the relation.',
  ].join('\n');
  return judgeMessages(body, instructions);
}
