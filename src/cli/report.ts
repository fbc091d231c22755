import { writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { InputError } from '../errors.js';
import { FORMAT_NAMES, type FormatName } from '../report/format-names.js';
import type { HtmlReportInput } from '../report/html.js';
import type { Label } from '../schema/label.js';
import type { CliContext } from './main.js';

/** `runs/r1.jsonl` → `runs/r1.html` */
export const htmlPathFor = (runPath: string): string => `${runPath.replace(/\.jsonl$/, '')}.html`;

/** `convotest report <run>`: renders a run record as a self-contained HTML report (or JSON). */
export function reportCommand(ctx: CliContext): Command {
  return new Command('report')
    .description('render a run record as a report (self-contained HTML by default)')
    .argument('<run>', 'run record (runs/<id>.jsonl)')
    .addOption(new Option('--format <format>', 'output format (the text formats are the ones `gate` writes)').choices(['html', ...FORMAT_NAMES]).default('html'))
    .option('--baseline <run>', 'baseline run: adds the gate verdict, deltas and flipped cases')
    .option('--labels <files...>', 'human labels files (default: <run>.labels.jsonl when present)')
    .option('--out <file>', 'output file (html default: <run>.html; json default: stdout)')
    .addHelpText(
      'after',
      `
Examples:
  convotest report runs/r1.jsonl                       # writes runs/r1.html
  convotest report runs/r2.jsonl --baseline runs/r1.jsonl --out review.html
  convotest report runs/r1.jsonl --format json > summary.json
  convotest report runs/r1.jsonl --format markdown >> $GITHUB_STEP_SUMMARY   # the run summary tables
  convotest report runs/r2.jsonl --baseline runs/r1.jsonl --format markdown   # the verdict, then the summary
  convotest report runs/r1.jsonl --format junit --out junit.xml

The HTML file works offline: no CDN, no external request, strict Content-Security-Policy.`,
    )
    .action(async (run: string, opts: { format: 'html' | FormatName; baseline?: string; labels?: string[]; out?: string }) => {
      const [{ gateRun }, { labelsPathFor, readLabels }, { readRunAll }, { FORMATS }, { analyseForReport, renderHtmlReport, storedSummary }] = await Promise.all([
        import('../core/gate.js'),
        import('../io/labels.js'),
        import('../io/run-reader.js'),
        import('../report/formats.js'),
        import('../report/html.js'),
      ]);
      const record = await readRunAll(run);
      const baseline = opts.baseline ? await readRunAll(opts.baseline) : undefined;
      const labels: Label[] = [];
      const warnings: string[] = [];
      for (const file of opts.labels ?? [labelsPathFor(run)]) {
        const read = await readLabels(file);
        labels.push(...read.labels);
        warnings.push(...read.warnings);
      }
      for (const w of [...record.warnings, ...(baseline?.warnings ?? []), ...warnings]) ctx.stderr.write(`warning: ${w}\n`);
      if (record.results.length === 0) throw new InputError('the run has no results to report', { file: run });

      const summary = storedSummary(record.summaryLine);
      const baselineSummary = storedSummary(baseline?.summaryLine);
      const input: HtmlReportInput = {
        header: record.header,
        results: record.results,
        labels,
        ...(summary ? { summary } : {}),
        ...(baseline ? { baseline: { header: baseline.header, results: baseline.results, ...(baselineSummary ? { summary: baselineSummary } : {}) } } : {}),
      };
      if (opts.format !== 'html') {
        const analysis = analyseForReport(input);
        const text = FORMATS[opts.format]({
          ...(analysis.verdict ? { verdict: analysis.verdict } : {}),
          run: { header: record.header, summary: analysis.summary, status: record.status, path: run },
          records: () => gateRun(input.header, input.results).records.values(),
          color: !opts.out && (ctx.stdout as NodeJS.WriteStream).isTTY === true && !process.env['NO_COLOR'],
        });
        if (opts.out) await writeFile(opts.out, text);
        else ctx.stdout.write(text);
        return;
      }
      const html = renderHtmlReport(input);
      const out = opts.out ?? htmlPathFor(run);
      await writeFile(out, html);
      ctx.stdout.write(`wrote ${out} (${(html.length / 1024).toFixed(0)} KB, ${record.results.length} results${labels.length ? `, ${labels.length} labels` : ''})\n`);
    });
}
