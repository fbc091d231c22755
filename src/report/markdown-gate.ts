import type { RuleOutcome, Verdict } from '../core/gate/types.js';
import { metricDelta, metricValue, percent, points, pValue, signedPoints } from './format-numbers.js';

const ICON = { pass: '✅', fail: '❌', inconclusive: '⚠️' } as const;

/** Escapes text for a Markdown table cell (pipes, newlines, HTML). */
export function mdCell(text: string): string {
  return text.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Rules that moved: breached, blocking, or a drop test whose value changed by ≥ 0.5 points. */
export function movedRules(v: Verdict): RuleOutcome[] {
  return v.rules.filter(
    (r) => r.blocking || r.exceeded || (r.rule === 'maxDrop' && r.delta !== null && Math.abs(r.delta) >= 0.005),
  );
}

function ruleRow(r: RuleOutcome, several: boolean): string {
  const interval = r.interval ? `${signedPoints(r.interval[0])} … ${signedPoints(r.interval[1])}` : '–';
  const status = r.blocking ? '**blocks**' : r.exceeded ? (r.rule === 'maxDrop' ? 'over limit, not significant' : 'over limit') : 'ok';
  const limit = ruleLimit(r);
  return `|${several ? ` ${mdCell(r.variant)} |` : ''} ${mdCell(r.metric)} | ${r.slice ? mdCell(r.slice) : 'all'} | ${metricValue(r.metric, r.baseline)} | ${metricValue(r.metric, r.candidate)} | ${metricDelta(r.metric, r.delta)} | ${interval} | ${pValue(r.pAdjusted ?? r.p)} | ${limit} | ${status} |`;
}

/** The rule's limit in words a reader expects: `−2.0` points, `−10 %`, `+20 %`, `≥ 0.98`, `≤ 5.0 %`. */
export function ruleLimit(r: RuleOutcome): string {
  switch (r.rule) {
    case 'min':
      return `≥ ${r.threshold}`;
    case 'maxErrorRate':
      return `≤ ${percent(r.threshold)}`;
    case 'minCasePassRate':
      return `≥ ${percent(r.threshold)} of repeats`;
    case 'maxCostIncrease':
    case 'maxP95LatencyIncrease':
      return `+${percent(r.threshold)}`;
    default:
      return r.relative ? `−${percent(r.threshold)}` : `−${points(r.threshold)}`;
  }
}

const tableHead = (several: boolean) =>
  `|${several ? ' variant |' : ''} metric | slice | baseline | candidate | Δ (points) | 95 % CI of Δ | p (Holm) | limit | status |\n|${several ? '---|' : ''}---|---|---:|---:|---:|---|---:|---|---|`;

/**
 * The gate verdict as a compact PR comment: verdict first, then the metrics that moved, then the
 * flipped cases; details (power, pairing, warnings, every rule) folded in `<details>`.
 * @example fs.writeFileSync('gate.md', gateMarkdown(verdict));
 */
export function gateMarkdown(v: Verdict, options: { maxCases?: number } = {}): string {
  const maxCases = options.maxCases ?? 25;
  const several = v.variants.length > 1;
  const out: string[] = [];
  out.push(`## ${ICON[v.verdict]} convotest gate: **${v.verdict.toUpperCase()}**`);
  out.push('');
  if (several) {
    out.push('| variant | verdict | shared cases |', '|---|---|---:|');
    for (const x of v.variants) out.push(`| ${mdCell(x.variant)}${x.baselineVariant !== x.variant ? ` (vs ${mdCell(x.baselineVariant)})` : ''} | ${ICON[x.verdict]} ${x.verdict} | ${x.shared} |`);
    out.push('');
  }
  out.push(
    `Baseline \`${mdCell(v.baseline.runId)}\` → candidate \`${mdCell(v.candidate.runId)}\` · ${v.pairing.shared} shared cases` +
      (v.pairing.baselineOnly + v.pairing.candidateOnly > 0 ? ` (${v.pairing.baselineOnly} only in baseline, ${v.pairing.candidateOnly} only in candidate, left out)` : '') +
      ` · ${v.flips.passToFail.length} pass→fail, ${v.flips.failToPass.length} fail→pass`,
  );
  if (v.reasons.length > 0) {
    out.push('');
    for (const r of v.reasons) out.push(`- ${mdCell(r)}`);
  }
  for (const w of v.warnings) out.push(`> ⚠️ ${mdCell(w)}`);
  const moved = movedRules(v);
  out.push('', '### Metrics that moved', '');
  if (moved.length === 0) out.push('Nothing moved by half a point or more.');
  else out.push(tableHead(several), ...moved.map((r) => ruleRow(r, several)));
  if (v.largestDrops.length > 0) {
    out.push('', '### Where it dropped', '', 'The slice of each tag key whose overall score dropped most (information: not a rule).', '');
    out.push(`|${several ? ' variant |' : ''} slice | baseline | candidate | Δ (points) | cases |`, `|${several ? '---|' : ''}---|---:|---:|---:|---:|`);
    for (const d of v.largestDrops.slice(0, 10)) {
      out.push(`|${several ? ` ${mdCell(d.variant)} |` : ''} ${mdCell(d.slice)} | ${points(d.baseline)} | ${points(d.candidate)} | ${signedPoints(d.delta)} | ${d.cases} |`);
    }
  }
  out.push('', `### Flipped cases`, '');
  if (v.flips.passToFail.length === 0 && v.flips.failToPass.length === 0) out.push('No case changed its verdict.');
  if (v.flips.passToFail.length > 0) {
    out.push(`**pass → fail (${v.flips.passToFail.length})**`, '', '| case | variant | score | graders and reasons |', '|---|---|---:|---|');
    for (const f of v.flips.passToFail.slice(0, maxCases)) out.push(flipRow(f));
    if (v.flips.passToFail.length > maxCases) out.push(`| … ${v.flips.passToFail.length - maxCases} more | | | |`);
  }
  if (v.flips.failToPass.length > 0) {
    out.push('', `<details><summary>fail → pass (${v.flips.failToPass.length})</summary>`, '', '| case | variant | score | graders and reasons |', '|---|---|---:|---|');
    for (const f of v.flips.failToPass.slice(0, maxCases)) out.push(flipRow(f));
    out.push('', '</details>');
  }
  if (v.flaky.length > 0) {
    out.push('', `<details><summary>Flaky cases, not counted as regressions (${v.flaky.length})</summary>`, '');
    for (const f of v.flaky.slice(0, maxCases)) out.push(`- \`${mdCell(f.caseId)}\` (${mdCell(f.variant)}): ${mdCell(f.graders.join(', '))} disagree across repeats, passes ${points(f.passRate)} %`);
    out.push('', '</details>');
  }
  out.push('', '<details><summary>Power, pairing and every rule</summary>', '');
  for (const p of v.power) out.push(`- ${several ? `${mdCell(p.variant)}: ` : ''}${mdCell(p.sentence)}`);
  out.push(
    `- ${v.dropTests} drop tests, Holm-corrected; a drop blocks when it exceeds its limit and the ${Math.round(v.confidence * 100)} % interval excludes zero.`,
    `- Errors: ${v.errors.resultErrors}/${v.errors.results} results, ${v.errors.gradeErrors}/${v.errors.grades} grades.`,
    '',
    tableHead(several),
    ...v.rules.map((r) => ruleRow(r, several)),
    '',
    '</details>',
  );
  return `${out.join('\n')}\n`;
}

function flipRow(f: Verdict['flips']['passToFail'][number]): string {
  const graders = f.graders.map((g) => `**${mdCell(g.grader)}**${g.reason ? `: ${mdCell(truncate(g.reason, 160))}` : ''}`).join('<br>') || '–';
  return `| \`${mdCell(f.caseId)}\` | ${mdCell(f.variant)} | ${points(f.baselineScore)} → ${points(f.candidateScore)} | ${graders} |`;
}

const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
