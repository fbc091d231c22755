import { createRng } from '../../src/core/stats/prng.js';
import { matches } from './normalize.js';
import type { FakeChatRequest, FaultKind, FaultRule } from './types.js';


interface FaultState {
  rule: FaultRule;
  seen: number;
  hits: number;
  random: () => number;
}

/**
 * Decides, request by request, which fault (if any) applies. Rules are tried in order; the first
 * that fires wins. Deterministic: `times` counts matching requests, `probability` draws from the
 * rule's own seeded PRNG (one draw per matching request, whether or not an earlier rule fired),
 * and then `times` caps how often it fires.
 */
export class FaultPlan {
  private states: FaultState[];

  constructor(rules: FaultRule[] = []) {
    this.states = rules.map((rule, i) => {
      if (rule.probability !== undefined && (rule.probability < 0 || rule.probability > 1)) {
        throw new RangeError(`fault ${i}: probability must be within 0..1, got ${rule.probability}`);
      }
      return { rule, seen: 0, hits: 0, random: createRng(rule.seed ?? 42 + i) };
    });
  }

  /** The fault for this request, or undefined. */
  next(req: FakeChatRequest): FaultRule | undefined {
    let chosen: FaultRule | undefined;
    for (const state of this.states) {
      if (!matches(state.rule.match, req)) continue;
      state.seen += 1;
      const { times, probability } = state.rule;
      let fires: boolean;
      if (probability !== undefined) {
        const draw = state.random();
        fires = draw < probability && (times === undefined || state.hits < times);
      } else {
        fires = times === undefined || state.seen <= times;
      }
      if (fires && !chosen) {
        chosen = state.rule;
        state.hits += 1;
      }
    }
    return chosen;
  }
}

/**
 * Fault rules that together hit a share `total` of the matching requests, split evenly over
 * `kinds` (rule i fires with chance a / (1 - i·a), a = total / kinds, so each kind gets `a`).
 *
 * @example
 * // 20 % of requests fail, evenly over every kind, reproducibly
 * startFakeLlm({ faults: faultMix(0.2, ['rate_limit', 'server_error', 'overloaded', 'timeout', 'malformed', 'drop'], { seed: 1, retryAfterMs: 5, hangMs: 2_000 }) })
 */
export function faultMix(
  total: number,
  kinds: FaultKind[],
  options: Omit<FaultRule, 'kind' | 'probability' | 'times'> = {},
): FaultRule[] {
  if (!(total >= 0 && total <= 1)) throw new RangeError(`total must be within 0..1, got ${total}`);
  const share = kinds.length > 0 ? total / kinds.length : 0;
  return kinds.map((kind, i) => ({
    ...options,
    kind,
    probability: Math.min(1, share / (1 - i * share)),
    seed: (options.seed ?? 1) * 7919 + i,
  }));
}
