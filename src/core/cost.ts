import type { Price } from '../schema/config.js';
import type { Usage } from '../schema/message.js';

/** Prices per model id, USD per 1M tokens. */
export type PriceTable = Readonly<Record<string, Price>>;

const DATED_SUFFIX = /-(\d{4}-\d{2}-\d{2}|\d{8})$/;

/**
 * The id a model is priced under: lowercased, without a provider prefix (`openai/`), a dated
 * snapshot suffix (`-2024-08-06`, `-20250929`) or `-latest`; Claude version dots become dashes.
 *
 * @example
 * normalizeModelId('gpt-4o-2024-08-06')          // 'gpt-4o'
 * normalizeModelId('claude-sonnet-4-5-20250929') // 'claude-sonnet-4-5'
 */
export function normalizeModelId(model: string): string {
  let id = model.trim().toLowerCase();
  const slash = id.lastIndexOf('/');
  if (slash >= 0) id = id.slice(slash + 1);
  id = id.replace(DATED_SUFFIX, '').replace(/-latest$/, '');
  if (id.startsWith('claude-')) id = id.replace(/(\d)\.(\d)/g, '$1-$2');
  return id;
}

function lookup(table: PriceTable, model: string, normalized: string): Price | undefined {
  if (Object.hasOwn(table, model)) return table[model];
  for (const [id, price] of Object.entries(table)) if (normalizeModelId(id) === normalized) return price;
  return undefined;
}

/**
 * The price of a model: config overrides first, then the table; exact id first, then the
 * normalized id (dated suffixes tolerated). Unknown → undefined (cost `null`, never a silent 0).
 */
export function resolvePrice(model: string | undefined, table: PriceTable, overrides: PriceTable = {}): Price | undefined {
  if (!model) return undefined;
  const normalized = normalizeModelId(model);
  return lookup(overrides, model, normalized) ?? lookup(table, model, normalized);
}

/**
 * USD cost of a usage at a price: cached input at `cachedInput` (or `input` when the model has
 * no cache price), the rest of the input at `input`, output at `output`. No price → null.
 *
 * @example
 * costOf({ input: 1_000_000, output: 0, cached: 500_000 }, { input: 2, output: 8, cachedInput: 0.5 }) // 1.25
 */
export function costOf(usage: Usage, price: Price | undefined): number | null {
  if (!price) return null;
  const cached = Math.min(usage.cached ?? 0, usage.input);
  const fresh = usage.input - cached;
  return (fresh * price.input + cached * (price.cachedInput ?? price.input) + usage.output * price.output) / 1_000_000;
}

/**
 * A cost function over one table and its overrides that reports each unknown model once
 * (through `onUnknown`, e.g. a warning) and returns null for it.
 *
 * @example
 * const price = createPricer(DEFAULT_PRICES, config.pricing, (m) => warn(`no price for ${m}; cost shown as n/a`));
 * price('gpt-4o-2024-08-06', usage); // number
 */
export function createPricer(
  table: PriceTable,
  overrides: PriceTable = {},
  onUnknown: (model: string) => void = () => {},
): (model: string | undefined, usage: Usage) => number | null {
  const reported = new Set<string>();
  const prices = new Map<string, Price | undefined>();
  return (model, usage) => {
    const key = model ?? '';
    if (!prices.has(key)) prices.set(key, resolvePrice(model, table, overrides));
    const price = prices.get(key);
    if (!price) {
      const key = model ?? '(no model)';
      if (!reported.has(key)) {
        reported.add(key);
        onUnknown(key);
      }
    }
    return costOf(usage, price);
  };
}
