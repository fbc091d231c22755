import type { Usage } from '../schema/message.js';

/** Zero usage: the identity of `addUsage`. */
export function emptyUsage(): Usage {
  return { input: 0, output: 0, cached: 0 };
}

/**
 * The sum of two usages. `estimated` is set when either part was estimated, so a total that
 * includes any tokenizer figure says so. Associative and commutative, with `emptyUsage()` as identity.
 *
 * @example
 * addUsage({ input: 10, output: 2, cached: 0 }, { input: 5, output: 1, cached: 4 }) // { input: 15, output: 3, cached: 4 }
 */
export function addUsage(a: Usage, b: Usage): Usage {
  const sum: Usage = {
    input: a.input + b.input,
    output: a.output + b.output,
    cached: (a.cached ?? 0) + (b.cached ?? 0),
  };
  if (a.estimated || b.estimated) sum.estimated = true;
  return sum;
}

/** The sum of many usages (empty list → zero usage). */
export function sumUsage(usages: Iterable<Usage | undefined>): Usage {
  let total = emptyUsage();
  for (const u of usages) if (u) total = addUsage(total, u);
  return total;
}

/** Total tokens (input + output). */
export function totalTokens(usage: Usage): number {
  return usage.input + usage.output;
}
