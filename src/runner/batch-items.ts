import { sha256 } from '../io/hash-chain.js';
import { stableStringify } from '../io/cache.js';
import type { ChatRequest, ChatResponse } from '../models/chat.js';
import type { Message, Usage } from '../schema/message.js';

/**
 * The custom id of a batch item: a digest of the conversation it belongs to, whose call it is
 * (variant or judge), the request and the attempt. The same replay asks the same thing again, so
 * a resumed run finds its items in the batches the killed run submitted.
 */
export function customIdOf(conversation: string, group: string, request: ChatRequest, attempt: number): string {
  const what = stableStringify({
    conversation,
    group,
    messages: request.messages,
    tools: request.tools ?? null,
    schema: request.schema?.name ?? null,
    params: request.params ?? null,
    sample: request.sample ?? 0,
    attempt,
  });
  return `cv-${sha256(what).slice(0, 40)}`;
}

/**
 * USD a round may cost before it is sent: each item's input tokens, and as output its
 * `maxTokens` when set, else the longest reply of the same group seen so far (0 in the first
 * round), at the batch price.
 */
export function estimateRound(
  groups: ReadonlyArray<{ model: string; maxOutput: number; requests: readonly ChatRequest[] }>,
  price: (model: string, usage: Usage) => number | null,
  countInput: (messages: readonly Message[]) => number,
): number {
  let total = 0;
  for (const g of groups) {
    for (const r of g.requests) {
      total += price(g.model, { input: countInput(r.messages), output: r.params?.maxTokens ?? g.maxOutput, cached: 0 }) ?? 0;
    }
  }
  return total;
}

/** Usage of a settled item: the response's, or what an unusable structured answer still cost. */
export function usageOfOutcome(outcome: { ok: true; response: ChatResponse } | { ok: false; error: unknown }): Usage | undefined {
  if (outcome.ok) return outcome.response.usage;
  const usage = (outcome.error as { usage?: Usage } | null)?.usage;
  return usage && typeof usage.input === 'number' ? usage : undefined;
}
