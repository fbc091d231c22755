/**
 * A seeded pseudo-random number generator: `() => number` in [0, 1).
 * Pure code never calls `Math.random`; callers inject one of these so every interval and
 * simulation can be reproduced from its seed.
 */
export type Rng = () => number;

/**
 * mulberry32: a small, fast 32-bit generator, good enough for resampling and simulation.
 * @example
 * const rng = createRng(42);
 * rng(); // 0.6011037519201636, the same on every machine
 */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}
