/** Number formatting shared by the gate, summary and compare reporters. */

/** 0.8123 → `81.2` (points of a 0..1 metric). */
export const points = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : (x * 100).toFixed(1));

/** −0.02 → `-2.0`, 0.03 → `+3.0` (signed points). */
export const signedPoints = (x: number | null | undefined): string =>
  x === null || x === undefined ? '–' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;

/** 0.123 → `12.3 %`. */
export const percent = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)} %`);

/** A p-value for humans. */
export const pValue = (p: number | undefined): string => (p === undefined ? '–' : p < 0.001 ? '<0.001' : p.toFixed(3));

/** Raw value of a metric: points for shares, plain numbers for costs and milliseconds. */
export function metricValue(metric: string, x: number | null | undefined): string {
  if (x === null || x === undefined) return '–';
  if (metric.endsWith('Usd')) return `$${x.toFixed(x < 0.01 ? 5 : 4)}`;
  if (metric.endsWith('Ms')) return `${Math.round(x)} ms`;
  if (metric === 'errorRate' || metric === 'casePassRate') return percent(x);
  return points(x);
}

export function metricDelta(metric: string, x: number | null | undefined): string {
  if (x === null || x === undefined) return '–';
  if (metric.endsWith('Usd')) return `${x >= 0 ? '+' : '-'}$${Math.abs(x).toFixed(5)}`;
  if (metric.endsWith('Ms')) return `${x >= 0 ? '+' : ''}${Math.round(x)} ms`;
  return signedPoints(x);
}
