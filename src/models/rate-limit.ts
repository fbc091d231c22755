import { ConvotestError } from '../errors.js';
import type { ChatModel } from './chat.js';

/** Effects of a rate limiter, injectable for tests. */
export interface RateLimiterClock {
  /** Milliseconds, monotonic. */
  now?: () => number;
  /** Waits `ms`; rejects when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface RateLimiterOptions extends RateLimiterClock {
  /** Requests per minute. */
  rpm: number;
  /** Requests that may start at once after a quiet spell (default 1: evenly spaced). */
  burst?: number;
}

export interface RateLimiter {
  readonly rpm: number;
  /** Resolves when a request may start; callers are served in call order. */
  acquire(signal?: AbortSignal): Promise<void>;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ConvotestError('E_ABORTED', 'aborted while waiting for the rate limit'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ConvotestError('E_ABORTED', 'aborted while waiting for the rate limit'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A token bucket of `burst` tokens refilled at `rpm` per minute. Each `acquire` takes a token
 * at once (the balance may go negative: a reservation), so concurrent callers queue in order
 * without a lock. An aborted wait gives its token back.
 *
 * @example
 * const limiter = createRateLimiter({ rpm: 60 });
 * await limiter.acquire(signal); // at most one call per second
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { rpm } = options;
  const burst = options.burst ?? 1;
  if (!(Number.isFinite(rpm) && rpm > 0)) throw new TypeError(`rpm must be a positive number, got ${rpm}`);
  if (!(Number.isInteger(burst) && burst >= 1)) throw new TypeError(`burst must be a positive integer, got ${burst}`);
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? defaultSleep;
  const perMs = rpm / 60_000;
  let tokens = burst;
  let updatedAt = now();

  return {
    rpm,
    async acquire(signal?: AbortSignal): Promise<void> {
      const t = now();
      tokens = Math.min(burst, tokens + (t - updatedAt) * perMs);
      updatedAt = t;
      tokens -= 1;
      if (tokens >= 0) return;
      try {
        await sleep(-tokens / perMs, signal);
      } catch (error) {
        tokens += 1;
        throw error;
      }
    },
  };
}

/** One limiter per key (e.g. per provider), shared by every variant that uses it; the first rpm given wins. */
export function createRateLimiterPool(clock: RateLimiterClock = {}): {
  get(key: string, rpm: number): RateLimiter;
} {
  const limiters = new Map<string, RateLimiter>();
  return {
    get(key, rpm) {
      let limiter = limiters.get(key);
      if (!limiter) {
        limiter = createRateLimiter({ rpm, ...clock });
        limiters.set(key, limiter);
      }
      return limiter;
    },
  };
}

/** A ChatModel whose calls wait for the limiter first. */
export function withRateLimit(model: ChatModel, limiter: RateLimiter): ChatModel {
  return {
    provider: model.provider,
    model: model.model,
    async chat(request) {
      await limiter.acquire(request.signal);
      return model.chat(request);
    },
  };
}
