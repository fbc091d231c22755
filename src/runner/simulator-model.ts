import { createChatModel, missingKey } from '../models/index.js';
import type { SimulatorConfig } from '../schema/config.js';
import type { ResolvedCase } from '../schema/golden-set.js';
import type { SimulatorInfo } from '../schema/run-record.js';
import { createSimulator, type Simulator } from '../simulator/simulator.js';
import type { Budget } from './budget.js';
import { type CachePolicy, cachedChatModel } from './cached-agent.js';
import { type RateLimiterPool, limitedChatModel } from './variants.js';

/** Why simulated-customer cases cannot run when the config has no `simulator:`. */
export const NO_SIMULATOR = 'no simulator is configured (add simulator: { provider, model } to the config)';

/**
 * The simulator of a run, when the selected cases have a `user:` block: built like the judge
 * (rate-limited, within the budget under the key `simulator`, cached outside so that a replayed
 * answer costs nothing and waits for no limiter). Without a simulator configured, or without its
 * API key, those cases are left out: `info.skipped` says why and `info.skippedCases` which.
 */
export function buildSimulator(
  config: SimulatorConfig | undefined,
  cases: readonly ResolvedCase[],
  deps: { env: NodeJS.ProcessEnv; fetch?: typeof fetch; cache?: CachePolicy; rateLimits: RateLimiterPool; budget?: Budget },
): { simulator?: Simulator; info?: SimulatorInfo } {
  const simulated = cases.filter((c) => c.user).map((c) => c.id);
  if (simulated.length === 0) return {};
  const settings: SimulatorInfo = config
    ? {
        provider: config.provider,
        model: config.model,
        temperature: config.temperature,
        ...(config.seed !== undefined ? { seed: config.seed } : {}),
        stopToken: config.stopToken,
      }
    : {};
  const skipped = config ? missingKey(config, deps.env) : NO_SIMULATOR;
  if (!config || skipped) return { info: { ...settings, skipped: skipped ?? NO_SIMULATOR, skippedCases: simulated } };
  const raw = limitedChatModel(createChatModel(config, { env: deps.env, ...(deps.fetch ? { fetch: deps.fetch } : {}) }), config, {
    rateLimits: deps.rateLimits,
    budget: deps.budget,
    budgetKey: 'simulator',
  });
  const model = deps.cache ? cachedChatModel(raw, deps.cache, () => null, 'simulator') : raw;
  return { simulator: createSimulator(model, config), info: settings };
}

/** `simulated cases (3: a, b, c): OPENAI_API_KEY is not set`, the skip line of the run's start. */
export function simulatorSkipLine(info: SimulatorInfo | undefined): string | undefined {
  if (!info?.skipped) return undefined;
  const ids = info.skippedCases ?? [];
  const shown = ids.length > 10 ? `${ids.slice(0, 10).join(', ')} … +${ids.length - 10}` : ids.join(', ');
  return `${ids.length} simulated-customer case${ids.length === 1 ? '' : 's'} (${shown}): ${info.skipped}`;
}
