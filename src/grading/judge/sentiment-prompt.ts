import * as z from 'zod';
import type { ResolvedCase } from '../../schema/golden-set.js';
import type { Message } from '../../schema/message.js';
import { CONTEXT_PLACEHOLDERS, contextValues, messageKey } from './context.js';
import { judgeMessages } from './fence.js';
import { renderTemplate } from './template.js';

export const SENTIMENTS = ['positive', 'neutral', 'negative'] as const;
export type Sentiment = (typeof SENTIMENTS)[number];
export const TONES = ['empathetic', 'polite', 'neutral', 'curt', 'rude'] as const;
export type JudgedTone = (typeof TONES)[number];
export const TRAJECTORIES = ['improved', 'flat', 'worsened'] as const;

export const SENTIMENT_PLACEHOLDERS = CONTEXT_PLACEHOLDERS;

export const DEFAULT_SENTIMENT_PROMPT = `## Task
Read this customer-support conversation as a customer-experience analyst.
- For every customer (user) message: the customer's sentiment at that point (positive, neutral, negative) and whether it
  shows frustration.
- For every agent (assistant) message: its tone (empathetic, polite, neutral, curt, rude). For a curt or rude message,
  quote the words that make it so.
- The trajectory of the customer's mood across the conversation: improved, flat or worsened.
- Overall: the customer's sentiment at the end, and the satisfaction score (CSAT, 1 = very dissatisfied,
  5 = very satisfied) this customer would most likely give.

## Conversation
{{transcript}}`;

/** The verdict, keyed by message (`message_<index>`, all required), reasoning before each label. */
export function sentimentVerdictSchema(userIndices: readonly number[], agentIndices: readonly number[]) {
  const user = z.strictObject({ reasoning: z.string(), sentiment: z.enum(SENTIMENTS), frustrated: z.boolean() });
  const agent = z.strictObject({ reasoning: z.string(), quote: z.string(), tone: z.enum(TONES) });
  const users: Record<string, typeof user> = {};
  for (const i of userIndices) users[messageKey(i)] = user;
  const agents: Record<string, typeof agent> = {};
  for (const i of agentIndices) agents[messageKey(i)] = agent;
  return z.strictObject({
    user_messages: z.strictObject(users),
    agent_messages: z.strictObject(agents),
    trajectory: z.strictObject({ reasoning: z.string(), direction: z.enum(TRAJECTORIES) }),
    overall: z.strictObject({ reasoning: z.string(), sentiment: z.enum(SENTIMENTS), csat: z.number().int().min(1).max(5) }),
  });
}
export interface SentimentVerdict {
  user_messages: Record<string, { reasoning: string; sentiment: Sentiment; frustrated: boolean }>;
  agent_messages: Record<string, { reasoning: string; quote: string; tone: JudgedTone }>;
  trajectory: { reasoning: string; direction: (typeof TRAJECTORIES)[number] };
  overall: { reasoning: string; sentiment: Sentiment; csat: number };
}

export function renderSentimentPrompt(
  template: string,
  userIndices: readonly number[],
  agentIndices: readonly number[],
  testCase: ResolvedCase,
  transcript: readonly Message[],
  redact?: (text: string) => string,
): Message[] {
  const body = renderTemplate(template, contextValues(testCase, transcript, redact));
  const instructions = [
    '## How to answer',
    `user_messages: one entry for each of ${userIndices.map(messageKey).join(', ') || '(none)'}.`,
    `agent_messages: one entry for each of ${agentIndices.map(messageKey).join(', ') || '(none)'}; \`quote\` is copied verbatim from that message for a curt or rude tone, else "".`,
    'Give your reasoning before each label, then the trajectory and the overall verdict.',
  ].join('\n');
  return judgeMessages(body, instructions);
}
