import type { Agent, AgentReply } from '../agents/agent.js';
import { addUsage, emptyUsage } from '../core/usage.js';
import { ConvotestError, errorInfo } from '../errors.js';
import { callsNoProvider } from './meter.js';
import { callSignal } from '../models/call-signal.js';
import type { ResolvedCase } from '../schema/golden-set.js';
import type { Message, ToolDefinition, Usage } from '../schema/message.js';
import type { ResultError, TranscriptMessage } from '../schema/run-record.js';

/** Turns usage into money and estimates usage the agent did not report. Injected by the caller. */
export interface Meter {
  /** USD for `usage` on `model`; null when the model's price is unknown. */
  price(model: string | undefined, usage: Usage): number | null;
  /** Tokenizer estimate for a reply to `messages` (marked `estimated`). */
  estimate(messages: readonly Message[], reply: string): Usage;
}

export interface ConversationOptions {
  agent: Agent & { model?: string };
  repeat: number;
  sessionId: string;
  tools: ToolDefinition[] | undefined;
  /** Max agent calls per user turn (tool round-trips). */
  maxSteps: number;
  turnTimeoutMs: number;
  meter: Meter;
  signal: AbortSignal;
  /** Called once each scripted user turn is answered, with the transcript so far (run --batch grades that turn's replies here). */
  afterTurn?: (transcript: TranscriptMessage[], turn: number) => Promise<void>;
}

export interface Conversation {
  transcript: TranscriptMessage[];
  usage: Usage;
  costUsd: number | null;
  latencyMs: number;
  error?: ResultError;
}

/**
 * Replays a case's scripted user turns against an agent: user turn → agent reply (→ scripted
 * tool results → reply, up to `maxSteps`) → next user turn. Stops at the first agent error,
 * which is returned as data, never thrown; a turn still unanswered after `maxSteps` steps (every
 * reply a bare tool call) is such an error (`E_AGENT`).
 */
export async function replayConversation(testCase: ResolvedCase, options: ConversationOptions): Promise<Conversation> {
  const transcript: TranscriptMessage[] = [];
  const totals = emptyTotals();
  const turns = testCase.turns ?? [];
  for (const [turn, scripted] of turns.entries()) {
    transcript.push({ role: 'user', content: scripted.user, scripted: true, turn });
    const answer = await answerTurn(testCase, transcript, turn, options, totals);
    if (answer.error) return finish(transcript, totals, answer.error);
    await options.afterTurn?.(transcript, turn);
  }
  return finish(transcript, totals);
}

/** Usage, cost and latency of the agent's calls in one conversation, summed as they come. */
export interface ConversationTotals {
  usage: Usage;
  cost: number | null;
  latency: number;
}

export function emptyTotals(): ConversationTotals {
  return { usage: emptyUsage(), cost: 0, latency: 0 };
}

/** How the agent answered one user turn: the error that stopped it, or whether it said it escalated. */
export interface TurnAnswer {
  error?: ResultError;
  /** A reply of this turn set `escalated` (an http bot's handoff flag). */
  escalated: boolean;
}

/**
 * The agent's answer to the user message last pushed on `transcript`: agent reply (→ scripted
 * tool results → reply, up to `maxSteps`), each message pushed on `transcript` and measured into
 * `totals`. An agent failure is returned as data; only an interruption throws.
 */
export async function answerTurn(
  testCase: ResolvedCase,
  transcript: TranscriptMessage[],
  turn: number,
  options: ConversationOptions,
  totals: ConversationTotals,
): Promise<TurnAnswer> {
  let answered = false;
  let escalated = false;
  for (let step = 0; step < options.maxSteps && !answered; step++) {
    if (options.signal.aborted) throw options.signal.reason;
    // What the agent sees: the conversation without measurements (also what usage is estimated on).
    const messages = transcript.map(toMessage);
    let reply: AgentReply & { cached?: boolean };
    try {
      reply = await callWithTimeout(testCase, messages, turn, options);
    } catch (error) {
      if (options.signal.aborted) throw options.signal.reason;
      return { error: { ...errorInfo(error), turn }, escalated };
    }
    const usage = reply.usage ?? options.meter.estimate(messages, reply.content);
    const model = reply.model ?? options.agent.model;
    const costUsd = callsNoProvider(options.agent.kind) ? 0 : options.meter.price(model, usage);
    transcript.push({
      role: 'assistant',
      content: reply.content,
      ...(reply.toolCalls?.length ? { tool_calls: reply.toolCalls } : {}),
      latencyMs: reply.latencyMs,
      usage,
      costUsd,
      ...(model ? { model } : {}),
      ...(reply.cached ? { cached: true } : {}),
      turn,
    });
    add(totals, usage, costUsd, reply.latencyMs);
    if (reply.escalated) escalated = true;
    const calls = reply.toolCalls ?? [];
    for (const call of calls) {
      const result = testCase.tool_results?.[call.function.name];
      transcript.push({
        role: 'tool',
        tool_call_id: call.id,
        content: JSON.stringify(result === undefined ? { error: `no scripted result for ${call.function.name}` } : result),
        scripted: true,
        turn,
      });
    }
    // A reply with text answers the turn; a bare tool call is followed by another agent step.
    answered = calls.length === 0 || (reply.content ?? '').trim() !== '';
  }
  if (!answered) {
    const message = `${options.agent.name}: turn ${turn} unanswered after ${options.maxSteps} agent steps (maxSteps): every reply was a tool call; raise maxSteps or check the case's tool_results`;
    return { error: { code: 'E_AGENT', message, turn }, escalated };
  }
  return { escalated };
}

async function callWithTimeout(
  testCase: ResolvedCase,
  messages: Message[],
  turn: number,
  options: ConversationOptions,
): Promise<AgentReply & { cached?: boolean }> {
  // A signal per call, released as soon as the call settles: AbortSignal.timeout keeps its timer
  // (and AbortSignal.any its links) alive for the whole timeout, which held every turn of a
  // 20,000-case run in memory.
  const { signal, release } = callSignal(options.signal, {
    ms: options.turnTimeoutMs,
    reason: () => new ConvotestError('E_TIMEOUT', `${options.agent.name}: no reply within ${options.turnTimeoutMs} ms (turnTimeoutMs)`),
  });
  try {
    return await options.agent.reply({
      case: testCase,
      messages,
      ...(testCase.system ? { system: testCase.system } : {}),
      ...(options.tools?.length ? { tools: options.tools } : {}),
      turn,
      repeat: options.repeat,
      sessionId: options.sessionId,
      signal,
    });
  } finally {
    release();
  }
}

/** A transcript message without its measurements: what an agent or judge sees. */
export function toMessage(m: TranscriptMessage): Message {
  return {
    role: m.role,
    content: m.content,
    ...(m.name ? { name: m.name } : {}),
    ...(m.tool_calls ? { tool_calls: m.tool_calls } : {}),
    ...(m.tool_call_id ? { tool_call_id: m.tool_call_id } : {}),
  };
}

/** Adds one call's usage, cost (null once any is unknown) and latency to `totals`. */
export function add(totals: ConversationTotals, usage: Usage, cost: number | null, latency: number) {
  totals.usage = addUsage(totals.usage, usage);
  totals.cost = totals.cost === null || cost === null ? null : totals.cost + cost;
  totals.latency += latency;
}

export function finish(transcript: TranscriptMessage[], totals: ConversationTotals, error?: ResultError): Conversation {
  return { transcript, usage: totals.usage, costUsd: totals.cost, latencyMs: totals.latency, ...(error ? { error } : {}) };
}
