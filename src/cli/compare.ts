import { writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { InputError } from '../errors.js';
import type { CliContext } from './main.js';

/** `convotest compare <run> [<run>…]` */
export function compareCommand(ctx: CliContext): Command {
  return new Command('compare')
    .description('compare variants (of one run, or across runs): leaderboard, win/tie/loss, slice winners, quality vs cost')
    .argument('<runs...>', 'run records (JSONL); one run with several variants works too')
    .addOption(new Option('--format <format>', 'output format').choices(['console', 'markdown']).default('console'))
    .option('--slice <keys>', 'tag keys to find slice winners for, comma-separated (default: every tag key)')
    .option('--out <file>', 'write the output to a file instead of stdout')
    .option('--seed <n>', 'seed of the bootstrap intervals', (v) => Number.parseInt(v, 10), 1)
    .option('--min-cases <n>', 'fewest scored cases a variant needs to be ranked', (v) => Number.parseInt(v, 10), 5)
    .addHelpText(
      'after',
      `
Examples:
  $ convotest compare runs/prompt-variants.jsonl
  $ convotest compare runs/gpt.jsonl runs/claude.jsonl --format markdown --out compare.md
  $ convotest compare runs/variants.jsonl --slice intent,language`,
    )
    .action(async (paths: string[], opts: { format: 'console' | 'markdown'; slice?: string; out?: string; seed: number; minCases: number }) => {
      if (!Number.isFinite(opts.seed)) throw new InputError('--seed must be an integer');
      if (!Number.isInteger(opts.minCases) || opts.minCases < 1) throw new InputError('--min-cases must be a positive integer');
      const [{ compare }, { compareConsole }, { compareMarkdown }, { loadGateRuns }] = await Promise.all([
        import('../core/compare.js'),
        import('../report/console-compare.js'),
        import('../report/markdown-compare.js'),
        import('./gate-verdict.js'),
      ]);
      const runs = await loadGateRuns(paths);
      const sliceKeys = opts.slice ? opts.slice.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
      const comparison = compare(runs, { seed: opts.seed, minCases: opts.minCases, ...(sliceKeys ? { sliceKeys } : {}) });
      for (const w of comparison.warnings) ctx.stderr.write(`warning: ${w}\n`);
      if (comparison.entries.length < 2) ctx.stderr.write('convotest: only one variant found; nothing to compare it with\n');
      const color = !opts.out && (ctx.stdout as NodeJS.WriteStream).isTTY === true && !process.env['NO_COLOR'];
      const text = opts.format === 'markdown' ? compareMarkdown(comparison) : compareConsole(comparison, { color });
      if (opts.out) await writeFile(opts.out, text);
      else ctx.stdout.write(text);
      ctx.setExitCode(0);
    });
}
