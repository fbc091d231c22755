import { existsSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { EXIT, InputError } from '../errors.js';
import type { CliContext } from './main.js';

interface RegradeFlags {
  config?: string;
  graders?: string[];
  judge?: string;
  out?: string;
  cacheOnly?: boolean;
  cache: boolean;
  html: boolean;
  progress?: 'auto' | 'bar' | 'lines' | 'none';
}

/** `convotest regrade <run>`: grade stored transcripts again, never calling an agent. */
export function regradeCommand(ctx: CliContext): Command {
  return new Command('regrade')
    .description('re-grade the stored transcripts of a run with current graders, rubrics, thresholds or judge; no agent is called')
    .argument('<run>', 'the run record to re-grade')
    .option('-c, --config <file>', 'config file (graders, judge, golden sets)')
    .option('-g, --graders <names...>', 'graders applied to every case (replaces the config\'s defaults)')
    .option('--judge <provider:model>', 'judge model for this regrade, e.g. anthropic:claude-sonnet-4-5')
    .option('-o, --out <file>', 'new run record (default: <run>.regraded-<id>.jsonl); must not exist')
    .option('--no-cache', 'call the judge even when a recorded answer exists')
    .option('--cache-only', 'every judge call must come from the cache')
    .option('--no-html', 'do not write the HTML report beside the new run record')
    .addOption(new Option('--progress <mode>', 'progress display').choices(['auto', 'bar', 'lines', 'none']).default('auto'))
    .addHelpText(
      'after',
      `
Examples:
  $ convotest regrade runs/main.jsonl                          # today's graders on last week's baseline
  $ convotest regrade runs/r1.jsonl --graders support-quality --judge openai:gpt-4o
The new record names its source run (header.sourceRun); agent usage and cost are carried over.
Like run, it prints the summary and writes the HTML report beside the new record.`,
    )
    .action(async (source: string, flags: RegradeFlags) => {
      const judge = flags.judge ? parseJudge(flags.judge) : undefined;
      const [{ assertNewOutput }, { progressReporter }, { prepareGrading }, { regradeRun }, { newRunId }, { withInterrupt }, { afterRun }] = await Promise.all([
        import('../io/out-path.js'),
        import('../report/progress.js'),
        import('../runner/prepare.js'),
        import('../runner/regrade.js'),
        import('../runner/run-id.js'),
        import('./interrupt.js'),
        import('./run-after.js'),
      ]);
      const runId = newRunId();
      const outPath = flags.out ?? path.join(path.dirname(source), `${path.basename(source, '.jsonl')}.regraded-${runId}.jsonl`);
      // Both files are checked before any grader or judge is built.
      if (!existsSync(source)) throw new InputError('run record not found', { file: source });
      if (flags.out) assertNewOutput(flags.out, '--out');
      const grading = await prepareGrading({
        ...(flags.config ? { configPath: flags.config } : {}),
        cwd: process.cwd(),
        env: process.env,
        ...(flags.graders ? { graders: flags.graders } : {}),
        ...(judge ? { judge } : {}),
        ...(flags.cache === false ? { cache: false } : {}),
        cacheOnly: flags.cacheOnly === true,
      });
      // Only graders this regrade would apply (defaults, or named by a case) are worth a line.
      const asked = new Set([...grading.defaultGraders, ...grading.cases.flatMap((c) => c.graders)]);
      for (const g of grading.graderInfos) if (g.skipped && asked.has(g.name)) ctx.stderr.write(`skipped grader ${g.name}: ${g.skipped}\n`);
      const mode = flags.progress === 'auto' || flags.progress === undefined ? undefined : flags.progress;
      await withInterrupt(ctx.stderr, async (signal) => {
        const outcome = await regradeRun(grading, {
          sourcePath: source,
          outPath,
          runId,
          cwd: process.cwd(),
          env: process.env,
          reporters: mode === 'none' ? [] : [progressReporter({ stream: ctx.stderr, ...(mode ? { live: mode === 'bar' } : {}) })],
          signal,
          warn: (m) => ctx.stderr.write(`warning: ${m}\n`),
        });
        ctx.stdout.write(`regraded ${outcome.totals.done} results from ${source}: ${outPath}${outcome.status === 'complete' ? '' : ` (${outcome.status})`}\n`);
        await afterRun(grading, outcome, { ...ctx, html: flags.html });
        ctx.setExitCode(outcome.status === 'complete' ? EXIT.ok : EXIT.incomplete);
      });
    });
}

function parseJudge(text: string): { provider: 'openai' | 'anthropic'; model: string } {
  const [provider, ...rest] = text.split(':');
  const model = rest.join(':');
  if ((provider !== 'openai' && provider !== 'anthropic') || !model) {
    throw new InputError(`--judge "${text}": expected provider:model with provider openai or anthropic, e.g. openai:gpt-4o`);
  }
  return { provider, model };
}
