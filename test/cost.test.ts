import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { costOf, createPricer, normalizeModelId, resolvePrice } from '../src/core/cost.js';
import { addUsage, emptyUsage, sumUsage } from '../src/core/usage.js';
import { DEFAULT_PRICES } from '../src/models/pricing.js';
import type { Usage } from '../src/schema/message.js';
import { PriceSchema } from '../src/schema/config.js';

describe('normalizeModelId / resolvePrice', () => {
  it.each([
    ['gpt-4o-2024-08-06', 'gpt-4o'],
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['gpt-5.4-mini-2026-03-17', 'gpt-5.4-mini'],
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    ['claude-haiku-4-5-20251001', 'claude-haiku-4-5'],
    ['claude-3-5-haiku-latest', 'claude-3-5-haiku'],
    ['anthropic/claude-sonnet-4.6', 'claude-sonnet-4-6'],
    ['openai/GPT-4.1', 'gpt-4.1'],
  ])('%s → %s', (id, expected) => {
    expect(normalizeModelId(id)).toBe(expected);
    expect(resolvePrice(id, DEFAULT_PRICES)).toBe(DEFAULT_PRICES[expected]);
  });

  it('returns undefined for an unknown model (never a guess)', () => {
    expect(resolvePrice('llama3:8b', DEFAULT_PRICES)).toBeUndefined();
    expect(resolvePrice('gpt-4o-audio-preview', DEFAULT_PRICES)).toBeUndefined();
    expect(resolvePrice(undefined, DEFAULT_PRICES)).toBeUndefined();
  });

  it('prefers overrides, also for dated ids', () => {
    const overrides = { 'gpt-4o': { input: 1, output: 2 }, 'llama3:8b': { input: 0, output: 0 } };
    expect(resolvePrice('gpt-4o-2024-11-20', DEFAULT_PRICES, overrides)).toEqual({ input: 1, output: 2 });
    expect(resolvePrice('llama3:8b', DEFAULT_PRICES, overrides)).toEqual({ input: 0, output: 0 });
  });

  it('holds only valid prices', () => {
    for (const [id, price] of Object.entries(DEFAULT_PRICES)) {
      expect(PriceSchema.safeParse(price).success, id).toBe(true);
      expect(normalizeModelId(id), 'ids are stored normalized').toBe(id);
      if (price.cachedInput !== undefined) expect(price.cachedInput).toBeLessThanOrEqual(price.input);
    }
  });
});

describe('costOf', () => {
  const price = { input: 2, output: 8, cachedInput: 0.5 };
  it.each([
    [{ input: 1_000_000, output: 0, cached: 0 }, 2],
    [{ input: 0, output: 1_000_000, cached: 0 }, 8],
    [{ input: 1_000_000, output: 0, cached: 500_000 }, 1.25],
    [{ input: 1_000, output: 500, cached: 0 }, 0.006],
    [{ input: 10, output: 0, cached: 50 }, 0.000005], // cached never exceeds input
  ])('%o → %d USD', (usage, expected) => {
    expect(costOf(usage, price)).toBeCloseTo(expected, 12);
  });

  it('bills cached input at the input price when the model has no cache price', () => {
    expect(costOf({ input: 1_000_000, output: 0, cached: 1_000_000 }, { input: 3, output: 15 })).toBe(3);
  });

  it('is null without a price', () => {
    expect(costOf({ input: 1, output: 1, cached: 0 }, undefined)).toBeNull();
  });

  it('prices a real call: claude-sonnet-4-5 dated id', () => {
    const usage = { input: 12_000, output: 800, cached: 10_000 };
    const cost = costOf(usage, resolvePrice('claude-sonnet-4-5-20250929', DEFAULT_PRICES));
    expect(cost).toBeCloseTo((2_000 * 3 + 10_000 * 0.3 + 800 * 15) / 1e6, 12);
  });
});

describe('createPricer', () => {
  it('warns once per unknown model and returns null for it', () => {
    const warnings: string[] = [];
    const price = createPricer(DEFAULT_PRICES, {}, (m) => warnings.push(m));
    const usage = { input: 100, output: 10, cached: 0 };
    expect(price('mystery-model', usage)).toBeNull();
    expect(price('mystery-model', usage)).toBeNull();
    expect(price(undefined, usage)).toBeNull();
    expect(price('gpt-4o-mini', usage)).toBeCloseTo((100 * 0.15 + 10 * 0.6) / 1e6, 12);
    expect(warnings).toEqual(['mystery-model', '(no model)']);
  });
});

// Valid usages: cached tokens are part of the input, as providers report them.
const usageArb: fc.Arbitrary<Usage> = fc
  .record({
    input: fc.nat({ max: 10_000_000 }),
    output: fc.nat({ max: 10_000_000 }),
    cachedShare: fc.double({ min: 0, max: 1, noNaN: true }),
    estimated: fc.option(fc.boolean(), { nil: undefined }),
  })
  .map(({ input, output, cachedShare, estimated }): Usage => {
    const usage: Usage = { input, output, cached: Math.floor(input * cachedShare) };
    if (estimated !== undefined) usage.estimated = estimated;
    return usage;
  });

describe('usage arithmetic (property tests)', () => {
  it('addUsage is associative and commutative, with emptyUsage as identity', () => {
    fc.assert(
      fc.property(usageArb, usageArb, usageArb, (a, b, c) => {
        const strip = (u: Usage) => ({ ...u, estimated: u.estimated === true });
        expect(strip(addUsage(addUsage(a, b), c))).toEqual(strip(addUsage(a, addUsage(b, c))));
        expect(strip(addUsage(a, b))).toEqual(strip(addUsage(b, a)));
        expect(strip(addUsage(a, emptyUsage()))).toEqual(strip(a));
      }),
    );
  });

  it('sums are never negative and never smaller than a part; estimated is sticky', () => {
    fc.assert(
      fc.property(fc.array(usageArb, { maxLength: 20 }), (list) => {
        const total = sumUsage(list);
        for (const key of ['input', 'output', 'cached'] as const) {
          expect(total[key]).toBeGreaterThanOrEqual(0);
          for (const u of list) expect(total[key]).toBeGreaterThanOrEqual(u[key] ?? 0);
        }
        expect(total.estimated === true).toBe(list.some((u) => u.estimated === true));
      }),
    );
  });

  it('cost is never negative and grows with usage', () => {
    fc.assert(
      fc.property(usageArb, usageArb, (a, b) => {
        const price = { input: 3, output: 15, cachedInput: 0.3 };
        const ca = costOf(a, price) ?? -1;
        expect(ca).toBeGreaterThanOrEqual(0);
        expect(costOf(addUsage(a, b), price) ?? -1).toBeGreaterThanOrEqual(ca - 1e-9);
      }),
    );
  });
});
