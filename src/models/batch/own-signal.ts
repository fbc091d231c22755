import { withOwnSignal } from '../call-signal.js';
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
    submit: (items, signal) => withOwnSignal(signal, (own) => client.submit(items, own)),
    status: (batchId, signal) => withOwnSignal(signal, (own) => client.status(batchId, own)),
    results: (batchId, requests, signal) => withOwnSignal(signal, (own) => client.results(batchId, requests, own)),
  };
}
