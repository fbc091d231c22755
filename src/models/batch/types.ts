import type { ChatRequest, ChatResponse } from '../chat.js';

/** One request of a provider batch, under the id its result comes back with. */
export interface BatchItem {
  /** `[A-Za-z0-9_-]{1,64}` (Anthropic's rule; OpenAI accepts it too), unique within the batch. */
  customId: string;
  request: ChatRequest;
}

/**
 * The result of one item: the response, or the error to throw to its caller (a provider error,
 * or the model layer's own error for an unusable structured answer, so a judge can repair it).
 * `retryable`: the item did not run or failed on the provider's side (expired, canceled, 5xx,
 * 429) and may be sent again in the next round.
 */
export type BatchItemResult = { ok: true; response: ChatResponse } | { ok: false; error: unknown; retryable: boolean };

/** Where a submitted batch stands. */
export interface BatchStatus {
  /** The provider's word for it (OpenAI `status`, Anthropic `processing_status`). */
  state: string;
  /** true once results can be read (completed, failed, expired, cancelled / ended). */
  ended: boolean;
  total: number;
  /** Items finished so far (answered or failed). */
  finished: number;
}

/**
 * A provider's batch API for one model: OpenAI's Batch API (a JSONL file of chat-completion
 * requests) or Anthropic's Message Batches. Items are built and parsed exactly as the
 * interactive calls are (openAIBody / anthropicBody, fromCompletion / fromMessage).
 */
export interface BatchClient {
  readonly provider: 'openai' | 'anthropic';
  readonly model: string;
  /** Submits the items as one batch; resolves to the provider's batch id. */
  submit(items: readonly BatchItem[], signal?: AbortSignal): Promise<string>;
  status(batchId: string, signal?: AbortSignal): Promise<BatchStatus>;
  /** The result of every item of an ended batch, by custom id (missing items: not answered). */
  results(batchId: string, requests: ReadonlyMap<string, ChatRequest>, signal?: AbortSignal): Promise<Map<string, BatchItemResult>>;
}

/** Items per batch at most: OpenAI takes 50,000 requests per batch (Anthropic 100,000). */
export const MAX_BATCH_ITEMS = 50_000;
