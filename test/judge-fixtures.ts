import { createChatModel } from '../src/models/index.js';
import type { Provider } from '../src/schema/config.js';
import type { ResolvedCase } from '../src/schema/golden-set.js';
import type { TranscriptMessage } from '../src/schema/run-record.js';
import type { GradeInput } from '../src/grading/grader.js';
import type { FakeLlm } from './fake-llm/server.js';

/** Shared fixtures of the judge-grader tests (judge, accuracy, hallucination, sentiment-judge). */

export const PROVIDERS = ['openai', 'anthropic'] as const;

/** A judge model pointed at the fake server through the real SDK, without retries. */
export function judgeModel(llm: FakeLlm, provider: Provider) {
  const env =
    provider === 'openai'
      ? { OPENAI_API_KEY: 'test-key-judge-0001', OPENAI_BASE_URL: llm.openaiBaseURL }
      : { ANTHROPIC_API_KEY: 'test-key-judge-0001', ANTHROPIC_BASE_URL: llm.anthropicBaseURL };
  const model = provider === 'openai' ? 'gpt-judge' : 'claude-judge';
  return createChatModel({ provider, model, maxRetries: 0, timeoutMs: 5_000 }, { env });
}

export function makeCase(extra: Partial<ResolvedCase> = {}): ResolvedCase {
  return {
    id: 'refund-late',
    tags: { intent: 'refund' },
    knowledge: [{ id: 'refunds', title: 'Refund policy', content: 'Refunds are paid within 14 days. The restocking fee is $15.' }],
    graders: [],
    source: { file: 'golden-sets/test.yaml' },
    ...extra,
  };
}

export const TRANSCRIPT: TranscriptMessage[] = [
  { role: 'user', content: 'My refund is late and I am annoyed.' },
  { role: 'assistant', content: 'Sorry about the wait. Refunds are paid within 14 days, and the restocking fee is $15.' },
  { role: 'user', content: 'Thanks, that helps.' },
  { role: 'assistant', content: 'You are welcome! Your refund will arrive by March 3.' },
];

export function input(testCase: ResolvedCase = makeCase(), transcript: TranscriptMessage[] = TRANSCRIPT): GradeInput {
  return { case: testCase, transcript, variant: 'v1', signal: new AbortController().signal };
}

/** The JSON body of the n-th logged request (0-based; negative counts from the end). */
export function bodyOf(llm: FakeLlm, n: number): Record<string, unknown> {
  const entry = n < 0 ? llm.requests.at(n) : llm.requests[n];
  return entry?.body as Record<string, unknown>;
}

/** The structured-output request of a body: OpenAI response_format, or Anthropic forced tool. */
export function structuredOf(provider: Provider, body: Record<string, unknown>): { name: string; schema: Record<string, unknown> } {
  if (provider === 'openai') {
    const rf = body['response_format'] as { type: string; json_schema: { name: string; schema: Record<string, unknown>; strict: boolean } };
    if (rf.type !== 'json_schema') throw new Error('not a json_schema request');
    return { name: rf.json_schema.name, schema: rf.json_schema.schema };
  }
  const choice = body['tool_choice'] as { type: string; name: string };
  const tools = body['tools'] as { name: string; input_schema: Record<string, unknown> }[];
  const tool = tools.find((t) => t.name === choice.name)!;
  if (choice.type !== 'tool') throw new Error('tool not forced');
  return { name: tool.name, schema: tool.input_schema };
}
