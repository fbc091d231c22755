import { escapeHtml } from '../../report/html/escape.js';
import { colour } from '../../report/html/charts.js';

/**
 * A sparkline of a KPI over periods: a polyline with a dot per period and a dashed target line.
 * Points without a value are left out of the line.
 */
export function sparkline(values: ReadonlyArray<{ label: string; value: number | null; text: string }>, target?: number): string {
  const W = 220;
  const H = 44;
  const known = values.filter((v) => v.value !== null) as Array<{ label: string; value: number; text: string }>;
  if (known.length < 2) return '';
  const ys = [...known.map((v) => v.value), ...(target !== undefined ? [target] : [])];
  let lo = Math.min(...ys);
  let hi = Math.max(...ys);
  if (hi - lo < 1e-9) {
    lo -= 1;
    hi += 1;
  }
  const sx = (i: number) => 4 + (i / Math.max(1, values.length - 1)) * (W - 8);
  const sy = (v: number) => 4 + (1 - (v - lo) / (hi - lo)) * (H - 8);
  let body = '';
  if (target !== undefined) body += `<line x1="4" x2="${W - 4}" y1="${sy(target).toFixed(1)}" y2="${sy(target).toFixed(1)}" stroke="#999" stroke-dasharray="3 3"/>`;
  const points = values.map((v, i) => (v.value === null ? null : `${sx(i).toFixed(1)},${sy(v.value).toFixed(1)}`)).filter(Boolean);
  body += `<polyline points="${points.join(' ')}" fill="none" stroke="${colour(0)}" stroke-width="1.5"/>`;
  values.forEach((v, i) => {
    if (v.value !== null) body += `<circle cx="${sx(i).toFixed(1)}" cy="${sy(v.value).toFixed(1)}" r="2" fill="${colour(0)}"><title>${escapeHtml(`${v.label}: ${v.text}`)}</title></circle>`;
  });
  return `<svg class="spark" role="img" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg"><title>trend</title>${body}</svg>`;
}

/** Horizontal funnel bars: one row per step, one bar per series (all sessions, then variants), width = share of step 1. */
export function funnelBars(title: string, steps: readonly string[], series: ReadonlyArray<{ name: string; shares: ReadonlyArray<number | null> }>): string {
  const W = 640;
  const labelW = 150;
  const barH = 10;
  const rowH = series.length * (barH + 2) + 10;
  const H = 26 + steps.length * rowH + 6;
  const w = W - labelW - 60;
  let body = `<text x="4" y="14" class="chart-title">${escapeHtml(title)}</text>`;
  steps.forEach((step, si) => {
    const y = 24 + si * rowH;
    body += `<text x="${labelW - 6}" y="${(y + rowH / 2).toFixed(1)}" text-anchor="end" class="axis">${escapeHtml(step)}</text>`;
    series.forEach((s, k) => {
      const share = s.shares[si];
      if (share === null || share === undefined) return;
      const by = y + k * (barH + 2);
      body += `<rect x="${labelW}" y="${by}" width="${(share * w).toFixed(1)}" height="${barH}" fill="${colour(k)}"><title>${escapeHtml(`${s.name} · ${step}: ${(share * 100).toFixed(1)}% of the first step`)}</title></rect>`;
      body += `<text x="${(labelW + share * w + 4).toFixed(1)}" y="${by + barH - 1}" class="axis">${(share * 100).toFixed(1)}%</text>`;
    });
  });
  return `<svg class="chart" role="img" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(title)}</title>${body}</svg>`;
}
