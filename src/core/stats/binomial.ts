/**
 * Exact binomial tails and the tests built on them: the sign test and the exact McNemar test
 * (a sign test on the discordant pairs).
 */

/** ln(n!) by summation for small n and Stirling's series beyond; exact enough for p-values. */
function logFactorial(n: number): number {
  if (n < 2) return 0;
  if (n < 256) {
    let s = 0;
    for (let i = 2; i <= n; i++) s += Math.log(i);
    return s;
  }
  const x = n + 1;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3) + 1 / (1260 * x ** 5);
}

/** P(X = k) for X ~ Binomial(n, p). */
export function binomialPmf(k: number, n: number, p: number): number {
  if (k < 0 || k > n) return 0;
  if (p === 0) return k === 0 ? 1 : 0;
  if (p === 1) return k === n ? 1 : 0;
  const logC = logFactorial(n) - logFactorial(k) - logFactorial(n - k);
  return Math.exp(logC + k * Math.log(p) + (n - k) * Math.log1p(-p));
}

/**
 * Upper tail P(X ≥ k) for X ~ Binomial(n, p).
 * @example binomialUpperTail(8, 10, 0.5) // 56/1024 = 0.0546875
 */
export function binomialUpperTail(k: number, n: number, p = 0.5): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  let sum = 0;
  for (let i = k; i <= n; i++) sum += binomialPmf(i, n, p);
  return Math.min(1, sum);
}

/**
 * One-sided exact sign test: with `worse` pairs that got worse and `better` pairs that got better
 * (ties dropped), the probability of at least `worse` of `worse + better` under "no change" (p = ½).
 * @example signTestOneSided(8, 2) // 0.0546875
 */
export function signTestOneSided(worse: number, better: number): number {
  return binomialUpperTail(worse, worse + better, 0.5);
}

/**
 * Exact McNemar test (two-sided): `b` pairs pass→fail, `c` pairs fail→pass.
 * p = min(1, 2·P(X ≥ max(b, c))) with X ~ Binomial(b + c, ½).
 * @example mcnemarExact(10, 2) // 0.0385742 (Fagerland, Lydersen & Laake 2013)
 */
export function mcnemarExact(b: number, c: number): number {
  if (b + c === 0) return 1;
  return Math.min(1, 2 * binomialUpperTail(Math.max(b, c), b + c, 0.5));
}
