import { Command, Option } from 'commander';
import { InputError } from '../errors.js';
import { FORMAT_NAMES, type FormatName } from '../report/format-names.js';
import type { CliContext } from './main.js';

export const GATE_FORMATS = FORMAT_NAMES;
export type GateFormat = FormatName;

/** `convotest gate --baseline <run> --candidate <run>` */
export function gateCommand(ctx: CliContext): Command {
  return new Command('gate')
    .description('compare a candidate run with a baseline over their shared cases, variant by variant; exit 1 when it regressed')
    .requiredOption('--baseline <run>', 'baseline run record (JSONL)')
    .requiredOption('--candidate <run>', 'candidate run record (JSONL)')
    .option('-c, --config <file>', 'config file whose `gate:` holds the rules')
    .option('--rules <file>', 'gate rules as JSON or YAML (instead of the config)')
    .option('--variant <names...>', 'gate only these variants (default: every variant both runs have, each with its own verdict)')
    .option('--allow-missing-cases', 'baseline cases missing from the candidate do not make the verdict inconclusive (gate.allowMissingCases)')
    .addOption(new Option('--format <format>', 'output format').choices(GATE_FORMATS).default('console'))
    .option('--out <file>', 'write the output to a file instead of stdout')
    .option('--seed <n>', 'seed of the bootstrap intervals', (v) => Number.parseInt(v, 10), 1)
    .addHelpText(
      'after',
      `
Examples:
  $ convotest gate --baseline runs/main.jsonl --candidate runs/pr.jsonl
  $ convotest gate --baseline runs/main.jsonl --candidate runs/pr.jsonl --format markdown --out gate.md
  $ convotest gate --baseline a.jsonl --candidate b.jsonl --format junit --out junit.xml
  $ convotest gate --baseline a.jsonl --candidate b.jsonl --variant gpt-4.1

Exit codes: 0 pass, 1 fail or inconclusive (the word is printed; with several variants the worst
decides), 2 bad input (unreadable record, invalid rules, a rule naming an unknown grader, metric or slice).
In GitHub Actions the Markdown is appended to $GITHUB_STEP_SUMMARY and breached rules become annotations.`,
    )
    .action(
      async (opts: {
        baseline: string;
        candidate: string;
        config?: string;
        rules?: string;
        variant?: string[];
        allowMissingCases?: boolean;
        format: GateFormat;
        out?: string;
        seed: number;
      }) => {
        if (!Number.isFinite(opts.seed)) throw new InputError('--seed must be an integer');
        const { emitVerdict, gateLoaded, loadGateRules, loadGateRuns } = await import('./gate-verdict.js');
        const source = await loadGateRules(opts);
        const runs = await loadGateRuns([opts.baseline, opts.candidate]);
        const variants = opts.variant?.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
        const verdict = gateLoaded(runs, source, { seed: opts.seed, allowMissing: opts.allowMissingCases === true, ...(variants ? { variants } : {}) });
        const color = (ctx.stdout as NodeJS.WriteStream).isTTY === true && !process.env['NO_COLOR'];
        const code = await emitVerdict(verdict, runs[1]!, { format: opts.format, ...(opts.out ? { out: opts.out } : {}), env: process.env, stdout: ctx.stdout, color });
        ctx.setExitCode(code);
      },
    );
}
