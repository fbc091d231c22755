import { agentSkipReason, createAgent } from '../agents/registry.js';
import { offeredTools } from '../agents/tools.js';
import { sha256 } from '../io/hash-chain.js';
import { loadChatModel } from '../models/index.js';
import type { ChatModel } from '../models/chat.js';
import { type createRateLimiterPool, withRateLimit } from '../models/rate-limit.js';
import type { AgentConfig, ModelRef } from '../schema/config.js';
import type { Message, Usage } from '../schema/message.js';
import type { VariantInfo } from '../schema/run-record.js';
import { type Budget, budgetedAgent, budgetedChatModel } from './budget.js';
import { type CachePolicy, cachedAgent } from './cached-agent.js';
import { stableStringify } from '../io/cache.js';
import type { RunVariant } from './run.js';

/** Agent kinds whose replies come from a provider and so are cached. */
const CACHED_KINDS = new Set<AgentConfig['kind']>(['model', 'http']);

export type RateLimiterPool = ReturnType<typeof createRateLimiterPool>;

/**
 * A provider's chat model as the runner calls it: requests-per-minute limited (one limiter per
 * provider and base URL, shared by every variant and the judge) and within the budget. Cache
 * wrappers go outside, so a cached answer waits for no limiter and costs nothing.
 */
export function limitedChatModel(
  model: ChatModel,
  ref: Pick<ModelRef, 'provider' | 'baseURL' | 'rpm'>,
  limits: { rateLimits: RateLimiterPool; budget?: Budget | undefined; budgetKey: string },
): ChatModel {
  const rated = ref.rpm ? withRateLimit(model, limits.rateLimits.get(`${ref.provider}:${ref.baseURL ?? ''}`, ref.rpm)) : model;
  return limits.budget ? budgetedChatModel(rated, limits.budget, limits.budgetKey) : rated;
}

/**
 * Builds the variants to run from their configs: skipped ones (e.g. an API key not set) are
 * reported in the infos with the reason and not run.
 */
export async function buildVariants(
  agents: ReadonlyArray<[string, AgentConfig]>,
  deps: {
    configDir: string;
    env: NodeJS.ProcessEnv;
    fetch?: typeof fetch;
    cache?: CachePolicy;
    readFile: (path: string) => Promise<string>;
    rateLimits: RateLimiterPool;
    /** `maxCost`: every provider call of a variant goes through it. */
    budget?: { budget: Budget; estimate(messages: readonly Message[], reply: string): Usage };
    /** Batch mode: a model agent's chat model (its calls go through the batch rounds, which keep the budget). */
    batchModel?: (ref: ModelRef, variant: string) => ChatModel;
  },
): Promise<{ variants: RunVariant[]; infos: VariantInfo[] }> {
  const variants: RunVariant[] = [];
  const infos: VariantInfo[] = [];
  for (const [name, config] of agents) {
    const systemText = config.kind === 'model' && config.systemFile ? await deps.readFile(config.systemFile) : undefined;
    const hash = sha256(stableStringify({ config, systemText: systemText ?? null }));
    const info: VariantInfo = {
      name,
      kind: config.kind,
      hash,
      ...(config.kind === 'model' ? { provider: config.provider, model: config.model } : {}),
      ...(config.kind === 'http' && config.model ? { model: config.model } : {}),
    };
    const skipped = agentSkipReason(config, deps.env);
    if (skipped) {
      infos.push({ ...info, skipped });
      continue;
    }
    const budget = deps.budget?.budget;
    let agent = await createAgent(name, config, {
      configDir: deps.configDir,
      env: deps.env,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      createChatModel: async (ref) =>
        deps.batchModel?.(ref, name) ??
        limitedChatModel(await loadChatModel(ref, { env: deps.env, ...(deps.fetch ? { fetch: deps.fetch } : {}) }), ref, { rateLimits: deps.rateLimits, budget, budgetKey: `variant ${name}` }),
    });
    if (config.kind === 'http' && deps.budget) agent = budgetedAgent(agent, deps.budget.budget, { key: `variant ${name}`, estimate: deps.budget.estimate });
    variants.push({
      name,
      agent: deps.cache && CACHED_KINDS.has(config.kind) ? cachedAgent(agent, hash, deps.cache) : agent,
      maxSteps: config.kind === 'model' ? config.maxSteps : 4,
      tools: (c) => (config.kind === 'model' ? offeredTools(config.tools, c) : undefined),
    });
    infos.push(info);
  }
  return { variants, infos };
}
