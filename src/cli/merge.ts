import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { EXIT, InputError } from '../errors.js';
import type { CliContext } from './main.js';

interface MergeFlags {
  out: string;
  baseline?: string;
  html: boolean;
}

/** `convotest merge <records…> --out <run>`: join the records of `run --shard i/n` into one run record. */
export function mergeCommand(ctx: CliContext): Command {
  return new Command('merge')
    .description('join the shard records of `convotest run --shard i/n` into one run record (then the HTML report and, with --baseline, the gate)')
    .argument('<records...>', 'shard run records, one per shard (any order)')
    .requiredOption('-o, --out <run>', 'merged run record to write (must not exist)')
    .option('--baseline <run>', 'gate the merged run against this baseline run (exit 1 when it regressed)')
    .option('--no-html', 'do not write the HTML report beside the merged record')
    .addHelpText(
      'after',
      `
Examples:
  $ convotest run --shard 1/4 --out runs/shard-1.jsonl      # on each of 4 CI jobs, i = 1..4
  $ convotest merge runs/shard-*.jsonl --out runs/run.jsonl
  $ convotest merge shards/*.jsonl --out runs/run.jsonl --baseline baseline/run.jsonl

Every shard must verify (hash chain; signature when the config's signingKeyEnv is set), come from
the same tool version, config, golden sets and graders, and each shard i of n must be given once.
Exit codes: 0 merged and every shard completed; 1 gate failed (with --baseline); 2 a shard that
does not verify, shards that differ, a case on two shards, a shard missing (nothing is written);
3 a shard was interrupted or over budget, --cache-only misses, or errored conversations beyond
failOnError (the merged record is written, with the worst status of the shards).`,
    )
    .action(async (records: string[], flags: MergeFlags) => {
      const [{ assertNewOutput }, { mergeShards }, { recordedConfig }, { recordSettings }, { newRunId }, { failureOf }, { afterRun }] = await Promise.all([
        import('../io/out-path.js'),
        import('../io/merge.js'),
        import('../io/merge-shards.js'),
        import('../runner/header.js'),
        import('../runner/run-id.js'),
        import('../runner/execute.js'),
        import('./run-after.js'),
      ]);
      assertNewOutput(flags.out, '--out');
      if (flags.baseline && !existsSync(flags.baseline)) throw new InputError('--baseline: run record not found', { file: flags.baseline });
      const outcome = await mergeShards({
        paths: records,
        outPath: flags.out,
        runId: newRunId(),
        settings: (header) => recordSettings(recordedConfig(header), process.env),
        cwd: process.cwd(),
        warn: (message) => ctx.stderr.write(`warning: ${message}\n`),
      });
      const config = recordedConfig(outcome.header);
      const failure = failureOf(outcome, config.failOnError, config.maxCost);
      await afterRun({ config }, { ...outcome, ...(failure ? { failure } : {}) }, { ...ctx, html: flags.html, ...(flags.baseline ? { baseline: flags.baseline } : {}) });
      if (failure) ctx.setExitCode(EXIT.incomplete);
    });
}
