import { Command } from 'commander';
import type { GraderAgreement, LabelledGradeRef } from '../core/agreement.js';
import type { CliContext } from './main.js';

const f = (x: number | null, d = 2) => (x === null ? '–' : x.toFixed(d));

/** Plain-text agreement table: one block per grader with its matrix and disagreements. */
export function formatAgreement(rows: readonly GraderAgreement[], labels: number): string {
  if (rows.length === 0) return `${labels} label(s); none matches a graded result of this run.\n`;
  const out: string[] = [`${labels} label(s)`, ''];
  out.push(`${'grader'.padEnd(24)} ${'labelled'.padStart(8)} ${'accuracy'.padStart(8)} ${'kappa'.padStart(6)}`);
  for (const a of rows) {
    out.push(`${a.grader.padEnd(24)} ${String(a.labelled).padStart(8)} ${f(a.accuracy === null ? null : a.accuracy * 100, 1).padStart(7)}% ${f(a.kappa).padStart(6)}`);
  }
  for (const a of rows) {
    out.push('', `${a.grader}: confusion matrix (rows judge, columns human)`);
    out.push(`             human pass  human fail`);
    out.push(`  judge pass ${String(a.matrix[0][0]).padStart(10)}  ${String(a.matrix[0][1]).padStart(10)}`);
    out.push(`  judge fail ${String(a.matrix[1][0]).padStart(10)}  ${String(a.matrix[1][1]).padStart(10)}`);
    if (a.disagreements.length) {
      out.push(`  disagreements (${a.disagreements.length}):`);
      for (const d of a.disagreements) {
        out.push(`    ${d.caseId} [${d.variant}] judge ${d.judgePass ? 'pass' : 'fail'} (${f(d.judgeScore)}), human ${d.humanPass ? 'pass' : 'fail'} — ${d.reviewer}${d.note ? `: ${d.note}` : ''}`);
      }
    }
  }
  return `${out.join('\n')}\n`;
}

/** `convotest agreement <run> [labels]`: how often the judge agrees with human labels. */
export function agreementCommand(ctx: CliContext): Command {
  return new Command('agreement')
    .description("Judge agreement with human labels, per grader: accuracy, Cohen's kappa, confusion matrix, disagreements")
    .argument('<run>', 'run record (runs/<id>.jsonl)')
    .argument('[labels]', 'labels file (default: <run>.labels.jsonl)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  convotest agreement runs/r1.jsonl
  convotest agreement runs/r2.jsonl runs/r1.labels.jsonl   # labels carry over by transcript hash
  convotest agreement runs/r1.jsonl --json`,
    )
    .action(async (run: string, labelsArg: string | undefined, opts: { json?: boolean }) => {
      const [{ agreementByGrader }, { labelsPathFor, readLabels }, { readRun }] = await Promise.all([
        import('../core/agreement.js'),
        import('../io/labels.js'),
        import('../io/run-reader.js'),
      ]);
      const { labels, warnings } = await readLabels(labelsArg ?? labelsPathFor(run));
      for (const w of warnings) ctx.stderr.write(`warning: ${w}\n`);
      const record = await readRun(run);
      const refs: LabelledGradeRef[] = [];
      for await (const r of record.results) {
        for (const grade of r.grades) refs.push({ caseId: r.caseId, variant: r.variant, transcriptHash: r.transcriptHash, grade });
      }
      const rows = agreementByGrader(refs, labels);
      ctx.stdout.write(opts.json ? `${JSON.stringify({ labels: labels.length, graders: rows }, null, 2)}\n` : formatAgreement(rows, labels.length));
    });
}
