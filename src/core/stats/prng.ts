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
  const rng = () => {
    state = (state + STEP) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  // mulberry32's state only advances by STEP per draw, so skipping `count` draws is one step.
  return Object.assign(rng, { skip: (count: number) => void (state = (state + mulMod32(STEP, count)) >>> 0) });
}

const STEP = 0x6d2b79f5;

/** (a × b) mod 2^32 for a < 2^32 and a whole b ≥ 0, exact (b may be far beyond 2^32). */
function mulMod32(a: number, b: number): number {
  const lo = b % 4294967296;
  // Split a into 16-bit halves so every product stays below 2^53.
  return ((((a >>> 16) * lo) % 65536) * 65536 + (a & 0xffff) * lo) % 4294967296;
}

/**
 * Moves `rng` on by `count` draws without making them, when it can (a {@link createRng}
 * generator); other generators are left as they are. A statistic computed exactly instead of by
 * resampling skips the draws the resampling would have made, so every later statistic drawn from
 * the same generator gets the same numbers as before.
 */
export function skipDraws(rng: Rng, count: number): void {
  (rng as Rng & { skip?: (count: number) => void }).skip?.(count);
}

/** A uniform integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}
