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
    chat: (request) => withOwnSignal(request.signal, (signal) => model.chat(signal ? { ...request, signal } : request)),
  };
}

/**
 * Runs `call` with a signal of its own that aborts when `parent` does; the link is removed as
 * soon as the call settles, whatever the callee does with its signal. No parent, no signal.
 */
export async function withOwnSignal<T>(parent: AbortSignal | undefined, call: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
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
