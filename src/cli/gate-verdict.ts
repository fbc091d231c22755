import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { collectRun, type GateOptions, type GateRun, gate } from '../core/gate.js';
import { unknownVariants } from '../core/gate/plan.js';
import { ruleNameProblems } from '../core/gate/rule-names.js';
import type { Verdict } from '../core/gate/types.js';
import { ConvotestError, EXIT, InputError } from '../errors.js';
import { loadConfig } from '../io/config.js';
import { didYouMean, fieldPath } from '../core/problems.js';
import { readRun } from '../io/run-reader.js';
import { parseYamlSource } from '../io/yaml-source.js';
import { FORMATS } from '../report/formats.js';
import { githubAnnotations } from '../report/github.js';
import { gateMarkdown } from '../report/markdown-gate.js';
import { type GateRules, GateRulesSchema } from '../schema/gate.js';
import type { GateFormat } from './gate.js';

// The gate's machinery for `gate`, `compare` and `run --baseline`: loaded when one of them runs
// (gate.ts only defines the command, so `convotest --help` does not load the gate statistics).

/** Streams a run record into the gate's per-case form (transcripts are not kept), with what the reader met. */
export async function loadGateRun(path: string): Promise<GateRun> {
  const reader = await readRun(path);
  const collector = collectRun(reader.header);
  for await (const result of reader.results) collector.add(result);
  return { ...collector.finish(), path, status: reader.status, integrity: reader.integrity };
}

/** Loads records for `gate` and `compare`: a missing or unreadable file is bad input (exit 2). */
export async function loadGateRuns(paths: readonly string[]): Promise<GateRun[]> {
  return Promise.all(paths.map(loadGateRun)).catch((error: unknown) => {
    if (error instanceof ConvotestError) throw error;
    const e = error as NodeJS.ErrnoException;
    throw new InputError(e.code === 'ENOENT' ? 'run record not found' : e.message, { file: e.path ?? '' });
  });
}

/** Gate rules and where they were written, to name the file, line and field of a rule that names nothing. */
export interface GateRulesSource {
  rules: GateRules;
  /** The file the rules came from (a `--rules` file or the config), when known. */
  file?: string;
  /** Its text, for line numbers (YAML or JSON). */
  text?: string;
  /** Path of the `gate:` object in the file (`['gate']`, or `[]` for a bare rules file). */
  prefix: PropertyKey[];
}

/** Gate rules: `--rules <json|yaml>` (the `gate:` object itself), else the config's `gate:`, else defaults. */
export async function loadGateRules(options: { rules?: string; config?: string }): Promise<GateRulesSource> {
  if (options.rules) {
    let source;
    try {
      source = parseYamlSource(await readFile(options.rules, 'utf8'));
    } catch (error) {
      throw new InputError(`cannot read gate rules: ${(error as Error).message}`, { file: options.rules });
    }
    if (source.errors.length > 0) throw new InputError(source.errors[0]!.message, { file: options.rules, line: source.errors[0]!.line, column: source.errors[0]!.column });
    const raw = source.value;
    const wrapped = raw !== null && typeof raw === 'object' && 'gate' in raw;
    const body = wrapped ? (raw as { gate: unknown }).gate : raw;
    const parsed = GateRulesSchema.safeParse(body ?? {});
    const prefix = wrapped ? ['gate'] : [];
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const at = source.locate([...prefix, ...issue.path]);
      throw new InputError(issue.message, { file: options.rules, line: at.line, field: fieldPath([...prefix, ...issue.path]) });
    }
    return { rules: parsed.data, file: options.rules, text: await readFile(options.rules, 'utf8'), prefix };
  }
  const loaded = await loadConfig(options.config);
  const yaml = loaded.path !== undefined && /\.(ya?ml|json)$/.test(loaded.path);
  return { rules: loaded.config.gate, ...(loaded.path ? { file: loaded.path } : {}), ...(yaml ? { text: loaded.source } : {}), prefix: ['gate'] };
}

/**
 * Refuses rules that name nothing in the two runs (an unknown grader, metric, slice key or slice
 * value) and `--variant` names neither run has: bad configuration, exit 2, one line naming the
 * file, line, field and the nearest known name (and how many more problems there are).
 */
export function checkGateNames(source: GateRulesSource, runs: [GateRun, GateRun], variants?: readonly string[]): void {
  const problems = ruleNameProblems(source.rules, runs);
  const more = (n: number) => (n > 1 ? ` (+${n - 1} more problem(s) in the gate rules)` : '');
  if (problems.length > 0) {
    const p = problems[0]!;
    const field = `${source.prefix.map(String).join('.')}${source.prefix.length ? '.' : ''}${p.field}`;
    const path = [...source.prefix, ...p.field.split(/[.[\]]+/).filter(Boolean).map((s) => (/^\d+$/.test(s) ? Number(s) : s))];
    const line = source.text ? parseYamlSource(source.text).locate(path).line : undefined;
    const hint = didYouMean(p.name, p.known) || (p.known.length > 0 ? ` (known: ${p.known.slice(0, 8).join(', ')}${p.known.length > 8 ? ', …' : ''})` : ' (the runs have none)');
    throw new InputError(`rule "${p.rule}" names an unknown ${p.what}${hint}${more(problems.length)}`, {
      file: source.file ?? '',
      ...(line !== undefined ? { line } : {}),
      field,
    });
  }
  const unknown = variants ? unknownVariants(runs[0], runs[1], variants) : [];
  if (unknown.length > 0) {
    const u = unknown[0]!;
    throw new InputError(`no variant "${u.name}" in either run${didYouMean(u.name, u.known) || ` (known: ${u.known.join(', ')})`}`, { file: '', field: '--variant' });
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
  const text = FORMATS[options.format]({ verdict, records: () => candidate.records.values(), color: options.color && !options.out });
  if (options.out) await writeFile(options.out, text);
  else options.stdout.write(text);
  if (options.out || options.format !== 'console') options.stdout.write(`gate: ${verdict.verdict}\n`);
  if (options.env['GITHUB_STEP_SUMMARY']) await appendFile(options.env['GITHUB_STEP_SUMMARY'], gateMarkdown(verdict));
  if (options.env['GITHUB_ACTIONS'] === 'true' && options.format !== 'github') options.stdout.write(githubAnnotations(verdict));
  return verdict.verdict === 'pass' ? EXIT.ok : EXIT.gateFailed;
}

/**
 * Gates two loaded runs as `convotest gate` does (names checked first: exit 2 when a rule names
 * nothing). For `convotest run --baseline` too.
 * @example const verdict = gateLoaded(await loadGateRuns([base, cand]), await loadGateRules({}), {});
 */
export function gateLoaded(runs: GateRun[], source: GateRulesSource, options: { variants?: readonly string[]; seed?: number; allowMissing?: boolean }): Verdict {
  const [baseline, candidate] = runs as [GateRun, GateRun];
  checkGateNames(source, [baseline, candidate], options.variants);
  const rules = options.allowMissing ? { ...source.rules, allowMissingCases: true } : source.rules;
  const gateOptions: GateOptions = { seed: options.seed ?? 1, ...(options.variants ? { variants: options.variants } : {}) };
  return gate(baseline, candidate, rules, gateOptions);
}
