import type { PriceTable } from '../core/cost.js';

/**
 * List prices in USD per 1M tokens (standard tier, short-context rates). These are the
 * interactive prices; `run --batch` (OpenAI Batch API, Anthropic Message Batches) pays
 * `BATCH_DISCOUNT` of them: see `batchPrices`.
 * `cachedInput` is the prompt-cache read price. Anthropic cache *writes* (1.25× input) are
 * billed here at the plain input price.
 *
 * Taken on 2026-11-22 from:
 * - OpenAI: the API pricing page as quoted by benchlm.ai (2026-04-13), morphllm.com (2026-06)
 *   and tokenmix.ai (2026-04-30) for GPT-5.5 / 5.4 / 5.2 / 5.1; GPT-5.6 Sol/Terra/Luna from the
 *   preview announcement (cached input implied by the stated 90% discount); older models from
 *   the OpenAI pricing page as last known.
 * - Anthropic: platform.claude.com/docs/en/about-claude/pricing and the model overview pages.
 * Override any entry (or add a model) with `pricing` in the config.
 */
export const PRICES_TAKEN_ON = '2026-11-22';

export const DEFAULT_PRICES: PriceTable = {
  // OpenAI
  'gpt-5.6-sol': { input: 5, cachedInput: 0.5, output: 30 },
  'gpt-5.6-terra': { input: 2.5, cachedInput: 0.25, output: 15 },
  'gpt-5.6-luna': { input: 1, cachedInput: 0.1, output: 6 },
  'gpt-5.5': { input: 5, cachedInput: 0.5, output: 30 },
  'gpt-5.5-pro': { input: 30, output: 180 },
  'gpt-5.4': { input: 2.5, cachedInput: 0.25, output: 15 },
  'gpt-5.4-mini': { input: 0.75, cachedInput: 0.075, output: 4.5 },
  'gpt-5.4-nano': { input: 0.2, cachedInput: 0.02, output: 1.25 },
  'gpt-5.4-pro': { input: 30, output: 180 },
  'gpt-5.2': { input: 1.75, cachedInput: 0.175, output: 14 },
  'gpt-5.2-pro': { input: 21, output: 168 },
  'gpt-5.1': { input: 1.25, cachedInput: 0.125, output: 10 },
  'gpt-5': { input: 1.25, cachedInput: 0.125, output: 10 },
  'gpt-5-mini': { input: 0.25, cachedInput: 0.025, output: 2 },
  'gpt-5-nano': { input: 0.05, cachedInput: 0.005, output: 0.4 },
  'gpt-5-pro': { input: 15, output: 120 },
  'gpt-4.1': { input: 2, cachedInput: 0.5, output: 8 },
  'gpt-4.1-mini': { input: 0.4, cachedInput: 0.1, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, cachedInput: 0.025, output: 0.4 },
  'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 },
  'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 },
  o3: { input: 2, cachedInput: 0.5, output: 8 },
  'o4-mini': { input: 1.1, cachedInput: 0.275, output: 4.4 },
  // Anthropic
  'claude-fable-5-1': { input: 10, cachedInput: 0.25, output: 50 },
  'claude-mythos-5-1': { input: 10, cachedInput: 0.25, output: 50 },
  'claude-fable-5': { input: 10, cachedInput: 1, output: 50 },
  'claude-mythos-5': { input: 10, cachedInput: 1, output: 50 },
  'claude-opus-5-5': { input: 4, cachedInput: 0.2, output: 20 },
  'claude-opus-5': { input: 5, cachedInput: 0.5, output: 25 },
  'claude-opus-4-8': { input: 5, cachedInput: 0.5, output: 25 },
  'claude-opus-4-7': { input: 5, cachedInput: 0.5, output: 25 },
  'claude-opus-4-6': { input: 5, cachedInput: 0.5, output: 25 },
  'claude-opus-4-5': { input: 5, cachedInput: 0.5, output: 25 },
  'claude-opus-4-1': { input: 15, cachedInput: 1.5, output: 75 },
  'claude-opus-4': { input: 15, cachedInput: 1.5, output: 75 },
  'claude-opus-4-0': { input: 15, cachedInput: 1.5, output: 75 },
  'claude-sonnet-5-5': { input: 2, cachedInput: 0.1, output: 10 },
  'claude-sonnet-5': { input: 2, cachedInput: 0.2, output: 10 },
  'claude-sonnet-4-6': { input: 3, cachedInput: 0.3, output: 15 },
  'claude-sonnet-4-5': { input: 3, cachedInput: 0.3, output: 15 },
  'claude-sonnet-4': { input: 3, cachedInput: 0.3, output: 15 },
  'claude-sonnet-4-0': { input: 3, cachedInput: 0.3, output: 15 },
  'claude-3-7-sonnet': { input: 3, cachedInput: 0.3, output: 15 },
  // Haiku 5.5: the rate for prompts up to 100k tokens (longer prompts cost 5×).
  'claude-haiku-5-5': { input: 0.1, cachedInput: 0.01, output: 0.5 },
  'claude-haiku-4-5': { input: 1, cachedInput: 0.1, output: 5 },
  'claude-3-5-haiku': { input: 0.8, cachedInput: 0.08, output: 4 },
  'claude-3-haiku': { input: 0.25, cachedInput: 0.03, output: 1.25 },
};

/**
 * Share of the interactive price paid through the providers' batch APIs: OpenAI's Batch API and
 * Anthropic's Message Batches both bill input, cached input and output at 50 % of the standard
 * price (same pages as above). Applied to the table and to the config's `pricing` overrides.
 */
export const BATCH_DISCOUNT = 0.5;

/**
 * The batch prices of a table: every price times `BATCH_DISCOUNT`.
 *
 * @example
 * batchPrices({ 'gpt-4o': { input: 2.5, output: 10 } }) // { 'gpt-4o': { input: 1.25, output: 5 } }
 */
export function batchPrices(table: PriceTable): PriceTable {
  return Object.fromEntries(
    Object.entries(table).map(([model, p]) => [
      model,
      {
        input: p.input * BATCH_DISCOUNT,
        output: p.output * BATCH_DISCOUNT,
        ...(p.cachedInput !== undefined ? { cachedInput: p.cachedInput * BATCH_DISCOUNT } : {}),
      },
    ]),
  );
}
