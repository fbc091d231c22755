import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { collectRun, type GateRun, gate } from '../core/gate.js';
import type { Verdict } from '../core/gate/types.js';
import { ConvotestError, EXIT, InputError } from '../errors.js';
import { loadConfig } from '../io/config.js';
import { readRun } from '../io/run-reader.js';
import { gateConsole } from '../report/console-gate.js';
import { githubAnnotations } from '../report/github.js';
import { gateJson } from '../report/json.js';
import { junitReport } from '../report/junit.js';
import { gateMarkdown } from '../report/markdown-gate.js';
import { type GateRules, GateRulesSchema } from '../schema/gate.js';
import type { CliContext } from './main.js';

export const GATE_FORMATS = ['console', 'markdown', 'json', 'junit', 'github'] as const;
export type GateFormat = (typeof GATE_FORMATS)[number];

/** Streams a run record into the gate's per-case form (transcripts are not kept). */
export async function loadGateRun(path: string): Promise<GateRun> {
  const reader = await readRun(path);
  const collector = collectRun(reader.header);
  for await (const result of reader.results) collector.add(result);
  return collector.finish();
}

/** Gate rules: `--rules <json|yaml>` (the `gate:` object itself), else the config's `gate:`, else defaults. */
export async function loadGateRules(options: { rules?: string; config?: string }): Promise<GateRules> {
  if (options.rules) {
    let raw: unknown;
    try {
      const text = await readFile(options.rules, 'utf8');
      raw = options.rules.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    } catch (error) {
      throw new InputError(`cannot read gate rules: ${(error as Error).message}`, { file: options.rules });
    }
    const body = raw && typeof raw === 'object' && 'gate' in raw ? (raw as { gate: unknown }).gate : raw;
    const parsed = GateRulesSchema.safeParse(body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InputError(issue.message, { file: options.rules, field: issue.path.join('.') });
    }
    return parsed.data;
  }
  return (await loadConfig(options.config)).config.gate;
}

/** Renders a verdict in one format (JUnit also lists every case × grader of the candidate). */
export function renderVerdict(verdict: Verdict, format: GateFormat, candidate: GateRun, color = false): string {
  switch (format) {
    case 'markdown':
      return gateMarkdown(verdict);
    case 'json':
      return gateJson(verdict);
    case 'junit':
      return junitReport(candidate.records.values(), { verdict });
    case 'github':
      return `${githubAnnotations(verdict)}${gateMarkdown(verdict)}`;
    default:
      return gateConsole(verdict, { color });
  }
}

/**
 * Writes the verdict where CI looks for it: the chosen format to `out` (or stdout), the Markdown
 * appended to `$GITHUB_STEP_SUMMARY` when set, and `::error`/`::warning` annotations when
 * `GITHUB_ACTIONS=true`. Returns the exit code (0 pass, 1 fail or inconclusive).
 */
export async function emitVerdict(
  verdict: Verdict,
  candidate: GateRun,
  options: { format: GateFormat; out?: string; env: NodeJS.ProcessEnv; stdout: NodeJS.WritableStream; color: boolean },
): Promise<number> {
  const text = renderVerdict(verdict, options.format, candidate, options.color && !options.out);
  if (options.out) await writeFile(options.out, text);
  else options.stdout.write(text);
  if (options.out || options.format !== 'console') options.stdout.write(`gate: ${verdict.verdict}\n`);
  if (options.env['GITHUB_STEP_SUMMARY']) await appendFile(options.env['GITHUB_STEP_SUMMARY'], gateMarkdown(verdict));
  if (options.env['GITHUB_ACTIONS'] === 'true' && options.format !== 'github') options.stdout.write(githubAnnotations(verdict));
  return verdict.verdict === 'pass' ? EXIT.ok : EXIT.gateFailed;
}

/**
 * Gate two run records and report, as `convotest gate` does: for `convotest run --baseline`.
 * Returns the exit code (0 pass, 1 fail or inconclusive); also sets it on `ctx`.
 * @example await gateFiles({ baseline: 'runs/main.jsonl', candidate: outcome.path, rules: config.gate, ctx });
 */
export async function gateFiles(options: {
  baseline: string;
  candidate: string;
  rules: GateRules;
  ctx: Pick<CliContext, 'stdout' | 'setExitCode'>;
  format?: GateFormat;
  out?: string;
  seed?: number;
}): Promise<number> {
  const [baseline, candidate] = await Promise.all([loadGateRun(options.baseline), loadGateRun(options.candidate)]).catch((error: unknown) => {
    if (error instanceof ConvotestError) throw error;
    const e = error as NodeJS.ErrnoException;
    throw new InputError(e.code === 'ENOENT' ? 'run record not found' : e.message, { file: e.path ?? '' });
  });
  const verdict = gate(baseline, candidate, options.rules, { seed: options.seed ?? 1 });
  const color = (options.ctx.stdout as NodeJS.WriteStream).isTTY === true && !process.env['NO_COLOR'];
  const code = await emitVerdict(verdict, candidate, {
    format: options.format ?? 'console',
    ...(options.out ? { out: options.out } : {}),
    env: process.env,
    stdout: options.ctx.stdout,
    color,
  });
  options.ctx.setExitCode(code);
  return code;
}

/** `convotest gate --baseline <run> --candidate <run>` */
export function gateCommand(ctx: CliContext): Command {
  return new Command('gate')
    .description('compare a candidate run with a baseline over their shared cases; exit 1 when it regressed')
    .requiredOption('--baseline <run>', 'baseline run record (JSONL)')
    .requiredOption('--candidate <run>', 'candidate run record (JSONL)')
    .option('-c, --config <file>', 'config file whose `gate:` holds the rules')
    .option('--rules <file>', 'gate rules as JSON or YAML (instead of the config)')
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

Exit codes: 0 pass, 1 fail or inconclusive (the word is printed), 2 bad input.
In GitHub Actions the Markdown is appended to $GITHUB_STEP_SUMMARY and breached rules become annotations.`,
    )
    .action(async (opts: { baseline: string; candidate: string; config?: string; rules?: string; format: GateFormat; out?: string; seed: number }) => {
      if (!Number.isFinite(opts.seed)) throw new InputError('--seed must be an integer');
      const rules = await loadGateRules(opts);
      await gateFiles({ baseline: opts.baseline, candidate: opts.candidate, rules, ctx, format: opts.format, ...(opts.out ? { out: opts.out } : {}), seed: opts.seed });
    });
}
