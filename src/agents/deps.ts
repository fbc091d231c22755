import type { AgentConfig, AgentKind, ModelRef } from '../schema/config.js';
import type { ChatModel } from '../models/chat.js';
import type { Agent } from './agent.js';

/** Effects an agent may use, injected so tests run real code against loopback servers. */
export interface AgentDeps {
  /** Directory of the config file: relative `systemFile` and module `path` resolve against it. */
  configDir: string;
  /** Environment for header env vars and API keys (usually `process.env`). */
  env: Readonly<Record<string, string | undefined>>;
  /** HTTP client for `http` agents (default: global fetch). */
  fetch?: typeof fetch;
  /** Builds the chat model of a `model` agent (default: `createChatModel` from src/models). */
  createChatModel?: (ref: ModelRef) => ChatModel | Promise<ChatModel>;
  /** Monotonic clock in ms for latency (default: `performance.now`). */
  now?: () => number;
  /** Waits between http retries; must reject when `signal` aborts (default: a timer). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Source of jitter in [0, 1) for retry backoff (default: Math.random). */
  random?: () => number;
}

/** Builds one agent of a given kind from its (parsed) config. */
export type AgentFactory<K extends AgentKind = AgentKind> = (
  name: string,
  config: Extract<AgentConfig, { kind: K }>,
  deps: AgentDeps,
) => Promise<Agent>;

/** The default monotonic clock. */
export const defaultNow = (): number => performance.now();

/** A timer that rejects with the signal's reason when the signal aborts. */
export function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
