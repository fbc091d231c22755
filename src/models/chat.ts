import type { z } from 'zod';
import type { ModelParams } from '../schema/config.js';
import type { Message, ToolCall, ToolDefinition, Usage } from '../schema/message.js';

/**
 * The one chat interface over every provider. Agents (`model` kind) and judges both use it;
 * only src/models/ imports the `openai` and `@anthropic-ai/sdk` packages.
 */
export interface ChatRequest {
  /** The conversation (system messages allowed; providers that need a separate system get it split out). */
  messages: Message[];
  tools?: ToolDefinition[];
  /** Structured output: the reply must parse with this schema (OpenAI json_schema / Anthropic tool use). */
  schema?: { name: string; schema: z.ZodType };
  params?: ModelParams;
  /**
   * Index of a repeated identical request (judge `samples: k`, agent repeats). Not sent to the
   * provider; part of the cache key so that no sample is served from another's answer.
   */
  sample?: number;
  signal?: AbortSignal;
}

export interface ChatResponse {
  content: string;
  toolCalls: ToolCall[];
  /** The parsed structured output when `schema` was given (validated against it). */
  parsed?: unknown;
  usage: Usage;
  latencyMs: number;
  /** The model id as the provider reported it. */
  model: string;
  finishReason?: string;
}

export interface ChatModel {
  readonly provider: string;
  readonly model: string;
  chat(request: ChatRequest): Promise<ChatResponse>;
}
