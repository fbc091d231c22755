import { agentSkipReason, createAgent } from '../agents/registry.js';
import { offeredTools } from '../agents/tools.js';
import { sha256 } from '../io/hash-chain.js';
import { createChatModel } from '../models/index.js';
import { createRateLimiter } from '../models/rate-limit.js';
import type { AgentConfig } from '../schema/config.js';
import type { VariantInfo } from '../schema/run-record.js';
import { type CachePolicy, cachedAgent } from './cached-agent.js';
import { stableStringify } from '../io/cache.js';
import type { RunVariant } from './run.js';

/** Agent kinds whose replies come from a provider and so are cached. */
const CACHED_KINDS = new Set<AgentConfig['kind']>(['model', 'http']);

/**
 * Builds the variants to run from their configs: skipped ones (e.g. an API key not set) are
 * reported in the infos with the reason and not run.
 */
export async function buildVariants(
  agents: ReadonlyArray<[string, AgentConfig]>,
  deps: { configDir: string; env: NodeJS.ProcessEnv; fetch?: typeof fetch; cache?: CachePolicy; readFile: (path: string) => Promise<string> },
): Promise<{ variants: RunVariant[]; infos: VariantInfo[] }> {
  const variants: RunVariant[] = [];
  const infos: VariantInfo[] = [];
  const limiters = new Map<string, () => Promise<void>>();
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
    const agent = await createAgent(name, config, {
      configDir: deps.configDir,
      env: deps.env,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      createChatModel: (ref) => createChatModel(ref, { env: deps.env, ...(deps.fetch ? { fetch: deps.fetch } : {}) }),
    });
    let beforeCall: (() => Promise<void>) | undefined;
    if (config.kind === 'model' && config.rpm) {
      const key = `${config.provider}:${config.baseURL ?? ''}`;
      if (!limiters.has(key)) {
        const limiter = createRateLimiter({ rpm: config.rpm });
        limiters.set(key, () => limiter.acquire());
      }
      beforeCall = limiters.get(key);
    }
    variants.push({
      name,
      agent: deps.cache && CACHED_KINDS.has(config.kind) ? cachedAgent(agent, hash, deps.cache) : agent,
      maxSteps: config.kind === 'model' ? config.maxSteps : 4,
      tools: (c) => (config.kind === 'model' ? offeredTools(config.tools, c) : undefined),
      ...(beforeCall ? { beforeCall } : {}),
    });
    infos.push(info);
  }
  return { variants, infos };
}

