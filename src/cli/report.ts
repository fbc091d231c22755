import { writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { gate, gateRun } from '../core/gate.js';
import { summarize } from '../core/summary.js';
import { InputError } from '../errors.js';
import { labelsPathFor, readLabels } from '../io/labels.js';
import { readRunAll } from '../io/run-reader.js';
import { renderHtmlReport } from '../report/html.js';
import { GateRulesSchema } from '../schema/gate.js';
import type { CliContext } from './main.js';

/** `runs/r1.jsonl` → `runs/r1.html` */
export const htmlPathFor = (runPath: string): string => `${runPath.replace(/\.jsonl$/, '')}.html`;

/** `convotest report <run>`: renders a run record as a self-contained HTML report (or JSON). */
export function reportCommand(ctx: CliContext): Command {
  return new Command('report')
    .description('Render a run record as a report (self-contained HTML by default)')
    .argument('<run>', 'run record (runs/<id>.jsonl)')
    .addOption(new Option('--format <format>', 'output format').choices(['html', 'json']).default('html'))
    .option('--baseline <run>', 'baseline run: adds the gate verdict, deltas and flipped cases')
    .option('--labels <file>', 'human labels (default: <run>.labels.jsonl when present)')
    .option('--out <file>', 'output file (html default: <run>.html; json default: stdout)')
    .addHelpText(
      'after',
      `
Examples:
  convotest report runs/r1.jsonl                       # writes runs/r1.html
  convotest report runs/r2.jsonl --baseline runs/r1.jsonl --out review.html
  convotest report runs/r1.jsonl --format json > summary.json

The HTML file works offline: no CDN, no external request, strict Content-Security-Policy.`,
    )
    .action(async (run: string, opts: { format: 'html' | 'json'; baseline?: string; labels?: string; out?: string }) => {
      const record = await readRunAll(run);
      const baseline = opts.baseline ? await readRunAll(opts.baseline) : undefined;
      const { labels, warnings } = await readLabels(opts.labels ?? labelsPathFor(run));
      for (const w of [...record.warnings, ...(baseline?.warnings ?? []), ...warnings]) ctx.stderr.write(`warning: ${w}\n`);
      if (record.results.length === 0) throw new InputError('the run has no results to report', { file: run });

      if (opts.format === 'json') {
        const summary = summarize(record.results, record.header);
        const rules = GateRulesSchema.safeParse(record.header.config?.gate ?? {});
        const verdict = baseline
          ? gate(gateRun(baseline.header, baseline.results), gateRun(record.header, record.results), rules.success ? rules.data : GateRulesSchema.parse({}))
          : undefined;
        const text = `${JSON.stringify({ runId: record.header.runId, status: record.status, summary, ...(verdict ? { verdict } : {}) }, null, 2)}\n`;
        if (opts.out) await writeFile(opts.out, text);
        else ctx.stdout.write(text);
        return;
      }
      const html = renderHtmlReport({
        header: record.header,
        results: record.results,
        ...(baseline ? { baseline: { header: baseline.header, results: baseline.results } } : {}),
        labels,
      });
      const out = opts.out ?? htmlPathFor(run);
      await writeFile(out, html);
      ctx.stdout.write(`wrote ${out} (${(html.length / 1024).toFixed(0)} KB, ${record.results.length} results${labels.length ? `, ${labels.length} labels` : ''})\n`);
    });
}
