import type { ResolvedCase } from '../schema/golden-set.js';
import type { Message, ToolCall, ToolDefinition, Usage } from '../schema/message.js';

/**
 * An agent: anything that takes the conversation so far and returns the next assistant message.
 * One file per kind in src/agents/, all checked by one conformance suite (test/agents.conformance.test.ts).
 */
export interface AgentInput {
  case: ResolvedCase;
  /** The conversation so far: user, assistant and tool messages (no system message; see `system`). */
  messages: Message[];
  /** The case's system message, if any. */
  system?: string;
  /** Tools offered for this case (from the agent config or the case's expected tools). */
  tools?: ToolDefinition[];
  /** Index of the scripted user turn being answered. */
  turn: number;
  repeat: number;
  /** Stable per (case, variant, repeat): lets stateful bots keep one session per conversation. */
  sessionId: string;
  signal: AbortSignal;
}

export interface AgentReply {
  content: string;
  toolCalls?: ToolCall[];
  /** Undefined when the agent reports none (the runner then estimates with a tokenizer). */
  usage?: Usage;
  latencyMs: number;
  /** Model id as reported, used for pricing. */
  model?: string;
  /** The bot said it handed over to a human (http agents can map this from their response). */
  escalated?: boolean;
}

export interface Agent {
  readonly name: string;
  readonly kind: string;
  /** Provider/model for the run header and pricing, when there is one. */
  readonly provider?: string;
  readonly model?: string;
  reply(input: AgentInput): Promise<AgentReply>;
  close?(): Promise<void>;
}

/** The signature a `module` agent file exports. */
export type AgentFunction = (
  input: Omit<AgentInput, 'signal'> & { signal: AbortSignal; options: Record<string, unknown> },
) => Promise<Partial<AgentReply> & { content: string }> | (Partial<AgentReply> & { content: string });
