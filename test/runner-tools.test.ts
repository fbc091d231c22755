import { describe, expect, it } from 'vitest';
import type { Agent, AgentInput, AgentReply } from '../src/agents/agent.js';
import { type Meter, replayConversation } from '../src/runner/conversation.js';
import type { ResolvedCase } from '../src/schema/golden-set.js';
import type { ToolCall } from '../src/schema/message.js';

/**
 * The runner's multi-turn tool loop, in memory: a scripted agent (a real Agent whose replies are
 * a function of what it was sent) answers, the runner feeds it the case's scripted tool results.
 */
function scriptedAgent(answer: (input: AgentInput, call: number) => Partial<AgentReply>): Agent & { inputs: AgentInput[] } {
  const inputs: AgentInput[] = [];
  return {
    name: 'scripted',
    kind: 'module',
    inputs,
    async reply(input) {
      inputs.push({ ...input, messages: [...input.messages] });
      return { content: '', latencyMs: 1, usage: { input: 10, output: 5, cached: 0 }, ...answer(input, inputs.length - 1) };
    },
  };
}

const toolCall = (id: string, name: string, args: unknown = {}): ToolCall => ({ id, type: 'function', function: { name, arguments: JSON.stringify(args) } });

const meter: Meter = { price: () => 0, estimate: () => ({ input: 0, output: 0, cached: 0 }) };

function caseWith(turns: string[], toolResults?: Record<string, unknown>): ResolvedCase {
  return {
    id: 'order-status',
    tags: { intent: 'order-status' },
    knowledge: [],
    graders: [],
    source: { file: 'golden-sets/orders.yaml' },
    turns: turns.map((user) => ({ user })),
    ...(toolResults ? { tool_results: toolResults } : {}),
  } as ResolvedCase;
}

const options = (agent: Agent, maxSteps = 4) => ({
  agent,
  repeat: 0,
  sessionId: 's',
  tools: [{ name: 'lookup_order', parameters: { type: 'object' } }],
  maxSteps,
  turnTimeoutMs: 5_000,
  meter,
  signal: new AbortController().signal,
});

describe('the runner tool loop', () => {
  it('answers a tool call with the scripted result, then takes the text reply as the answer to the turn', async () => {
    const agent = scriptedAgent((input) =>
      input.messages.at(-1)?.role === 'tool' ? { content: 'Your order ships tomorrow.' } : { toolCalls: [toolCall('c1', 'lookup_order', { id: 'VL-1' })] },
    );
    const conversation = await replayConversation(caseWith(['Where is VL-1?', 'Thanks'], { lookup_order: { status: 'packed' } }), options(agent));
    expect(conversation.error).toBeUndefined();
    expect(conversation.transcript.map((m) => `${m.role}@${m.turn}`)).toEqual(['user@0', 'assistant@0', 'tool@0', 'assistant@0', 'user@1', 'assistant@1', 'tool@1', 'assistant@1']);
    const tool = conversation.transcript[2]!;
    expect(tool).toMatchObject({ role: 'tool', tool_call_id: 'c1', content: '{"status":"packed"}', scripted: true });
    // The agent saw its own tool call and the result before answering.
    expect(agent.inputs[1]!.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(conversation.usage).toEqual({ input: 40, output: 20, cached: 0 });
  });

  it('tells the agent when a tool has no scripted result', async () => {
    const agent = scriptedAgent((input) => (input.messages.at(-1)?.role === 'tool' ? { content: 'Sorry.' } : { toolCalls: [toolCall('c1', 'refund')] }));
    const conversation = await replayConversation(caseWith(['Refund me']), options(agent));
    expect(conversation.transcript[2]!.content).toBe('{"error":"no scripted result for refund"}');
    expect(conversation.error).toBeUndefined();
  });

  it('records a turn still unanswered after maxSteps as an agent error of that turn, and stops there', async () => {
    // The agent calls the tool forever: after 3 steps the turn has no answer.
    const agent = scriptedAgent((_input, call) => ({ toolCalls: [toolCall(`c${call}`, 'lookup_order')] }));
    const conversation = await replayConversation(caseWith(['Where is VL-1?', 'Hello?'], { lookup_order: { status: 'packed' } }), options(agent, 3));
    expect(agent.inputs).toHaveLength(3);
    expect(conversation.error).toMatchObject({ code: 'E_AGENT', turn: 0 });
    expect(conversation.error!.message).toContain('turn 0 unanswered after 3 agent steps (maxSteps)');
    // The second user turn was never sent.
    expect(conversation.transcript.filter((m) => m.role === 'user')).toHaveLength(1);
  });

  it('a reply with text and a tool call answers the turn (the tool result is still recorded)', async () => {
    const agent = scriptedAgent(() => ({ content: 'Checking and done.', toolCalls: [toolCall('c1', 'lookup_order')] }));
    const conversation = await replayConversation(caseWith(['Where is VL-1?'], { lookup_order: 'ok' }), options(agent, 1));
    expect(conversation.error).toBeUndefined();
    expect(conversation.transcript.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
  });
});
