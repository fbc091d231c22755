import { missingKey } from '../models/settings.js';
import type { AgentConfig, AgentKind } from '../schema/config.js';
import type { Agent } from './agent.js';
import type { AgentDeps, AgentFactory } from './deps.js';

export type { AgentDeps, AgentFactory } from './deps.js';

/**
 * Every agent kind → a lazy import of its factory. Typed over `AgentKind`, so adding a kind to
 * the config schema without a factory here fails to compile; SDKs load only when a kind is used.
 */
const factories: { [K in AgentKind]: () => Promise<AgentFactory<K>> } = {
  model: async () => (await import('./model.js')).createModelAgent,
  http: async () => (await import('./http.js')).createHttpAgent,
  module: async () => (await import('./module.js')).createModuleAgent,
  transcript: async () => (await import('./transcript.js')).createTranscriptAgent,
  baseline: async () => (await import('./baseline.js')).createBaselineAgent,
};

/**
 * Builds the agent for one variant. Configuration problems (a missing env var named by an
 * http header, a module file that does not export a function) reject with E_CONFIG.
 *
 * @example
 * const agent = await createAgent('floor', { kind: 'baseline', minScore: 1 }, { configDir: '.', env: process.env });
 * const reply = await agent.reply(input);
 */
export async function createAgent(name: string, config: AgentConfig, deps: AgentDeps): Promise<Agent> {
  const load = factories[config.kind] as () => Promise<AgentFactory>;
  const factory = await load();
  return factory(name, config, deps);
}

/** The agent kinds this build knows. */
export const agentKinds = Object.keys(factories) as AgentKind[];

/**
 * Why a variant cannot run here, or undefined when it can. A `model` agent whose API key env var
 * is unset is skipped (and reported as skipped with this reason) rather than failing the run, so
 * the demo runs without keys.
 *
 * @example
 * agentSkipReason({ kind: 'model', provider: 'openai', model: 'gpt-4o-mini', ... }, {}) // 'OPENAI_API_KEY is not set'
 */
export function agentSkipReason(
  config: AgentConfig,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  return config.kind === 'model' ? missingKey(config, env) : undefined;
}
