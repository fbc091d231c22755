import { escapeHtml, pct } from './escape.js';
import { fitText, placeLabels } from './label-layout.js';

/**
 * Inline SVG charts for the HTML report. Only presentation attributes are used (no `style`
 * attributes), so they render under the page's strict Content-Security-Policy. Each chart is a
 * `<figure>` whose title is an HTML caption (it wraps, so a long grader name is never cut);
 * labels inside the SVG are shortened to their room, with the full text as a tooltip.
 */

/** Variant colours, in header order. */
export const PALETTE = ['#2563eb', '#d97706', '#059669', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#dc2626'];
export const colour = (i: number): string => PALETTE[i % PALETTE.length] ?? '#2563eb';

const t = (x: number, y: number, text: string, attrs = ''): string =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${escapeHtml(text)}</text>`;

/** A label shortened to `maxWidth` px; when shortened, the full text is its tooltip. */
const fitted = (x: number, y: number, text: string, maxWidth: number, attrs = ''): string => {
  const short = fitText(text, maxWidth);
  if (short === text) return t(x, y, text, attrs);
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}><title>${escapeHtml(text)}</title>${escapeHtml(short)}</text>`;
};

function figure(width: number, height: number, title: string, body: string): string {
  return `<figure class="chart-box"><figcaption>${escapeHtml(title)}</figcaption><svg class="chart" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(title)}</title>${body}</svg></figure>`;
}

/** A legend row: coloured squares with variant names. */
export function legend(names: readonly string[]): string {
  const items = names.map((n, i) => `<span class="legend-item"><svg width="10" height="10"><rect width="10" height="10" fill="${colour(i)}"/></svg> ${escapeHtml(n)}</span>`);
  return `<div class="legend">${items.join(' ')}</div>`;
}

/** Histogram of scores (10 bins over 0..1), one bar group per bin, one bar per series. */
export function scoreHistogram(title: string, series: ReadonlyArray<{ name: string; scores: readonly number[] }>): string {
  const W = 300;
  const H = 130;
  const pad = { l: 38, r: 8, t: 6, b: 22 };
  const bins = series.map((s) => {
    const counts = new Array<number>(10).fill(0);
    for (const v of s.scores) counts[Math.min(9, Math.floor(v * 10))]! += 1;
    return counts.map((c) => (s.scores.length ? c / s.scores.length : 0));
  });
  const max = Math.max(0.01, ...bins.flat());
  const bw = (W - pad.l - pad.r) / 10;
  const h = H - pad.t - pad.b;
  let body = '';
  bins.forEach((counts, si) => {
    counts.forEach((share, b) => {
      const barW = (bw - 2) / bins.length;
      const x = pad.l + b * bw + 1 + si * barW;
      const bh = (share / max) * h;
      body += `<rect x="${x.toFixed(1)}" y="${(pad.t + h - bh).toFixed(1)}" width="${barW.toFixed(1)}" height="${bh.toFixed(1)}" fill="${colour(si)}"><title>${escapeHtml(`${series[si]?.name}: ${(b / 10).toFixed(1)}–${((b + 1) / 10).toFixed(1)}: ${pct(share)}`)}</title></rect>`;
    });
  });
  body += `<line x1="${pad.l}" y1="${pad.t + h}" x2="${W - pad.r}" y2="${pad.t + h}" stroke="#888"/>`;
  body += t(pad.l, H - 6, '0', 'text-anchor="start" class="axis"') + t((pad.l + W - pad.r) / 2, H - 6, '0.5', 'text-anchor="middle" class="axis"');
  body += t(W - pad.r, H - 6, '1', 'text-anchor="end" class="axis"');
  body += t(pad.l - 4, pad.t + 8, pct(max, 0), 'text-anchor="end" class="axis"');
  return figure(W, H, title, body);
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
  const top = 8;
  const H = top + rows.length * rowH + 22;
  const x0 = labelW;
  const w = W - labelW - 40;
  let body = '';
  rows.forEach((row, ri) => {
    const y = top + ri * rowH;
    body += fitted(labelW - 6, y + rowH / 2, row.label, labelW - 10, 'text-anchor="end" class="axis"');
    row.bars.forEach((bar, si) => {
      if (!bar || bar.value === null) return;
      const by = y + si * (barH + 2);
      body += `<rect x="${x0}" y="${by}" width="${(bar.value * w).toFixed(1)}" height="${barH}" fill="${colour(si)}" opacity="0.8"><title>${escapeHtml(`${row.label}: ${pct(bar.value)} [${pct(bar.lo)}–${pct(bar.hi)}], n=${bar.n}`)}</title></rect>`;
      if (bar.lo !== null && bar.hi !== null) {
        const cy = by + barH / 2;
        body += `<line x1="${(x0 + bar.lo * w).toFixed(1)}" y1="${cy}" x2="${(x0 + bar.hi * w).toFixed(1)}" y2="${cy}" stroke="#111" stroke-width="1.2"/>`;
      }
      body += t(x0 + w + 6, by + barH - 1, pct(bar.value, 0), 'class="axis"');
    });
  });
  const yb = H - 8;
  for (const v of [0, 0.5, 1]) {
    body += `<line x1="${x0 + v * w}" y1="${top - 2}" x2="${x0 + v * w}" y2="${yb - 12}" stroke="#ddd"/>`;
    body += t(x0 + v * w, yb, pct(v, 0), 'text-anchor="middle" class="axis"');
  }
  return figure(W, H, title, body);
}

/**
 * Scatter of quality (y, 0..1) against cost (x, USD per conversation), one labelled point per
 * variant. Labels are placed so that none overlaps another or a point (variants with the same
 * cost and quality get their labels stacked, with a leader line).
 */
export function qualityVsCost(points: ReadonlyArray<{ name: string; cost: number | null; quality: number | null }>): string {
  const W = 420;
  const H = 230;
  const pad = { l: 44, r: 16, t: 12, b: 30 };
  const priced = points.filter((p) => p.cost !== null && p.quality !== null);
  const title = 'Quality (pass rate) vs cost per conversation';
  if (priced.length === 0) return figure(W, 30, title, t(4, 18, 'no variant with both a price and a pass rate', 'class="axis"'));
  const maxX = Math.max(...priced.map((p) => p.cost ?? 0)) * 1.15 || 1;
  const sx = (x: number) => pad.l + (x / maxX) * (W - pad.l - pad.r);
  const sy = (y: number) => pad.t + (1 - y) * (H - pad.t - pad.b);
  let body = `<line x1="${pad.l}" y1="${sy(0)}" x2="${W - pad.r}" y2="${sy(0)}" stroke="#888"/><line x1="${pad.l}" y1="${sy(0)}" x2="${pad.l}" y2="${sy(1)}" stroke="#888"/>`;
  for (const v of [0, 0.5, 1]) body += t(pad.l - 4, sy(v) + 4, pct(v, 0), 'text-anchor="end" class="axis"');
  body += t(W - pad.r, H - 8, `$${maxX.toPrecision(2)}`, 'text-anchor="end" class="axis"') + t(pad.l, H - 8, '$0', 'class="axis"');
  const shown = points.flatMap((p, i) => (p.cost === null || p.quality === null ? [] : [{ i, name: p.name, cost: p.cost, quality: p.quality, x: sx(p.cost), y: sy(p.quality) }]));
  const labels = placeLabels(
    shown.map((p) => ({ x: p.x, y: p.y, text: p.name })),
    { x: pad.l + 2, y: 0, w: W - pad.l - 4, h: H - pad.b + 6 },
    6,
  );
  for (const p of shown) {
    body += `<circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="6" fill="${colour(p.i)}" fill-opacity="0.85"><title>${escapeHtml(`${p.name}: ${pct(p.quality)} at $${p.cost.toPrecision(3)}/conversation`)}</title></circle>`;
  }
  shown.forEach((p, k) => {
    const l = labels[k]!;
    if (l.moved) {
      const lx = l.anchor === 'start' ? l.box.x : l.box.x + l.box.w;
      body += `<line x1="${p.x.toFixed(1)}" y1="${p.y.toFixed(1)}" x2="${lx.toFixed(1)}" y2="${(l.y - 4).toFixed(1)}" stroke="${colour(p.i)}" stroke-width="0.8"/>`;
    }
    body += t(l.x, l.y, p.name, `text-anchor="${l.anchor}" class="axis point-label"`);
  });
  return figure(W, H, title, body);
}

/** Diverging bars of candidate − baseline deltas (points), red for drops, green for gains; the values in a column at the right. */
export function deltaChart(title: string, rows: ReadonlyArray<{ label: string; delta: number | null; interval?: [number, number] }>): string {
  const W = 520;
  const labelW = 170;
  const valueW = 50;
  const rowH = 18;
  const top = 6;
  const H = top + rows.length * rowH + 20;
  const span = Math.max(0.05, ...rows.flatMap((r) => [Math.abs(r.delta ?? 0), ...(r.interval ?? []).map(Math.abs)])) * 1.05;
  const half = (W - labelW - valueW - 10) / 2;
  const mid = labelW + 4 + half;
  const sx = (d: number) => mid + (d / span) * half;
  let body = '';
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    body += fitted(labelW - 6, y + 12, r.label, labelW - 10, 'text-anchor="end" class="axis"');
    if (r.delta === null) {
      body += t(W - 4, y + 12, '–', 'text-anchor="end" class="axis"');
      return;
    }
    const x = Math.min(sx(0), sx(r.delta));
    const fill = r.delta < 0 ? '#dc2626' : '#059669';
    body += `<rect x="${x.toFixed(1)}" y="${y + 3}" width="${Math.abs(sx(r.delta) - sx(0)).toFixed(1)}" height="${rowH - 6}" fill="${fill}"><title>${escapeHtml(`${r.label}: ${(r.delta * 100).toFixed(1)} points`)}</title></rect>`;
    if (r.interval) body += `<line x1="${sx(r.interval[0]).toFixed(1)}" y1="${y + 9}" x2="${sx(r.interval[1]).toFixed(1)}" y2="${y + 9}" stroke="#111"/>`;
    body += t(W - 4, y + 12, `${r.delta > 0 ? '+' : ''}${(r.delta * 100).toFixed(1)}`, `text-anchor="end" class="axis ${r.delta < 0 ? 'delta-down' : 'delta-up'}"`);
  });
  body += `<line x1="${mid}" y1="${top - 2}" x2="${mid}" y2="${H - 16}" stroke="#555"/>`;
  body += t(sx(-span), H - 4, `${(-span * 100).toFixed(0)} pts`, 'class="axis"') + t(sx(span), H - 4, `+${(span * 100).toFixed(0)} pts`, 'text-anchor="end" class="axis"');
  return figure(W, H, title, body);
}
