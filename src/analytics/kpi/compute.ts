import { normalQuantile } from '../../core/stats/normal.js';
import { wilson } from '../../core/stats/wilson.js';
import type { Target } from '../config.js';
import type { Aggregates } from './sql.js';

/** How a KPI's value reads: a share, seconds, money, tokens or a 1–5 score. */
export type KpiUnit = 'rate' | 'seconds' | 'usd' | 'tokens' | 'score';

/** One KPI's definition, as README and the dashboard state it. */
export interface KpiDefinition {
  id: string;
  label: string;
  unit: KpiUnit;
  /** true when a higher value is better (for trend arrows). */
  higherIsBetter: boolean;
  definition: string;
}

/** The KPIs, in display order. */
export const KPI_DEFINITIONS: readonly KpiDefinition[] = [
  { id: 'resolution', label: 'Resolution rate', unit: 'rate', higherIsBetter: true, definition: 'sessions whose session_ended outcome is resolved ÷ sessions' },
  { id: 'fcr', label: 'First-contact resolution', unit: 'rate', higherIsBetter: true, definition: 'resolved sessions after which the same user does not open another session on the same intent within fcrWindowDays (7) ÷ sessions' },
  { id: 'deflection', label: 'Deflection rate', unit: 'rate', higherIsBetter: true, definition: 'sessions resolved with no escalation_requested (contained by the agent) ÷ sessions' },
  { id: 'escalation', label: 'Escalation (handoff) rate', unit: 'rate', higherIsBetter: false, definition: 'sessions with an escalation_requested event ÷ sessions' },
  { id: 'fallback', label: 'Fallback rate', unit: 'rate', higherIsBetter: false, definition: 'fallback_triggered events ÷ message_sent events (user messages the agent could not handle)' },
  { id: 'conversion', label: 'Conversion rate', unit: 'rate', higherIsBetter: true, definition: 'sessions with a conversion event ÷ sessions' },
  { id: 'revenue_per_chat', label: 'Revenue per chat', unit: 'usd', higherIsBetter: true, definition: 'sum of conversion value ÷ sessions (shown only when conversions carry a value)' },
  { id: 'csat', label: 'CSAT', unit: 'rate', higherIsBetter: true, definition: 'feedback csat ratings of 4 or 5 ÷ csat ratings (1–5 scale)' },
  { id: 'ces', label: 'Customer effort score', unit: 'score', higherIsBetter: true, definition: 'mean feedback ces rating (1 very hard – 5 very easy)' },
  { id: 'handle_time', label: 'Handle time', unit: 'seconds', higherIsBetter: false, definition: 'mean seconds from a session’s first event to its last' },
  { id: 'first_response_time', label: 'First response time', unit: 'seconds', higherIsBetter: false, definition: 'mean seconds from the first message_sent to the first message_received after it' },
  { id: 'tokens_per_conversation', label: 'Tokens per conversation', unit: 'tokens', higherIsBetter: false, definition: 'sum of tokens_in + tokens_out of message_received ÷ sessions' },
  { id: 'cost_per_conversation', label: 'Cost per conversation', unit: 'usd', higherIsBetter: false, definition: 'sum of cost_usd of message_received ÷ sessions' },
  { id: 'cost_per_resolved', label: 'Cost per resolved conversation', unit: 'usd', higherIsBetter: false, definition: 'sum of cost_usd ÷ resolved sessions' },
];

/** A KPI's value on one slice: a 95 % interval for rates (Wilson) and means (normal), a target and whether it is met. */
export interface KpiValue {
  id: string;
  value: number | null;
  lo?: number;
  hi?: number;
  /** What the value is a share or mean of (sessions, messages, ratings). */
  n: number;
  target?: Target;
  /** `met`, `missed`, or null without a target or a value. */
  status: 'met' | 'missed' | null;
}

const Z95 = normalQuantile(0.975);

function rate(id: string, k: number, n: number): KpiValue {
  if (n <= 0) return { id, value: null, n: 0, status: null };
  const { lo, hi } = wilson(Math.min(k, n), n);
  return { id, value: k / n, lo, hi, n, status: null };
}

function mean(id: string, sum: number, sq: number, n: number): KpiValue {
  if (n <= 0) return { id, value: null, n: 0, status: null };
  const m = sum / n;
  if (n < 2) return { id, value: m, n, status: null };
  const variance = Math.max(0, (sq - n * m * m) / (n - 1));
  const half = Z95 * Math.sqrt(variance / n);
  return { id, value: m, lo: m - half, hi: m + half, n, status: null };
}

const ratio = (id: string, num: number, den: number): KpiValue => ({ id, value: den > 0 ? num / den : null, n: den, status: null });

/**
 * Every KPI of one slice from its aggregates, each compared with its target.
 * @example computeKpis(aggregates, { csat: { min: 0.8 } }).find((k) => k.id === 'csat')
 */
export function computeKpis(a: Aggregates, targets: Record<string, Target>): KpiValue[] {
  const values: KpiValue[] = [
    rate('resolution', a.resolved, a.sessions),
    rate('fcr', a.fcr, a.sessions),
    rate('deflection', a.deflected, a.sessions),
    rate('escalation', a.escalated, a.sessions),
    rate('fallback', a.fallbacks, a.user_messages),
    rate('conversion', a.converted, a.sessions),
    a.revenue_sessions > 0 ? ratio('revenue_per_chat', a.revenue, a.sessions) : { id: 'revenue_per_chat', value: null, n: 0, status: null },
    rate('csat', a.csat_good, a.csat_n),
    mean('ces', a.ces_sum, a.ces_sq, a.ces_n),
    mean('handle_time', a.handle_sum, a.handle_sq, a.handle_n),
    mean('first_response_time', a.frt_sum, a.frt_sq, a.frt_n),
    ratio('tokens_per_conversation', a.tokens, a.sessions),
    ratio('cost_per_conversation', a.cost, a.sessions),
    ratio('cost_per_resolved', a.cost, a.resolved),
  ];
  return values.map((v) => withTarget(v, targets[v.id]));
}

/** Aliases accepted in targets (the words). */
const TARGET_ALIASES: Record<string, string> = { handoff: 'escalation', lead_conversion: 'conversion' };

function withTarget(v: KpiValue, target: Target | undefined): KpiValue {
  if (!target || v.value === null) return target ? { ...v, target } : v;
  const met = (target.min === undefined || v.value >= target.min) && (target.max === undefined || v.value <= target.max);
  return { ...v, target, status: met ? 'met' : 'missed' };
}

/** Targets with the aliases (`handoff`, `lead_conversion`) resolved to KPI ids. */
export function resolveTargets(targets: Record<string, Target>): Record<string, Target> {
  const out: Record<string, Target> = {};
  for (const [key, t] of Object.entries(targets)) out[TARGET_ALIASES[key] ?? key] = t;
  return out;
}

/** Intents seen in traffic that are not in `known`, most sessions first, with their share. */
export function unseenIntents(byIntent: ReadonlyArray<{ slice: string; sessions: number }>, known: readonly string[]): { intent: string; sessions: number; share: number }[] {
  if (known.length === 0) return [];
  const knownSet = new Set(known.map((k) => k.toLowerCase()));
  const total = byIntent.reduce((s, r) => s + r.sessions, 0);
  return byIntent
    .filter((r) => !knownSet.has(r.slice.toLowerCase()))
    .map((r) => ({ intent: r.slice, sessions: r.sessions, share: total > 0 ? r.sessions / total : 0 }))
    .sort((x, y) => y.sessions - x.sessions || x.intent.localeCompare(y.intent));
}
