import { createRng, type Rng } from '../core/stats/prng.js';
import { assignVariant } from './assign.js';
import type { ChatEventInput } from './events.js';

/**
 * Seeded synthetic chat traffic for the demo, the tests and the benches. Distributions (per session):
 * - user: uniform over `sessions × 0.7` users (so some users come back, which FCR needs);
 * - channel: web 50 %, mobile 30 %, whatsapp 15 %, voice 5 %;
 * - intent: order_status 25 %, product_question 20 %, refund 15 %, billing 15 %, purchase 15 %,
 *   cancel_subscription 7 %, warranty_claim 3 % (absent from the example golden set: an unseen intent);
 * - language: en 70 %, es 15 %, de 10 %, fr 5 %;
 * - variant: {@link assignVariant}(user, `experiment`, control 1 : treatment 1);
 * - start: uniform over `days` days from `start`;
 * - user messages: 1 + Geometric(0.45), at most 8; each is answered after 0.5–4 s (uniform), replies
 *   cost 300 + 150·turn input tokens and 60–180 output tokens at $0.15/$0.60 per million;
 * - fallback per user message: 8 % (warranty_claim 40 %);
 * - escalation: 6 %, or 30 % after a fallback; resolved: 72 % without escalation, 50 % with;
 *   unresolved single-message sessions are `abandoned` half of the time;
 * - conversion: purchase 40 %, product_question 20 %, others 4 %, plus `lift` (default 0.03) for
 *   `treatment`: the planted difference. A conversion runs the `checkout` flow (started, completed,
 *   conversion with a value of $20–$120); 50 % of purchase/product sessions that do not convert
 *   start the flow and abandon it;
 * - feedback on 30 % of sessions: CSAT 1–5 weighted (resolved: 3/5/10/35/47 %, else 20/25/25/20/10 %),
 *   CES 1–5 weighted (resolved: 2/5/13/40/40 %, else 15/25/30/20/10 %).
 */
export interface TrafficOptions {
  seed: number;
  sessions: number;
  /** First day (UTC ISO date or time), default 2026-01-05. */
  start?: string;
  days?: number;
  experiment?: string;
  /** Absolute conversion lift of `treatment` (default 0.03). */
  lift?: number;
}

const pick = <T extends string>(rng: Rng, table: ReadonlyArray<readonly [T, number]>): T => {
  let u = rng();
  for (const [value, p] of table) {
    if (u < p) return value;
    u -= p;
  }
  return table[table.length - 1]![0];
};

export const CHANNELS = [['web', 0.5], ['mobile', 0.3], ['whatsapp', 0.15], ['voice', 0.05]] as const;
export const INTENTS = [
  ['order_status', 0.25], ['product_question', 0.2], ['refund', 0.15], ['billing', 0.15],
  ['purchase', 0.15], ['cancel_subscription', 0.07], ['warranty_claim', 0.03],
] as const;
export const LANGUAGES = [['en', 0.7], ['es', 0.15], ['de', 0.1], ['fr', 0.05]] as const;
const CSAT_RESOLVED = [0.03, 0.05, 0.1, 0.35, 0.47];
const CSAT_OTHER = [0.2, 0.25, 0.25, 0.2, 0.1];
const CES_RESOLVED = [0.02, 0.05, 0.13, 0.4, 0.4];
const CES_OTHER = [0.15, 0.25, 0.3, 0.2, 0.1];

/** The base conversion probability of an intent (before the planted lift). */
export function conversionBase(intent: string): number {
  return intent === 'purchase' ? 0.4 : intent === 'product_question' ? 0.2 : 0.04;
}

const rating = (rng: Rng, weights: readonly number[]): number => {
  let u = rng();
  for (let i = 0; i < weights.length; i++) {
    if (u < weights[i]!) return i + 1;
    u -= weights[i]!;
  }
  return weights.length;
};

/**
 * The events of `options.sessions` synthetic sessions, session by session (a generator: 10 million
 * events never sit in memory at once).
 * @example for (const event of syntheticTraffic({ seed: 1, sessions: 1000 })) write(event);
 */
export function* syntheticTraffic(options: TrafficOptions): Generator<ChatEventInput> {
  const rng = createRng(options.seed);
  const start = Date.parse(options.start ?? '2026-01-05T00:00:00Z');
  const spanMs = (options.days ?? 28) * 86_400_000;
  const users = Math.max(1, Math.round(options.sessions * 0.7));
  const experiment = options.experiment ?? 'prompt-v2';
  const lift = options.lift ?? 0.03;
  for (let i = 0; i < options.sessions; i++) {
    const user_id = `u${options.seed}-${Math.floor(rng() * users)}`;
    const session_id = `s${options.seed}-${i}`;
    const channel = pick(rng, CHANNELS);
    const intent = pick(rng, INTENTS);
    const language = pick(rng, LANGUAGES);
    const variant = assignVariant(user_id, experiment, { control: 1, treatment: 1 });
    let t = start + Math.floor(rng() * spanMs);
    let n = 0;
    const emit = (type: ChatEventInput['type'], properties: Record<string, unknown>, advanceMs: number): ChatEventInput => {
      t += advanceMs;
      return { event_id: `${session_id}-${n++}`, session_id, user_id, channel, variant, type, timestamp: new Date(t).toISOString(), properties } as ChatEventInput;
    };
    yield emit('session_started', { intent, language, entry_point: channel === 'web' ? 'widget' : 'app' }, 0);
    let messages = 1;
    while (messages < 8 && rng() >= 0.45) messages++;
    let fallbacks = 0;
    for (let turn = 0; turn < messages; turn++) {
      yield emit('message_sent', { chars: 20 + Math.floor(rng() * 180) }, turn === 0 ? 0 : 5_000 + Math.floor(rng() * 40_000));
      if (rng() < (intent === 'warranty_claim' ? 0.4 : 0.08)) {
        fallbacks++;
        yield emit('fallback_triggered', { reason: 'no_intent_match' }, 100);
      }
      const tokens_in = 300 + 150 * turn;
      const tokens_out = 60 + Math.floor(rng() * 121);
      const cost_usd = Math.round((tokens_in * 0.15 + tokens_out * 0.6) * 1e3) / 1e9;
      yield emit('message_received', { tokens_in, tokens_out, cost_usd, model: `gpt-4o-mini/${variant}`, latency_ms: 0 }, 500 + Math.floor(rng() * 3_500));
    }
    const escalated = rng() < (fallbacks > 0 ? 0.3 : 0.06);
    if (escalated) yield emit('escalation_requested', { by: fallbacks > 0 ? 'agent' : 'user', reason: fallbacks > 0 ? 'fallback' : 'asked_for_human' }, 1_000);
    const resolved = rng() < (escalated ? 0.5 : 0.72);
    const converts = rng() < conversionBase(intent) + (variant === 'treatment' ? lift : 0);
    if (converts) {
      yield emit('flow_started', { flow: 'checkout' }, 2_000);
      yield emit('flow_completed', { flow: 'checkout' }, 20_000 + Math.floor(rng() * 100_000));
      yield emit('conversion', { goal: 'purchase', value: 20 + Math.round(rng() * 100), currency: 'USD' }, 500);
    } else if ((intent === 'purchase' || intent === 'product_question') && rng() < 0.5) {
      yield emit('flow_started', { flow: 'checkout' }, 2_000);
      yield emit('flow_abandoned', { flow: 'checkout', step: 'payment' }, 10_000 + Math.floor(rng() * 60_000));
    }
    if (rng() < 0.3) {
      yield emit('feedback_submitted', { csat: rating(rng, resolved ? CSAT_RESOLVED : CSAT_OTHER), ces: rating(rng, resolved ? CES_RESOLVED : CES_OTHER) }, 3_000);
    }
    const outcome = resolved ? 'resolved' : escalated ? 'escalated' : messages === 1 && rng() < 0.5 ? 'abandoned' : 'unresolved';
    yield emit('session_ended', { outcome }, 1_000);
  }
}
