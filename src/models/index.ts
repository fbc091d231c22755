import { ConvotestError } from '../errors.js';
import { withCallSignal } from './call-signal.js';
import { createNodeFetch } from './node-fetch.js';
import type { ChatModel, ChatRequest } from './chat.js';
import { type ChatModelDeps, keyEnvOf, missingKey, type ModelRefInput } from './settings.js';

export type { ChatModel, ChatRequest, ChatResponse } from './chat.js';
export { StructuredOutputError, redactSecrets } from './errors.js';
export { DEFAULT_PRICES, PRICES_TAKEN_ON } from './pricing.js';
export { createRateLimiter, createRateLimiterPool, type RateLimiter, withRateLimit } from './rate-limit.js';
export { type ChatModelDeps, missingKey, type ModelRefInput, PROVIDER_DEFAULTS } from './settings.js';
export { countTokens, createTokenizer, estimateUsage, type Tokenizer } from './tokenizer.js';

/**
 * The chat model for a model reference (a model agent's config, a `ModelRef` or the judge
 * config). The API key is read from the env var `apiKeyEnv` (default OPENAI_API_KEY /
 * ANTHROPIC_API_KEY); the base URL from `baseURL`, else `baseURLEnv` (default OPENAI_BASE_URL /
 * ANTHROPIC_BASE_URL). Retries (`maxRetries`, honouring retry-after) and `timeoutMs` are the SDKs'.
 * Requests go over `node:http(s)` keep-alive agents (src/models/node-fetch.ts) unless `deps.fetch` is given.
 * Only the provider's own SDK is imported, in the background from here on; its one client is
 * built once and serves every call (`loadChatModel` waits until it is ready, so that the import
 * never counts against a first call's timeout). Throws E_CONFIG when the key is missing (check
 * `missingKey` first to skip instead).
 *
 * @example
 * const model = createChatModel({ provider: 'openai', model: 'gpt-4o-mini' });
 * const reply = await model.chat({ messages: [{ role: 'user', content: 'Hi' }] });
 * reply.content; reply.usage; // { input, output, cached }
 */
export function createChatModel(ref: ModelRefInput, deps: ChatModelDeps = {}): ChatModel {
  return providerModel(ref, deps).model;
}

/** {@link createChatModel}, resolved once the provider's SDK is loaded and its client built. */
export async function loadChatModel(ref: ModelRefInput, deps: ChatModelDeps = {}): Promise<ChatModel> {
  const { model, ready } = providerModel(ref, deps);
  await ready;
  return model;
}

function providerModel(ref: ModelRefInput, deps: ChatModelDeps): { model: ChatModel; ready: Promise<ChatModel> } {
  const env = deps.env ?? process.env;
  const missing = missingKey(ref, env);
  if (missing) throw new ConvotestError('E_CONFIG', `${ref.provider} ${ref.model}: ${missing}`);
  const apiKey = (env[keyEnvOf(ref)] ?? '').trim();
  // node:http with keep-alive costs a third of the CPU of the built-in fetch per call (bench/overhead.ts).
  const fetch = deps.fetch ?? createNodeFetch();
  const modelDeps = { ...deps, env, fetch };
  const build: Record<ModelRefInput['provider'], () => Promise<ChatModel>> = {
    openai: async () => (await import('./openai.js')).createOpenAIModel(ref, apiKey, modelDeps),
    anthropic: async () => (await import('./anthropic.js')).createAnthropicModel(ref, apiKey, modelDeps),
  };
  // The SDKs build `Headers` on every call; Node loads its bundled undici on the first use of that
  // global (tens of ms, more on a busy machine): done here, so it is not in a first call's timeout.
  void globalThis.Headers;
  const ready = build[ref.provider]();
  // A failed import surfaces on the first call (or from loadChatModel), not as an unhandled rejection.
  ready.catch(() => undefined);
  // Each call gets its own signal: the SDKs never remove the listener they add to the one given.
  const model = withCallSignal({
    provider: ref.provider,
    model: ref.model,
    chat: async (request: ChatRequest) => (await ready).chat(request),
  });
  return { model, ready };
}
