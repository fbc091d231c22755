import type { KpiUnit, KpiValue } from './kpi/compute.js';
import type { Target } from './config.js';

/** A KPI value as people read it: `62.3%`, `41 s`, `$0.0031`, `1,234 tokens`, `4.12`. */
export function formatValue(value: number | null | undefined, unit: KpiUnit): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  switch (unit) {
    case 'rate':
      return `${(value * 100).toFixed(1)}%`;
    case 'seconds':
      return value >= 120 ? `${(value / 60).toFixed(1)} min` : `${value.toFixed(1)} s`;
    case 'usd':
      return value >= 1 ? `$${value.toFixed(2)}` : `$${value.toPrecision(2)}`;
    case 'tokens':
      return `${Math.round(value).toLocaleString('en-US')}`;
    case 'score':
      return value.toFixed(2);
  }
}

/** `≥ 80.0%`, `≤ 20.0%`, `50.0%–60.0%`, or '' without a target. */
export function formatTarget(target: Target | undefined, unit: KpiUnit): string {
  if (!target) return '';
  if (target.min !== undefined && target.max !== undefined) return `${formatValue(target.min, unit)}–${formatValue(target.max, unit)}`;
  if (target.min !== undefined) return `≥ ${formatValue(target.min, unit)}`;
  if (target.max !== undefined) return `≤ ${formatValue(target.max, unit)}`;
  return '';
}

/** `[58.1%, 66.2%]` for values with an interval. */
export function formatInterval(kpi: KpiValue, unit: KpiUnit): string {
  return kpi.lo === undefined || kpi.hi === undefined ? '' : `[${formatValue(kpi.lo, unit)}, ${formatValue(kpi.hi, unit)}]`;
}
