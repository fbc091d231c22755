import type { Comparison } from '../core/compare.js';
import { alignColumns, palette } from './console-gate.js';
import { metricValue, points, pValue } from './format-numbers.js';

/** A comparison in aligned console columns; colours only when `color`. */
export function compareConsole(c: Comparison, options: { color?: boolean } = {}): string {
  const p = palette(options.color ?? false);
  const lines: string[] = [p.bold('compare'), `  ${c.quality.note}`, p.dim(`  ${c.ranking.note}`)];
  for (const w of c.warnings) lines.push(p.yellow(`  warning: ${w}`));
  if (c.runs.length > 0) lines.push(p.dim(`  runs: ${c.runs.map((r) => `${r.label} = ${r.runId}`).join(', ')}`));
  if (c.unpaired.length > 0) lines.push(`  left out (no case in common with the other variants): ${c.unpaired.join(', ')}`);
  const rows = [['variant', 'score', '95% CI', 'cases', 'cost/conv', 'p95 turn']];
  for (const r of c.leaderboards[0]!.rows) {
    const e = c.entries.find((x) => x.label === r.label)!;
    rows.push([
      r.ranked ? r.label : `${r.label} (unranked)`,
      points(r.mean),
      r.lo === null ? '–' : `${points(r.lo)}..${points(r.hi)}`,
      String(r.n),
      e.costPerConversationUsd === null ? 'unknown' : metricValue('costUsd', e.costPerConversationUsd),
      metricValue('latencyMs', e.latencyP95Ms),
    ]);
  }
  lines.push('', ...alignColumns(rows, new Set([1, 3, 4, 5])).map((l, i) => (i === 0 ? p.dim(`  ${l}`) : `  ${l}`)));
  if (c.pairwise.length > 0) {
    const pw = [['A', 'B', 'A wins', 'ties', 'B wins', 'p']];
    for (const r of c.pairwise) pw.push([r.a, r.b, String(r.wins), String(r.ties), String(r.losses), pValue(r.p)]);
    lines.push('', ...alignColumns(pw, new Set([2, 3, 4, 5])).map((l, i) => (i === 0 ? p.dim(`  ${l}`) : `  ${l}`)));
  }
  if (c.slices.length > 0) {
    const sw = [['slice', 'winner', 'score', 'runner-up', 'score', 'p']];
    for (const s of c.slices) sw.push([s.slice, s.winner, points(s.mean), s.runnerUp ?? '–', points(s.runnerUpMean), pValue(s.p)]);
    lines.push('', ...alignColumns(sw, new Set([2, 4, 5])).map((l, i) => (i === 0 ? p.dim(`  ${l}`) : `  ${l}`)));
  }
  if (c.disagreements.length > 0) {
    lines.push('', p.dim('  most disagreement:'));
    for (const d of c.disagreements.slice(0, 5)) {
      lines.push(`  ${d.caseId}  spread ${points(d.spread)}  ${Object.entries(d.scores).map(([l, s]) => `${l}=${points(s)}`).join(' ')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
