import { ConvotestError } from '../../errors.js';
import { anthropicBody, anthropicClient, fromMessage } from '../anthropic.js';
import type { ChatModelDeps, ModelRefInput } from '../settings.js';
import type { BatchClient, BatchItemResult } from './types.js';

/** Anthropic error types that are the provider's trouble, not the request's: worth sending again. */
const RETRYABLE = new Set(['api_error', 'overloaded_error', 'rate_limit_error', 'timeout_error']);

/**
 * Anthropic Message Batches for one model: the items go up in one `POST /v1/messages/batches`
 * (`requests: [{ custom_id, params }]`), and come back from `results_url` as JSONL, each with
 * `result.type` succeeded, errored, canceled or expired.
 */
export function createAnthropicBatchClient(ref: ModelRefInput, apiKey: string, deps: ChatModelDeps = {}): BatchClient {
  const { client, ctx } = anthropicClient(ref, apiKey, deps);
  const who = `anthropic ${ref.model}`;
  const opts = (signal?: AbortSignal) => (signal ? { signal } : {});

  return {
    provider: 'anthropic',
    model: ref.model,
    async submit(items, signal) {
      const batch = await client.messages.batches.create(
        { requests: items.map((i) => ({ custom_id: i.customId, params: anthropicBody(ref, i.request) })) },
        opts(signal),
      );
      return batch.id;
    },
    async status(batchId, signal) {
      const b = await client.messages.batches.retrieve(batchId, {}, opts(signal));
      const c = b.request_counts;
      const finished = c.succeeded + c.errored + c.canceled + c.expired;
      return { state: b.processing_status, ended: b.processing_status === 'ended', total: finished + c.processing, finished };
    },
    async results(batchId, requests, signal) {
      const out = new Map<string, BatchItemResult>();
      for await (const line of await client.messages.batches.results(batchId, {}, opts(signal))) {
        const request = requests.get(line.custom_id);
        if (!request) continue;
        const result = line.result;
        let item: BatchItemResult;
        switch (result.type) {
          case 'succeeded':
            try {
              item = { ok: true, response: fromMessage(result.message, request, 0, ctx) };
            } catch (error) {
              item = { ok: false, retryable: false, error };
            }
            break;
          case 'errored': {
            const e = result.error.error;
            item = { ok: false, retryable: RETRYABLE.has(e.type), error: new ConvotestError('E_PROVIDER', `${who}: batch ${batchId}: ${e.type}: ${e.message}`) };
            break;
          }
          case 'canceled':
          case 'expired':
            item = {
              ok: false,
              retryable: true,
              error: new ConvotestError('E_PROVIDER', `${who}: batch ${batchId}: ${result.type} before the request ran${result.type === 'expired' ? ' (not processed within 24 hours)' : ''}`),
            };
            break;
        }
        out.set(line.custom_id, item);
      }
      return out;
    },
  };
}
