import { resolvePrice } from '../core/cost.js';
import { ConvotestError } from '../errors.js';
import { DEFAULT_PRICES } from '../models/pricing.js';
import type { Config } from '../schema/config.js';
import type { GraderInfo, SimulatorInfo, VariantInfo } from '../schema/run-record.js';
import { simulatorSkipLine } from './simulator-model.js';

/** True when the environment says it is CI (`CI` set, and not "", "0" or "false"). */
export function isCi(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = env['CI']?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/**
 * `variant gpt-concise: OPENAI_API_KEY is not set`, one per variant or grader that cannot run, and
 * one for the simulated-customer cases left out without a simulator.
 */
export function skipLines(variants: readonly VariantInfo[], graders: readonly GraderInfo[], simulator?: SimulatorInfo): string[] {
  const simulated = simulatorSkipLine(simulator);
  return [
    ...variants.filter((v) => v.skipped).map((v) => `variant ${v.name}: ${v.skipped}`),
    ...graders.filter((g) => g.skipped).map((g) => `grader ${g.name}: ${g.skipped}`),
    ...(simulated ? [simulated] : []),
  ];
}

/**
 * In CI a variant or grader the run asks for that cannot run (its API key not set, no judge), or
 * simulated-customer cases without a simulator, are a configuration error, so CI never goes green on what is left (the baseline alone); locally
 * it is a warning. `allowSkip` (config or `--allow-skip`) allows it everywhere.
 */
export function assertNothingSkipped(
  infos: { variants: readonly VariantInfo[]; graders: readonly GraderInfo[]; simulator?: SimulatorInfo | undefined },
  options: { env: Readonly<Record<string, string | undefined>>; allowSkip: boolean },
): void {
  if (options.allowSkip || !isCi(options.env)) return;
  const lines = skipLines(infos.variants, infos.graders, infos.simulator);
  if (lines.length === 0) return;
  throw new ConvotestError(
    'E_CONFIG',
    `CI is set and ${cannotRun(lines.length, simulatorSkipLine(infos.simulator) !== undefined)}: ${lines.join('; ')}; set what is missing, or allow skipping with --allow-skip (or allowSkip: true in the config)`,
  );
}

/** What cannot run, for the CI error: the old wording unless simulated-customer cases are among it. */
function cannotRun(count: number, simulated: boolean): string {
  if (count === 1) return simulated ? 'simulated-customer cases cannot run' : 'a variant or grader the config asks for cannot run';
  return `${count} ${simulated ? 'variants, graders or simulated-customer case groups' : 'variants or graders'} the config asks for cannot run`;
}

/**
 * With a budget, every model the run calls (variants, judge and simulator) must have a price: a model
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
