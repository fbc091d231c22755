import type { ChatModel } from '../models/chat.js';
import type { SimulatorConfig } from '../schema/config.js';
import type { SimulatedUser } from '../schema/golden-set.js';
import type { Usage } from '../schema/message.js';
import type { TranscriptMessage } from '../schema/run-record.js';
import { readSimulatorReply, simulatorMessages } from './prompt.js';

/** The customer's next message as the simulator wrote it. */
export interface SimulatorTurn {
  /** The message without the stop token (empty when the reply was the token alone). */
  message: string;
  /** The simulator ended the conversation (its reply held the stop token). */
  stop: boolean;
  usage: Usage;
  latencyMs: number;
  /** The model id as the provider reported it (for pricing). */
  model: string;
  /** Served from the response cache. */
  cached: boolean;
}

/** The simulated customer: a chat model prompted to play the case's `user:` block. */
export interface Simulator {
  /** `provider:model`, as recorded in a result's `simulation.simulator`. */
  readonly name: string;
  readonly model: string;
  readonly stopToken: string;
  /**
   * The customer's next message after `transcript` (the conversation so far, as the run records
   * it). `repeat` keeps the repeats independent: it is part of the cache key (the request's
   * `sample`) and varies the seed when one is configured.
   */
  next(user: SimulatedUser, transcript: readonly TranscriptMessage[], repeat: number, signal: AbortSignal): Promise<SimulatorTurn>;
}

/**
 * A simulator over a chat model (give it the runner's cached, rate-limited, budgeted model: the
 * cache then keys each call by the conversation so far and the repeat index).
 *
 * @example
 * const simulator = createSimulator(model, SimulatorConfigSchema.parse({ provider: 'openai', model: 'gpt-4o-mini' }));
 * const turn = await simulator.next(testCase.user, transcript, 0, signal);
 */
export function createSimulator(model: ChatModel, config: SimulatorConfig): Simulator {
  return {
    name: `${model.provider}:${model.model}`,
    model: model.model,
    stopToken: config.stopToken,
    async next(user, transcript, repeat, signal) {
      const response = await model.chat({
        messages: simulatorMessages(user, config.stopToken, transcript),
        params: {
          temperature: config.temperature,
          maxTokens: config.maxTokens,
          ...(config.seed !== undefined ? { seed: config.seed + repeat } : {}),
        },
        sample: repeat,
        signal,
      });
      return {
        ...readSimulatorReply(response.content, config.stopToken),
        usage: response.usage,
        latencyMs: response.latencyMs,
        model: response.model,
        // Set by the runner's cache wrapper (src/runner/cached-agent.ts) on a hit.
        cached: (response as { cached?: boolean }).cached === true,
      };
    },
  };
}
