import type { ResolvedCase } from '../../schema/golden-set.js';
import type { Message } from '../../schema/message.js';
import { contextValues, CONTEXT_PLACEHOLDERS } from './context.js';
import { fence, judgeMessages } from './fence.js';
import type { Criterion, Example, Scale } from './rubric.js';
import { placeholders, renderTemplate } from './template.js';

/** Placeholders a rubric prompt may use. `{{transcript}}` is required. */
export const RUBRIC_PLACEHOLDERS = [...CONTEXT_PLACEHOLDERS, 'criteria', 'scale', 'examples'] as const;

/** The parts of a rubric the prompt is rendered from. */
export interface RubricParts {
  criteria: readonly Criterion[];
  scale: Scale;
  examples: readonly Example[];
  template: string;
}

/** Criteria as a list: `- helpfulness (weight 2): Did the agent…`. Rubric text is trusted. */
export function renderCriteria(criteria: readonly Criterion[]): string {
  return criteria.map((c) => `- ${c.id}${c.weight !== 1 ? ` (weight ${c.weight})` : ''}: ${c.description}`).join('\n');
}

export function renderScale(scale: Scale): string {
  const lines = [`Score each criterion with an integer from ${scale.min} (worst) to ${scale.max} (best).`];
  for (const [score, meaning] of Object.entries(scale.labels)) lines.push(`- ${score}: ${meaning}`);
  return lines.join('\n');
}

/** Few-shot examples, each fenced (their conversations are neutralised like transcripts). */
export function renderExamples(examples: readonly Example[]): string {
  if (examples.length === 0) return '';
  return examples
    .map((e, i) => {
      const scores = Object.entries(e.scores)
        .map(([id, s]) => `${id}=${s}`)
        .join(', ');
      return fence('example', `${e.conversation}\n\nScores: ${scores}\nWhy: ${e.reasoning}`, { index: i + 1 });
    })
    .join('\n');
}

/** The answer instructions appended after the rubric's own prompt (format, order, evidence). */
export function rubricAnswerInstructions(criteria: readonly Criterion[], scale: Scale, reply?: number): string {
  return [
    '## How to answer',
    ...(reply !== undefined ? [`Grade only the last message of the transcript, the agent's reply at index ${reply}; the messages before it are its context.`] : []),
    `Grade every criterion in one answer: ${criteria.map((c) => c.id).join(', ')}.`,
    'For each criterion: first your reasoning, then the evidence (short quotes copied verbatim from the transcript, each with the `index` of its message), then the score.',
    `Scores are integers from ${scale.min} to ${scale.max}. Judge only what the transcript shows. End with a one-sentence summary.`,
  ].join('\n');
}

/**
 * Renders the messages of one rubric judge call: the fixed judge system prompt, then the
 * rubric's template filled with the fenced case and transcript, then the answer instructions
 * (with `reply`, the transcript index of its last message: grade that reply alone).
 */
export function renderRubricPrompt(
  parts: RubricParts,
  testCase: ResolvedCase,
  transcript: readonly Message[],
  redact?: (text: string) => string,
  reply?: number,
): Message[] {
  return rubricPrompt(parts)(testCase, transcript, redact, reply);
}

/**
 * {@link renderRubricPrompt} for one rubric, its fixed parts (criteria, scale, examples and the
 * answer instructions of a whole-conversation call) rendered once: a judge grader makes one such
 * call per conversation, with only the case and the transcript changing.
 *
 * @example
 * const render = rubricPrompt({ criteria, scale, examples: [], template });
 * const messages = render(testCase, transcript); // per conversation
 */
export function rubricPrompt(
  parts: RubricParts,
): (testCase: ResolvedCase, transcript: readonly Message[], redact?: (text: string) => string, reply?: number) => Message[] {
  const fixed = { criteria: renderCriteria(parts.criteria), scale: renderScale(parts.scale), examples: renderExamples(parts.examples) };
  const wholeConversation = rubricAnswerInstructions(parts.criteria, parts.scale);
  // Only the context the template shows is rendered (fencing the knowledge costs as much as the transcript).
  const used = new Set(placeholders(parts.template));
  return (testCase, transcript, redact, reply) => {
    const body = renderTemplate(parts.template, { ...contextValues(testCase, transcript, redact, used), ...fixed });
    return judgeMessages(body, reply === undefined ? wholeConversation : rubricAnswerInstructions(parts.criteria, parts.scale, reply));
  };
}
