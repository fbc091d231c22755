import { binomialUpperTail } from './binomial.js';
import { normalCdf } from './normal.js';
import type { Rng } from './prng.js';

/**
 * One-sided paired randomisation (sign-flip) test of "no drop": under H0 each case's drop is as
 * likely to be +x as −x, so the observed sum of drops is compared with sums under random signs.
 * Valid at any N (unlike the bootstrap p-value, which is too small on few, sparse drops: 5 of 50
 * cases dropping gives bootstrap p ≈ 0.005 where the exact answer is 1/32).
 * With up to `exactBelow` non-zero drops it is Monte Carlo with B draws, p = (1 + #{S* ≥ S}) / (1 + B);
 * beyond, the normal approximation with the exact permutation variance Σd² (CLT over many cases).
 * For 0/1 drops it is the sign test.
 * @example signFlipTest([1, 1, 1, 1, 1], { rng: createRng(1) }) // ≈ 1/32
 */
export function signFlipTest(drops: ArrayLike<number>, options: { rng: Rng; resamples?: number; exactBelow?: number }): number {
  const nz: number[] = [];
  let observed = 0;
  let squares = 0;
  for (let i = 0; i < drops.length; i++) {
    const d = drops[i]!;
    if (d === 0) continue;
    nz.push(Math.abs(d));
    observed += d;
    squares += d * d;
  }
  if (nz.length === 0 || observed <= 0) return 1;
  if (nz.length > (options.exactBelow ?? 200) && !nz.every((a) => a === nz[0])) {
    return 1 - normalCdf(observed / Math.sqrt(squares));
  }
  // All changes of one size (pass/fail): the permutation distribution is binomial; be exact.
  if (nz.every((a) => Math.abs(a - nz[0]!) < 1e-12)) {
    const worse = Math.round((observed / nz[0]! + nz.length) / 2);
    return binomialUpperTail(worse, nz.length, 0.5);
  }
  const B = options.resamples ?? 1000;
  const eps = 1e-9 * Math.max(1, Math.abs(observed));
  let atLeast = 0;
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (const a of nz) s += options.rng() < 0.5 ? a : -a;
    if (s >= observed - eps) atLeast++;
  }
  return (1 + atLeast) / (1 + B);
}
