import type { ChatModel } from './chat.js';

/**
 * A ChatModel that hands the SDK a signal of its own for each call, linked to the caller's and
 * unlinked as soon as the call settles.
 *
 * Why: the openai and Anthropic SDKs add an `abort` listener to the signal they are given and
 * never remove it. Given the run's signal directly (judge calls), every call left a listener on
 * it for the rest of the run: a leak that Node reports as `MaxListenersExceededWarning`.
 */
export function withCallSignal(model: ChatModel): ChatModel {
  return {
    provider: model.provider,
    model: model.model,
    async chat(request) {
      const parent = request.signal;
      if (!parent) return model.chat(request);
      if (parent.aborted) throw parent.reason;
      const controller = new AbortController();
      const onAbort = () => controller.abort(parent.reason);
      parent.addEventListener('abort', onAbort, { once: true });
      try {
        return await model.chat({ ...request, signal: controller.signal });
      } finally {
        parent.removeEventListener('abort', onAbort);
      }
    },
  };
}
