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
 * soon as the call settles, whatever the callee does with its signal. No parent, no signal. A
 * parent made by {@link callSignal} is already one call's own and is handed on as it is.
 */
export async function withOwnSignal<T>(parent: AbortSignal | undefined, call: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
  if (!parent) return call(undefined);
  if (parent.aborted) throw parent.reason;
  if (callOwned.has(parent)) return call(parent);
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  try {
    return await call(controller.signal);
  } finally {
    parent.removeEventListener('abort', onAbort);
  }
}

/** Signals made by {@link callSignal}: each serves one call and is dropped with it. */
const callOwned = new WeakSet<AbortSignal>();

/**
 * A signal for one call (an agent's turn): it aborts when `parent` does, or with `timeout`'s
 * reason once `timeout.ms` have passed. `release` unlinks it from `parent` and clears the timer;
 * call it as soon as the call settles. The signal is the call's own, so the models hand it to the
 * SDK as it is ({@link withOwnSignal}) instead of linking one more signal to it.
 *
 * @example
 * const { signal, release } = callSignal(run.signal, { ms: 30_000, reason: () => new Error('no reply within 30 s') });
 * try { await agent.reply({ ...request, signal }); } finally { release(); }
 */
export function callSignal(parent: AbortSignal, timeout?: { ms: number; reason: () => unknown }): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  callOwned.add(controller.signal);
  // A run already stopped stops the call at once (the listener below would never fire).
  if (parent.aborted) controller.abort(parent.reason);
  const onAbort = () => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  const timer = timeout && setTimeout(() => controller.abort(timeout.reason()), timeout.ms);
  return {
    signal: controller.signal,
    release() {
      if (timer) clearTimeout(timer);
      parent.removeEventListener('abort', onAbort);
    },
  };
}
