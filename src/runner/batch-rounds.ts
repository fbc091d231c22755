import { AsyncLocalStorage } from 'node:async_hooks';
import { ConvotestError } from '../errors.js';
import type { BatchClient, BatchItemResult } from '../models/batch/index.js';
import { MAX_BATCH_ITEMS } from '../models/batch/index.js';
import type { ChatModel, ChatRequest, ChatResponse } from '../models/chat.js';
import type { BatchConfig } from '../schema/config.js';
import type { Message, Usage } from '../schema/message.js';
import type { RunBatchLine } from '../schema/run-record.js';
import type { Budget } from './budget.js';
import { customIdOf, estimateRound, usageOfOutcome } from './batch-items.js';
import type { BatchEvent } from './events.js';

/** Where the rounds write: the run record's batch lines and the reporters' progress. */
export interface BatchSink {
  record(line: Omit<RunBatchLine, 'type' | 'prev'>): Promise<void>;
  event(event: BatchEvent): void;
  signal: AbortSignal;
}

export interface BatchRoundsDeps {
  settings: Pick<BatchConfig, 'pollIntervalMs' | 'maxPollIntervalMs' | 'maxRetries'>;
  /** USD at the batch price; null when unknown. */
  price(model: string, usage: Usage): number | null;
  countInput(messages: readonly Message[]): number;
  budget?: Budget | undefined;
  /** Waits `ms` (rejects when `signal` aborts); injectable for tests. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
}

/**
 * Batch mode: the chat models of the variants and of the judge park each request here instead
 * of calling the provider. When every conversation in flight waits on a parked request, the
 * parked requests of one role go out: one provider batch per (variant or judge, model), polled
 * with backoff until it ends; then each caller gets its answer as if the call had been
 * interactive. A round is an agent phase, then a judge phase: round k sends turn k of every live
 * conversation (a tool round-trip is one more round), and once those replies are in, one judge
 * batch with every judge call that can be made then: the reply-by-reply graders' calls on turn
 * k's replies (the runner grades them as the turn ends) and the conversation graders' calls of
 * the conversations that ended in round k. Agent calls parked during a judge phase (items sent
 * again) wait for the next round, judge calls parked during an agent phase for its judge phase.
 *
 * Items that failed on the provider's side (expired, canceled, 5xx, 429) are sent again in the
 * next round up to `maxRetries` times, then thrown to their caller as errors with the cause
 * (an agent error or an error grade, never a failing grade). Every batch is written to the run
 * record when sent; `resumeFrom` makes a resumed run read the items it finds there from those
 * batches instead of sending them again.
 */
export interface BatchRounds {
  /** A chat model whose calls go through batches of `client`. */
  chatModel(client: BatchClient, role: 'agent' | 'judge', name: string): ChatModel;
  /** Runs one conversation (replay and grading): the rounds wait for every tracked one. */
  track<T>(conversation: string, work: () => Promise<T>): Promise<T>;
  /** Batches of the run being resumed: their items are read, not sent again. */
  resumeFrom(lines: readonly RunBatchLine[]): void;
  /** Starts the rounds with the run's record and signal (before the first conversation). */
  attach(sink: BatchSink): void;
  /** Rounds sent and provider batches used so far (submitted or re-read). */
  readonly stats: { rounds: number; batches: number; submitted: number; resumed: number };
}

interface Group {
  key: string;
  client: BatchClient;
  role: 'agent' | 'judge';
  name: string;
  /** Longest reply seen (output tokens), for the next round's estimate. */
  maxOutput: number;
}

interface Parked {
  conversation: string;
  group: Group;
  request: ChatRequest;
  attempt: number;
  customId: string;
  parkedAt: number;
  settle(outcome: BatchItemResult): void;
  /** Set once settled or handed on to its retry. */
  done?: boolean;
}

const NO_CONVERSATION = '';

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** @example const rounds = createBatchRounds({ settings, price, countInput }); rounds.attach(sink); */
export function createBatchRounds(deps: BatchRoundsDeps): BatchRounds {
  const sleep = deps.sleep ?? defaultSleep;
  const now = deps.now ?? Date.now;
  const conversationOf = new AsyncLocalStorage<string>();
  const live = new Set<string>();
  const parkedBy = new Map<string, number>();
  let queue: Parked[] = [];
  const groups = new Map<string, Group>();
  /** custom id → batch of the resumed run that holds it. */
  const previous = new Map<string, RunBatchLine>();
  let sink: BatchSink | undefined;
  let flushing = false;
  let scheduled = false;
  /** What the current round has sent last: its agent batch, then its judge batch. */
  let phase: 'none' | 'agent' | 'judge' = 'none';
  const stats = { rounds: 0, batches: 0, submitted: 0, resumed: 0 };

  /** Live conversations with a parked request (kept as a count: a round of 20,000 parks each check). */
  let waiting = 0;
  const park = (delta: number, conversation: string) => {
    const before = parkedBy.get(conversation) ?? 0;
    const n = before + delta;
    if (n > 0) parkedBy.set(conversation, n);
    else parkedBy.delete(conversation);
    if (live.has(conversation)) waiting += (n > 0 ? 1 : 0) - (before > 0 ? 1 : 0);
  };

  const quiet = () => queue.length > 0 && waiting === live.size;

  const check = () => {
    if (flushing || scheduled || !quiet()) return;
    scheduled = true;
    // After the current turn of the event loop: siblings (a conversation's other graders) park too.
    setImmediate(() => {
      scheduled = false;
      if (!flushing && quiet()) void flush();
    });
  };

  const enqueue = (item: Omit<Parked, 'customId'>) => {
    queue.push({ ...item, customId: customIdOf(item.conversation, item.group.key, item.request, item.attempt) });
  };

  const deliver = (item: Parked, outcome: BatchItemResult) => {
    if (item.done) return 'failed';
    item.done = true;
    if (!outcome.ok && outcome.retryable && item.attempt < deps.settings.maxRetries) {
      const { done: _done, customId: _id, ...rest } = item;
      enqueue({ ...rest, attempt: item.attempt + 1 });
      return 'retried';
    }
    park(-1, item.conversation);
    if (!outcome.ok && item.attempt > 0 && outcome.error instanceof ConvotestError) {
      const e = outcome.error;
      item.settle({ ...outcome, error: new ConvotestError(e.code, `${e.message} (sent in ${item.attempt + 1} batches, batch.maxRetries ${deps.settings.maxRetries})`, { cause: e }) });
    } else item.settle(outcome);
    return outcome.ok ? 'answered' : 'failed';
  };

  /**
   * The requests of the next phase, taken from the queue (the others stay parked): the judge
   * calls while the current round has had its agent batch but not yet its judge batch, else the
   * agent calls (a new round), else the judge calls (a new round with no agent batch).
   */
  const nextPhase = (): { round: number; items: Parked[] } => {
    const judge = queue.filter((i) => i.group.role === 'judge');
    const agent = queue.filter((i) => i.group.role !== 'judge');
    let take: 'agent' | 'judge';
    if (phase === 'agent' && judge.length > 0) take = 'judge';
    else {
      stats.rounds += 1;
      take = agent.length > 0 ? 'agent' : 'judge';
    }
    phase = take;
    queue = take === 'agent' ? judge : agent;
    return { round: stats.rounds, items: take === 'agent' ? agent : judge };
  };

  async function flush(): Promise<void> {
    flushing = true;
    const { round, items } = nextPhase();
    try {
      const byGroup = new Map<Group, Parked[]>();
      for (const item of items) append(byGroup, item.group, item);
      let reservation: { settle(cost: number): void } | undefined;
      if (deps.budget) {
        const estimate = estimateRound(
          [...byGroup].map(([g, list]) => ({ model: g.client.model, maxOutput: g.maxOutput, requests: list.filter((i) => !previous.has(i.customId)).map((i) => i.request) })),
          deps.price,
          deps.countInput,
        );
        try {
          reservation = deps.budget.reserve(estimate);
        } catch (error) {
          for (const item of items) deliver(item, { ok: false, retryable: false, error });
          return;
        }
      }
      const costs = await Promise.all([...byGroup].map(([group, list]) => sendGroup(round, group, list)));
      reservation?.settle(costs.reduce((a, b) => a + b, 0));
    } catch (error) {
      // Only an interruption (or a bug) gets here: every caller still waiting gets the error.
      for (const item of [...items, ...queue]) deliverAbort(item, error);
      queue = [];
    } finally {
      flushing = false;
      check();
    }
  }

  const deliverAbort = (item: Parked, error: unknown) => {
    if (item.done) return;
    item.done = true;
    park(-1, item.conversation);
    item.settle({ ok: false, retryable: false, error });
  };

  /** Sends (or, resumed, re-reads) the batches of one group; delivers every item; returns the cost. */
  async function sendGroup(round: number, group: Group, items: Parked[]): Promise<number> {
    const active = sink!;
    const signal = active.signal;
    // Identical requests of one conversation (the same id) share one item.
    const byId = new Map<string, Parked[]>();
    for (const item of items) append(byId, item.customId, item);
    const requests = new Map([...byId].map(([id, list]) => [id, list[0]!.request]));
    const batches: Array<{ line: Omit<RunBatchLine, 'type' | 'prev'>; ids: string[] }> = [];
    const reread = new Map<string, string[]>();
    for (const id of byId.keys()) {
      const line = previous.get(id);
      if (line && line.provider === group.client.provider && line.model === group.client.model) append(reread, line.id, id);
    }
    const base = { provider: group.client.provider, model: group.client.model, role: group.role, name: group.name, round };
    for (const [id, ids] of reread) {
      const line = { id, ...base, items: ids, submittedAt: new Date().toISOString(), resumed: true };
      await active.record(line);
      stats.resumed += 1;
      stats.batches += 1;
      active.event({ kind: 'resumed', ...base, id, items: ids.length });
      batches.push({ line, ids });
    }
    const taken = new Set([...reread.values()].flat());
    const fresh = [...byId.keys()].filter((id) => !taken.has(id));
    const outcomes = new Map<string, BatchItemResult>();
    for (let i = 0; i < fresh.length; i += MAX_BATCH_ITEMS) {
      const ids = fresh.slice(i, i + MAX_BATCH_ITEMS);
      let id: string;
      try {
        id = await group.client.submit(ids.map((customId) => ({ customId, request: requests.get(customId)! })), signal);
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        const cause = new ConvotestError('E_PROVIDER', `${group.client.provider} ${group.client.model}: batch not accepted: ${(error as Error).message}`, { cause: error });
        for (const customId of ids) outcomes.set(customId, { ok: false, retryable: true, error: cause });
        continue;
      }
      const line = { id, ...base, items: ids, submittedAt: new Date().toISOString() };
      await active.record(line);
      stats.submitted += 1;
      stats.batches += 1;
      active.event({ kind: 'submitted', ...base, id, items: ids.length });
      batches.push({ line, ids });
    }
    await Promise.all(
      batches.map(async ({ line, ids }) => {
        const results = await waitAndRead(line, ids, requests, signal);
        for (const customId of ids) {
          outcomes.set(
            customId,
            results.get(customId) ?? {
              ok: false,
              retryable: true,
              error: new ConvotestError('E_PROVIDER', `${group.client.provider} ${group.client.model}: batch ${line.id} ended without a result for this request`),
            },
          );
        }
      }),
    );
    let cost = 0;
    const tally = new Map<string, { answered: number; failed: number; retried: number }>();
    for (const b of batches) for (const id of b.ids) tally.set(id, { answered: 0, failed: 0, retried: 0 });
    for (const [customId, list] of byId) {
      const outcome = outcomes.get(customId)!;
      const usage = usageOfOutcome(outcome);
      if (usage) {
        cost += deps.price(outcome.ok ? outcome.response.model : group.client.model, usage) ?? 0;
        group.maxOutput = Math.max(group.maxOutput, usage.output);
      }
      for (const item of list) {
        const shown: BatchItemResult = outcome.ok ? { ok: true, response: { ...outcome.response, latencyMs: Math.max(0, now() - item.parkedAt) } } : outcome;
        const how = deliver(item, shown);
        const t = tally.get(customId);
        if (t && list[0] === item) t[how] += 1;
      }
    }
    for (const { line, ids } of batches) {
      const sum = { answered: 0, failed: 0, retried: 0 };
      for (const id of ids) {
        const t = tally.get(id)!;
        sum.answered += t.answered;
        sum.failed += t.failed;
        sum.retried += t.retried;
      }
      active.event({ kind: 'ended', ...base, id: line.id, items: ids.length, ...sum });
    }
    return cost;
  }

  /** Polls a batch with backoff until it ends, then reads its results (a failed read fails its items, not the run). */
  async function waitAndRead(
    line: Omit<RunBatchLine, 'type' | 'prev'>,
    ids: string[],
    requests: ReadonlyMap<string, ChatRequest>,
    signal: AbortSignal,
  ): Promise<Map<string, BatchItemResult>> {
    const group = groups.get(`${line.role}:${line.name}:${line.provider}:${line.model}`)!;
    const mine = new Map(ids.map((id) => [id, requests.get(id)!]));
    let wait = deps.settings.pollIntervalMs;
    try {
      for (;;) {
        const status = await group.client.status(line.id, signal);
        if (status.ended) break;
        sink!.event({ kind: 'pending', provider: line.provider, model: line.model, role: line.role, name: line.name, round: line.round, id: line.id, items: ids.length, state: status.state, finished: status.finished, nextPollMs: wait });
        await sleep(wait, signal);
        wait = Math.min(wait * 2, deps.settings.maxPollIntervalMs);
      }
      return await group.client.results(line.id, mine, signal);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      // Not retried: the batch may have run, and sending it again would pay twice. --resume reads it later.
      const cause = new ConvotestError('E_PROVIDER', `${line.provider} ${line.model}: batch ${line.id} could not be read (${(error as Error).message}); --resume reads it again`, { cause: error });
      return new Map(ids.map((id) => [id, { ok: false, retryable: false, error: cause }]));
    }
  }

  return {
    chatModel(client, role, name) {
      const key = `${role}:${name}:${client.provider}:${client.model}`;
      let group = groups.get(key);
      if (!group) {
        group = { key, client, role, name, maxOutput: 0 };
        groups.set(key, group);
      }
      const own = group;
      return {
        provider: client.provider,
        model: client.model,
        chat(request: ChatRequest): Promise<ChatResponse> {
          if (!sink) return Promise.reject(new ConvotestError('E_INTERNAL', 'batch mode: a call before the rounds were attached to the run'));
          if (sink.signal.aborted) return Promise.reject(sink.signal.reason);
          const conversation = conversationOf.getStore() ?? NO_CONVERSATION;
          return new Promise<ChatResponse>((resolve, reject) => {
            park(1, conversation);
            enqueue({
              conversation,
              group: own,
              request: { ...request, signal: undefined },
              attempt: 0,
              parkedAt: now(),
              settle: (outcome) => (outcome.ok ? resolve(outcome.response) : reject(outcome.error)),
            });
            check();
          });
        },
      };
    },
    async track(conversation, work) {
      live.add(conversation);
      try {
        return await conversationOf.run(conversation, work);
      } finally {
        if ((parkedBy.get(conversation) ?? 0) > 0) waiting -= 1;
        live.delete(conversation);
        parkedBy.delete(conversation);
        check();
      }
    },
    resumeFrom(lines) {
      for (const line of lines) for (const id of line.items) previous.set(id, line);
    },
    attach(next) {
      sink = next;
      next.signal.addEventListener(
        'abort',
        () => {
          // Requests not sent yet fail at once; batches in flight stop polling (their ids are in the record).
          const waiting = queue;
          queue = [];
          for (const item of waiting) deliverAbort(item, next.signal.reason);
        },
        { once: true },
      );
    },
    stats,
  };
}
