import { regexes } from 'zod/v4/core';
import { type ChatEvent, EVENT_TYPES, type EventType } from '../events.js';

/**
 * A hand-written check of the common shape of a chat event, ~10× cheaper than the zod schema
 * (`ChatEventSchema` in events.ts). It is conservative: it says yes only to records the schema
 * accepts unchanged (apart from the `variant` and `properties` defaults), and no to everything
 * else, which then goes through the schema, so the schema alone decides what is rejected and
 * with which message. `test/analytics-fast-check.test.ts` checks the equivalence on fixtures.
 */

/** zod's own pattern for `z.iso.datetime({ offset: true })`. */
const DATETIME = regexes.datetime({ offset: true });
const TYPES = new Set<string>(EVENT_TYPES);
const TOP_KEYS = new Set(['event_id', 'session_id', 'user_id', 'channel', 'variant', 'timestamp', 'type', 'properties']);

type Check = (value: unknown) => boolean;
const text: Check = (v) => typeof v === 'string';
const nonEmpty: Check = (v) => typeof v === 'string' && v.length > 0;
const count: Check = (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const amount: Check = (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const rating: Check = (v) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 5;
const oneOf =
  (...values: string[]): Check =>
  (v) => typeof v === 'string' && values.includes(v);

const SLICE: Record<string, Check> = { intent: nonEmpty, language: nonEmpty };
const FLOW: Record<string, Check> = { ...SLICE, flow: nonEmpty, step: text };

/** Typed properties per event type (optional unless listed in REQUIRED); other keys are free. */
const PROPERTIES: Record<EventType, Record<string, Check>> = {
  session_started: { ...SLICE, entry_point: text },
  session_ended: { ...SLICE, outcome: oneOf('resolved', 'unresolved', 'escalated', 'abandoned') },
  message_sent: { ...SLICE, text, chars: count },
  message_received: { ...SLICE, text, model: text, tokens_in: count, tokens_out: count, cost_usd: amount, latency_ms: amount },
  tool_called: { ...SLICE, tool: nonEmpty, ok: (v) => typeof v === 'boolean', latency_ms: amount },
  fallback_triggered: { ...SLICE, reason: text },
  escalation_requested: { ...SLICE, reason: text, by: oneOf('user', 'agent') },
  conversion: { ...SLICE, goal: nonEmpty, value: amount, currency: (v) => typeof v === 'string' && v.length === 3 },
  feedback_submitted: { ...SLICE, csat: rating, ces: rating, comment: text },
  flow_started: FLOW,
  flow_completed: FLOW,
  flow_abandoned: FLOW,
};
const REQUIRED: Partial<Record<EventType, string[]>> = {
  tool_called: ['tool'],
  flow_started: ['flow'],
  flow_completed: ['flow'],
  flow_abandoned: ['flow'],
};

const sized = (v: unknown, max: number) => typeof v === 'string' && v.length > 0 && v.length <= max;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The event when `raw` certainly passes the chat event schema (with the schema's defaults
 * applied), else undefined: then validate it with the schema (which accepts or explains).
 * @example const event = fastEvent(JSON.parse(line)) ?? validateWithSchema(line);
 */
export function fastEvent(raw: unknown): ChatEvent | undefined {
  if (!passesFastCheck(raw)) return undefined;
  return { ...raw, variant: raw['variant'] ?? 'default', properties: raw['properties'] ?? {} } as ChatEvent;
}

/** Whether {@link fastEvent} accepts `raw`, without building the event (for a pass that only counts). */
export function passesFastCheck(raw: unknown): raw is Record<string, unknown> {
  if (!isRecord(raw)) return false;
  for (const key in raw) if (!TOP_KEYS.has(key)) return false;
  const { type, properties, variant, timestamp } = raw;
  if (typeof type !== 'string' || !TYPES.has(type)) return false;
  if (!sized(raw['event_id'], 200) || !sized(raw['session_id'], 200) || !sized(raw['user_id'], 200) || !sized(raw['channel'], 100)) return false;
  if (variant !== undefined && !sized(variant, 100)) return false;
  if (typeof timestamp !== 'string' || !DATETIME.test(timestamp)) return false;
  if (properties !== undefined) {
    // A `__proto__` key (JSON.parse makes it an own key) is left to the schema, which drops it.
    if (!isRecord(properties) || Object.getPrototypeOf(properties) !== Object.prototype || Object.hasOwn(properties, '__proto__')) return false;
    const checks = PROPERTIES[type as EventType];
    for (const key in properties) {
      const check = Object.hasOwn(checks, key) ? checks[key] : undefined;
      if (check && !check(properties[key])) return false;
    }
  }
  const props = properties as Record<string, unknown> | undefined;
  for (const key of REQUIRED[type as EventType] ?? []) if (props?.[key] === undefined) return false;
  if (type === 'feedback_submitted' && props?.['csat'] === undefined && props?.['ces'] === undefined) return false;
  return true;
}
