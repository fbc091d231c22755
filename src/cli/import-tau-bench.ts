import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { InputError } from '../errors.js';
import type { CliContext } from './main.js';

interface TauBenchOptions {
  out?: string;
  writes?: string[];
  maxTurns?: number;
  tag: string[];
}

/** `--writes a,b --writes c` → [a, b, c]. */
const globList = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  ...value.split(',').map((s) => s.trim()).filter((s) => s !== ''),
];

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new InvalidArgumentError('expected a whole number from 1 to 100');
  return n;
};

/**
 * `convotest import tau-bench <file>`: τ-bench tasks → simulated-customer cases, recorded
 * trajectories → transcript cases, both with the task's expected writes and outputs.
 */
export function tauBenchCommand(ctx: CliContext, parseTags: (pairs: readonly string[]) => Record<string, string>): Command {
  return new Command('tau-bench')
    .description('τ-bench tasks → simulated-customer cases; τ-bench trajectories → transcript cases (expected writes, outputs)')
    .argument('<file>', 'JSON array or JSONL of τ-bench tasks { user_id, instruction, actions, outputs } or trajectories { task_id, trial, reward, info.task, traj }')
    .option('-o, --out <file>', 'golden-set file to write: .yaml/.yml (YAML) or .jsonl (default: YAML on stdout)')
    .option('--writes <globs>', 'state-changing tools whose calls a task expects, comma-separated globs (default: the airline writes)', globList)
    .option('--max-turns <n>', 'max_turns of the simulated customers (default 20)', positiveInt)
    .option('--tag <key=value...>', 'tag added to every case (repeatable)', [])
    .addHelpText(
      'after',
      `
Examples:
  $ convotest import tau-bench trajectories.json --out golden-sets/tau-airline.yaml
  $ convotest import tau-bench tasks.json --writes 'cancel_*,modify_*,return_*,exchange_*' --out golden-sets/tau-retail.yaml

Mapping: instruction → user.goal (behaviour sentences → user.persona), user_id and the
reservation/order ids it names → user.facts; actions among --writes (default book_reservation,
cancel_reservation, update_reservation_*, send_certificate) and transfer_to_human_agents →
expect.tools (free-text "summary" left out); outputs → expect.must_match (literal, any case);
graders actions + rules. Trajectories keep the policy as "system", tool calls and tool results,
and the reward in metadata. Exit codes: 0 written, 2 bad input (record and field named).`,
    )
    .exitOverride()
    .action(async (file: string, options: TauBenchOptions) => {
      const tags = parseTags(options.tag);
      const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new InputError(`${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
      });
      const { importTauBench, tauGoldenText } = await import('../io/import-tau-bench.js');
      const { TAU_AIRLINE_WRITES } = await import('../core/tau-bench.js');
      const writes = options.writes && options.writes.length > 0 ? options.writes : TAU_AIRLINE_WRITES;
      const result = importTauBench(text, {
        file: path.basename(file),
        writes,
        ...(options.maxTurns !== undefined ? { maxTurns: options.maxTurns } : {}),
        tags,
      });
      const out = options.out ?? '-';
      const body = tauGoldenText(result, { out, source: path.basename(file), writes });
      const expected = result.cases.reduce((n, c) => n + (c.expect?.tools?.length ?? 0), 0);
      const outputs = result.cases.reduce((n, c) => n + (c.expect?.must_match?.length ?? 0), 0);
      const kinds = [
        result.tasks > 0 ? `${result.tasks} simulated-customer cases` : '',
        result.trajectories > 0 ? `${result.trajectories} transcript cases` : '',
      ].filter((s) => s !== '');
      const line = `${kinds.join(' and ')} (${expected} expected calls, ${outputs} must_match)`;
      if (options.out === undefined) {
        ctx.stdout.write(body);
        ctx.stderr.write(`imported ${line}\n`);
        return;
      }
      await mkdir(path.dirname(path.resolve(options.out)), { recursive: true });
      await writeFile(options.out, body, 'utf8');
      ctx.stdout.write(`wrote ${line} to ${options.out}\n`);
    });
}
