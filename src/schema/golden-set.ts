import * as z from 'zod';
import { MessageSchema } from './message.js';

/**
 * The golden-set file format. This schema is the contract: `convotest validate` checks files
 * against it and `schema/golden-set.schema.json` (generated from it) lets editors check YAML.
 */

/** A regex given as a string: `pattern`, `(?i)pattern` or `/pattern/flags`. Compiled in io/. */
export const RegexStringSchema = z.string().min(1);

export const TagsSchema = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
export type Tags = z.infer<typeof TagsSchema>;

export const KnowledgeDocSchema = z.strictObject({
  id: z.string().min(1),
  title: z.string().optional(),
  content: z.string().min(1),
});
export type KnowledgeDoc = z.infer<typeof KnowledgeDocSchema>;

/** An expected tool call: the name and, optionally, a subset of its arguments that must match. */
export const ExpectedToolSchema = z.strictObject({
  name: z.string().min(1),
  arguments: z.record(z.string(), z.unknown()).optional(),
});
export type ExpectedTool = z.infer<typeof ExpectedToolSchema>;

export const OutcomeSchema = z.enum(['resolved', 'escalated', 'abandoned', 'converted']);
export type Outcome = z.infer<typeof OutcomeSchema>;

const expectShape = {
  tools: z.array(ExpectedToolSchema).optional(),
  reference: z.string().optional(),
  must_match: z.array(RegexStringSchema).optional(),
  must_not_match: z.array(RegexStringSchema).optional(),
  /** Grader names that apply (in addition to the file's and config's defaults). */
  graders: z.array(z.string().min(1)).optional(),
};

export const TurnExpectSchema = z.strictObject(expectShape);
export type TurnExpect = z.infer<typeof TurnExpectSchema>;

export const ConversationExpectSchema = z.strictObject({
  ...expectShape,
  outcome: OutcomeSchema.optional(),
});
export type ConversationExpect = z.infer<typeof ConversationExpectSchema>;

export const TurnSchema = z.strictObject({
  user: z.string().min(1),
  expect: TurnExpectSchema.optional(),
});
export type Turn = z.infer<typeof TurnSchema>;

/**
 * A simulated customer instead of scripted turns: a model (the config's `simulator:`) plays the
 * customer with a hidden goal, reveals `facts` only when asked, and ends the conversation with a
 * stop token when the goal is met or given up (or on a stop phrase, max turns, an escalation).
 */
export const SimulatedUserSchema = z.strictObject({
  /** What the customer wants, in the customer's terms (never shown to the agent). */
  goal: z.string().min(1),
  /** How the customer writes and behaves (e.g. "impatient, terse"). */
  persona: z.string().optional(),
  /** Facts the customer knows and gives only when the agent asks (order number, user id...). */
  facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  /** The language the customer writes in (e.g. `es`). */
  language: z.string().optional(),
  /** The customer's opening message, sent as is (else the simulator writes it). */
  first_message: z.string().min(1).optional(),
  /** Customer messages at most, the first included. */
  max_turns: z.number().int().positive().max(100).default(10),
  /** An agent reply containing one of these (case-insensitive) ends the conversation. */
  stop_phrases: z.array(z.string().min(1)).optional(),
});
export type SimulatedUser = z.infer<typeof SimulatedUserSchema>;

/** The problem of a case with no conversation at all (also reported by io/golden-parse.ts). */
export const MISSING_CONVERSATION =
  'a case needs `turns` (to replay), `user` (a simulated customer) or `transcript` (to grade as recorded)';

/** Knowledge on a case: an id referring to the file's `knowledge`, or an inline document. */
export const CaseKnowledgeSchema = z.array(z.union([z.string().min(1), KnowledgeDocSchema]));

export const GoldenCaseSchema = z
  .strictObject({
    id: z.string().min(1),
    description: z.string().optional(),
    tags: TagsSchema.default({}),
    knowledge: CaseKnowledgeSchema.optional(),
    /** A system message for the agent (importers keep a recorded system prompt here). */
    system: z.string().optional(),
    turns: z.array(TurnSchema).optional(),
    transcript: z.array(MessageSchema).optional(),
    /** A simulated customer (instead of `turns` or `transcript`). */
    user: SimulatedUserSchema.optional(),
    /**
     * Scripted tool results for replayed cases: when the agent calls the named tool, the runner
     * answers with this value (JSON-encoded) as the tool message.
     */
    tool_results: z.record(z.string(), z.unknown()).optional(),
    expect: ConversationExpectSchema.optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((c, ctx) => {
    const given = (['turns', 'transcript', 'user'] as const).filter((k) => c[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          given.length === 0
            ? MISSING_CONVERSATION
            : `a case has one of \`turns\`, \`user\` or \`transcript\`, not ${given.map((k) => `\`${k}\``).join(' and ')}`,
        path: given.length === 0 ? [] : [given[1]!],
      });
    }
  });
export type GoldenCase = z.infer<typeof GoldenCaseSchema>;

export const GoldenDefaultsSchema = z.strictObject({
  tags: TagsSchema.optional(),
  graders: z.array(z.string().min(1)).optional(),
});

/** A YAML golden-set file. (A JSONL file holds one case per line and no file-level keys.) */
export const GoldenFileSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  knowledge: z.array(KnowledgeDocSchema).optional(),
  defaults: GoldenDefaultsSchema.optional(),
  cases: z.array(GoldenCaseSchema),
});
export type GoldenFile = z.infer<typeof GoldenFileSchema>;

/**
 * A case after loading: defaults merged, knowledge references resolved, and where it came from.
 * This is what the runner and graders receive.
 */
export interface ResolvedCase extends Omit<GoldenCase, 'knowledge'> {
  knowledge: KnowledgeDoc[];
  /** Graders named by the file defaults and the case's expect (not yet the config's defaults). */
  graders: string[];
  source: { file: string; line?: number };
}
