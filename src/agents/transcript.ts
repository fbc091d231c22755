import { ConvotestError } from '../errors.js';
import type { AgentConfig } from '../schema/config.js';
import { throwIfAborted } from './abort.js';
import type { Agent, AgentInput, AgentReply } from './agent.js';
import { type AgentDeps, defaultNow } from './deps.js';

type TranscriptAgentConfig = Extract<AgentConfig, { kind: 'transcript' }>;

/**
 * A transcript agent replays a case's recorded assistant messages through the normal replay loop:
 * reply #n (n = assistant messages already in the conversation) is the n-th recorded assistant
 * message, with its tool calls. A case without a recorded transcript, or a conversation that has
 * gone past the recording, is an E_AGENT error.
 *
 * The runner grades transcript cases as recorded without calling any agent; this kind exists to
 * push recorded replies through the same loop as live agents (for example to compare a live
 * variant against production replies turn by turn). Usage is not known (the runner estimates it).
 */
export async function createTranscriptAgent(
  name: string,
  _config: TranscriptAgentConfig,
  deps: AgentDeps,
): Promise<Agent> {
  const now = deps.now ?? defaultNow;
  return {
    name,
    kind: 'transcript',
    async reply(input: AgentInput): Promise<AgentReply> {
      throwIfAborted(name, input.signal);
      const started = now();
      const recorded = (input.case.transcript ?? []).filter((m) => m.role === 'assistant');
      if (recorded.length === 0) {
        throw new ConvotestError('E_AGENT', `agent "${name}": case "${input.case.id}" has no recorded assistant message to replay`);
      }
      const index = input.messages.filter((m) => m.role === 'assistant').length;
      const message = recorded[index];
      if (!message) {
        throw new ConvotestError(
          'E_AGENT',
          `agent "${name}": case "${input.case.id}" recorded ${recorded.length} assistant message(s); reply #${index + 1} was asked for`,
        );
      }
      return {
        content: message.content ?? '',
        ...(message.tool_calls && message.tool_calls.length > 0 ? { toolCalls: message.tool_calls } : {}),
        latencyMs: Math.max(0, now() - started),
      };
    },
  };
}
