import { describe, expect, it } from 'vitest';
import { ConvotestError } from '../src/errors.js';
import { createRateLimiter, createRateLimiterPool, withRateLimit } from '../src/models/rate-limit.js';
import type { ChatModel } from '../src/models/chat.js';

/** A virtual clock: sleep advances time instead of waiting. */
function virtualClock() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw new ConvotestError('E_ABORTED', 'aborted');
      sleeps.push(ms);
      t += ms;
    },
    /** Records the wait without moving time (callers queued at the same instant). */
    record: async (ms: number) => {
      sleeps.push(ms);
    },
    advance: (ms: number) => {
      t += ms;
    },
    sleeps,
  };
}

describe('createRateLimiter', () => {
  it('spaces requests evenly at rpm (burst 1)', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter({ rpm: 60, now: clock.now, sleep: clock.record });
    await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    // first goes at once; the next two reserve the following seconds
    expect(clock.sleeps).toEqual([1000, 2000]);
  });

  it('allows a burst, then refills with time', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter({ rpm: 120, burst: 2, now: clock.now, sleep: clock.record });
    await limiter.acquire();
    await limiter.acquire();
    await limiter.acquire();
    expect(clock.sleeps).toEqual([500]);
    clock.advance(10_000);
    await limiter.acquire();
    await limiter.acquire();
    expect(clock.sleeps).toEqual([500]);
  });

  it('gives the token back when a wait is aborted', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter({ rpm: 60, now: clock.now, sleep: clock.sleep });
    await limiter.acquire();
    const controller = new AbortController();
    controller.abort();
    await expect(limiter.acquire(controller.signal)).rejects.toMatchObject({ code: 'E_ABORTED' });
    clock.sleeps.length = 0;
    await limiter.acquire();
    expect(clock.sleeps).toEqual([1000]);
  });

  it('fails fast on bad arguments', () => {
    expect(() => createRateLimiter({ rpm: 0 })).toThrow(TypeError);
    expect(() => createRateLimiter({ rpm: 10, burst: 0.5 })).toThrow(TypeError);
  });

  it('waits for real with the default clock', async () => {
    const limiter = createRateLimiter({ rpm: 600 }); // one per 100 ms
    const started = performance.now();
    await limiter.acquire();
    await limiter.acquire();
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
  });
});

describe('pool and wrapper', () => {
  it('shares one limiter per key and delays model calls', async () => {
    const clock = virtualClock();
    const pool = createRateLimiterPool({ now: clock.now, sleep: clock.record });
    expect(pool.get('openai', 60)).toBe(pool.get('openai', 30));
    expect(pool.get('anthropic', 60)).not.toBe(pool.get('openai', 60));
    let calls = 0;
    const inner: ChatModel = {
      provider: 'openai',
      model: 'm',
      chat: async () => {
        calls += 1;
        return { content: 'x', toolCalls: [], usage: { input: 1, output: 1, cached: 0 }, latencyMs: 0, model: 'm' };
      },
    };
    const limited = withRateLimit(inner, pool.get('openai', 60));
    await Promise.all([limited.chat({ messages: [] }), limited.chat({ messages: [] })]);
    expect(calls).toBe(2);
    expect(clock.sleeps).toEqual([1000]);
    expect(limited.model).toBe('m');
  });
});
