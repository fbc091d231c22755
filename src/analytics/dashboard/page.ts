import { createHash } from 'node:crypto';
import { escapeHtml } from '../../report/html/escape.js';
import { colour } from '../../report/html/charts.js';
import { formatInterval, formatTarget, formatValue } from '../format.js';
import { type PassRate, QUALITY_DIMENSIONS } from '../grade/quality.js';
import { KPI_DEFINITIONS, type KpiDefinition, type KpiValue } from '../kpi/compute.js';
import type { SliceKpis } from '../kpi/report.js';
import type { AnalyticsSnapshot } from '../snapshot.js';
import { funnelBars, sparkline } from './charts.js';
import { DASHBOARD_STYLES } from './styles.js';

const e = escapeHtml;
const def = (id: string): KpiDefinition => KPI_DEFINITIONS.find((d) => d.id === id)!;
const kpiOf = (s: SliceKpis, id: string): KpiValue => s.kpis.find((k) => k.id === id)!;
const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** KPIs shown as slice-table columns. */
const SLICE_COLUMNS = ['resolution', 'deflection', 'escalation', 'fallback', 'conversion', 'csat', 'ces', 'first_response_time', 'cost_per_conversation'];

/**
 * The analytics dashboard: one self-contained page (no script, nothing loaded; a strict
 * Content-Security-Policy allows only its inline stylesheet by hash) with KPI cards against
 * targets and their trend, unseen intents, per-slice tables, funnels and the A/B test.
 * @example await writeFile('dashboard.html', renderDashboard(await analyticsSnapshot(store, config)));
 */
export function renderDashboard(s: AnalyticsSnapshot): string {
  const csp = ["default-src 'none'", `style-src 'sha256-${createHash('sha256').update(DASHBOARD_STYLES, 'utf8').digest('base64')}'`, 'img-src data:', "base-uri 'none'", "form-action 'none'"].join('; ');
  const a = s.kpis.overall.aggregates;
  const sub = `${int(a.sessions)} sessions · ${int(s.events)} events${s.period ? ` · ${s.period.from} – ${s.period.to} (UTC)` : ''} · ${s.store.kind} ${s.store.location}`;
  const body =
    a.sessions === 0
      ? '<p id="empty">No sessions in the store yet: run <code>convotest analytics ingest &lt;files&gt;</code>.</p>'
      : [cards(s), quality(s), unseen(s), experiment(s), funnels(s), slices(s), trendTable(s), definitions()].join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>convotest analytics</title>
<style>${DASHBOARD_STYLES}</style>
</head><body>
<header class="top"><h1>convotest analytics</h1><p>${e(sub)}</p>
<nav><a href="#kpis">KPIs</a><a href="#quality">Quality</a><a href="#ab">A/B test</a><a href="#funnels">Funnels</a><a href="#slices">Slices</a><a href="#trend">Trend</a><a href="#definitions">Definitions</a></nav></header>
<main>
${body}
</main>
</body></html>
`;
}

function cards(s: AnalyticsSnapshot): string {
  const points = s.kpis.trend.points;
  const items = KPI_DEFINITIONS.map((d) => {
    const k = kpiOf(s.kpis.overall, d.id);
    if (d.id === 'revenue_per_chat' && k.value === null) return '';
    const series = points.map((p) => {
      const v = kpiOf(p, d.id).value;
      return { label: p.slice, value: v, text: formatValue(v, d.unit) };
    });
    const target = formatTarget(k.target, d.unit);
    const status = k.status ? `<span class="badge ${k.status}">${k.status === 'met' ? 'on target' : 'off target'}</span>` : '';
    const known = series.filter((p) => p.value !== null);
    let delta = '';
    if (known.length >= 2) {
      const last = known[known.length - 1]!.value!;
      const prev = known[known.length - 2]!.value!;
      const change = last - prev;
      const good = change === 0 ? '' : (change > 0) === d.higherIsBetter ? 'good' : 'bad';
      const text = d.unit === 'rate' ? `${change >= 0 ? '+' : '−'}${Math.abs(change * 100).toFixed(1)} pts` : `${change >= 0 ? '+' : '−'}${formatValue(Math.abs(change), d.unit)}`;
      delta = `<div class="delta ${good}" title="last ${s.kpis.trend.granularity} against the one before">${e(text)} vs previous ${s.kpis.trend.granularity}</div>`;
    }
    const targetLine = k.target?.min ?? k.target?.max;
    return `<div class="card ${k.status ?? ''}" data-kpi="${d.id}"><div class="label">${e(d.label)}${status}</div>
<div class="value">${e(formatValue(k.value, d.unit))}</div>
<div class="ci">${e(formatInterval(k, d.unit))}${k.n > 0 ? ` n=${int(k.n)}` : ''}</div>
${target ? `<div class="target">target ${e(target)}</div>` : ''}${delta}${sparkline(series, targetLine)}</div>`;
  });
  return `<section id="kpis"><h2>KPIs against targets</h2><p class="muted">95 % intervals: Wilson for rates, normal for means. Trend by ${s.kpis.trend.granularity}; dashed line: target.</p><div class="cards">${items.join('\n')}</div></section>`;
}

const rateText = (r: PassRate) => (r.rate === null ? '–' : `${(r.rate * 100).toFixed(1)}%`);
const intervalText = (r: PassRate) => (r.lo === null || r.hi === null ? '' : `${(r.lo * 100).toFixed(1)}–${(r.hi * 100).toFixed(1)}%`);

function quality(s: AnalyticsSnapshot): string {
  const q = s.quality;
  if (!q) return '<section id="quality"><h2>Quality (sampled)</h2><p class="muted">No graded sample yet: <code>convotest analytics grade --sample 200 --max-cost 2</code> grades a stratified sample of conversations with the eval config\'s graders.</p></section>';
  const runs = q.runs.map((r) => `${e(r.runId)} (${e(r.gradedAt.slice(0, 16))}, ${int(r.sessions)} sessions)`).join(', ');
  const overall = q.graders.map(
    (g) =>
      `<tr data-grader="${e(g.grader)}"><td>${e(g.grader)}</td><td>${rateText(g.overall)}</td><td>${intervalText(g.overall)}</td><td>${int(g.overall.graded)}</td><td>${int(g.overall.unscored)}</td></tr>`,
  );
  const byDimension = QUALITY_DIMENSIONS.map((d) => {
    const values = [...new Set(q.graders.flatMap((g) => g.slices[d].map((x) => x.slice)))].sort();
    const rows = values.map(
      (v) =>
        `<tr><td>${e(v)}</td>${q.graders
          .map((g) => {
            const r = g.slices[d].find((x) => x.slice === v);
            return r ? `<td title="${e(intervalText(r))}">${rateText(r)} <span class="muted">n=${int(r.graded)}</span></td>` : '<td></td>';
          })
          .join('')}</tr>`,
    );
    return `<div><h3>By ${d}</h3><table data-quality-dimension="${d}"><thead><tr><th>${d}</th>${q.graders.map((g) => `<th>${e(g.grader)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
  });
  return `<section id="quality"><h2>Quality (sampled)</h2>
<p class="muted">${int(q.sessions)} sessions graded by <code>convotest analytics grade</code> (a seeded sample stratified by intent × channel; each session's latest grade per grader). Pass rates with 95 % Wilson intervals; errors and grades without a verdict are not counted. Runs: ${runs}.</p>
<table data-quality="overall"><thead><tr><th>grader</th><th>pass rate</th><th>95 % interval</th><th>graded</th><th>errors / no verdict</th></tr></thead><tbody>${overall.join('')}</tbody></table>
${byDimension.join('')}</section>`;
}

function unseen(s: AnalyticsSnapshot): string {
  if (s.kpis.knownIntents === 0) return '<section id="unseen"><h3>Unseen intents</h3><p class="muted">Set <code>knownIntents</code> in the analytics config (the intents your golden sets cover) to see traffic they miss.</p></section>';
  const rows = s.kpis.unseenIntents.map((u) => `<tr><td>${e(u.intent)}</td><td>${int(u.sessions)}</td><td>${(u.share * 100).toFixed(1)}%</td></tr>`);
  return `<section id="unseen"><h3>Unseen intents</h3>${rows.length === 0 ? '<p>None: every intent in traffic is covered.</p>' : `<p class="muted">Intents in traffic that the golden sets do not cover.</p><table><thead><tr><th>intent</th><th>sessions</th><th>share</th></tr></thead><tbody>${rows.join('')}</tbody></table>`}</section>`;
}

function experiment(s: AnalyticsSnapshot): string {
  const x = s.experiment;
  if (!x) return '<section id="ab"><h2>A/B test</h2><p class="muted">No experiment in the analytics config.</p></section>';
  const pc = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);
  const pts = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)}`;
  const rows = [
    `<tr><td>${e(x.control.variant)} (control)</td><td>${int(x.control.sessions)}</td><td>${pc(x.control.rate)}</td><td></td><td></td><td></td></tr>`,
    ...x.comparisons.map(
      (c) =>
        `<tr><td>${e(c.variant)}</td><td>${int(c.sessions)}</td><td>${pc(c.rate)}</td><td>${pts(c.primary.diff)} pts</td><td>${pts(c.primary.lo)} to ${pts(c.primary.hi)}</td><td>${c.primary.pAdjusted.toPrecision(2)}</td></tr>`,
    ),
  ];
  const means = x.comparisons.flatMap((c) =>
    c.means.map((m) => {
      const unit = m.metric === 'ces' ? 'score' : 'seconds';
      return `<tr><td>${e(c.variant)}: ${e(def(m.metric).label)}</td><td>${e(formatValue(m.control, unit))}</td><td>${e(formatValue(m.treatment, unit))}</td><td>${m.diff >= 0 ? '+' : '−'}${e(formatValue(Math.abs(m.diff), unit))}</td><td>${m.p.toPrecision(2)}</td></tr>`;
    }),
  );
  const least = Math.min(x.control.sessions, ...x.comparisons.map((c) => c.sessions));
  const progress = Math.min(1, least / x.horizon.perVariant);
  return `<section id="ab"><h2>A/B test: ${e(x.name)}</h2>
<div class="verdict ${x.state}">${x.summary.map((l) => `<p>${e(l)}</p>`).join('')}</div>
<p>Progress to the horizon: ${int(least)} / ${int(x.horizon.perVariant)} sessions per variant</p>
<svg class="progress" viewBox="0 0 320 10" width="320" height="10" xmlns="http://www.w3.org/2000/svg"><title>progress</title><rect width="${(progress * 320).toFixed(1)}" height="10" fill="${colour(0)}"/></svg>
<table><thead><tr><th>variant</th><th>sessions</th><th>${e(x.metric)}</th><th>difference</th><th>95 % interval</th><th>p${x.comparisons.length > 1 ? ' (Holm)' : ''}</th></tr></thead><tbody>${rows.join('')}</tbody></table>
<p class="muted">Two-proportion z-test, Newcombe interval for the difference. Smallest difference detectable with the sessions so far (80 % power): ${(x.mdeSoFar * 100).toFixed(1)} points.</p>
${means.length > 0 ? `<h3>Means (Welch test)</h3><table><thead><tr><th>metric</th><th>control</th><th>treatment</th><th>difference</th><th>p</th></tr></thead><tbody>${means.join('')}</tbody></table>` : ''}
</section>`;
}

function funnels(s: AnalyticsSnapshot): string {
  if (s.funnels.length === 0) return '<section id="funnels"><h2>Funnels</h2><p class="muted">No funnels in the analytics config.</p></section>';
  const parts = s.funnels.map((f) => {
    const steps = f.byVariant[0]!.steps.map((st) => st.name);
    const chart = funnelBars(`Funnel ${f.name}: share of step 1 reaching each step`, steps, f.byVariant.map((v) => ({ name: v.variant, shares: v.steps.map((st) => st.conversion) })));
    const rows = f.byVariant.flatMap((v) =>
      v.steps.map(
        (st, i) =>
          `<tr><td>${i === 0 ? `<strong>${e(v.variant)}</strong> · ` : ''}${e(st.name)}</td><td>${int(st.sessions)}</td><td>${st.conversion === null ? '–' : `${(st.conversion * 100).toFixed(1)}%`}</td><td>${st.dropOff === null ? '' : `${(st.dropOff * 100).toFixed(1)}%`}</td><td>${st.meanSecondsFromPrevious === null ? '' : e(formatValue(st.meanSecondsFromPrevious, 'seconds'))}</td></tr>`,
      ),
    );
    return `<div class="funnel" data-funnel="${e(f.name)}">${chart}<table><thead><tr><th>variant · step</th><th>sessions</th><th>of step 1</th><th>drop-off</th><th>mean time from previous</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
  });
  return `<section id="funnels"><h2>Funnels</h2>${parts.join('')}</section>`;
}

function sliceTable(title: string, dimension: string, rows: readonly SliceKpis[]): string {
  const head = SLICE_COLUMNS.map((id) => `<th>${e(def(id).label)}</th>`).join('');
  const body = rows.map(
    (r) =>
      `<tr><td>${e(r.slice)}</td><td>${int(r.aggregates.sessions)}</td>${SLICE_COLUMNS.map((id) => {
        const k = kpiOf(r, id);
        return `<td class="${k.status === 'missed' ? 'missed' : ''}" title="${e(formatInterval(k, def(id).unit))}">${e(formatValue(k.value, def(id).unit))}</td>`;
      }).join('')}</tr>`,
  );
  return `<div><h3>${e(title)}</h3><table data-dimension="${dimension}"><thead><tr><th>${e(dimension)}</th><th>sessions</th>${head}</tr></thead><tbody>${body.join('')}</tbody></table></div>`;
}

function slices(s: AnalyticsSnapshot): string {
  const d = s.kpis.slices;
  return `<section id="slices"><h2>By slice</h2><p class="muted">Red: off target. Hover a value for its 95 % interval.</p>
${sliceTable('By channel', 'channel', d.channel)}${sliceTable('By intent', 'intent', d.intent)}${sliceTable('By language', 'language', d.language)}${sliceTable('By variant', 'variant', d.variant)}</section>`;
}

function trendTable(s: AnalyticsSnapshot): string {
  return `<section id="trend"><h2>Trend by ${s.kpis.trend.granularity}</h2>${sliceTable(`By ${s.kpis.trend.granularity} (first day of the period)`, s.kpis.trend.granularity, s.kpis.trend.points)}</section>`;
}

function definitions(): string {
  return `<section id="definitions"><h2>Definitions</h2><dl>${KPI_DEFINITIONS.map((d) => `<dt>${e(d.label)}</dt><dd>${e(d.definition)}</dd>`).join('')}</dl></section>`;
}
