import { ConvotestError } from '../../errors.js';
import { createNodeFetch } from '../node-fetch.js';
import { type ChatModelDeps, keyEnvOf, missingKey, type ModelRefInput } from '../settings.js';
import { createAnthropicBatchClient } from './anthropic.js';
import { createOpenAIBatchClient } from './openai.js';
import { withOwnSignals } from './own-signal.js';
import type { BatchClient } from './types.js';

export type { BatchClient, BatchItem, BatchItemResult, BatchStatus } from './types.js';
export { MAX_BATCH_ITEMS } from './types.js';

/**
 * The batch API client for a model reference, with the same key, base URL, retries and timeout
 * as `createChatModel` gives its interactive calls. Throws E_CONFIG when the key is missing.
 *
 * @example
 * const batches = createBatchClient({ provider: 'anthropic', model: 'claude-haiku-4-5' });
 * const id = await batches.submit([{ customId: 'a1', request: { messages: [{ role: 'user', content: 'Hi' }] } }]);
 */
export function createBatchClient(ref: ModelRefInput, deps: ChatModelDeps = {}): BatchClient {
  const env = deps.env ?? process.env;
  const missing = missingKey(ref, env);
  if (missing) throw new ConvotestError('E_CONFIG', `${ref.provider} ${ref.model}: ${missing}`);
  const apiKey = (env[keyEnvOf(ref)] ?? '').trim();
  const fetch = deps.fetch ?? createNodeFetch();
  switch (ref.provider) {
    case 'openai':
      return withOwnSignals(createOpenAIBatchClient(ref, apiKey, { ...deps, env, fetch }));
    case 'anthropic':
      return withOwnSignals(createAnthropicBatchClient(ref, apiKey, { ...deps, env, fetch }));
  }
}
