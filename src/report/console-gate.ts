import type { SliceDrop, Verdict } from '../core/gate/types.js';
import { movedRules } from './markdown-gate.js';
import { metricDelta, metricValue, points, pValue, signedPoints } from './format-numbers.js';

/** ANSI styling that is a no-op without colour (not a TTY, NO_COLOR). */
export function palette(color: boolean) {
  const wrap = (code: string) => (s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { red: wrap('31'), green: wrap('32'), yellow: wrap('33'), bold: wrap('1'), dim: wrap('2') };
}

/** Pads columns to their widest cell. */
export function alignColumns(rows: string[][], rightAlign: ReadonlySet<number> = new Set()): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, [...cell].length);
  }
  return rows.map((row) =>
    row
      .map((cell, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - [...cell].length);
        return rightAlign.has(i) ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd(),
  );
}

/**
 * A compact console rendering of a verdict: the word first, the metrics that moved in aligned
 * columns, flipped cases, power and warnings. Colours only when `color` (a TTY).
 */
export function gateConsole(v: Verdict, options: { color?: boolean; maxCases?: number } = {}): string {
  const c = palette(options.color ?? false);
  const maxCases = options.maxCases ?? 10;
  const paint = (w: Verdict['verdict']) => (w === 'pass' ? c.green('PASS') : w === 'fail' ? c.red('FAIL') : c.yellow('INCONCLUSIVE'));
  const several = v.variants.length > 1;
  const lines: string[] = [];
  lines.push(`${c.bold('gate')} ${paint(v.verdict)}  ${v.baseline.runId} → ${v.candidate.runId}  ${v.pairing.shared} shared cases, ${v.flips.passToFail.length} pass→fail, ${v.flips.failToPass.length} fail→pass`);
  if (several) {
    for (const x of v.variants) lines.push(`  ${x.variant}${x.baselineVariant !== x.variant ? ` (vs ${x.baselineVariant})` : ''}: ${paint(x.verdict)}, ${x.shared} shared cases`);
  }
  for (const r of v.reasons) lines.push(`  ${c.red('✗')} ${r}`);
  const moved = movedRules(v);
  if (moved.length > 0) {
    const rows = [[...(several ? ['variant'] : []), 'metric', 'slice', 'base', 'cand', 'Δ', 'CI of Δ', 'p(Holm)', 'status']];
    for (const r of moved) {
      rows.push([
        ...(several ? [r.variant] : []),
        r.metric,
        r.slice ?? 'all',
        metricValue(r.metric, r.baseline),
        metricValue(r.metric, r.candidate),
        metricDelta(r.metric, r.delta),
        r.interval ? `${signedPoints(r.interval[0])}..${signedPoints(r.interval[1])}` : '',
        pValue(r.pAdjusted ?? r.p),
        r.blocking ? 'BLOCKS' : r.exceeded ? 'over, n.s.' : 'ok',
      ]);
    }
    const shift = several ? 1 : 0;
    lines.push('', ...alignColumns(rows, new Set([2, 3, 4, 6].map((i) => i + shift))).map((l, i) => (i === 0 ? c.dim(`  ${l}`) : `  ${l}`)));
  }
  if (v.largestDrops.length > 0) {
    lines.push('', `  largest slice drops (information, not rules): ${v.largestDrops.slice(0, 5).map((d) => sliceDropText(d, several)).join(', ')}`);
  }
  if (v.flips.passToFail.length > 0) {
    lines.push('', `  pass → fail (${v.flips.passToFail.length}):`);
    for (const f of v.flips.passToFail.slice(0, maxCases)) {
      const why = f.graders.map((g) => `${g.grader}${g.reason ? `: ${oneLine(g.reason)}` : ''}`).join('; ');
      lines.push(`    ${f.caseId} [${f.variant}]  ${points(f.baselineScore)} → ${points(f.candidateScore)}  ${why}`);
    }
    if (v.flips.passToFail.length > maxCases) lines.push(`    … ${v.flips.passToFail.length - maxCases} more`);
  }
  if (v.flips.failToPass.length > 0) lines.push(`  fail → pass (${v.flips.failToPass.length}): ${v.flips.failToPass.slice(0, maxCases).map((f) => `${f.caseId} [${f.variant}]`).join(', ')}`);
  if (v.flaky.length > 0) lines.push(`  flaky (not counted): ${v.flaky.slice(0, maxCases).map((f) => `${f.caseId} [${f.variant}]`).join(', ')}${v.flaky.length > maxCases ? ', …' : ''}`);
  for (const p of v.power) lines.push(c.dim(`  ${several ? `[${p.variant}] ` : ''}${p.sentence}`));
  for (const w of v.warnings) lines.push(c.yellow(`  warning: ${w}`));
  return `${lines.join('\n')}\n`;
}

/** `intent=policy −100.0 points (3 cases)`, with the variant when several are gated. */
export function sliceDropText(d: SliceDrop, withVariant: boolean): string {
  return `${withVariant ? `[${d.variant}] ` : ''}${d.slice} ${signedPoints(d.delta).replace('-', '−')} points (${d.cases} case${d.cases === 1 ? '' : 's'})`;
}

const oneLine = (s: string) => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > 100 ? `${flat.slice(0, 99)}…` : flat;
};
