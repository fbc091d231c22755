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
import { createRateLimiterPool, estimateUsage, loadChatModel, missingKey } from '../models/index.js';
import type { ChatModel } from '../models/chat.js';
import { createPricer } from '../core/cost.js';
import { batchPrices, DEFAULT_PRICES } from '../models/pricing.js';
import { createBatchClient } from '../models/batch/index.js';
import { type BatchRounds, createBatchRounds } from './batch-rounds.js';
import { jsonSchemaOf } from '../models/structured.js';
import { type AgentConfig, AgentConfigSchema, BatchConfigSchema, type Config, JudgeConfigSchema, type ModelRef } from '../schema/config.js';
import type { ResolvedCase } from '../schema/golden-set.js';
import type { GraderInfo } from '../schema/run-record.js';
import { createDiskCache } from '../io/cache.js';
import { type CachePolicy, cachedChatModel } from './cached-agent.js';
import { buildRunHeader, type RunHeaderFields } from './header.js';
import { newRunId } from './run-id.js';
import type { RunVariant } from './run.js';
import { type Selection, selectCases, selectionRecord, shardCases } from './selection.js';
import { type Budget, createBudget } from './budget.js';
import { assertNothingSkipped, assertPriced } from './skips.js';
import { type RateLimiterPool, buildVariants, limitedChatModel } from './variants.js';
import { buildSimulator, simulatorSkipLine } from './simulator-model.js';
import type { Simulator } from '../simulator/simulator.js';

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
  /** Run even when, in CI, a variant or grader asked for cannot run (`--allow-skip`). */
  allowSkip?: boolean;
  outPath?: string;
  /** Replaces the config's judge model (`regrade --judge anthropic:claude-sonnet-4-5`). */
  judge?: { provider: 'openai' | 'anthropic'; model: string };
  /** `--batch`: agent and judge model calls go through the providers' batch APIs (also the config's `batch.enabled`). */
  batch?: boolean;
  fetch?: typeof fetch;
}

export interface PreparedRun {
  config: Config;
  configDir: string;
  /** The config file (relative to cwd) and its text, to name file and line in later problems. */
  configFile?: string;
  configSource: string;
  cases: ResolvedCase[];
  variants: RunVariant[];
  graders: Grader[];
  defaultGraders: Set<string>;
  header: RunHeaderFields;
  outPath: string;
  cache?: CachePolicy;
  judge?: ChatModel;
  /** Plays the customer of `user:` cases (absent when they were left out: see header.simulator). */
  simulator?: Simulator;
  /** `maxCost`: every variant, judge and simulator call goes through it. */
  budget?: Budget;
  /** Batch mode: the rounds the model calls of the variants and the judge go through. */
  batch?: BatchRounds;
}

/** What grading needs: config, cases, graders (with the judge), and their hashes. */
export interface PreparedGrading {
  config: Config;
  configDir: string;
  /** The config file, relative to cwd (absent when none was found and defaults apply). */
  configFile?: string;
  configSource: string;
  cases: ResolvedCase[];
  goldenFiles: Array<{ path: string; sha256: string }>;
  graders: Grader[];
  graderInfos: GraderInfo[];
  defaultGraders: Set<string>;
  cache?: CachePolicy;
  judge?: ChatModel;
  /** Requests-per-minute limiters per provider and base URL, shared by the judge and the variants. */
  rateLimits: RateLimiterPool;
  budget?: Budget;
  batch?: BatchRounds;
}

/**
 * Loads config, golden sets and grader definitions and builds the graders (with a cached,
 * concurrency-limited judge when its key is set). Shared by `run` and `regrade`; with
 * `budget` (a run) and a `maxCost`, the judge's calls go through the run's budget.
 */
export async function prepareGrading(request: Omit<RunRequest, 'agents'>, options: { budget?: boolean; batch?: boolean } = {}): Promise<PreparedGrading> {
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
  const selected = selectCases(golden.cases, request.selection ?? { filters: [], caseIds: [] });
  if (selected.length === 0) throw new InputError(`no cases selected from ${goldenPaths.join(', ')}`);
  // A shard may hold no case (more shards than cases): that shard's run records none.
  const cases = shardCases(selected, request.selection?.shard);

  const cacheOn = (request.cache ?? config.cache) || request.cacheOnly === true;
  const cache: CachePolicy | undefined = cacheOn
    ? { cache: createDiskCache(path.resolve(loaded.dir, config.cacheDir)), only: request.cacheOnly === true }
    : undefined;

  const maxCost = request.maxCost ?? config.maxCost;
  const budget = options.budget && maxCost !== undefined ? createBudget({ limit: maxCost, price: createPricer(DEFAULT_PRICES, config.pricing), countInput: (m) => estimateUsage([...m], '').input }) : undefined;
  const rateLimits = createRateLimiterPool();
  const batch = options.batch && (request.batch === true || config.batch?.enabled === true) ? createRunBatchRounds(config, budget) : undefined;
  const judgeSkip = config.judge ? missingKey(config.judge, env) : 'no judge is configured';
  let judge: ChatModel | undefined;
  if (config.judge && !judgeSkip && batch) {
    const batched = batch.chatModel(createBatchClient(config.judge, { env, ...(request.fetch ? { fetch: request.fetch } : {}) }), 'judge', 'judge');
    judge = cache ? cachedChatModel(batched, cache, (r) => (r.schema ? { name: r.schema.name, schema: jsonSchemaOf(r.schema.schema) } : null)) : batched;
  } else if (config.judge && !judgeSkip) {
    const limit = pLimit(config.concurrency.judge);
    const raw = limitedChatModel(await loadChatModel(config.judge, { env, ...(request.fetch ? { fetch: request.fetch } : {}) }), config.judge, { rateLimits, budget, budgetKey: 'judge' });
    const cached = cache ? cachedChatModel(raw, cache, (r) => (r.schema ? { name: r.schema.name, schema: jsonSchemaOf(r.schema.schema) } : null)) : raw;
    judge = { provider: cached.provider, model: cached.model, chat: (r) => limit(() => cached.chat(r)) };
  }
  const redactor = config.redaction.enabled && config.redaction.beforeJudge ? createRedactor(config.redaction) : undefined;
  // A shipped definition is used when asked for (by name, or `default: true`): the others stay out
  // of the header and are never listed as skipped.
  const named = new Set([...(request.graders ?? config.defaultGraders), ...golden.cases.flatMap((c) => c.graders)]);
  const usedFiles = graderFiles.graders.filter((g) => !graderFiles.shipped.has(g) || named.has(String(g.definition['name'])) || g.definition['default'] === true);
  const graderSet = loadGraders(usedFiles, {
    ...(judge ? { judge } : {}),
    ...(redactor ? { redactForJudge: (text: string) => redactor.redactText(text) } : {}),
    cwd,
    ...(config.judge ? { judgeParams: { temperature: config.judge.temperature, ...(config.judge.seed !== undefined ? { seed: config.judge.seed } : {}) } } : {}),
  });
  assertNoProblems(graderSet.problems);
  const defaultGraders = new Set(
    request.graders ?? [...config.defaultGraders, ...usedFiles.filter((g) => g.definition['default'] === true).map((g) => String(g.definition['name']))],
  );
  for (const name of request.graders ?? []) {
    if (!knownGraders.has(name)) throw new InputError(`no grader named "${name}"${didYouMean(name, knownGraders)} (known: ${[...knownGraders].sort().join(', ')})`, { file: '', field: '--graders' });
  }
  // A grader is skipped only when the run asks for it (a default, or named by a selected case, on
  // any shard: every shard's header lists the same graders), and the reason says exactly why (e.g. which key is missing); the others are simply unused.
  const asked = new Set([...defaultGraders, ...selected.flatMap((c) => c.graders)]);
  const graderInfos = graderSet.infos.map((g) => {
    if (!g.skipped) return g;
    if (!asked.has(g.name)) {
      const { skipped: _unused, ...rest } = g;
      return rest;
    }
    return judgeSkip ? { ...g, skipped: `needs a judge model: ${judgeSkip}` } : g;
  });

  return {
    config,
    configDir: loaded.dir,
    ...(loaded.path ? { configFile: path.relative(cwd, loaded.path) || loaded.path } : {}),
    configSource: loaded.source,
    cases,
    goldenFiles: golden.files,
    graders: graderSet.graders,
    graderInfos,
    defaultGraders,
    ...(cache ? { cache } : {}),
    ...(judge ? { judge } : {}),
    rateLimits,
    ...(budget ? { budget } : {}),
    ...(batch ? { batch } : {}),
  };
}

/**
 * Loads everything a run needs (config, golden sets, grader definitions, agents, judge) and
 * builds its header. Bad input throws InputError (exit 2) before anything is called.
 */
export async function prepareRun(request: RunRequest): Promise<PreparedRun> {
  const { cwd, env } = request;
  const grading = await prepareGrading(request, { budget: true, batch: true });
  const { config, cache, judge, defaultGraders, graderInfos, budget, batch } = grading;
  const loaded = { dir: grading.configDir, source: grading.configSource };
  const agentEntries = chooseAgents(config, request.agents);
  const built = await buildVariants(agentEntries, {
    configDir: loaded.dir,
    env,
    ...(request.fetch ? { fetch: request.fetch } : {}),
    ...(cache ? { cache } : {}),
    readFile: (p) => readFile(path.resolve(loaded.dir, p), 'utf8'),
    rateLimits: grading.rateLimits,
    ...(budget ? { budget: { budget, estimate: (messages, reply) => estimateUsage([...messages], reply) } } : {}),
    ...(batch
      ? { batchModel: (ref: ModelRef, name: string) => batch.chatModel(createBatchClient(ref, { env, ...(request.fetch ? { fetch: request.fetch } : {}) }), 'agent', name) }
      : {}),
  });
  const simulation = buildSimulator(config.simulator, grading.cases, {
    env,
    ...(request.fetch ? { fetch: request.fetch } : {}),
    ...(cache ? { cache } : {}),
    rateLimits: grading.rateLimits,
    ...(budget ? { budget } : {}),
  });
  assertNothingSkipped({ variants: built.infos, graders: graderInfos, simulator: simulation.info }, { env, allowSkip: request.allowSkip === true || config.allowSkip });
  if (budget) {
    assertPriced(
      [
        ...built.infos.filter((v) => !v.skipped).map((v) => ({ model: v.model, who: `variant ${v.name}` })),
        ...(judge ? [{ model: judge.model, who: 'the judge' }] : []),
        ...(simulation.simulator ? [{ model: simulation.simulator.model, who: 'the simulator' }] : []),
      ],
      config,
    );
  }
  // Simulated-customer cases without a simulator are left out (listed as skipped), like variants without a key.
  const cases = simulation.simulator ? grading.cases : grading.cases.filter((c) => !c.user);
  if (cases.length === 0) throw new ConvotestError('E_CONFIG', `no case can run: ${simulatorSkipLine(simulation.info) ?? 'none selected'}`);
  const needsVariants = cases.some((c) => c.turns || c.user);
  if (needsVariants && built.variants.length === 0) {
    const reasons = built.infos.map((v) => `${v.name}: ${v.skipped}`).join('; ');
    throw new ConvotestError('E_CONFIG', `no variant can run${reasons ? ` (${reasons})` : ''}; add one, e.g. --agent baseline`);
  }

  const runId = newRunId();
  const outPath = request.outPath ?? path.join(path.relative(cwd, path.resolve(loaded.dir, config.outDir)) || '.', `${runId}.jsonl`);
  const selection = selectionRecord(request.selection);
  const header = await buildRunHeader(grading, {
    runId,
    cwd,
    variants: built.infos,
    ...(simulation.info ? { simulator: simulation.info } : {}),
    repeat: request.repeat ?? config.repeat,
    ...(selection ? { selection } : {}),
  });
  return {
    config: { ...config, ...(request.maxCost !== undefined ? { maxCost: request.maxCost } : {}), ...(request.concurrency ? { concurrency: { ...config.concurrency, agent: request.concurrency } } : {}) },
    configDir: loaded.dir,
    ...(grading.configFile ? { configFile: grading.configFile } : {}),
    configSource: grading.configSource,
    cases,
    variants: built.variants,
    graders: grading.graders,
    defaultGraders,
    header,
    outPath,
    ...(cache ? { cache } : {}),
    ...(judge ? { judge } : {}),
    ...(simulation.simulator ? { simulator: simulation.simulator } : {}),
    ...(budget ? { budget } : {}),
    ...(batch ? { batch } : {}),
  };
}

/** The batch rounds of a run: the config's batch settings, batch prices, the run's budget. */
function createRunBatchRounds(config: Config, budget: Budget | undefined): BatchRounds {
  return createBatchRounds({
    settings: config.batch ?? BatchConfigSchema.parse({}),
    price: createPricer(batchPrices(DEFAULT_PRICES), batchPrices(config.pricing)),
    countInput: (messages) => estimateUsage([...messages], '').input,
    budget,
  });
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
