import { describe, expect, it } from 'vitest';
import { createPricer } from '../src/core/cost.js';
import { DEFAULT_PRICES } from '../src/models/pricing.js';
import { createBudget } from '../src/runner/budget.js';
import type { Usage } from '../src/schema/message.js';

// gpt-4o-mini: $0.15 per 1M input tokens, so 1,000 input tokens cost $0.00015 (src/models/pricing.ts).
const CALL: Usage = { input: 1000, output: 0, cached: 0 };
const CALL_COST = 0.00015;

function budgetOf(limit: number) {
  return createBudget({ limit, price: createPricer(DEFAULT_PRICES), countInput: (m) => m.length });
}

/** `workers` callers each making calls until the budget refuses; every call costs CALL. */
async function spendConcurrently(budget: ReturnType<typeof budgetOf>, workers: number, usage: (n: number) => Usage = () => CALL) {
  let sent = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const worker = async () => {
    for (;;) {
      try {
        await budget.run(
          { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
          async () => {
            const n = sent++;
            inFlight += 1;
            maxInFlight = Math.max(maxInFlight, inFlight);
            await new Promise((r) => setTimeout(r, 5));
            inFlight -= 1;
            return usage(n);
          },
          (u) => ({ model: 'gpt-4o-mini', usage: u }),
        );
      } catch (error) {
        expect((error as { code?: string }).code).toBe('E_BUDGET');
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return { sent, maxInFlight };
}

describe('the budget (--max-cost)', () => {
  it('never passes the limit with calls of equal cost, at concurrency 8', async () => {
    const budget = budgetOf(0.001);
    const { sent, maxInFlight } = await spendConcurrently(budget, 8);
    // floor(0.001 / 0.00015) = 6 calls fit; the 7th would make $0.00105.
    expect(sent).toBe(6);
    expect(budget.spent).toBeLessThanOrEqual(0.001);
    expect(budget.spent).toBeCloseTo(6 * CALL_COST, 12);
    expect(budget.reached).toBe(true);
    // After the first (measuring) call, calls ran side by side.
    expect(maxInFlight).toBeGreaterThan(1);
  });

  it('runs the first call of a model alone, so its cost is known before calls run side by side', async () => {
    const budget = budgetOf(0.0002);
    // Without the measuring call, 8 calls would start at once on a near-zero token estimate ($0.0012).
    const { sent, maxInFlight } = await spendConcurrently(budget, 8);
    expect(sent).toBe(1);
    expect(maxInFlight).toBe(1);
    expect(budget.spent).toBeLessThanOrEqual(0.0002);
  });

  it('passes the limit only by what calls in flight cost beyond their estimates (the README bound)', async () => {
    // Calls grow: each costs one step ($0.00015) more than the one before. A call's estimate is the
    // costliest finished call, and at most `workers` calls are started past it, so each of the
    // `workers` calls in flight exceeds its estimate by at most `workers` steps.
    const budget = budgetOf(0.01);
    const workers = 4;
    await spendConcurrently(budget, workers, (n) => ({ input: 1000 * (n + 1), output: 0, cached: 0 }));
    expect(budget.spent).toBeGreaterThan(0.005);
    expect(budget.spent).toBeLessThanOrEqual(0.01 + workers * workers * CALL_COST);
  });

  it('refuses every call once one was refused', async () => {
    const budget = budgetOf(0.0001);
    await expect(budget.run({ model: 'gpt-4o-mini', messages: [], maxTokens: 1_000_000 }, async () => CALL, (u) => ({ model: 'gpt-4o-mini', usage: u }))).rejects.toMatchObject({
      code: 'E_BUDGET',
    });
    await expect(budget.run({ model: 'gpt-4o-mini', messages: [] }, async () => CALL, (u) => ({ model: 'gpt-4o-mini', usage: u }))).rejects.toMatchObject({ code: 'E_BUDGET' });
    expect(budget.spent).toBe(0);
  });
});
