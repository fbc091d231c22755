import { formatInterval, formatTarget, formatValue } from './format.js';
import { KPI_DEFINITIONS } from './kpi/compute.js';
import type { AnalyticsSnapshot } from './snapshot.js';

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/** The console view of a snapshot: KPIs with intervals and targets, unseen intents, funnels, the A/B verdict. */
export function renderConsoleKpis(s: AnalyticsSnapshot): string {
  const lines: string[] = [];
  const a = s.kpis.overall.aggregates;
  lines.push(
    `${a.sessions.toLocaleString('en-US')} sessions, ${s.events.toLocaleString('en-US')} events${s.period ? `, ${s.period.from} – ${s.period.to}` : ''} (${s.store.kind} ${s.store.location})`,
    '',
  );
  if (a.sessions === 0) return `${lines.join('\n')}no sessions in the store yet: run \`convotest analytics ingest <files>\`\n`;
  for (const def of KPI_DEFINITIONS) {
    const k = s.kpis.overall.kpis.find((v) => v.id === def.id)!;
    const status = k.status === 'met' ? 'ok  ' : k.status === 'missed' ? 'MISS' : '    ';
    const target = formatTarget(k.target, def.unit);
    lines.push(`${status} ${pad(def.label, 31)} ${pad(formatValue(k.value, def.unit), 10)} ${pad(formatInterval(k, def.unit), 20)} ${target ? `target ${target}` : ''}`.trimEnd());
  }
  if (s.kpis.knownIntents > 0) {
    const unseen = s.kpis.unseenIntents;
    lines.push('', unseen.length === 0 ? 'unseen intents: none' : `unseen intents (not in knownIntents): ${unseen.map((u) => `${u.intent} ${(u.share * 100).toFixed(1)}%`).join(', ')}`);
  }
  for (const f of s.funnels) {
    const all = f.byVariant[0]!;
    lines.push('', `funnel ${f.name}: ${all.steps.map((st) => `${st.name} ${st.sessions.toLocaleString('en-US')}${st.conversion !== null && st !== all.steps[0] ? ` (${(st.conversion * 100).toFixed(1)}%)` : ''}`).join(' → ')}`);
  }
  if (s.quality) {
    lines.push('', `quality (sampled, ${s.quality.sessions.toLocaleString('en-US')} sessions graded):`);
    for (const g of s.quality.graders) {
      const o = g.overall;
      const rate = o.rate === null ? '–' : `${(o.rate * 100).toFixed(1)}%`;
      const ci = o.lo === null || o.hi === null ? '' : ` (95 % CI ${(o.lo * 100).toFixed(1)}–${(o.hi * 100).toFixed(1)}%)`;
      lines.push(`  ${pad(g.grader, 24)} pass ${rate}${ci}, n=${o.graded}${o.unscored > 0 ? `, ${o.unscored} errors/no verdict` : ''}`);
    }
  }
  if (s.experiment) lines.push('', `A/B test ${s.experiment.name} (${s.experiment.metric}):`, ...s.experiment.summary.map((l) => `  ${l}`));
  return `${lines.join('\n')}\n`;
}
