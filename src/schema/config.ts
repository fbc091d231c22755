import * as z from 'zod';
import { GateRulesSchema } from './gate.js';
import { ToolDefinitionSchema } from './message.js';
import { RedactionConfigSchema } from './redaction.js';

/**
 * convotest configuration (`convotest.config.ts` via `defineConfig`, or `convotest.config.yaml`).
 * Secrets are never values here: only the *names* of environment variables (`apiKeyEnv`).
 */

/** An env var name, e.g. OPENAI_API_KEY. */
export const EnvNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

/** A header value: plain text, or read from an env var (optionally prefixed, e.g. "Bearer "). */
export const HeaderValueSchema = z.union([
  z.string(),
  z.strictObject({ env: EnvNameSchema, prefix: z.string().optional() }),
]);

export const ModelParamsSchema = z.strictObject({
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().positive().optional(),
  topP: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
});
export type ModelParams = z.infer<typeof ModelParamsSchema>;

export const ProviderSchema = z.enum(['openai', 'anthropic']);
export type Provider = z.infer<typeof ProviderSchema>;

/** How to reach a model: provider + model, with optional OpenAI-compatible baseURL. */
export const ModelRefSchema = z.strictObject({
  provider: ProviderSchema,
  model: z.string().min(1),
  /** Any OpenAI-compatible server (vLLM, Ollama, llama.cpp, Azure, Groq...) for provider openai. */
  baseURL: z.string().url().optional(),
  /** Env var holding the base URL (default OPENAI_BASE_URL / ANTHROPIC_BASE_URL, read by the SDKs). */
  baseURLEnv: EnvNameSchema.optional(),
  /** Env var holding the API key (default OPENAI_API_KEY / ANTHROPIC_API_KEY). */
  apiKeyEnv: EnvNameSchema.optional(),
  maxRetries: z.number().int().min(0).max(10).default(2),
  timeoutMs: z.number().int().positive().default(60_000),
  /** Requests per minute for this provider, shared by every variant that uses it. */
  rpm: z.number().positive().optional(),
});
export type ModelRef = z.infer<typeof ModelRefSchema>;

const agentCommon = {
  description: z.string().optional(),
};

export const ModelAgentSchema = z.strictObject({
  ...agentCommon,
  ...ModelRefSchema.shape,
  kind: z.literal('model'),
  /** The system prompt, inline. */
  system: z.string().optional(),
  /** The system prompt from a file (relative to the config), so prompt variants are files. */
  systemFile: z.string().optional(),
  params: ModelParamsSchema.default({}),
  /** Tools to offer: `expected` (the case's expected tools, as open schemas), `none`, or a list. */
  tools: z.union([z.enum(['expected', 'none']), z.array(ToolDefinitionSchema)]).default('none'),
  /** Max agent steps (tool round-trips) per user turn. */
  maxSteps: z.number().int().positive().default(4),
});

export const HttpAgentSchema = z.strictObject({
  ...agentCommon,
  kind: z.literal('http'),
  url: z.string().url(),
  method: z.enum(['POST', 'PUT', 'GET']).default('POST'),
  headers: z.record(z.string(), HeaderValueSchema).default({}),
  /**
   * Request body template (any JSON). String values may contain placeholders:
   * `{{messages}}` (the conversation so far, OpenAI shape), `{{message}}` (last user message),
   * `{{caseId}}`, `{{sessionId}}`, `{{turn}}`. A string that is exactly one placeholder is
   * replaced by the value itself (so `{{messages}}` becomes an array).
   */
  body: z.unknown().default({ messages: '{{messages}}', session_id: '{{sessionId}}' }),
  response: z
    .strictObject({
      /** JSON path (dot/bracket, e.g. `choices[0].message.content`) to the reply text. */
      reply: z.string().default('reply'),
      toolCalls: z.string().optional(),
      escalated: z.string().optional(),
      usage: z
        .strictObject({ input: z.string(), output: z.string(), cached: z.string().optional() })
        .optional(),
    })
    .default({ reply: 'reply' }),
  timeoutMs: z.number().int().positive().default(30_000),
  maxRetries: z.number().int().min(0).max(10).default(2),
  /** Model name used for token estimates and pricing, if the bot is a known model. */
  model: z.string().optional(),
});

export const ModuleAgentSchema = z.strictObject({
  ...agentCommon,
  kind: z.literal('module'),
  /** A TS/JS file (relative to the config) exporting an agent function. */
  path: z.string().min(1),
  export: z.string().default('default'),
  options: z.record(z.string(), z.unknown()).default({}),
});

export const TranscriptAgentSchema = z.strictObject({
  ...agentCommon,
  kind: z.literal('transcript'),
});

export const BaselineAgentSchema = z.strictObject({
  ...agentCommon,
  kind: z.literal('baseline'),
  /** Minimum retrieval score for a passage to be used as an answer. */
  minScore: z.number().nonnegative().default(1),
});

export const AgentConfigSchema = z.discriminatedUnion('kind', [
  ModelAgentSchema,
  HttpAgentSchema,
  ModuleAgentSchema,
  TranscriptAgentSchema,
  BaselineAgentSchema,
]);
export type AgentConfig = z.infer<typeof AgentConfigSchema>;
export type AgentKind = AgentConfig['kind'];

export const JudgeConfigSchema = z.strictObject({
  ...ModelRefSchema.shape,
  temperature: z.number().min(0).max(2).default(0),
  seed: z.number().int().optional(),
});
export type JudgeConfig = z.infer<typeof JudgeConfigSchema>;

/** The model that plays simulated customers (cases with a `user:` block). */
export const SimulatorConfigSchema = z.strictObject({
  ...ModelRefSchema.shape,
  temperature: z.number().min(0).max(2).default(0.7),
  seed: z.number().int().optional(),
  maxTokens: z.number().int().positive().default(400),
  /** The token the simulator writes to end the conversation. */
  stopToken: z.string().min(1).default('###STOP###'),
});
export type SimulatorConfig = z.infer<typeof SimulatorConfigSchema>;

export const PriceSchema = z.strictObject({
  /** USD per 1M input tokens. */
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cachedInput: z.number().nonnegative().optional(),
});
export type Price = z.infer<typeof PriceSchema>;

/** `run --batch`: agent and judge model calls go through the providers' batch APIs (README: Batch mode). */
export const BatchConfigSchema = z.strictObject({
  /** Run every `run` in batch mode (the `--batch` flag turns it on for one run). */
  enabled: z.boolean().default(false),
  /** First wait between two polls of a pending batch; it doubles up to `maxPollIntervalMs`. */
  pollIntervalMs: z.number().int().positive().default(30_000),
  maxPollIntervalMs: z.number().int().positive().default(600_000),
  /** Rounds an item that failed on the provider's side (expired, canceled, 5xx) is sent again before it is recorded as an error. */
  maxRetries: z.number().int().nonnegative().default(2),
});
export type BatchConfig = z.infer<typeof BatchConfigSchema>;

export const ConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  /** Golden-set files, folders or globs (relative to the config file). */
  goldenSets: z.array(z.string()).default(['golden-sets']),
  /** Named variants. */
  agents: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/), AgentConfigSchema).default({}),
  judge: JudgeConfigSchema.optional(),
  /** The model that plays the simulated customers of `user:` cases. */
  simulator: SimulatorConfigSchema.optional(),
  /** Grader definition files, folders or globs. */
  graders: z.array(z.string()).default(['graders']),
  /** Graders applied to every case, in addition to definitions marked `default: true`. */
  defaultGraders: z.array(z.string()).default([]),
  concurrency: z
    .strictObject({
      agent: z.number().int().positive().default(8),
      judge: z.number().int().positive().default(8),
    })
    .default({ agent: 8, judge: 8 }),
  repeat: z.number().int().positive().default(1),
  /** Per-turn timeout for an agent reply. */
  turnTimeoutMs: z.number().int().positive().default(120_000),
  outDir: z.string().default('runs'),
  cacheDir: z.string().default('.convotest-cache'),
  cache: z.boolean().default(true),
  /** Budget in USD for agent + judge cost together. */
  maxCost: z.number().positive().optional(),
  /** Price overrides per model id (USD per 1M tokens). */
  pricing: z.record(z.string(), PriceSchema).default({}),
  /** Provider batch APIs (`run --batch`); absent: interactive calls. */
  batch: BatchConfigSchema.optional(),
  /**
   * Errored conversations tolerated before the run exits 3: true or 0 (the default) none; a
   * number below 1 a share of the conversations (0.05: up to 5 %); 1 or more a count; false any.
   */
  failOnError: z.union([z.boolean(), z.number().nonnegative()]).default(true),
  /**
   * In CI (env `CI` set) a variant or grader the run asks for that cannot run (its API key not
   * set) is an error (exit 2); true lets the run go on without it, as it does locally.
   */
  allowSkip: z.boolean().default(false),
  gate: GateRulesSchema.default(GateRulesSchema.parse({})),
  redaction: RedactionConfigSchema.default(RedactionConfigSchema.parse({})),
  /** Write an HTML report beside each run. */
  htmlReport: z.boolean().default(true),
  /** Env var holding an HMAC key to sign run records and label files. */
  signingKeyEnv: EnvNameSchema.optional(),
});
export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
