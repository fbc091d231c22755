import type { Comparison } from '../core/compare.js';
import { metricValue, points, pValue } from './format-numbers.js';
import { mdCell } from './markdown-gate.js';

const ci = (lo: number | null, hi: number | null) => (lo === null || hi === null ? '–' : `${points(lo)} … ${points(hi)}`);

/** A comparison of variants as Markdown: quality vs cost first, then leaderboards, pairwise, slices, disagreements. */
export function compareMarkdown(c: Comparison): string {
  const out: string[] = ['## convotest compare', ''];
  out.push(`**${mdCell(c.quality.note)}.** Not significantly worse than the best: ${c.quality.equal.map((l) => `\`${mdCell(l)}\``).join(', ')}.`, '');
  out.push(`Leaderboards are ${mdCell(c.ranking.note)}.`, '');
  for (const w of c.warnings) out.push(`> ⚠️ ${mdCell(w)}`, '');
  if (c.runs.length > 0) out.push(`Runs: ${c.runs.map((r) => `\`${mdCell(r.label)}\` = \`${mdCell(r.runId)}\``).join(', ')}.`, '');
  if (c.unpaired.length > 0) out.push(`Left out (no case in common with the other variants): ${c.unpaired.map((l) => `\`${mdCell(l)}\``).join(', ')}.`, '');
  const score = c.leaderboards[0]!;
  out.push('| variant | score | 95 % CI | cases | cost / conversation | p95 latency / turn |', '|---|---:|---|---:|---:|---:|');
  for (const row of score.rows) {
    const e = c.entries.find((x) => x.label === row.label)!;
    const cost = e.costPerConversationUsd === null ? `unknown (${e.unpricedResults} unpriced)` : metricValue('costUsd', e.costPerConversationUsd);
    out.push(`| ${mdCell(row.label)}${row.ranked ? '' : ' (unranked)'} | ${points(row.mean)} | ${ci(row.lo, row.hi)} | ${row.n} | ${cost} | ${metricValue('latencyMs', e.latencyP95Ms)} |`);
  }
  if (c.pairwise.length > 0) {
    out.push('', '### Pairwise (per case, overall score)', '', '| A | B | A wins | ties | B wins | p (sign test) |', '|---|---|---:|---:|---:|---:|');
    for (const p of c.pairwise) out.push(`| ${mdCell(p.a)} | ${mdCell(p.b)} | ${p.wins} | ${p.ties} | ${p.losses} | ${pValue(p.p)} |`);
  }
  if (c.slices.length > 0) {
    out.push('', '### Slice winners', '', '| slice | winner | score | runner-up | score | p | cases |', '|---|---|---:|---|---:|---:|---:|');
    for (const s of c.slices) {
      out.push(`| ${mdCell(s.slice)} | ${mdCell(s.winner)} | ${points(s.mean)} | ${s.runnerUp ? mdCell(s.runnerUp) : '–'} | ${points(s.runnerUpMean)} | ${pValue(s.p)} | ${s.cases} |`);
    }
  }
  out.push('', '<details><summary>Leaderboard per grader</summary>', '');
  for (const board of c.leaderboards.slice(1)) {
    out.push(`**${mdCell(board.metric)}**`, '', '| variant | mean | 95 % CI | n |', '|---|---:|---|---:|');
    for (const r of board.rows) out.push(`| ${mdCell(r.label)} | ${points(r.mean)} | ${ci(r.lo, r.hi)} | ${r.n} |`);
    out.push('');
  }
  out.push('</details>');
  if (c.disagreements.length > 0) {
    const labels = c.entries.map((e) => e.label);
    out.push('', '<details><summary>Cases where the variants disagree most</summary>', '');
    out.push(`| case | spread | ${labels.map(mdCell).join(' | ')} |`, `|---|---:|${labels.map(() => '---:|').join('')}`);
    for (const d of c.disagreements) out.push(`| \`${mdCell(d.caseId)}\` | ${points(d.spread)} | ${labels.map((l) => points(d.scores[l])).join(' | ')} |`);
    out.push('', '</details>');
  }
  return `${out.join('\n')}\n`;
}
