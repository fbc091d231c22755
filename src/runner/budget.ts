import type { Agent } from '../agents/agent.js';
import { ConvotestError } from '../errors.js';
import type { ChatModel } from '../models/chat.js';
import type { Message, Usage } from '../schema/message.js';

/** What the budget needs to know about a call before it starts. */
export interface BudgetedCall {
  /** Calls alike in size share a key (a variant, the judge); default: the model. */
  key?: string;
  /** The model priced (undefined: unknown, costs 0 here). */
  model: string | undefined;
  /** The request's messages: their tokens are counted. */
  messages: readonly Message[];
  /** The reply's token limit, when the call sets one (counted as output). */
  maxTokens?: number | undefined;
}

/**
 * `--max-cost` / `maxCost`: money for agent and judge calls together. A call starts only when
 * the money spent plus the estimated cost of the calls in flight plus its own estimate stays
 * within the limit; otherwise it is refused (`E_BUDGET`) without being sent, and from then on
 * every call is refused (the run stops with status `budget`).
 *
 * A call's estimate is the larger of (a) its request's tokens with `maxTokens` of output, priced,
 * and (b) the costliest finished call of the same key (variant, or the judge). The first call of
 * a key runs alone (calls of that key wait for it) so that (b) is known before calls run side by
 * side. The spending can therefore pass the limit only by what the calls in flight cost beyond
 * their estimates: with calls of equal cost per key, never.
 */
export interface Budget {
  readonly limit: number;
  /** USD spent on finished calls. */
  readonly spent: number;
  /** True once a call was refused: no call starts any more. */
  readonly reached: boolean;
  /**
   * Sends one call within the budget, or throws `E_BUDGET` without sending it. `measure` gives
   * what the finished call used, priced into `spent`.
   */
  run<T>(call: BudgetedCall, send: () => Promise<T>, measure: (result: T) => { model: string | undefined; usage: Usage }): Promise<T>;
  /**
   * Reserves `estimate` USD for calls sent together (a round of provider batches, run --batch),
   * or throws `E_BUDGET` without sending them (and every later call is refused, as for `run`);
   * `settle(cost)` books what they cost once their results are in.
   */
  reserve(estimate: number): { settle(cost: number): void };
}

export interface BudgetDeps {
  limit: number;
  /** USD for a usage on a model; null when its price is unknown (counted as 0). */
  price(model: string | undefined, usage: Usage): number | null;
  /** Tokens of a request's messages. */
  countInput(messages: readonly Message[]): number;
}

/** Thrown for a call the budget refused; the runner treats it as a stop, not a result. */
export function isBudgetStop(error: { code?: string } | undefined): boolean {
  return error?.code === 'E_BUDGET';
}

/**
 * @example
 * const budget = createBudget({ limit: 2.5, price, countInput });
 * const reply = await budget.run({ model: 'gpt-4o-mini', messages }, () => model.chat({ messages }), (r) => r);
 */
export function createBudget(deps: BudgetDeps): Budget {
  if (!(Number.isFinite(deps.limit) && deps.limit > 0)) throw new TypeError(`budget limit must be a positive number, got ${deps.limit}`);
  let spent = 0;
  let reserved = 0;
  let reached = false;
  /** The costliest finished call per key. */
  const measured = new Map<string, number>();
  /** The call measuring a key not measured yet. */
  const probes = new Map<string, Promise<unknown>>();
  const refuse = () => {
    reached = true;
    return new ConvotestError('E_BUDGET', `budget of $${deps.limit} reached ($${spent.toFixed(6)} spent): call not started`);
  };

  return {
    limit: deps.limit,
    get spent() {
      return spent;
    },
    get reached() {
      return reached;
    },
    reserve(estimate) {
      if (reached || spent + reserved + estimate > deps.limit) throw refuse();
      reserved += estimate;
      let settled = false;
      return {
        settle(cost) {
          if (settled) return;
          settled = true;
          reserved -= estimate;
          spent += cost;
        },
      };
    },
    async run(call, send, measure) {
      const key = call.key ?? call.model ?? '';
      for (;;) {
        if (reached) throw refuse();
        const probe = measured.has(key) ? undefined : probes.get(key);
        if (!probe) break;
        await probe.then(
          () => undefined,
          () => undefined,
        );
      }
      const request = deps.price(call.model, { input: deps.countInput(call.messages), output: call.maxTokens ?? 0, cached: 0 }) ?? 0;
      const estimate = Math.max(request, measured.get(key) ?? 0);
      if (spent + reserved + estimate > deps.limit) throw refuse();
      reserved += estimate;
      const sending = send();
      const probing = !measured.has(key);
      if (probing) probes.set(key, sending);
      try {
        const result = await sending;
        const used = measure(result);
        const cost = deps.price(used.model ?? call.model, used.usage) ?? 0;
        spent += cost;
        measured.set(key, Math.max(measured.get(key) ?? 0, cost));
        return result;
      } finally {
        reserved -= estimate;
        if (probing && probes.get(key) === sending) probes.delete(key);
      }
    },
  };
}

/** An agent whose provider calls go through the budget (wrap inside the cache: hits cost nothing). */
export function budgetedAgent(agent: Agent, budget: Budget, options: { key: string; maxTokens?: number | undefined; estimate(messages: readonly Message[], reply: string): Usage }): Agent {
  return {
    name: agent.name,
    kind: agent.kind,
    ...(agent.provider ? { provider: agent.provider } : {}),
    ...(agent.model ? { model: agent.model } : {}),
    ...(agent.close ? { close: agent.close.bind(agent) } : {}),
    reply: (input) => {
      const messages = input.system ? [{ role: 'system' as const, content: input.system }, ...input.messages] : input.messages;
      return budget.run({ key: options.key, model: agent.model, messages, maxTokens: options.maxTokens }, () => agent.reply(input), (reply) => ({
        model: reply.model ?? agent.model,
        usage: reply.usage ?? options.estimate(input.messages, reply.content),
      }));
    },
  };
}

/** A chat model (the judge, a model agent's) whose calls go through the budget under `key`. */
export function budgetedChatModel(model: ChatModel, budget: Budget, key: string): ChatModel {
  return {
    provider: model.provider,
    model: model.model,
    chat: (request) =>
      budget.run({ key, model: model.model, messages: request.messages, maxTokens: request.params?.maxTokens }, () => model.chat(request), (response) => ({
        model: response.model,
        usage: response.usage,
      })),
  };
}
