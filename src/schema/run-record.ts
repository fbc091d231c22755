import * as z from 'zod';
import { KnowledgeDocSchema } from './golden-set.js';
import { GradeSchema } from './grade.js';
import { MessageSchema, UsageSchema } from './message.js';
import { SummarySchema } from './summary.js';

/**
 * The run record: `runs/<run-id>.jsonl`, one JSON object per line.
 *   line 1: `header`; then one `result` per (case, variant, repeat) as each finishes;
 *   last:   `summary` (absent when the run was killed).
 *   `run --batch` adds a `batch` line per provider batch as it is submitted (format 1.1, additive).
 * FORMAT VERSION: `convotest.run/1`. Bump the minor for additive changes, the major when a
 * reader of the old version would misread the new one. Readers reject unknown majors.
 * Every line carries `prev`: the SHA-256 (hex) of the previous line's bytes (without its
 * newline); the header's `prev` is 64 zeros. The summary carries the final `digest`.
 */
export const RUN_FORMAT = 'convotest.run';
export const RUN_FORMAT_MAJOR = 1;
export const RUN_FORMAT_VERSION = `${RUN_FORMAT}/${RUN_FORMAT_MAJOR}.2`;

export const RunStatusSchema = z.enum(['complete', 'interrupted', 'budget', 'failed', 'incomplete']);
export type RunStatus = z.infer<typeof RunStatusSchema>;

export const VariantInfoSchema = z.strictObject({
  name: z.string(),
  kind: z.string(),
  provider: z.string().optional(),
  model: z.string().optional(),
  /** SHA-256 of the variant's resolved configuration (system prompt text included). */
  hash: z.string().optional(),
  /** Set when the variant was not run (e.g. its API key is not set), with the reason. */
  skipped: z.string().optional(),
});
export type VariantInfo = z.infer<typeof VariantInfoSchema>;

export const GraderInfoSchema = z.strictObject({
  name: z.string(),
  kind: z.string(),
  scope: z.enum(['turn', 'conversation']),
  threshold: z.number().optional(),
  hash: z.string(),
  source: z.string().optional(),
  /** Set when the grader was not used (e.g. it needs a judge and none is configured). */
  skipped: z.string().optional(),
});
export type GraderInfo = z.infer<typeof GraderInfoSchema>;

export const JudgeInfoSchema = z.strictObject({
  provider: z.string(),
  model: z.string(),
  temperature: z.number().optional(),
  seed: z.number().optional(),
});

/**
 * The simulator of a run whose selection has simulated-customer cases: the model and settings, or
 * why those cases were left out (no simulator configured, its API key not set) and which they are.
 */
export const SimulatorInfoSchema = z.strictObject({
  provider: z.string().optional(),
  model: z.string().optional(),
  temperature: z.number().optional(),
  seed: z.number().optional(),
  stopToken: z.string().optional(),
  /** Set when the simulated-customer cases were not run, with the reason. */
  skipped: z.string().optional(),
  /** The ids of the cases left out (when `skipped`). */
  skippedCases: z.array(z.string()).optional(),
});
export type SimulatorInfo = z.infer<typeof SimulatorInfoSchema>;

export const RunHeaderSchema = z.object({
  type: z.literal('header'),
  format: z.string(),
  prev: z.string().optional(),
  runId: z.string(),
  tool: z.strictObject({ name: z.string(), version: z.string() }),
  startedAt: z.string(),
  git: z.strictObject({ commit: z.string(), dirty: z.boolean() }).optional(),
  /** The configuration, with secrets removed (only env var names are ever stored). */
  config: z.record(z.string(), z.unknown()),
  hashes: z.strictObject({
    config: z.string(),
    goldenSets: z.record(z.string(), z.string()),
    graders: z.record(z.string(), z.string()),
  }),
  variants: z.array(VariantInfoSchema),
  graders: z.array(GraderInfoSchema),
  judge: JudgeInfoSchema.optional(),
  /** Set when the selection has simulated-customer (`user:`) cases. */
  simulator: SimulatorInfoSchema.optional(),
  repeat: z.number().int().positive(),
  /** How the run was selected (`--filter`, `--case`), for the reader. */
  selection: z.record(z.string(), z.unknown()).optional(),
  /** Set on a regrade: the run whose transcripts were re-graded. */
  sourceRun: z.strictObject({ runId: z.string(), path: z.string(), digest: z.string().optional() }).optional(),
  /** Set on a resumed run: the run id and path that were continued. */
  resumedFrom: z.string().optional(),
  /** Set on a record written by `convotest merge`: the shard records it joined, in shard order. */
  merged: z
    .array(
      z.strictObject({
        /** `i/n`, from the shard record's `selection.shard`. */
        shard: z.string(),
        path: z.string(),
        runId: z.string(),
        /** The shard record's final digest, as verified when merging. */
        digest: z.string(),
        status: RunStatusSchema,
        results: z.number().int().nonnegative(),
      }),
    )
    .optional(),
});
export type RunHeader = z.infer<typeof RunHeaderSchema>;

/** A transcript message plus the measurements of the turn that produced it. */
export const TranscriptMessageSchema = MessageSchema.extend({
  latencyMs: z.number().nonnegative().optional(),
  usage: UsageSchema.optional(),
  costUsd: z.number().nullable().optional(),
  model: z.string().optional(),
  /** true when the reply was served from the response cache (latency is the recorded one). */
  cached: z.boolean().optional(),
  /** true when the message came from the case (scripted user turn, recorded transcript). */
  scripted: z.boolean().optional(),
  /** true when a simulated customer (the config's `simulator:`) wrote this user message. */
  simulated: z.boolean().optional(),
  /** Index of the scripted user turn this message belongs to. */
  turn: z.number().int().nonnegative().optional(),
});
export type TranscriptMessage = z.infer<typeof TranscriptMessageSchema>;

export const ResultErrorSchema = z.strictObject({
  code: z.string(),
  message: z.string(),
  /** Scripted user-turn index where it happened. */
  turn: z.number().int().optional(),
  retries: z.number().int().optional(),
});
export type ResultError = z.infer<typeof ResultErrorSchema>;

/** Why a simulated-customer conversation ended. */
export const SimulationEndSchema = z.enum([
  /** The simulator sent its stop token: goal met or given up. */
  'stop',
  /** An agent reply contained one of the case's `stop_phrases`. */
  'stop_phrase',
  /** `max_turns` customer messages were sent. */
  'max_turns',
  /** The agent escalated (handed over to a human). */
  'escalation',
  /** The agent call failed (the result's `error` says why). */
  'agent_error',
  /** The simulator call failed (the result's `error` says why). */
  'simulator_error',
]);
export type SimulationEnd = z.infer<typeof SimulationEndSchema>;

/** The simulated customer of a result: its brief and how the conversation ended. */
export const SimulationInfoSchema = z.strictObject({
  goal: z.string(),
  persona: z.string().optional(),
  language: z.string().optional(),
  /** The simulator model, `provider:model`. */
  simulator: z.string(),
  /** Customer messages sent. */
  turns: z.number().int().nonnegative(),
  endReason: SimulationEndSchema,
  usage: UsageSchema,
  /** Simulator cost (apart from agent and judge cost); null when the price is unknown. */
  costUsd: z.number().nullable(),
});
export type SimulationInfo = z.infer<typeof SimulationInfoSchema>;

export const RunResultSchema = z.object({
  type: z.literal('result'),
  prev: z.string().optional(),
  caseId: z.string(),
  variant: z.string(),
  repeat: z.number().int().nonnegative(),
  tags: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  source: z.string().optional(),
  /**
   * `replay` (scripted turns sent to the agent), `simulated` (a simulated customer talked to the
   * agent) or `recorded` (a transcript case graded as it is).
   */
  mode: z.enum(['replay', 'simulated', 'recorded']),
  /** Set when mode is `simulated`. */
  simulation: SimulationInfoSchema.optional(),
  transcript: z.array(TranscriptMessageSchema),
  /** SHA-256 of the transcript's roles, contents and tool calls: keys human labels. */
  transcriptHash: z.string(),
  usage: UsageSchema,
  judgeUsage: UsageSchema,
  /** Agent cost; null when the model's price is unknown. */
  costUsd: z.number().nullable(),
  judgeCostUsd: z.number().nullable(),
  latencyMs: z.number().nonnegative(),
  startedAt: z.string(),
  durationMs: z.number().nonnegative(),
  grades: z.array(GradeSchema),
  error: ResultErrorSchema.optional(),
  /** Counts of redacted PII per kind, when redaction is on. */
  redactions: z.record(z.string(), z.number()).optional(),
  /** The case's knowledge documents, so a reviewer sees what the agent was grounded on. */
  knowledge: z.array(KnowledgeDocSchema).optional(),
  /** In a merged record: the shard (`i/n`) whose record this result came from. */
  shard: z.string().optional(),
});
export type RunResult = z.infer<typeof RunResultSchema>;

let compiledResult: typeof RunResultSchema | undefined;

/**
 * {@link RunResultSchema} with zod's ahead-of-time compiled fast path (`z.compile`): the same
 * schema, the same output and the same issues (a result the fast path refuses is parsed again by
 * the regular parser, which words the issues). Readers that parse many results use it: it parses
 * a result about twice as fast and warms up sooner. Compiled on first use (~15 ms), so commands
 * that read no record never pay for it.
 * @example const parsed = runResultParser().safeParse(JSON.parse(line));
 */
export function runResultParser(): typeof RunResultSchema {
  return (compiledResult ??= z.compile(RunResultSchema));
}

export const RunSummaryLineSchema = z.object({
  type: z.literal('summary'),
  prev: z.string().optional(),
  status: RunStatusSchema,
  endedAt: z.string(),
  results: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  /**
   * The pure summary (src/core/summary.ts) at the end of the run. A summary of another shape
   * (an older or newer writer) reads as absent: readers then summarise the results themselves.
   */
  summary: SummarySchema.optional().catch(undefined),
  /** SHA-256 of the last line before this one: the chain's final digest. */
  digest: z.string().optional(),
  /** HMAC-SHA256 of this whole line before this key (always the last key), when signing is configured (io/hash-chain.ts). */
  signature: z.string().optional(),
  warnings: z.array(z.string()).optional(),
});
export type RunSummaryLine = z.infer<typeof RunSummaryLineSchema>;

/**
 * A provider batch of a `run --batch` (OpenAI Batch API, Anthropic Message Batches), written when
 * it is submitted, so that a killed run leaves its id behind: `--resume` reads the results of
 * these batches (matched by custom id) instead of submitting and paying again.
 */
export const RunBatchLineSchema = z.object({
  type: z.literal('batch'),
  prev: z.string().optional(),
  /** The provider's batch id. */
  id: z.string(),
  provider: z.enum(['openai', 'anthropic']),
  model: z.string(),
  /** Whose calls: a variant's replies (`agent`) or the judge's. */
  role: z.enum(['agent', 'judge']),
  /** The variant name, or `judge`. */
  name: z.string(),
  /** 1-based round of the run that sent (or, resumed, re-read) it. */
  round: z.number().int().positive(),
  /** Custom ids of the items, in the order sent. */
  items: z.array(z.string()),
  submittedAt: z.string(),
  /** true when a resumed run re-read a batch of the run it continues (nothing was sent). */
  resumed: z.boolean().optional(),
});
export type RunBatchLine = z.infer<typeof RunBatchLineSchema>;

export const RunLineSchema = z.discriminatedUnion('type', [RunHeaderSchema, RunResultSchema, RunBatchLineSchema, RunSummaryLineSchema]);
export type RunLine = z.infer<typeof RunLineSchema>;
