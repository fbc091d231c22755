import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import { ConvotestError, InputError } from '../errors.js';
import type { Grader } from '../grading/grader.js';
import { createRedactor } from '../core/redact.js';
import { loadGraders } from '../grading/registry.js';
import { loadConfig } from '../io/config.js';
import { assertNoProblems, loadGoldenSets } from '../io/golden-sets.js';
import { configProblems } from '../io/config-checks.js';
import { loadAvailableGraders } from '../io/grader-files.js';
import { didYouMean } from '../core/problems.js';
import { createChatModel, missingKey } from '../models/index.js';
import type { ChatModel } from '../models/chat.js';
import { jsonSchemaOf } from '../models/structured.js';
import { type AgentConfig, AgentConfigSchema, type Config, JudgeConfigSchema } from '../schema/config.js';
import type { ResolvedCase } from '../schema/golden-set.js';
import type { GraderInfo } from '../schema/run-record.js';
import { createDiskCache } from './cache.js';
import { type CachePolicy, cachedChatModel } from './cached-agent.js';
import { buildRunHeader, type RunHeaderFields } from './header.js';
import { newRunId } from './run-id.js';
import type { RunVariant } from './run.js';
import { type Selection, selectCases } from './selection.js';
import { buildVariants } from './variants.js';

/** What the command line may say on top of (or instead of) the config file. */
export interface RunRequest {
  configPath?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  goldenPaths?: string[];
  /** Variant names from the config, or agent kinds (`baseline`, `transcript`) for a one-off run. */
  agents?: string[];
  /** Grader names applied to every case (replaces the config's defaultGraders). */
  graders?: string[];
  selection?: Selection;
  repeat?: number;
  concurrency?: number;
  cache?: boolean;
  cacheOnly?: boolean;
  maxCost?: number;
  outPath?: string;
  /** Replaces the config's judge model (`regrade --judge anthropic:claude-sonnet-4-5`). */
  judge?: { provider: 'openai' | 'anthropic'; model: string };
  fetch?: typeof fetch;
}

export interface PreparedRun {
  config: Config;
  configDir: string;
  cases: ResolvedCase[];
  variants: RunVariant[];
  graders: Grader[];
  defaultGraders: Set<string>;
  header: RunHeaderFields;
  outPath: string;
  cache?: CachePolicy;
  judge?: ChatModel;
}

/** What grading needs: config, cases, graders (with the judge), and their hashes. */
export interface PreparedGrading {
  config: Config;
  configDir: string;
  configSource: string;
  cases: ResolvedCase[];
  goldenFiles: Array<{ path: string; sha256: string }>;
  graders: Grader[];
  graderInfos: GraderInfo[];
  defaultGraders: Set<string>;
  cache?: CachePolicy;
  judge?: ChatModel;
}

/**
 * Loads config, golden sets and grader definitions and builds the graders (with a cached,
 * concurrency-limited judge when its key is set). Shared by `run` and `regrade`.
 */
export async function prepareGrading(request: Omit<RunRequest, 'agents'>): Promise<PreparedGrading> {
  const { cwd, env } = request;
  const loaded = await loadConfig(request.configPath, cwd);
  const config = request.judge
    ? { ...loaded.config, judge: JudgeConfigSchema.parse({ ...(loaded.config.judge?.provider === request.judge.provider ? loaded.config.judge : {}), ...request.judge }) }
    : loaded.config;
  const fromConfig = (p: string) => path.relative(cwd, path.resolve(loaded.dir, p)) || '.';

  const graderPaths = config.graders.map(fromConfig).filter((p) => existsSync(path.resolve(cwd, p)));
  const graderFiles = await loadAvailableGraders(graderPaths, { cwd });
  assertNoProblems(graderFiles.problems);
  const knownGraders = new Set(graderFiles.graders.map((g) => String(g.definition['name'])));
  assertNoProblems(configProblems(loaded, { cwd, knownGraders }));

  const goldenPaths = request.goldenPaths?.length ? request.goldenPaths : config.goldenSets.map(fromConfig);
  const golden = await loadGoldenSets(goldenPaths, { cwd, knownGraders });
  assertNoProblems(golden.problems);
  const cases = selectCases(golden.cases, request.selection ?? { filters: [], caseIds: [] });
  if (cases.length === 0) throw new InputError(`no cases selected from ${goldenPaths.join(', ')}`);

  const cacheOn = (request.cache ?? config.cache) || request.cacheOnly === true;
  const cache: CachePolicy | undefined = cacheOn
    ? { cache: createDiskCache(path.resolve(loaded.dir, config.cacheDir)), only: request.cacheOnly === true }
    : undefined;

  const judgeSkip = config.judge ? missingKey(config.judge, env) : 'no judge is configured';
  let judge: ChatModel | undefined;
  if (config.judge && !judgeSkip) {
    const limit = pLimit(config.concurrency.judge);
    const raw = createChatModel(config.judge, { env, ...(request.fetch ? { fetch: request.fetch } : {}) });
    const cached = cache ? cachedChatModel(raw, cache, (r) => (r.schema ? { name: r.schema.name, schema: jsonSchemaOf(r.schema.schema) } : null)) : raw;
    judge = { provider: cached.provider, model: cached.model, chat: (r) => limit(() => cached.chat(r)) };
  }
  const redactor = config.redaction.enabled && config.redaction.beforeJudge ? createRedactor(config.redaction) : undefined;
  // A shipped definition is used when asked for (by name, or `default: true`): the others stay out
  // of the header and are never listed as skipped.
  const asked = new Set([...(request.graders ?? config.defaultGraders), ...golden.cases.flatMap((c) => c.graders)]);
  const usedFiles = graderFiles.graders.filter((g) => !graderFiles.shipped.has(g) || asked.has(String(g.definition['name'])) || g.definition['default'] === true);
  const graderSet = loadGraders(usedFiles, {
    ...(judge ? { judge } : {}),
    ...(redactor ? { redactForJudge: (text: string) => redactor.redactText(text) } : {}),
    cwd,
    ...(config.judge ? { judgeParams: { temperature: config.judge.temperature, ...(config.judge.seed !== undefined ? { seed: config.judge.seed } : {}) } } : {}),
  });
  assertNoProblems(graderSet.problems);
  // Say exactly why model-based graders were skipped (e.g. which key is missing).
  const graderInfos = graderSet.infos.map((g) => (g.skipped && judgeSkip ? { ...g, skipped: `needs a judge model: ${judgeSkip}` } : g));
  const defaultGraders = new Set(
    request.graders ?? [...config.defaultGraders, ...usedFiles.filter((g) => g.definition['default'] === true).map((g) => String(g.definition['name']))],
  );
  for (const name of request.graders ?? []) {
    if (!knownGraders.has(name)) throw new InputError(`no grader named "${name}"${didYouMean(name, knownGraders)} (known: ${[...knownGraders].sort().join(', ')})`, { file: '', field: '--graders' });
  }

  return {
    config,
    configDir: loaded.dir,
    configSource: loaded.source,
    cases,
    goldenFiles: golden.files,
    graders: graderSet.graders,
    graderInfos,
    defaultGraders,
    ...(cache ? { cache } : {}),
    ...(judge ? { judge } : {}),
  };
}

/**
 * Loads everything a run needs (config, golden sets, grader definitions, agents, judge) and
 * builds its header. Bad input throws InputError (exit 2) before anything is called.
 */
export async function prepareRun(request: RunRequest): Promise<PreparedRun> {
  const { cwd, env } = request;
  const grading = await prepareGrading(request);
  const { config, cases, cache, judge, defaultGraders } = grading;
  const loaded = { dir: grading.configDir, source: grading.configSource };
  const agentEntries = chooseAgents(config, request.agents);
  const built = await buildVariants(agentEntries, {
    configDir: loaded.dir,
    env,
    ...(request.fetch ? { fetch: request.fetch } : {}),
    ...(cache ? { cache } : {}),
    readFile: (p) => readFile(path.resolve(loaded.dir, p), 'utf8'),
  });
  const needsVariants = cases.some((c) => c.turns);
  if (needsVariants && built.variants.length === 0) {
    const reasons = built.infos.map((v) => `${v.name}: ${v.skipped}`).join('; ');
    throw new ConvotestError('E_CONFIG', `no variant can run${reasons ? ` (${reasons})` : ''}; add one, e.g. --agent baseline`);
  }

  const runId = newRunId();
  const outPath = request.outPath ?? path.join(path.relative(cwd, path.resolve(loaded.dir, config.outDir)) || '.', `${runId}.jsonl`);
  const header = await buildRunHeader(grading, {
    runId,
    cwd,
    variants: built.infos,
    repeat: request.repeat ?? config.repeat,
    ...(request.selection && (request.selection.filters.length || request.selection.caseIds.length) ? { selection: { ...request.selection } } : {}),
  });
  return {
    config: { ...config, ...(request.maxCost !== undefined ? { maxCost: request.maxCost } : {}), ...(request.concurrency ? { concurrency: { ...config.concurrency, agent: request.concurrency } } : {}) },
    configDir: loaded.dir,
    cases,
    variants: built.variants,
    graders: grading.graders,
    defaultGraders,
    header,
    outPath,
    ...(cache ? { cache } : {}),
    ...(judge ? { judge } : {}),
  };
}

/** The variants to run: all configured ones, or those named; a bare agent kind makes a one-off variant. */
function chooseAgents(config: Config, names: string[] | undefined): Array<[string, AgentConfig]> {
  if (!names?.length) {
    const all = Object.entries(config.agents);
    return all.length > 0 ? all : [['baseline', AgentConfigSchema.parse({ kind: 'baseline' })]];
  }
  return names.map((name): [string, AgentConfig] => {
    const configured = config.agents[name];
    if (configured) return [name, configured];
    if (name === 'baseline' || name === 'transcript') return [name, AgentConfigSchema.parse({ kind: name })];
    const known = Object.keys(config.agents);
    throw new InputError(
      `--agent "${name}": not a variant in the config${known.length ? ` (variants: ${known.join(', ')})` : ''} nor a kind that needs no settings (baseline, transcript)`,
    );
  });
}
