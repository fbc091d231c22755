import type { Grade } from '../schema/grade.js';
import type { RunResult } from '../schema/run-record.js';
import type { KpiValue, Kpis } from '../schema/summary.js';
import { quantileSorted } from './stats/bootstrap.js';

/**
 * KPI facts read from the outcome graders' grades, by grader *kind* (documented in docs/gate.md):
 * - `resolution`: `details.detectedOutcome` (resolved | escalated | abandoned | converted), falling
 *   back to `label`; goal completion from `details.goalCompleted` (boolean), else
 *   `details.missingTools` (array: empty = complete) when `details.expectedTools` is a non-empty array.
 * - `escalation`: `label` `escalated` | `not-escalated` (else `pass === false` means escalated).
 * - `fallback`: `turns[]`, one per assistant turn; `pass === false` = that turn was a fallback.
 * - `turns-to-resolution`: `details.turns` (number).
 * - `sentiment`: `score` = CSAT proxy, `label` positive | neutral | negative.
 * A grade with an `error` is skipped (never counted as a fail).
 */
export interface KpiTally {
  conversations: number;
  resolutionGraded: number;
  resolved: number;
  firstContactResolved: number;
  escalationGraded: number;
  escalated: number;
  fallbackTurns: number;
  fallbacks: number;
  goalGraded: number;
  goalCompleted: number;
  turnsToResolutionSum: number;
  turnsToResolutionN: number;
  assistantTurns: number;
  csatSum: number;
  csatN: number;
  sentiment: Record<string, number>;
}

export function emptyKpiTally(): KpiTally {
  return {
    conversations: 0,
    resolutionGraded: 0,
    resolved: 0,
    firstContactResolved: 0,
    escalationGraded: 0,
    escalated: 0,
    fallbackTurns: 0,
    fallbacks: 0,
    goalGraded: 0,
    goalCompleted: 0,
    turnsToResolutionSum: 0,
    turnsToResolutionN: 0,
    assistantTurns: 0,
    csatSum: 0,
    csatN: 0,
    sentiment: {},
  };
}

/** Adds one result's KPI facts to `tally` (mutates it; the tally is owned by one accumulator). */
export function tallyKpis(tally: KpiTally, result: RunResult): void {
  if (result.error) return;
  tally.conversations++;
  let assistantTurns = 0;
  for (const m of result.transcript) if (m.role === 'assistant' && !m.scripted) assistantTurns++;
  tally.assistantTurns += assistantTurns;
  // The first grade without an error of each outcome kind, found in one pass over the grades.
  let escalation: Grade | undefined;
  let resolution: Grade | undefined;
  let fallback: Grade | undefined;
  let turnsToResolution: Grade | undefined;
  let sentiment: Grade | undefined;
  for (const g of result.grades) {
    if (g.error) continue;
    switch (g.kind) {
      case 'escalation':
        escalation ??= g;
        break;
      case 'resolution':
        resolution ??= g;
        break;
      case 'fallback':
        fallback ??= g;
        break;
      case 'turns-to-resolution':
        turnsToResolution ??= g;
        break;
      case 'sentiment':
        sentiment ??= g;
        break;
    }
  }
  const escalated = escalation ? escalation.label === 'escalated' || (escalation.label === undefined && escalation.pass === false) : false;
  if (escalation) {
    tally.escalationGraded++;
    if (escalated) tally.escalated++;
  }
  if (resolution) {
    const outcome = resolution.details?.['detectedOutcome'] ?? resolution.label;
    if (typeof outcome === 'string') {
      tally.resolutionGraded++;
      if (outcome === 'resolved') {
        tally.resolved++;
        if (!escalated) tally.firstContactResolved++;
      }
    }
    const goal = goalCompleted(resolution.details);
    if (goal !== undefined) {
      tally.goalGraded++;
      if (goal) tally.goalCompleted++;
    }
  }
  if (fallback?.turns) {
    tally.fallbackTurns += fallback.turns.length;
    for (const t of fallback.turns) if (!t.pass) tally.fallbacks++;
  }
  const ttr = turnsToResolution?.details?.['turns'];
  if (typeof ttr === 'number' && Number.isFinite(ttr)) {
    tally.turnsToResolutionSum += ttr;
    tally.turnsToResolutionN++;
  }
  if (sentiment && sentiment.score !== null) {
    tally.csatSum += sentiment.score;
    tally.csatN++;
    if (sentiment.label) tally.sentiment[sentiment.label] = (tally.sentiment[sentiment.label] ?? 0) + 1;
  }
}

function goalCompleted(details: Record<string, unknown> | undefined): boolean | undefined {
  if (!details) return undefined;
  if (typeof details['goalCompleted'] === 'boolean') return details['goalCompleted'];
  const expected = details['expectedTools'];
  const missing = details['missingTools'];
  if (Array.isArray(expected) && expected.length > 0 && Array.isArray(missing)) return missing.length === 0;
  return undefined;
}

/** Sums tallies (for a slice or a variant). */
export function mergeKpiTally(into: KpiTally, from: KpiTally): void {
  for (const key of Object.keys(from) as (keyof KpiTally)[]) {
    if (key === 'sentiment') {
      for (const [label, n] of Object.entries(from.sentiment)) into.sentiment[label] = (into.sentiment[label] ?? 0) + n;
    } else {
      into[key] += from[key];
    }
  }
}

export type { KpiValue, Kpis } from '../schema/summary.js';

/** Money and tokens, agent, judge and simulator apart. Costs are null when any result's price is unknown. */
export interface CostFacts {
  results: number;
  /** Results of simulated-customer conversations, and their simulator's tokens and cost. */
  simulated: number;
  simulatorTokens: number;
  simulatorCostUsd: number;
  simulatorUnpriced: number;
  inputTokens: number;
  outputTokens: number;
  judgeInputTokens: number;
  judgeOutputTokens: number;
  costUsd: number;
  judgeCostUsd: number;
  /** Results whose agent cost is unknown (a model without a price). */
  unpriced: number;
  judgeUnpriced: number;
}

export function emptyCostFacts(): CostFacts {
  return { results: 0, simulated: 0, simulatorTokens: 0, simulatorCostUsd: 0, simulatorUnpriced: 0, inputTokens: 0, outputTokens: 0, judgeInputTokens: 0, judgeOutputTokens: 0, costUsd: 0, judgeCostUsd: 0, unpriced: 0, judgeUnpriced: 0 };
}

export function tallyCost(facts: CostFacts, result: RunResult): void {
  facts.results++;
  facts.inputTokens += result.usage.input;
  facts.outputTokens += result.usage.output;
  facts.judgeInputTokens += result.judgeUsage.input;
  facts.judgeOutputTokens += result.judgeUsage.output;
  if (result.costUsd === null) facts.unpriced++;
  else facts.costUsd += result.costUsd;
  if (result.judgeCostUsd === null) facts.judgeUnpriced++;
  else facts.judgeCostUsd += result.judgeCostUsd;
  const simulation = result.simulation;
  if (simulation) {
    facts.simulated++;
    facts.simulatorTokens += simulation.usage.input + simulation.usage.output;
    if (simulation.costUsd === null) facts.simulatorUnpriced++;
    else facts.simulatorCostUsd += simulation.costUsd;
  }
}

export function mergeCostFacts(into: CostFacts, from: CostFacts): void {
  for (const key of Object.keys(from) as (keyof CostFacts)[]) into[key] += from[key];
}

const rate = (num: number, n: number): KpiValue => ({ value: n > 0 ? num / n : null, n });

/** Turns tallies, costs and per-turn latencies (in any order) into KPIs. */
export function computeKpis(t: KpiTally, c: CostFacts, turnLatencies: ArrayLike<number>): Kpis {
  const latencies = Float64Array.from(turnLatencies).sort();
  const priced = c.unpriced === 0 && c.results > 0;
  const judgePriced = c.judgeUnpriced === 0 && c.results > 0;
  return {
    resolutionRate: rate(t.resolved, t.resolutionGraded),
    firstContactResolution: rate(t.firstContactResolved, t.resolutionGraded),
    escalationRate: rate(t.escalated, t.escalationGraded),
    fallbackRate: rate(t.fallbacks, t.fallbackTurns),
    goalCompletion: rate(t.goalCompleted, t.goalGraded),
    averageTurns: rate(t.assistantTurns, t.conversations),
    averageTurnsToResolution: rate(t.turnsToResolutionSum, t.turnsToResolutionN),
    csat: rate(t.csatSum, t.csatN),
    sentiment: { ...t.sentiment },
    latencyP50Ms: latencies.length > 0 ? quantileSorted(latencies, 0.5) : null,
    latencyP95Ms: latencies.length > 0 ? quantileSorted(latencies, 0.95) : null,
    tokensPerConversation: c.results > 0 ? (c.inputTokens + c.outputTokens) / c.results : null,
    judgeTokensPerConversation: c.results > 0 ? (c.judgeInputTokens + c.judgeOutputTokens) / c.results : null,
    costPerConversationUsd: priced ? c.costUsd / c.results : null,
    costPerResolvedUsd: priced && t.resolved > 0 ? c.costUsd / t.resolved : null,
    judgeCostPerConversationUsd: judgePriced ? c.judgeCostUsd / c.results : null,
    totalCostUsd: priced ? c.costUsd : null,
    totalJudgeCostUsd: judgePriced ? c.judgeCostUsd : null,
    unpricedResults: c.unpriced,
    judgeUnpricedResults: c.judgeUnpriced,
    ...(c.simulated > 0
      ? { simulatorTokensPerConversation: c.simulatorTokens / c.simulated, totalSimulatorCostUsd: c.simulatorUnpriced === 0 ? c.simulatorCostUsd : null }
      : {}),
  };
}
