import { describe, expect, it } from 'vitest';
import { ChatEventSchema } from '../src/analytics/events.js';
import { fastEvent } from '../src/analytics/ingest/fast-check.js';
import { validateEvent } from '../src/analytics/ingest/read.js';
import { syntheticTraffic } from '../src/analytics/synthetic.js';

/** Values a field is set to in the mutated fixtures: every JSON kind and the edges of the schema's limits. */
const ODD_VALUES: unknown[] = [
  null, '', 'x', 'x'.repeat(100), 'x'.repeat(101), 'x'.repeat(200), 'x'.repeat(201), 0, -1, 1, 3, 5, 6, 1.5, 2 ** 53, 1e308,
  true, false, [], {}, [1], { a: 1 }, 'USD', 'US', 'resolved', 'nope', 'user', 'agent',
  '2026-01-05T10:00:00Z', '2026-01-05T10:00:00.123+02:00', '2026-01-05T10:00:00', '2026-02-30T10:00:00Z', '2026-01-05 10:00:00Z', '2026-01-05T24:00:00Z',
  '2028-02-29T00:00:00-05:30', '2026-01-05T10:00Z',
];
const TOP_KEYS = ['event_id', 'session_id', 'user_id', 'channel', 'variant', 'timestamp', 'type', 'properties', 'extra', '__proto__'];
const PROPERTY_KEYS = ['intent', 'language', 'text', 'chars', 'tokens_in', 'tokens_out', 'cost_usd', 'latency_ms', 'model', 'tool', 'ok', 'outcome', 'by', 'reason',
  'goal', 'value', 'currency', 'csat', 'ces', 'comment', 'flow', 'step', 'entry_point', 'custom', 'constructor', 'toString', '__proto__'];

/** `object` with `key` first, set the way JSON.parse sets it (so `__proto__` is an own key). */
function withKey(object: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const rest = JSON.stringify(object).slice(1);
  return JSON.parse(`{${JSON.stringify(key)}:${JSON.stringify(value)}${rest === '}' ? '' : ','}${rest}`) as Record<string, unknown>;
}

function fixtures(): unknown[] {
  const base = [...syntheticTraffic({ seed: 3, sessions: 60, days: 3 })].map((e) => JSON.parse(JSON.stringify(e)) as Record<string, unknown>);
  const one = (type: string) => base.find((e) => e['type'] === type) ?? { ...base[0]!, type };
  const seeds = ['session_started', 'session_ended', 'message_sent', 'message_received', 'tool_called', 'fallback_triggered', 'escalation_requested',
    'conversion', 'feedback_submitted', 'flow_started', 'flow_completed', 'flow_abandoned'].map(one);
  const out: unknown[] = [...base, null, 3, 'event', [], {}];
  for (const seed of seeds) {
    for (const key of TOP_KEYS) {
      const { [key]: _dropped, ...without } = seed;
      out.push(without);
      for (const value of ODD_VALUES) out.push(withKey(without, key, value));
    }
    const properties = (seed['properties'] ?? {}) as Record<string, unknown>;
    for (const key of PROPERTY_KEYS) {
      const { [key]: _dropped, ...without } = properties;
      out.push({ ...seed, properties: without });
      for (const value of ODD_VALUES) out.push({ ...seed, properties: withKey(without, key, value) });
    }
  }
  return out;
}

describe('fast event check', () => {
  const all = fixtures();

  it('accepts only what the schema accepts, with the same result, on thousands of valid and mutated events', () => {
    let fast = 0;
    let valid = 0;
    for (const raw of all) {
      const parsed = ChatEventSchema.safeParse(raw);
      if (parsed.success) valid++;
      const event = fastEvent(raw);
      if (!event) continue;
      fast++;
      expect(parsed.success, JSON.stringify(raw)).toBe(true);
      expect(event).toEqual(parsed.data);
    }
    // The fast path is the common path: every generated event, most valid mutations.
    expect(all.length).toBeGreaterThan(8000);
    expect(fast).toBeGreaterThan(0.9 * valid);
  });

  it('the validator (fast path, then the schema) accepts and rejects exactly as the schema does', () => {
    for (const raw of all) {
      const item = validateEvent(raw, 'f.jsonl', 1);
      const parsed = ChatEventSchema.safeParse(raw);
      expect('event' in item, JSON.stringify(raw)).toBe(parsed.success);
      if ('event' in item && parsed.success) expect(item.event).toEqual(parsed.data);
    }
  });
});
