import type { ModelRef, Provider } from '../schema/config.js';

/**
 * What createChatModel needs from a model reference. A `ModelRef` from the config, a model
 * agent's config or a `JudgeConfig` all fit; `maxRetries`/`timeoutMs` fall back to the schema defaults.
 */
export type ModelRefInput = Pick<ModelRef, 'provider' | 'model'> &
  Partial<Omit<ModelRef, 'provider' | 'model'>> & {
    /** Judge defaults: used when a request gives no temperature / seed. */
    temperature?: number;
    seed?: number;
  };

/** Effects a chat model uses; all optional, for tests. */
export interface ChatModelDeps {
  fetch?: typeof fetch;
  env?: NodeJS.ProcessEnv;
  /** Clock for latency (ms). */
  now?: () => number;
}

/** Per-provider defaults: the env vars the SDKs read and the public endpoints. */
export const PROVIDER_DEFAULTS: Record<Provider, { keyEnv: string; baseURLEnv: string; baseURL: string }> = {
  openai: { keyEnv: 'OPENAI_API_KEY', baseURLEnv: 'OPENAI_BASE_URL', baseURL: 'https://api.openai.com/v1' },
  anthropic: { keyEnv: 'ANTHROPIC_API_KEY', baseURLEnv: 'ANTHROPIC_BASE_URL', baseURL: 'https://api.anthropic.com' },
};

export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_TIMEOUT_MS = 60_000;

/** The env var that holds the API key for this reference. */
export function keyEnvOf(ref: ModelRefInput): string {
  return ref.apiKeyEnv ?? PROVIDER_DEFAULTS[ref.provider].keyEnv;
}

/**
 * Why this model cannot be called with this environment, or undefined when it can.
 * The runner reports a variant with a reason as skipped.
 *
 * @example
 * missingKey({ provider: 'openai', model: 'gpt-4o-mini' }, {}) // 'OPENAI_API_KEY is not set'
 */
export function missingKey(ref: ModelRefInput, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const name = keyEnvOf(ref);
  const value = env[name];
  return value && value.trim() !== '' ? undefined : `${name} is not set`;
}

/** Base URL: `baseURL` from the ref, else the `baseURLEnv` (default OPENAI_BASE_URL / ANTHROPIC_BASE_URL) value, else the public endpoint. */
export function baseURLOf(ref: ModelRefInput, env: NodeJS.ProcessEnv): { baseURL: string; custom: boolean } {
  const defaults = PROVIDER_DEFAULTS[ref.provider];
  const fromEnv = env[ref.baseURLEnv ?? defaults.baseURLEnv];
  const chosen = ref.baseURL ?? (fromEnv && fromEnv.trim() !== '' ? fromEnv.trim() : undefined);
  return { baseURL: chosen ?? defaults.baseURL, custom: chosen !== undefined };
}
