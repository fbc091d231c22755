import { escapeHtml, pct } from './escape.js';

/**
 * Inline SVG charts for the HTML report. Only presentation attributes are used (no `style`
 * attributes), so they render under the page's strict Content-Security-Policy.
 */

/** Variant colours, in header order. */
export const PALETTE = ['#2563eb', '#d97706', '#059669', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#dc2626'];
export const colour = (i: number): string => PALETTE[i % PALETTE.length] ?? '#2563eb';

const t = (x: number, y: number, text: string, attrs = ''): string =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${escapeHtml(text)}</text>`;

function svg(width: number, height: number, title: string, body: string): string {
  return `<svg class="chart" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(title)}</title>${body}</svg>`;
}

/** A legend row: coloured squares with variant names. */
export function legend(names: readonly string[]): string {
  const items = names.map((n, i) => `<span class="legend-item"><svg width="10" height="10"><rect width="10" height="10" fill="${colour(i)}"/></svg> ${escapeHtml(n)}</span>`);
  return `<div class="legend">${items.join(' ')}</div>`;
}

/** Histogram of scores (10 bins over 0..1), one bar group per bin, one bar per series. */
export function scoreHistogram(title: string, series: ReadonlyArray<{ name: string; scores: readonly number[] }>): string {
  const W = 300;
  const H = 150;
  const pad = { l: 38, r: 8, t: 18, b: 22 };
  const bins = series.map((s) => {
    const counts = new Array<number>(10).fill(0);
    for (const v of s.scores) counts[Math.min(9, Math.floor(v * 10))]! += 1;
    return counts.map((c) => (s.scores.length ? c / s.scores.length : 0));
  });
  const max = Math.max(0.01, ...bins.flat());
  const bw = (W - pad.l - pad.r) / 10;
  const h = H - pad.t - pad.b;
  let body = t(pad.l, 12, title, 'class="chart-title"');
  bins.forEach((counts, si) => {
    counts.forEach((share, b) => {
      const barW = (bw - 2) / bins.length;
      const x = pad.l + b * bw + 1 + si * barW;
      const bh = (share / max) * h;
      body += `<rect x="${x.toFixed(1)}" y="${(pad.t + h - bh).toFixed(1)}" width="${barW.toFixed(1)}" height="${bh.toFixed(1)}" fill="${colour(si)}"><title>${escapeHtml(`${series[si]?.name}: ${(b / 10).toFixed(1)}–${((b + 1) / 10).toFixed(1)}: ${pct(share)}`)}</title></rect>`;
    });
  });
  body += `<line x1="${pad.l}" y1="${pad.t + h}" x2="${W - pad.r}" y2="${pad.t + h}" stroke="#888"/>`;
  for (const v of [0, 0.5, 1]) body += t(pad.l + v * (W - pad.l - pad.r), H - 6, String(v), 'text-anchor="middle" class="axis"');
  body += t(pad.l - 4, pad.t + 8, pct(max, 0), 'text-anchor="end" class="axis"');
  return svg(W, H, title, body);
}

/** Horizontal bars (0..1) with interval whiskers: rows of groups, one bar per series. */
export function intervalBars(
  title: string,
  rows: ReadonlyArray<{ label: string; bars: ReadonlyArray<{ value: number | null; lo: number | null; hi: number | null; n: number } | undefined> }>,
): string {
  const W = 520;
  const labelW = 150;
  const barH = 9;
  const series = Math.max(1, ...rows.map((r) => r.bars.length));
  const rowH = series * (barH + 2) + 8;
  const H = 28 + rows.length * rowH + 16;
  const x0 = labelW;
  const w = W - labelW - 50;
  let body = t(4, 14, title, 'class="chart-title"');
  rows.forEach((row, ri) => {
    const y = 24 + ri * rowH;
    body += t(labelW - 6, y + rowH / 2, row.label, 'text-anchor="end" class="axis"');
    row.bars.forEach((bar, si) => {
      if (!bar || bar.value === null) return;
      const by = y + si * (barH + 2);
      body += `<rect x="${x0}" y="${by}" width="${(bar.value * w).toFixed(1)}" height="${barH}" fill="${colour(si)}" opacity="0.8"><title>${escapeHtml(`${row.label}: ${pct(bar.value)} [${pct(bar.lo)}–${pct(bar.hi)}], n=${bar.n}`)}</title></rect>`;
      if (bar.lo !== null && bar.hi !== null) {
        const cy = by + barH / 2;
        body += `<line x1="${(x0 + bar.lo * w).toFixed(1)}" y1="${cy}" x2="${(x0 + bar.hi * w).toFixed(1)}" y2="${cy}" stroke="#111" stroke-width="1.2"/>`;
      }
      body += t(x0 + w + 4, by + barH - 1, pct(bar.value, 0), 'class="axis"');
    });
  });
  const yb = H - 10;
  for (const v of [0, 0.5, 1]) {
    body += `<line x1="${x0 + v * w}" y1="22" x2="${x0 + v * w}" y2="${yb - 8}" stroke="#ddd"/>`;
    body += t(x0 + v * w, yb, pct(v, 0), 'text-anchor="middle" class="axis"');
  }
  return svg(W, H, title, body);
}

/** Scatter of quality (y, 0..1) against cost (x, USD per conversation), one labelled point per variant. */
export function qualityVsCost(points: ReadonlyArray<{ name: string; cost: number | null; quality: number | null }>): string {
  const W = 420;
  const H = 240;
  const pad = { l: 44, r: 16, t: 22, b: 34 };
  const priced = points.filter((p) => p.cost !== null && p.quality !== null);
  const title = 'Quality (pass rate) vs cost per conversation';
  if (priced.length === 0) return svg(W, 40, title, t(4, 24, `${title}: no priced variant`, 'class="axis"'));
  const maxX = Math.max(...priced.map((p) => p.cost ?? 0)) * 1.15 || 1;
  const sx = (x: number) => pad.l + (x / maxX) * (W - pad.l - pad.r);
  const sy = (y: number) => pad.t + (1 - y) * (H - pad.t - pad.b);
  let body = t(4, 14, title, 'class="chart-title"');
  body += `<line x1="${pad.l}" y1="${sy(0)}" x2="${W - pad.r}" y2="${sy(0)}" stroke="#888"/><line x1="${pad.l}" y1="${sy(0)}" x2="${pad.l}" y2="${sy(1)}" stroke="#888"/>`;
  for (const v of [0, 0.5, 1]) body += t(pad.l - 4, sy(v) + 4, pct(v, 0), 'text-anchor="end" class="axis"');
  body += t(W - pad.r, H - 8, `$${maxX.toPrecision(2)}`, 'text-anchor="end" class="axis"') + t(pad.l, H - 8, '$0', 'class="axis"');
  points.forEach((p, i) => {
    if (p.cost === null || p.quality === null) return;
    body += `<circle cx="${sx(p.cost).toFixed(1)}" cy="${sy(p.quality).toFixed(1)}" r="6" fill="${colour(i)}"><title>${escapeHtml(`${p.name}: ${pct(p.quality)} at $${p.cost.toPrecision(3)}/conversation`)}</title></circle>`;
    body += t(sx(p.cost) + 9, sy(p.quality) + 4, p.name, 'class="axis"');
  });
  return svg(W, H, title, body);
}

/** Diverging bars of candidate − baseline deltas (points), red for drops, green for gains. */
export function deltaChart(title: string, rows: ReadonlyArray<{ label: string; delta: number | null; interval?: [number, number] }>): string {
  const W = 520;
  const labelW = 170;
  const rowH = 18;
  const H = 30 + rows.length * rowH + 18;
  const span = Math.max(0.05, ...rows.flatMap((r) => [Math.abs(r.delta ?? 0), ...(r.interval ?? []).map(Math.abs)])) * 1.1;
  const mid = labelW + (W - labelW - 20) / 2;
  const half = (W - labelW - 20) / 2;
  const sx = (d: number) => mid + (d / span) * half;
  let body = t(4, 14, title, 'class="chart-title"');
  rows.forEach((r, i) => {
    const y = 26 + i * rowH;
    body += t(labelW - 6, y + 11, r.label, 'text-anchor="end" class="axis"');
    if (r.delta === null) return;
    const x = Math.min(sx(0), sx(r.delta));
    const fill = r.delta < 0 ? '#dc2626' : '#059669';
    body += `<rect x="${x.toFixed(1)}" y="${y + 2}" width="${Math.abs(sx(r.delta) - sx(0)).toFixed(1)}" height="${rowH - 6}" fill="${fill}"><title>${escapeHtml(`${r.label}: ${(r.delta * 100).toFixed(1)} points`)}</title></rect>`;
    if (r.interval) body += `<line x1="${sx(r.interval[0]).toFixed(1)}" y1="${y + 8}" x2="${sx(r.interval[1]).toFixed(1)}" y2="${y + 8}" stroke="#111"/>`;
    body += t(r.delta < 0 ? x - 3 : x + Math.abs(sx(r.delta) - sx(0)) + 3, y + 12, `${r.delta > 0 ? '+' : ''}${(r.delta * 100).toFixed(1)}`, `class="axis" text-anchor="${r.delta < 0 ? 'end' : 'start'}"`);
  });
  body += `<line x1="${mid}" y1="22" x2="${mid}" y2="${H - 14}" stroke="#555"/>`;
  body += t(sx(-span), H - 4, `${(-span * 100).toFixed(0)} pts`, 'class="axis"') + t(sx(span), H - 4, `+${(span * 100).toFixed(0)} pts`, 'text-anchor="end" class="axis"');
  return svg(W, H, title, body);
}
