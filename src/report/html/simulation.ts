import type { RunResult, SimulationEnd } from '../../schema/run-record.js';
import { escapeHtml as e, usd } from './escape.js';

/** Why a simulated conversation ended, in the words the report and viewer show. */
export const END_REASON_TEXT: Record<SimulationEnd, string> = {
  stop: 'the customer ended it (goal met or given up)',
  stop_phrase: 'an agent reply contained a stop phrase',
  max_turns: 'max turns reached',
  escalation: 'the agent handed over to a human',
  agent_error: 'the agent call failed',
  simulator_error: 'the simulator call failed',
};

/** The simulated conversations of one variant: how many, how they ended, what the simulator cost. */
export interface SimulationStats {
  variant: string;
  conversations: number;
  /** Customer messages, all conversations together. */
  customerMessages: number;
  ends: Array<{ reason: SimulationEnd; count: number }>;
  tokens: { input: number; output: number };
  /** null when a simulator model had no price. */
  costUsd: number | null;
  simulators: string[];
}

/**
 * Per variant, the results whose `mode` is `simulated`: conversations, customer messages, end
 * reasons (in {@link END_REASON_TEXT} order) and the simulator's tokens and cost (apart from
 * agent and judge). Empty when the run has no simulated customer.
 */
export function simulationStats(results: readonly Pick<RunResult, 'variant' | 'simulation'>[]): SimulationStats[] {
  const byVariant = new Map<string, SimulationStats>();
  const counts = new Map<string, Map<SimulationEnd, number>>();
  for (const r of results) {
    const s = r.simulation;
    if (!s) continue;
    const stats = byVariant.get(r.variant) ?? {
      variant: r.variant,
      conversations: 0,
      customerMessages: 0,
      ends: [],
      tokens: { input: 0, output: 0 },
      costUsd: 0,
      simulators: [],
    };
    byVariant.set(r.variant, stats);
    stats.conversations++;
    stats.customerMessages += s.turns;
    stats.tokens.input += s.usage.input;
    stats.tokens.output += s.usage.output;
    stats.costUsd = stats.costUsd === null || s.costUsd === null ? null : stats.costUsd + s.costUsd;
    if (!stats.simulators.includes(s.simulator)) stats.simulators.push(s.simulator);
    const ends = counts.get(r.variant) ?? new Map<SimulationEnd, number>();
    counts.set(r.variant, ends);
    ends.set(s.endReason, (ends.get(s.endReason) ?? 0) + 1);
  }
  for (const stats of byVariant.values()) {
    const ends = counts.get(stats.variant)!;
    stats.ends = (Object.keys(END_REASON_TEXT) as SimulationEnd[]).filter((k) => ends.has(k)).map((reason) => ({ reason, count: ends.get(reason)! }));
  }
  return [...byVariant.values()];
}

/** The overview's "Simulated customers" table; empty when there is none. */
export function simulationSection(stats: readonly SimulationStats[]): string {
  if (stats.length === 0) return '';
  const rows = stats.map((s) => {
    const ends = s.ends.map((x) => `<span title="${e(END_REASON_TEXT[x.reason])}">${e(x.reason)} ${x.count}</span>`).join(' · ');
    return `<tr><td>${e(s.variant)}</td><td>${s.conversations}</td><td>${(s.customerMessages / s.conversations).toFixed(1)}</td><td>${ends}</td><td>${e(s.simulators.join(', '))}</td><td>${s.tokens.input} / ${s.tokens.output}</td><td>${s.costUsd === null ? 'unpriced' : usd(s.costUsd)}</td></tr>`;
  });
  return `<section id="simulation"><h2>Simulated customers</h2>
<p class="meta">Conversations where a model played the customer (a case's <code>user:</code> block); its messages are marked <span class="badge sim">simulated customer</span> in the case view. Simulator cost is counted apart from agent and judge cost.</p>
<div class="table-scroll"><table class="simulation"><thead><tr><th>variant</th><th>conversations</th><th>customer messages/conv</th><th>ended by</th><th>simulator</th><th>simulator tokens in / out</th><th>simulator cost</th></tr></thead><tbody>${rows.join('')}</tbody></table></div></section>`;
}
