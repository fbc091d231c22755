import { TOKENS_PER_MESSAGE, countTokens } from '../models/tokenizer.js';
import type { SimulatorConfig } from '../schema/config.js';
import type { SimulatedUser } from '../schema/golden-set.js';
import { CHAT_OPENED, simulatorSystemPrompt } from '../simulator/prompt.js';

export interface Range {
  low: number;
  high: number;
}

/** Calls and tokens of one side of a conversation, low and high. */
export interface CallBounds {
  calls: Range;
  input: Range;
  output: Range;
}

/**
 * The bounds of one simulated-customer conversation for `--dry-run`: at least one customer
 * message answered with short messages; at most `max_turns`, every message as long as its limit
 * (the simulator's `maxTokens`, the agent's reply limit). The simulator writes every customer
 * message but the case's `first_message`. `transcript` is what the judge then reads.
 *
 * @example
 * const b = simulatedBounds(testCase.user, { system: 12, agentReply: { low: 20, high: 400 }, simulator });
 * b.simulator.calls.high // max_turns (or max_turns - 1 with a first_message)
 */
export function simulatedBounds(
  user: SimulatedUser,
  options: { system: number; agentReply: Range; customerReply: Range; simulator: Pick<SimulatorConfig, 'stopToken'> | undefined },
): { agent: CallBounds; simulator: CallBounds; transcript: Range } {
  const prompt = countTokens(simulatorSystemPrompt(user, options.simulator?.stopToken ?? '###STOP###')) + 2 * TOKENS_PER_MESSAGE + countTokens(CHAT_OPENED);
  const first = user.first_message ? countTokens(user.first_message) + TOKENS_PER_MESSAGE : undefined;
  const side = (): CallBounds => ({ calls: { low: 0, high: 0 }, input: { low: 0, high: 0 }, output: { low: 0, high: 0 } });
  const agent = side();
  const simulator = side();
  const transcript = { low: 0, high: 0 };
  for (const bound of ['low', 'high'] as const) {
    const turns = bound === 'low' ? 1 : user.max_turns;
    const customer = options.customerReply[bound] + TOKENS_PER_MESSAGE;
    const reply = options.agentReply[bound] + TOKENS_PER_MESSAGE;
    let conversation = 0;
    for (let turn = 0; turn < turns; turn++) {
      const written = turn === 0 && first !== undefined ? first : customer;
      if (!(turn === 0 && first !== undefined)) {
        simulator.calls[bound] += 1;
        simulator.input[bound] += prompt + conversation;
        simulator.output[bound] += options.customerReply[bound];
      }
      conversation += written;
      agent.calls[bound] += 1;
      agent.input[bound] += options.system + conversation;
      agent.output[bound] += options.agentReply[bound];
      conversation += reply;
    }
    transcript[bound] = conversation;
  }
  return { agent, simulator, transcript };
}
