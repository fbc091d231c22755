import { resolvePrice } from '../core/cost.js';
import { ConvotestError } from '../errors.js';
import { DEFAULT_PRICES } from '../models/pricing.js';
import type { Config } from '../schema/config.js';
import type { GraderInfo, VariantInfo } from '../schema/run-record.js';

/** True when the environment says it is CI (`CI` set, and not "", "0" or "false"). */
export function isCi(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = env['CI']?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/** `variant gpt-concise: OPENAI_API_KEY is not set`, one per variant or grader that cannot run. */
export function skipLines(variants: readonly VariantInfo[], graders: readonly GraderInfo[]): string[] {
  return [
    ...variants.filter((v) => v.skipped).map((v) => `variant ${v.name}: ${v.skipped}`),
    ...graders.filter((g) => g.skipped).map((g) => `grader ${g.name}: ${g.skipped}`),
  ];
}

/**
 * In CI a variant or grader the run asks for that cannot run (its API key not set, no judge) is
 * a configuration error, so CI never goes green on what is left (the baseline alone); locally
 * it is a warning. `allowSkip` (config or `--allow-skip`) allows it everywhere.
 */
export function assertNothingSkipped(
  infos: { variants: readonly VariantInfo[]; graders: readonly GraderInfo[] },
  options: { env: Readonly<Record<string, string | undefined>>; allowSkip: boolean },
): void {
  if (options.allowSkip || !isCi(options.env)) return;
  const lines = skipLines(infos.variants, infos.graders);
  if (lines.length === 0) return;
  throw new ConvotestError(
    'E_CONFIG',
    `CI is set and ${lines.length === 1 ? 'a variant or grader the config asks for cannot run' : `${lines.length} variants or graders the config asks for cannot run`}: ${lines.join('; ')}; set what is missing, or allow skipping with --allow-skip (or allowSkip: true in the config)`,
  );
}

/**
 * With a budget, every model the run calls (variants and judge) must have a price: a model
 * without one would run unbudgeted. Throws E_CONFIG naming the first.
 */
export function assertPriced(models: ReadonlyArray<{ model: string | undefined; who: string }>, config: Pick<Config, 'pricing'>): void {
  for (const { model, who } of models) {
    if (model && !resolvePrice(model, DEFAULT_PRICES, config.pricing)) {
      throw new ConvotestError(
        'E_CONFIG',
        `no price for model ${model}: add it under pricing: in the config (USD per 1M tokens, e.g. pricing: { "${model}": { input: 0.5, output: 1.5 } }); maxCost cannot hold without it (${who})`,
      );
    }
  }
}
