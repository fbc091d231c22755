import { createPricer } from '../core/cost.js';
import { builtinGraderKinds } from '../grading/registry.js';
import { batchPrices, DEFAULT_PRICES } from '../models/pricing.js';
import { TOKENS_PER_MESSAGE, countTokens } from '../models/tokenizer.js';
import type { Usage } from '../schema/message.js';
import { gradersFor } from './grade-conversation.js';
import { callsNoProvider } from './meter.js';
import type { PreparedRun } from './prepare.js';
import { type Range, simulatedBounds } from './estimate-simulated.js';
import { simulatorSkipLine } from './simulator-model.js';

/** Reply length bounds used when nothing is known about a reply (tokens). */
const REPLY_TOKENS = { low: 20, high: 400 };
/** A judge prompt's own text (rubric, instructions, schema) on top of the transcript, and its answer. */
const JUDGE_PROMPT_TOKENS = 600;
const JUDGE_REPLY_TOKENS = { low: 80, high: 500 };

export interface RunEstimate {
  conversations: number;
  rows: Array<{ variant: string; model: string | undefined; conversations: number; calls: number; tokens: Range; costUsd: Range | null }>;
  judge: { model: string | undefined; calls: number; tokens: Range; costUsd: Range | null } | undefined;
  /** The simulated customers' calls: `calls` is the bound (every conversation reaching max_turns). */
  simulator: { model: string | undefined; calls: number; tokens: Range; costUsd: Range | null } | undefined;
  skipped: string[];
  /** --batch: model variants and the judge are priced at the batch price. */
  batch?: boolean;
}

/**
 * What `--dry-run` prints: for every planned conversation, the agent calls and the tokens they
 * would take (the golden set's own text counted with the tokenizer; replies between 20 and
 * maxTokens or 400 tokens), the judge calls of model-based graders, and the cost range. A
 * simulated-customer conversation ranges from one customer message to `max_turns` of them
 * (src/runner/estimate-simulated.ts): agent and simulator calls are counted at that bound.
 */
export function estimateRun(prepared: PreparedRun): RunEstimate {
  const interactive = createPricer(DEFAULT_PRICES, prepared.config.pricing);
  // --batch: model variants and the judge at the batch price (http and module agents call their own bots).
  const batched = prepared.batch ? createPricer(batchPrices(DEFAULT_PRICES), batchPrices(prepared.config.pricing)) : interactive;
  const repeat = prepared.header.repeat;
  const judgeKinds = new Set(Object.entries(builtinGraderKinds).filter(([, k]) => k.needsJudge).map(([name]) => name));
  const judgeGraders = prepared.graders.filter((g) => judgeKinds.has(g.kind));
  const judge = { calls: 0, input: { low: 0, high: 0 }, output: { low: 0, high: 0 } };
  const addJudge = (transcript: Range, graders: number) => {
    judge.calls += graders;
    judge.input.low += graders * (JUDGE_PROMPT_TOKENS + transcript.low);
    judge.input.high += graders * (JUDGE_PROMPT_TOKENS + transcript.high);
    judge.output.low += graders * JUDGE_REPLY_TOKENS.low;
    judge.output.high += graders * JUDGE_REPLY_TOKENS.high;
  };
  const simulatorConfig = prepared.simulator ? prepared.config.simulator : undefined;
  const customerReply = { low: REPLY_TOKENS.low, high: simulatorConfig?.maxTokens ?? REPLY_TOKENS.high };
  const sim = { calls: 0, input: { low: 0, high: 0 }, output: { low: 0, high: 0 } };
  const rows: RunEstimate['rows'] = [];
  for (const variant of prepared.variants) {
    const info = prepared.header.variants.find((v) => v.name === variant.name);
    const config = prepared.config.agents[variant.name];
    const replyHigh = config?.kind === 'model' ? (config.params.maxTokens ?? REPLY_TOKENS.high) : REPLY_TOKENS.high;
    const row = { variant: variant.name, model: info?.model, conversations: 0, calls: 0, input: { low: 0, high: 0 }, output: { low: 0, high: 0 } };
    for (const testCase of prepared.cases) {
      const system = countTokens(testCase.system ?? '') + TOKENS_PER_MESSAGE;
      if (testCase.user) {
        const b = simulatedBounds(testCase.user, { system, agentReply: { low: REPLY_TOKENS.low, high: replyHigh }, customerReply, simulator: simulatorConfig });
        for (const [into, from] of [[row, b.agent], [sim, b.simulator]] as const) {
          into.input.low += from.input.low * repeat;
          into.input.high += from.input.high * repeat;
          into.output.low += from.output.low * repeat;
          into.output.high += from.output.high * repeat;
          into.calls += from.calls.high * repeat;
        }
        row.conversations += repeat;
        const graders = gradersFor(testCase, judgeGraders, prepared.defaultGraders).length;
        for (let r = 0; r < repeat; r++) addJudge(b.transcript, graders);
        continue;
      }
      if (!testCase.turns) continue;
      let context: Range = { low: system, high: system };
      for (const turn of testCase.turns) {
        const user = countTokens(turn.user) + TOKENS_PER_MESSAGE;
        context = { low: context.low + user, high: context.high + user };
        row.input.low += context.low * repeat;
        row.input.high += context.high * repeat;
        row.output.low += REPLY_TOKENS.low * repeat;
        row.output.high += replyHigh * repeat;
        context = { low: context.low + REPLY_TOKENS.low, high: context.high + replyHigh };
      }
      row.conversations += repeat;
      row.calls += testCase.turns.length * repeat;
      // A grader judging reply by reply (a rubric with scope: turn) calls once per turn at least.
      const graders = gradersFor(testCase, judgeGraders, prepared.defaultGraders).reduce((n, g) => n + (g.byReply ? testCase.turns!.length : 1), 0);
      for (let r = 0; r < repeat; r++) addJudge(context, graders);
    }
    const price = config?.kind === 'model' ? batched : interactive;
    const cost = (u: Range, o: Range, pick: 'low' | 'high') => price(info?.model, usage(u[pick], o[pick]));
    const low = cost(row.input, row.output, 'low');
    const high = cost(row.input, row.output, 'high');
    const free = config !== undefined && callsNoProvider(config.kind);
    rows.push({
      variant: row.variant,
      model: row.model,
      conversations: row.conversations,
      calls: row.calls,
      tokens: { low: row.input.low + row.output.low, high: row.input.high + row.output.high },
      costUsd: free ? { low: 0, high: 0 } : low === null || high === null ? null : { low, high },
    });
  }
  for (const testCase of prepared.cases) {
    if (!testCase.transcript) continue;
    const tokens = testCase.transcript.reduce((n, m) => n + countTokens(m.content ?? '') + TOKENS_PER_MESSAGE, 0);
    const replies = testCase.transcript.filter((m) => m.role === 'assistant').length;
    addJudge({ low: tokens, high: tokens }, gradersFor(testCase, judgeGraders, prepared.defaultGraders).reduce((n, g) => n + (g.byReply ? replies : 1), 0));
  }
  const judgeModel = prepared.judge?.model;
  const jLow = batched(judgeModel, usage(judge.input.low, judge.output.low));
  const jHigh = batched(judgeModel, usage(judge.input.high, judge.output.high));
  const judgeTokens = { low: judge.input.low + judge.output.low, high: judge.input.high + judge.output.high };
  const simulatorModel = prepared.simulator?.model;
  const sLow = interactive(simulatorModel, usage(sim.input.low, sim.output.low));
  const sHigh = interactive(simulatorModel, usage(sim.input.high, sim.output.high));
  return {
    ...(prepared.batch ? { batch: true } : {}),
    conversations: rows.reduce((n, r) => n + r.conversations, 0) + prepared.cases.filter((c) => c.transcript).length,
    rows,
    judge: prepared.judge
      ? { model: judgeModel, calls: judge.calls, tokens: judgeTokens, costUsd: jLow === null || jHigh === null ? null : { low: jLow, high: jHigh } }
      : undefined,
    simulator: prepared.simulator
      ? {
          model: simulatorModel,
          calls: sim.calls,
          tokens: { low: sim.input.low + sim.output.low, high: sim.input.high + sim.output.high },
          costUsd: sLow === null || sHigh === null ? null : { low: sLow, high: sHigh },
        }
      : undefined,
    skipped: [
      ...prepared.header.variants.filter((v) => v.skipped).map((v) => `variant ${v.name}: ${v.skipped}`),
      ...prepared.header.graders.filter((g) => g.skipped).map((g) => `grader ${g.name}: ${g.skipped}`),
      ...[simulatorSkipLine(prepared.header.simulator)].filter((line) => line !== undefined),
    ],
  };
}

function usage(input: number, output: number): Usage {
  return { input, output, cached: 0 };
}

/** The dry-run table. */
export function formatDryRun(estimate: RunEstimate): string {
  const money = (r: Range | null) => (r === null ? 'unknown price' : `$${r.low.toFixed(4)} – $${r.high.toFixed(4)}`);
  const tokens = (r: Range) => `${r.low.toLocaleString('en-US')} – ${r.high.toLocaleString('en-US')}`;
  const lines = [`dry run: ${estimate.conversations} conversations planned; nothing was called${estimate.batch ? ' (batch prices for model variants and the judge)' : ''}`, ''];
  const head = ['variant', 'model', 'conversations', 'agent calls', 'tokens', 'cost'];
  const body = estimate.rows.map((r) => [r.variant, r.model ?? '-', String(r.conversations), String(r.calls), tokens(r.tokens), money(r.costUsd)]);
  if (estimate.judge) body.push(['(judge)', estimate.judge.model ?? '-', '', String(estimate.judge.calls), tokens(estimate.judge.tokens), money(estimate.judge.costUsd)]);
  if (estimate.simulator) {
    body.push(['(simulator)', estimate.simulator.model ?? '-', '', `≤ ${estimate.simulator.calls}`, tokens(estimate.simulator.tokens), money(estimate.simulator.costUsd)]);
  }
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  for (const row of [head, ...body]) lines.push(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
  if (estimate.simulator) lines.push('simulated customers are counted from one customer message up to max_turns (agent and simulator calls: the max_turns bound)');
  for (const s of estimate.skipped) lines.push(`skipped ${s}`);
  return `${lines.join('\n')}\n`;
}
