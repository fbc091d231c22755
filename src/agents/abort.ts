import { ConvotestError } from '../errors.js';

/** The error every agent throws when its input signal aborts: E_ABORTED, naming the agent. */
export function abortedError(agentName: string, signal: AbortSignal): ConvotestError {
  return new ConvotestError('E_ABORTED', `agent "${agentName}": aborted`, { cause: signal.reason });
}

/** Throws E_ABORTED when the signal has already aborted. */
export function throwIfAborted(agentName: string, signal: AbortSignal): void {
  if (signal.aborted) throw abortedError(agentName, signal);
}

/**
 * Settles with `work`, or rejects with E_ABORTED as soon as `signal` aborts, even when the
 * work itself ignores the signal (a module function that never checks it, for example).
 */
export function raceAbort<T>(agentName: string, signal: AbortSignal, work: Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(abortedError(agentName, signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortedError(agentName, signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
