import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { InputError } from '../errors.js';
import type { CliContext } from './main.js';

interface RunFlags {
  config?: string;
  agent?: string[];
  graders?: string[];
  out?: string;
  repeat?: string;
  filter?: string[];
  case?: string[];
  shard?: string;
  concurrency?: string;
  cache: boolean;
  cacheOnly?: boolean;
  maxCost?: string;
  allowSkip?: boolean;
  dryRun?: boolean;
  batch?: boolean;
  resume?: string;
  baseline?: string;
  html: boolean;
  progress?: 'auto' | 'bar' | 'lines' | 'none';
}

/** `convotest run`: replay the golden set against the variants, grade, write the run record. */
export function runCommand(ctx: CliContext): Command {
  return new Command('run')
    .description('replay golden conversations against agents, grade every reply, write a run record')
    .argument('[golden...]', 'golden-set files or folders (default: the config\'s goldenSets)')
    .option('-c, --config <file>', 'config file (default: convotest.config.{ts,yaml} here)')
    .option('-a, --agent <names...>', 'variants to run: names from the config, or `baseline` / `transcript`')
    .option('-g, --graders <names...>', 'graders applied to every case (replaces the config\'s defaults)')
    .option('-o, --out <file>', 'run record path (default: <outDir>/<run-id>.jsonl)')
    .option('-r, --repeat <k>', 'run each replayed case k times (nondeterminism)')
    .option('-f, --filter <tag=value...>', 'only cases with this tag value (repeat the flag to combine)')
    .option('--case <ids...>', 'only these case ids')
    .option('--shard <i/n>', 'run shard i of n (CI matrix): cases are split by a hash of their id; `convotest merge` joins the shard records')
    .option('--concurrency <n>', 'conversations in flight at once')
    .option('--no-cache', 'call providers even when a recorded response exists')
    .option('--cache-only', 'every call must come from the cache (deterministic CI); a miss is an error')
    .option('--max-cost <usd>', 'budget for agent + judge + simulator cost; no call starts that could pass it (exit 3 once reached)')
    .option('--allow-skip', 'in CI, run even when a variant or grader cannot (e.g. its API key is not set) instead of exit 2')
    .option('--dry-run', 'print the planned calls and an estimated token and cost range; call nothing')
    .option('--batch', 'send model calls through the providers\' batch APIs at half price, in rounds (results within 24 h)')
    .option('--resume <run>', 'continue an interrupted run: its finished results are kept, not called again')
    .option('--baseline <run>', 'gate the new run against this baseline run (exit 1 when it regressed)')
    .option('--no-html', 'do not write the HTML report beside the run record')
    .addOption(new Option('--progress <mode>', 'progress display').choices(['auto', 'bar', 'lines', 'none']).default('auto'))
    .addHelpText(
      'after',
      `
Examples:
  $ convotest run                                   # everything the config names
  $ convotest run golden-sets --agent baseline      # one-off run, no config needed
  $ convotest run --agent gpt-concise --filter intent=refund --repeat 3
  $ convotest run --cache-only --baseline runs/main.jsonl   # deterministic CI gate
  $ convotest run --resume runs/2026-11-22T10-00-00-abc123.jsonl
  $ convotest run --shard 2/4 --out runs/shard-2.jsonl     # then: convotest merge runs/shard-*.jsonl --out runs/run.jsonl
Exit codes: 0 ok, 1 gate failed (with --baseline), 2 bad input or config (in CI also a variant or
grader that cannot run, unless --allow-skip), 3 the run could not complete (interrupted, budget
reached, --cache-only misses, or errored conversations beyond failOnError, which tolerates none
by default); finished results are always kept.`,
    )
    .action(async (golden: string[], flags: RunFlags) => {
      const cwd = process.cwd();
      const [{ assertNewOutput }, { readRunAll }, { prepareRun }, { parseFilters, parseShardFlag }] = await Promise.all([
        import('../io/out-path.js'),
        import('../io/run-reader.js'),
        import('../runner/prepare.js'),
        import('../runner/selection.js'),
      ]);
      // Named records must exist before anything is called (a missing baseline would waste the run).
      for (const [flag, file] of [['--resume', flags.resume], ['--baseline', flags.baseline]] as const) {
        if (file && !existsSync(file)) throw new InputError(`${flag}: run record not found`, { file });
      }
      if (flags.out) assertNewOutput(flags.out, '--out');
      const previous = flags.resume ? await readRunAll(flags.resume) : undefined;
      // e.g. a last line cut mid-way by a kill: what was read is resumed, and the user is told.
      for (const warning of previous?.warnings ?? []) ctx.stderr.write(`warning: --resume: ${warning}\n`);
      const prepared = await prepareRun({
        ...(flags.config ? { configPath: flags.config } : {}),
        cwd,
        env: process.env,
        goldenPaths: golden,
        ...(flags.agent ? { agents: flags.agent } : {}),
        ...(flags.graders ? { graders: flags.graders } : {}),
        selection: { filters: parseFilters(flags.filter ?? []), caseIds: flags.case ?? [], ...(flags.shard ? { shard: parseShardFlag(flags.shard) } : {}) },
        ...(flags.repeat ? { repeat: positive(flags.repeat, '--repeat') } : {}),
        ...(flags.concurrency ? { concurrency: positive(flags.concurrency, '--concurrency') } : {}),
        ...(flags.cache === false ? { cache: false } : {}),
        cacheOnly: flags.cacheOnly === true,
        ...(flags.maxCost ? { maxCost: positiveNumber(flags.maxCost, '--max-cost') } : {}),
        // A dry run calls nothing, so nothing it cannot call is an error.
        allowSkip: flags.allowSkip === true || flags.dryRun === true,
        ...(flags.out ? { outPath: flags.out } : {}),
        ...(flags.batch ? { batch: true } : {}),
      });
      if (flags.dryRun) {
        const { estimateRun, formatDryRun } = await import('../runner/estimate.js');
        ctx.stdout.write(formatDryRun(estimateRun(prepared)));
        return;
      }
      const [{ progressReporter }, { executeRun }, { skipLines }, { withInterrupt }, { afterRun }] = await Promise.all([
        import('../report/progress.js'),
        import('../runner/execute.js'),
        import('../runner/skips.js'),
        import('./interrupt.js'),
        import('./run-after.js'),
      ]);
      const mode = flags.progress === 'auto' || flags.progress === undefined ? undefined : flags.progress;
      const warn = (message: string) => ctx.stderr.write(`warning: ${message}\n`);
      // Once, here (the end summary does not repeat them); in CI without --allow-skip prepareRun refused already.
      for (const line of skipLines(prepared.header.variants, prepared.header.graders, prepared.header.simulator)) warn(`skipped ${line}`);
      await withInterrupt(ctx.stderr, async (signal) => {
        const reporters = mode === 'none' ? [] : [progressReporter({ stream: ctx.stderr, ...(mode ? { live: mode === 'bar' } : {}) })];
        const started = { wall: performance.now(), cpu: process.cpuUsage() };
        const { outcome, exitCode } = await executeRun(prepared, {
          reporters,
          signal,
          warn,
          ...(previous ? { resume: { path: flags.resume as string, runId: previous.header.runId, results: previous.results, batches: previous.batches } } : {}),
        });
        if (process.env['CONVOTEST_RESOURCES'] === '1') ctx.stderr.write(`${resourceLine(started)}\n`);
        await afterRun(prepared, outcome, { ...ctx, html: flags.html, ...(flags.baseline ? { baseline: flags.baseline } : {}) });
        ctx.setExitCode(exitCode);
      });
    });
}

/** `resources: wall_ms=… cpu_ms=… max_rss_kb=…` for the overhead bench (CONVOTEST_RESOURCES=1): the replay alone, in this process. */
function resourceLine(started: { wall: number; cpu: NodeJS.CpuUsage }): string {
  const cpu = process.cpuUsage(started.cpu);
  const wall = performance.now() - started.wall;
  return `resources: wall_ms=${wall.toFixed(0)} cpu_ms=${((cpu.user + cpu.system) / 1000).toFixed(0)} max_rss_kb=${process.resourceUsage().maxRSS}`;
}

function positive(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`${flag} ${text}: expected a whole number ≥ 1`);
  return n;
}

function positiveNumber(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new InputError(`${flag} ${text}: expected a positive number`);
  return n;
}

