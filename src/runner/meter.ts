import { createPricer, type PriceTable } from '../core/cost.js';
import { batchPrices, DEFAULT_PRICES } from '../models/pricing.js';
import { estimateUsage } from '../models/tokenizer.js';
import type { Usage } from '../schema/message.js';
import type { Meter } from './conversation.js';

/** Agent kinds that call no provider: their replies cost nothing (a module agent's cost is unknown). */
export function callsNoProvider(kind: string): boolean {
  return kind === 'baseline' || kind === 'transcript';
}

/**
 * Prices agent and judge usage from the pricing table (with the config's overrides) and
 * estimates usage a bot did not report. An unknown model costs null, with one warning each.
 * With `batch` (run --batch) every price is the batch price (see `batchPrices`).
 */
export function createMeter(
  overrides: PriceTable,
  warn: (message: string) => void,
  options: { batch?: boolean } = {},
): Meter & { priceJudge(model: string, usage: Usage): number | null } {
  const [table, own] = options.batch ? [batchPrices(DEFAULT_PRICES), batchPrices(overrides)] : [DEFAULT_PRICES, overrides];
  const price = createPricer(table, own, (model) =>
    warn(`no price known for model "${model}": its cost is shown as unknown (add it under pricing: in the config)`),
  );
  return {
    price,
    estimate: (messages, reply) => estimateUsage([...messages], reply),
    priceJudge: (model, usage) => price(model, usage),
  };
}
