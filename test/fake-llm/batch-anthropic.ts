import type { BatchReply, BatchStore, FakeBatch } from './batch-common.js';

/**
 * Anthropic Message Batches of the fake server: `POST /v1/messages/batches`,
 * `GET /v1/messages/batches/{id}` and its `results_url` (`…/{id}/results`, JSONL). Each request's
 * `params` is answered like `/v1/messages`.
 */
export function createAnthropicBatches(store: BatchStore) {
  const batchObject = (batch: FakeBatch) => {
    const c = store.counts(batch);
    return {
      id: batch.id,
      type: 'message_batch',
      processing_status: batch.ended ? 'ended' : 'in_progress',
      request_counts: batch.ended
        ? { processing: 0, succeeded: c.ok, errored: c.failed, canceled: 0, expired: c.expired }
        : { processing: batch.customIds.length, succeeded: 0, errored: 0, canceled: 0, expired: 0 },
      created_at: new Date(batch.createdAt * 1000).toISOString(),
      expires_at: new Date((batch.createdAt + 86_400) * 1000).toISOString(),
      ended_at: batch.ended ? new Date().toISOString() : null,
      cancel_initiated_at: null,
      archived_at: null,
      results_url: batch.ended ? `${store.host.url()}/v1/messages/batches/${batch.id}/results` : null,
    };
  };
  const results = (batch: FakeBatch): string =>
    batch.customIds
      .map((customId) => {
        const o = batch.outcomes.get(customId)!;
        const result =
          o.kind === 'ok'
            ? { type: 'succeeded', message: o.body }
            : o.kind === 'expired'
              ? { type: 'expired' }
              : {
                  type: 'errored',
                  error: {
                    type: 'error',
                    error: o.kind === 'invalid' ? { type: 'invalid_request_error', message: 'Invalid request.' } : { type: 'api_error', message: 'Internal server error.' },
                  },
                };
        return `${JSON.stringify({ custom_id: customId, result })}\n`;
      })
      .join('');

  return {
    /** Answers a message-batches request, or returns undefined when the path is not one. */
    handle(method: string, path: string, raw: Buffer): BatchReply | undefined {
      if (method === 'POST' && path === '/v1/messages/batches') {
        const body = JSON.parse(raw.toString('utf8')) as { requests?: Array<{ custom_id: string; params: Record<string, unknown> }> };
        if (!Array.isArray(body.requests) || body.requests.length === 0) return { status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'requests: expected a non-empty list' } } };
        const batch = store.create('anthropic', 'msgbatch_', body.requests.map((r) => ({ customId: r.custom_id, body: r.params })));
        return { status: 200, body: batchObject(batch) };
      }
      const m = /^\/v1\/messages\/batches\/([^/]+)(\/results)?$/.exec(path);
      if (method !== 'GET' || !m) return undefined;
      const batch = store.batches.get(m[1]!);
      if (!batch || batch.provider !== 'anthropic') return { status: 404, body: { type: 'error', error: { type: 'not_found_error', message: `no message batch ${m[1]}` } } };
      if (!m[2]) {
        store.poll(batch);
        return { status: 200, body: batchObject(batch) };
      }
      if (!batch.ended) return { status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'batch has not ended' } } };
      return { status: 200, text: results(batch) };
    },
  };
}
