import { ConvotestError } from '../../errors.js';
import { createNodeFetch } from '../node-fetch.js';
import { type ChatModelDeps, keyEnvOf, missingKey, type ModelRefInput } from '../settings.js';
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
  const clientDeps = { ...deps, env, fetch };
  switch (ref.provider) {
    case 'openai':
      return withOwnSignals(onFirstCall('openai', ref.model, async () => (await import('./openai.js')).createOpenAIBatchClient(ref, apiKey, clientDeps)));
    case 'anthropic':
      return withOwnSignals(onFirstCall('anthropic', ref.model, async () => (await import('./anthropic.js')).createAnthropicBatchClient(ref, apiKey, clientDeps)));
  }
}

/**
 * A batch client whose provider module (and so its SDK) is loaded on its first call. Why: the
 * runner prepares batch clients from a module every run loads, and a static import here made every
 * command that runs cases compile both SDKs (the Anthropic SDK alone is ~1.1 MB of bundle).
 */
function onFirstCall(provider: BatchClient['provider'], model: string, load: () => Promise<BatchClient>): BatchClient {
  let client: Promise<BatchClient> | undefined;
  const get = () => (client ??= load());
  return {
    provider,
    model,
    submit: async (items, signal) => (await get()).submit(items, signal),
    status: async (batchId, signal) => (await get()).status(batchId, signal),
    results: async (batchId, requests, signal) => (await get()).results(batchId, requests, signal),
  };
}
