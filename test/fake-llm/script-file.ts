import { z } from 'zod';
import { CustomerScriptSchema, customerRule, customerScriptsOf } from './customer.js';
import { faultMix } from './faults.js';
import type { FakeLlmOptions, FaultRule, RuleMatch, ScriptRule, TextPattern } from './types.js';

/**
 * The JSON form of a fake-LLM script (for cli.ts and the `/_fake/script` control endpoint).
 * Patterns are strings (case-insensitive substring) or `{ "regex": "...", "flags": "i" }`;
 * replies are data (no functions).
 *
 * @example
 * { "latencyMs": 50,
 *   "script": [{ "match": { "lastUser": { "regex": "refund", "flags": "i" } }, "reply": { "text": "Refund issued." } }],
 *   "faults": [{ "kind": "rate_limit", "probability": 0.2, "seed": 7, "retryAfterMs": 5 }] }
 */
const PatternSchema = z.union([z.string(), z.strictObject({ regex: z.string(), flags: z.string().optional() })]);

const MatchSchema = z.strictObject({
  lastUser: PatternSchema.optional(),
  system: PatternSchema.optional(),
  model: PatternSchema.optional(),
  provider: z.enum(['openai', 'anthropic']).optional(),
  judge: z.boolean().optional(),
  afterTool: z.boolean().optional(),
});

const ReplySchema = z.union([
  z.strictObject({ text: z.string() }),
  z.strictObject({
    toolCalls: z.array(z.strictObject({ name: z.string(), arguments: z.unknown().optional(), id: z.string().optional() })),
    text: z.string().optional(),
  }),
  z.strictObject({ structured: z.unknown() }),
  z.strictObject({ refusal: z.string() }),
]);

const RuleSchema = z.strictObject({
  name: z.string().optional(),
  match: MatchSchema.optional(),
  reply: ReplySchema,
  latencyMs: z.number().nonnegative().optional(),
  model: z.string().optional(),
  usage: z
    .strictObject({ input: z.number().int().optional(), output: z.number().int().optional(), cached: z.number().int().optional() })
    .optional(),
  times: z.number().int().positive().optional(),
  omitUsage: z.boolean().optional(),
});

const FaultSchema = z.strictObject({
  kind: z.enum(['rate_limit', 'server_error', 'overloaded', 'timeout', 'malformed', 'drop', 'auth']),
  match: MatchSchema.optional(),
  times: z.number().int().nonnegative().optional(),
  probability: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
  retryAfter: z.number().nonnegative().optional(),
  retryAfterMs: z.number().nonnegative().optional(),
  hangMs: z.number().nonnegative().optional(),
});

export const ScriptFileSchema = z.strictObject({
  script: z.array(RuleSchema).default([]),
  /** A scripted customer answering the simulator's requests (before the script's rules): see customer.ts. */
  customer: z.array(CustomerScriptSchema).optional(),
  faults: z.array(FaultSchema).default([]),
  /** Appended to `faults`: a total share split evenly over kinds (see faultMix). */
  faultMix: z
    .strictObject({
      total: z.number().min(0).max(1),
      kinds: z.array(FaultSchema.shape.kind).min(1),
      seed: z.number().int().optional(),
      retryAfter: z.number().nonnegative().optional(),
      retryAfterMs: z.number().nonnegative().optional(),
      hangMs: z.number().nonnegative().optional(),
    })
    .optional(),
  latencyMs: z.number().nonnegative().optional(),
  log: z.boolean().optional(),
  modelIds: z.record(z.string(), z.string()).optional(),
  rejectParams: z.array(z.string()).optional(),
  port: z.number().int().min(0).max(65535).optional(),
});
export type ScriptFile = z.input<typeof ScriptFileSchema>;

function pattern(p: z.infer<typeof PatternSchema> | undefined): TextPattern | undefined {
  if (p === undefined || typeof p === 'string') return p;
  return new RegExp(p.regex, p.flags);
}

function match(m: z.infer<typeof MatchSchema> | undefined): RuleMatch | undefined {
  if (!m) return undefined;
  const out: RuleMatch = {};
  for (const key of ['lastUser', 'system', 'model'] as const) {
    const value = pattern(m[key]);
    if (value !== undefined) out[key] = value;
  }
  if (m.provider !== undefined) out.provider = m.provider;
  if (m.judge !== undefined) out.judge = m.judge;
  if (m.afterTool !== undefined) out.afterTool = m.afterTool;
  return out;
}

/** Parses the JSON form into server options (throws a zod error naming the bad field). */
export function parseScriptFile(json: unknown): FakeLlmOptions & { script: ScriptRule[]; faults: FaultRule[] } {
  const file = ScriptFileSchema.parse(json);
  return {
    script: [
      ...(file.customer ? [customerRule(customerScriptsOf(file.customer))] : []),
      ...file.script.map(({ match: m, ...rule }) => ({ ...rule, match: match(m) }) as ScriptRule),
    ],
    faults: [
      ...file.faults.map(({ match: m, ...fault }) => ({ ...fault, match: match(m) })),
      ...(file.faultMix ? faultMix(file.faultMix.total, file.faultMix.kinds, withoutMixFields(file.faultMix)) : []),
    ],
    ...(file.latencyMs !== undefined ? { latencyMs: file.latencyMs } : {}),
    ...(file.log !== undefined ? { log: file.log } : {}),
    ...(file.modelIds !== undefined ? { modelIds: file.modelIds } : {}),
    ...(file.rejectParams !== undefined ? { rejectParams: file.rejectParams } : {}),
    ...(file.port !== undefined ? { port: file.port } : {}),
  };
}

function withoutMixFields(mix: { total: number; kinds: unknown[] } & Omit<FaultRule, 'kind' | 'probability' | 'times'>) {
  const { total: _total, kinds: _kinds, ...rest } = mix;
  return rest;
}
