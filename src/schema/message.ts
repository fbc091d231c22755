import * as z from 'zod';

/** An OpenAI-shaped tool call, as recorded in transcripts. `arguments` is the raw JSON string. */
export const ToolCallSchema = z.strictObject({
  id: z.string().min(1),
  type: z.literal('function').default('function'),
  function: z.strictObject({
    name: z.string().min(1),
    arguments: z.string().default('{}'),
  }),
});
export type ToolCall = z.infer<typeof ToolCallSchema>;

export const RoleSchema = z.enum(['system', 'user', 'assistant', 'tool']);
export type Role = z.infer<typeof RoleSchema>;

/** One message of a conversation, OpenAI chat shape. */
export const MessageSchema = z.strictObject({
  role: RoleSchema,
  content: z.string().nullable().default(''),
  name: z.string().optional(),
  tool_calls: z.array(ToolCallSchema).optional(),
  tool_call_id: z.string().optional(),
});
export type Message = z.infer<typeof MessageSchema>;

/** Token usage. `cached` counts input tokens served from the provider's prompt cache. */
export const UsageSchema = z.strictObject({
  input: z.number().int().nonnegative(),
  output: z.number().int().nonnegative(),
  cached: z.number().int().nonnegative().default(0),
  /** true when counted with a tokenizer because the provider reported nothing. */
  estimated: z.boolean().optional(),
});
export type Usage = z.infer<typeof UsageSchema>;

/** A tool the agent may call, as a JSON-schema function definition. */
export const ToolDefinitionSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()).default({ type: 'object', properties: {} }),
});
export type ToolDefinition = z.infer<typeof ToolDefinitionSchema>;
