import { ConvotestError } from '../errors.js';
import { createAnthropicModel } from './anthropic.js';
import { withCallSignal } from './call-signal.js';
import { createNodeFetch } from './node-fetch.js';
import type { ChatModel } from './chat.js';
import { createOpenAIModel } from './openai.js';
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
 * Throws E_CONFIG when the key is missing (check `missingKey` first to skip instead).
 *
 * @example
 * const model = createChatModel({ provider: 'openai', model: 'gpt-4o-mini' });
 * const reply = await model.chat({ messages: [{ role: 'user', content: 'Hi' }] });
 * reply.content; reply.usage; // { input, output, cached }
 */
export function createChatModel(ref: ModelRefInput, deps: ChatModelDeps = {}): ChatModel {
  const env = deps.env ?? process.env;
  const missing = missingKey(ref, env);
  if (missing) throw new ConvotestError('E_CONFIG', `${ref.provider} ${ref.model}: ${missing}`);
  const apiKey = (env[keyEnvOf(ref)] ?? '').trim();
  // node:http with keep-alive costs a third of the CPU of the built-in fetch per call (bench/overhead.ts).
  const fetch = deps.fetch ?? createNodeFetch();
  // Each call gets its own signal: the SDKs never remove the listener they add to the one given.
  switch (ref.provider) {
    case 'openai':
      return withCallSignal(createOpenAIModel(ref, apiKey, { ...deps, env, fetch }));
    case 'anthropic':
      return withCallSignal(createAnthropicModel(ref, apiKey, { ...deps, env, fetch }));
  }
}
