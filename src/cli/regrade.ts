import path from 'node:path';
import { Command } from 'commander';
import { EXIT, InputError } from '../errors.js';
import { progressReporter } from '../report/progress.js';
import { prepareGrading } from '../runner/prepare.js';
import { regradeRun } from '../runner/regrade.js';
import { newRunId } from '../runner/run-id.js';
import { withInterrupt } from './interrupt.js';
import type { CliContext } from './main.js';

interface RegradeFlags {
  config?: string;
  graders?: string[];
  judge?: string;
  out?: string;
  cacheOnly?: boolean;
  cache: boolean;
}

/** `convotest regrade <run>`: grade stored transcripts again, never calling an agent. */
export function regradeCommand(ctx: CliContext): Command {
  return new Command('regrade')
    .description('re-grade the stored transcripts of a run with current graders, rubrics, thresholds or judge; no agent is called')
    .argument('<run>', 'the run record to re-grade')
    .option('-c, --config <file>', 'config file (graders, judge, golden sets)')
    .option('-g, --graders <names...>', 'graders applied to every case (replaces the config\'s defaults)')
    .option('--judge <provider:model>', 'judge model for this regrade, e.g. anthropic:claude-sonnet-4-5')
    .option('-o, --out <file>', 'new run record (default: <run>.regraded-<id>.jsonl)')
    .option('--no-cache', 'call the judge even when a recorded answer exists')
    .option('--cache-only', 'every judge call must come from the cache')
    .addHelpText(
      'after',
      `
Examples:
  $ convotest regrade runs/main.jsonl                          # today's graders on last week's baseline
  $ convotest regrade runs/r1.jsonl --graders support-quality --judge openai:gpt-4o
The new record names its source run (header.sourceRun); agent usage and cost are carried over.`,
    )
    .action(async (source: string, flags: RegradeFlags) => {
      const judge = flags.judge ? parseJudge(flags.judge) : undefined;
      const grading = await prepareGrading({
        ...(flags.config ? { configPath: flags.config } : {}),
        cwd: process.cwd(),
        env: process.env,
        ...(flags.graders ? { graders: flags.graders } : {}),
        ...(judge ? { judge } : {}),
        ...(flags.cache === false ? { cache: false } : {}),
        cacheOnly: flags.cacheOnly === true,
      });
      const runId = newRunId();
      const outPath = flags.out ?? path.join(path.dirname(source), `${path.basename(source, '.jsonl')}.regraded-${runId}.jsonl`);
      for (const g of grading.graderInfos) if (g.skipped) ctx.stderr.write(`skipped grader ${g.name}: ${g.skipped}\n`);
      await withInterrupt(ctx.stderr, async (signal) => {
        const { status, totals } = await regradeRun(grading, {
          sourcePath: source,
          outPath,
          runId,
          reporters: [progressReporter({ stream: ctx.stderr })],
          signal,
          warn: (m) => ctx.stderr.write(`warning: ${m}\n`),
        });
        ctx.stdout.write(`regraded ${totals.done} results from ${source}: ${outPath}${status === 'complete' ? '' : ` (${status})`}\n`);
        ctx.setExitCode(status === 'complete' ? EXIT.ok : EXIT.incomplete);
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
