import { addUsage, emptyUsage } from '../core/usage.js';
import { ConvotestError, errorInfo } from '../errors.js';
import type { ResolvedCase } from '../schema/golden-set.js';
import type { Usage } from '../schema/message.js';
import type { ResultError, SimulationEnd, SimulationInfo, TranscriptMessage } from '../schema/run-record.js';
import type { Simulator, SimulatorTurn } from '../simulator/simulator.js';
import { answerTurn, type Conversation, type ConversationOptions, emptyTotals, finish } from './conversation.js';

export interface SimulationOptions extends ConversationOptions {
  simulator: Simulator;
  /** True when these agent messages hand over to a human (e.g. `handoffDetector(DEFAULT_LEXICON)`, compiled once per run). */
  handsOver(replies: readonly TranscriptMessage[]): boolean;
}

/** A simulated-customer conversation: the agent's side as for a replay, plus the simulator's. */
export interface SimulatedConversation extends Conversation {
  simulation: SimulationInfo;
}

/**
 * Plays a `user:` case: the customer's first message (`first_message`, else the simulator's) →
 * the agent's answer (tools as for a replay) → the simulator's next message → … It ends when the
 * simulator writes its stop token (`stop`; a closing message with it is kept), an agent reply
 * contains a stop phrase (`stop_phrase`), the agent hands over to a human (`escalation`: a handoff
 * tool call or phrase, or an http bot's `escalated` flag), `max_turns` customer messages were
 * answered (`max_turns`), or a call fails (`agent_error`, `simulator_error`: the result's error,
 * never a failing grade). Only an interruption throws.
 */
export async function simulateConversation(testCase: ResolvedCase, options: SimulationOptions): Promise<SimulatedConversation> {
  const user = testCase.user;
  if (!user) throw new ConvotestError('E_INTERNAL', `case ${testCase.id} has no user: block to simulate`);
  const { simulator } = options;
  const transcript: TranscriptMessage[] = [];
  const totals = emptyTotals();
  const spent = { usage: emptyUsage() as Usage, cost: 0 as number | null, turns: 0 };
  const stopPhrases = (user.stop_phrases ?? []).map((p) => p.toLowerCase());
  const end = (endReason: SimulationEnd, error?: ResultError): SimulatedConversation => ({
    ...finish(transcript, totals, error),
    simulation: {
      goal: user.goal,
      ...(user.persona ? { persona: user.persona } : {}),
      ...(user.language ? { language: user.language } : {}),
      simulator: simulator.name,
      turns: spent.turns,
      endReason,
      usage: spent.usage,
      costUsd: spent.cost,
    },
  });

  for (let turn = 0; turn < user.max_turns; turn++) {
    if (options.signal.aborted) throw options.signal.reason;
    if (turn === 0 && user.first_message) {
      transcript.push({ role: 'user', content: user.first_message, scripted: true, turn });
    } else {
      let next: SimulatorTurn;
      try {
        next = await simulator.next(user, transcript, options.repeat, options.signal);
      } catch (error) {
        if (options.signal.aborted) throw options.signal.reason;
        return end('simulator_error', simulatorError(simulator, error, turn));
      }
      spent.usage = addUsage(spent.usage, next.usage);
      const cost = options.meter.price(next.model, next.usage);
      spent.cost = spent.cost === null || cost === null ? null : spent.cost + cost;
      const written = { role: 'user' as const, content: next.message, simulated: true, turn, ...(next.cached ? { cached: true } : {}) };
      if (next.stop) {
        // The closing words ("thanks, that's all") stay: outcome graders read the customer's last message.
        if (next.message !== '') transcript.push(written);
        return end('stop');
      }
      if (next.message === '') {
        return end('simulator_error', { code: 'E_SIMULATOR', message: `simulator ${simulator.name}: empty customer message without the stop token ${simulator.stopToken}`, turn });
      }
      transcript.push(written);
    }
    spent.turns += 1;
    const from = transcript.length;
    const answer = await answerTurn(testCase, transcript, turn, options, totals);
    if (answer.error) return end('agent_error', answer.error);
    const replies = transcript.slice(from);
    if (answer.escalated || options.handsOver(replies)) return end('escalation');
    const said = replies.filter((m) => m.role === 'assistant').map((m) => (m.content ?? '').toLowerCase());
    if (stopPhrases.some((p) => said.some((text) => text.includes(p)))) return end('stop_phrase');
  }
  return end('max_turns');
}

/**
 * A simulator failure as the result's error: `E_SIMULATOR` with the cause's code and message,
 * except a `--cache-only` miss and a budget refusal, which keep their codes (the run's exit
 * policy and `--resume` act on them as on the agent's).
 */
function simulatorError(simulator: Simulator, error: unknown, turn: number): ResultError {
  const cause = errorInfo(error);
  if (cause.code === 'E_CACHE_MISS' || cause.code === 'E_BUDGET') return { ...cause, turn };
  return { code: 'E_SIMULATOR', message: `simulator ${simulator.name} failed (${cause.code}): ${cause.message}`, turn };
}
