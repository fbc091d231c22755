import { toFile } from 'openai';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import { ConvotestError } from '../../errors.js';
import type { ChatRequest } from '../chat.js';
import type { CallContext } from '../errors.js';
import { fromCompletion, openAIBody, openAIClient } from '../openai.js';
import type { ChatModelDeps, ModelRefInput } from '../settings.js';
import type { BatchClient, BatchItemResult } from './types.js';

const ENDED = new Set(['completed', 'failed', 'expired', 'cancelled']);

/** One line of an OpenAI batch output or error file. */
interface OutputLine {
  custom_id?: string;
  response?: { status_code?: number; body?: unknown } | null;
  error?: { code?: string | null; message?: string | null } | null;
}

/**
 * The OpenAI Batch API for one model: the items go up as a JSONL file (`purpose: batch`), one
 * `POST /v1/chat/completions` line each, and come back in the output file (answers) and the
 * error file (failures), matched by `custom_id`.
 */
export function createOpenAIBatchClient(ref: ModelRefInput, apiKey: string, deps: ChatModelDeps = {}): BatchClient {
  const { client, ctx, custom } = openAIClient(ref, apiKey, deps);
  const who = `openai ${ref.model}`;
  const opts = (signal?: AbortSignal) => (signal ? { signal } : {});

  const readFile = async (fileId: string | null | undefined, signal?: AbortSignal): Promise<OutputLine[]> => {
    if (!fileId) return [];
    const text = await (await client.files.content(fileId, opts(signal))).text();
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as OutputLine);
  };

  return {
    provider: 'openai',
    model: ref.model,
    async submit(items, signal) {
      const lines = items.map((i) => JSON.stringify({ custom_id: i.customId, method: 'POST', url: '/v1/chat/completions', body: openAIBody(ref, i.request, custom) }));
      const file = await client.files.create({ file: await toFile(Buffer.from(`${lines.join('\n')}\n`), 'convotest-batch.jsonl'), purpose: 'batch' }, opts(signal));
      const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' }, opts(signal));
      return batch.id;
    },
    async status(batchId, signal) {
      const b = await client.batches.retrieve(batchId, opts(signal));
      const counts = b.request_counts;
      return { state: b.status, ended: ENDED.has(b.status), total: counts?.total ?? 0, finished: (counts?.completed ?? 0) + (counts?.failed ?? 0) };
    },
    async results(batchId, requests, signal) {
      const b = await client.batches.retrieve(batchId, opts(signal));
      const out = new Map<string, BatchItemResult>();
      if (b.status === 'failed') {
        const why = (b.errors?.data ?? []).map((e) => `${e.code ?? 'error'}: ${e.message ?? ''}`.trim()).join('; ') || 'no reason given';
        for (const id of requests.keys()) out.set(id, { ok: false, retryable: false, error: new ConvotestError('E_PROVIDER', `${who}: batch ${batchId} failed validation (${why})`) });
        return out;
      }
      for (const line of [...(await readFile(b.output_file_id, signal)), ...(await readFile(b.error_file_id, signal))]) {
        const request = line.custom_id ? requests.get(line.custom_id) : undefined;
        if (!line.custom_id || !request) continue;
        out.set(line.custom_id, itemResult(line, request, batchId, ctx, who));
      }
      return out;
    },
  };
}

function itemResult(line: OutputLine, request: ChatRequest, batchId: string, ctx: CallContext, who: string): BatchItemResult {
  if (line.error) {
    const code = line.error.code ?? 'error';
    return {
      ok: false,
      // batch_expired: not run within the completion window; the rest are the provider's failures.
      retryable: code === 'batch_expired' || code === 'batch_cancelled' || code === 'server_error' || code === 'rate_limit_exceeded',
      error: new ConvotestError('E_PROVIDER', `${who}: batch ${batchId}: ${code}: ${line.error.message ?? 'no message'}`),
    };
  }
  const status = line.response?.status_code ?? 0;
  if (status !== 200) {
    const message = (line.response?.body as { error?: { message?: string } } | undefined)?.error?.message ?? 'no message';
    return { ok: false, retryable: status === 429 || status >= 500, error: new ConvotestError('E_PROVIDER', `${who}: batch ${batchId}: HTTP ${status}: ${message}`) };
  }
  try {
    return { ok: true, response: fromCompletion(line.response?.body as ChatCompletion, request, 0, ctx) };
  } catch (error) {
    return { ok: false, retryable: false, error };
  }
}
