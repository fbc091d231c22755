import type { BatchClient } from './types.js';

/**
 * A batch client whose every call hands the SDK a signal of its own, linked to the caller's and
 * unlinked as soon as the call settles.
 *
 * Why: the openai and Anthropic SDKs add an `abort` listener to the signal they are given and
 * never remove it (see src/models/call-signal.ts). The rounds pass the run's signal to every
 * submit, status poll and results read of a batch mode run: each left a listener on it for the
 * rest of the run, and a long batch polled for hours piles them up.
 */
export function withOwnSignals(client: BatchClient): BatchClient {
  return {
    provider: client.provider,
    model: client.model,
    submit: (items, signal) => linked(signal, (own) => client.submit(items, own)),
    status: (batchId, signal) => linked(signal, (own) => client.status(batchId, own)),
    results: (batchId, requests, signal) => linked(signal, (own) => client.results(batchId, requests, own)),
  };
}

async function linked<T>(parent: AbortSignal | undefined, call: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
  if (!parent) return call(undefined);
  if (parent.aborted) throw parent.reason;
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  try {
    return await call(controller.signal);
  } finally {
    parent.removeEventListener('abort', onAbort);
  }
}
