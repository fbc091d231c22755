import type { Agent, AgentInput, AgentReply } from '../agents/agent.js';
import { ConvotestError } from '../errors.js';
import type { ChatModel, ChatRequest, ChatResponse } from '../models/chat.js';
import type { CacheKey, ResponseCache } from '../io/cache.js';

export interface CachePolicy {
  cache: ResponseCache;
  /** Every call must come from the cache; a miss is an E_CACHE_MISS error. */
  only: boolean;
}

/**
 * Serves an agent's replies from the cache, recording new ones. The key holds everything that
 * shapes the reply: the variant's configuration hash, the system prompt, the conversation, the
 * tools and the repeat index (repeats are independent samples).
 */
export function cachedAgent(agent: Agent, variantHash: string, policy: CachePolicy): Agent & { cacheHit?: boolean } {
  return {
    name: agent.name,
    kind: agent.kind,
    provider: agent.provider,
    model: agent.model,
    close: agent.close?.bind(agent),
    async reply(input: AgentInput): Promise<AgentReply & { cached?: boolean }> {
      const key: CacheKey = {
        kind: 'agent',
        variant: variantHash,
        system: input.system ?? null,
        messages: input.messages,
        tools: input.tools ?? null,
        repeat: input.repeat,
      };
      const hit = await policy.cache.get<AgentReply>(key);
      if (hit) return { ...hit, cached: true };
      if (policy.only) {
        throw new ConvotestError(
          'E_CACHE_MISS',
          `--cache-only: no recorded reply for case "${input.case.id}", variant "${agent.name}", turn ${input.turn}, repeat ${input.repeat}; run once without --cache-only to record it`,
        );
      }
      const reply = await agent.reply(input);
      await policy.cache.set(key, reply);
      return reply;
    },
  };
}

/** A chat response that may have been served from the cache. */
export type CachedChatResponse = ChatResponse & { cached?: boolean };

/**
 * The same for judge and simulator (and any other) chat calls: keyed by the provider, model,
 * messages, tools, parameters and `sample` (the repeat index); the schema by its name and JSON
 * Schema. A hit is marked `cached`. `who` names the caller in a `--cache-only` miss.
 */
export function cachedChatModel(
  model: ChatModel,
  policy: CachePolicy,
  schemaKey: (r: ChatRequest) => unknown,
  who = 'judge',
): ChatModel & { chat(request: ChatRequest): Promise<CachedChatResponse> } {
  return {
    provider: model.provider,
    model: model.model,
    async chat(request: ChatRequest): Promise<CachedChatResponse> {
      const key: CacheKey = {
        kind: 'chat',
        provider: model.provider,
        model: model.model,
        messages: request.messages,
        tools: request.tools ?? null,
        schema: schemaKey(request),
        params: request.params ?? null,
        sample: request.sample ?? 0,
      };
      const hit = await policy.cache.get<ChatResponse>(key);
      if (hit) return { ...hit, cached: true };
      if (policy.only) {
        throw new ConvotestError(
          'E_CACHE_MISS',
          `--cache-only: no recorded ${model.provider}/${model.model} answer for this ${who} request; run once without --cache-only to record it`,
        );
      }
      const response = await model.chat(request);
      await policy.cache.set(key, response);
      return response;
    },
  };
}
