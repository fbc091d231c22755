import { sha256 } from '../io/hash-chain.js';
import { configForRecord } from '../io/secrets.js';
import type { Config } from '../schema/config.js';
import { RUN_FORMAT_VERSION, type RunHeader, type SimulatorInfo, type VariantInfo } from '../schema/run-record.js';
import { TOOL_VERSION } from '../version.js';
import { gitState } from './git.js';
import type { PreparedGrading } from './prepare.js';

/** A run header before the writer adds `type` and `prev`. */
export type RunHeaderFields = Omit<RunHeader, 'type' | 'prev'>;

/** What differs between a run and a regrade; everything else comes from the prepared grading. */
export interface HeaderRequest {
  runId: string;
  /** Working folder: its git commit is recorded. */
  cwd: string;
  variants: VariantInfo[];
  /** The simulator of simulated-customer cases (or why they were left out). */
  simulator?: SimulatorInfo;
  repeat: number;
  selection?: Record<string, unknown>;
  /** A regrade names the run whose transcripts it graded. */
  sourceRun?: NonNullable<RunHeader['sourceRun']>;
}

/**
 * The one place a run header is built, for `run` and `regrade` alike: tool version, time, git
 * commit, the configuration and the hashes of config, golden sets and graders, the graders
 * (with why any was skipped) and the judge with its temperature and seed.
 *
 * @example
 * const header = await buildRunHeader(grading, { runId, cwd, variants, repeat: 1 });
 */
export async function buildRunHeader(grading: PreparedGrading, request: HeaderRequest): Promise<RunHeaderFields> {
  const { config } = grading;
  const git = await gitState(request.cwd);
  return {
    format: RUN_FORMAT_VERSION,
    runId: request.runId,
    tool: { name: 'convotest', version: TOOL_VERSION },
    startedAt: new Date().toISOString(),
    ...(git ? { git } : {}),
    config: configForRecord(config) as Record<string, unknown>,
    hashes: {
      config: sha256(grading.configSource || JSON.stringify(config)),
      goldenSets: Object.fromEntries(grading.goldenFiles.map((f) => [f.path, f.sha256])),
      graders: Object.fromEntries(grading.graderInfos.map((g) => [g.name, g.hash])),
    },
    variants: request.variants,
    graders: grading.graderInfos,
    ...(config.judge ? { judge: judgeInfo(config.judge) } : {}),
    ...(request.simulator ? { simulator: request.simulator } : {}),
    repeat: request.repeat,
    ...(request.selection ? { selection: request.selection } : {}),
    ...(request.sourceRun ? { sourceRun: request.sourceRun } : {}),
  };
}

function judgeInfo(judge: NonNullable<Config['judge']>): NonNullable<RunHeader['judge']> {
  return { provider: judge.provider, model: judge.model, temperature: judge.temperature, ...(judge.seed !== undefined ? { seed: judge.seed } : {}) };
}

/**
 * How a record is summarised and sealed, from the config: the summary's `minCasePassRate` and the
 * HMAC key that signs the record's digest (read from the env var the config names).
 */
export function recordSettings(config: Config, env: NodeJS.ProcessEnv): { minCasePassRate?: number; signingKey?: string } {
  const signingKey = config.signingKeyEnv ? env[config.signingKeyEnv] : undefined;
  return {
    ...(config.gate.minCasePassRate !== undefined ? { minCasePassRate: config.gate.minCasePassRate } : {}),
    ...(signingKey ? { signingKey } : {}),
  };
}
