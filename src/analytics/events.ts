import * as z from 'zod';

/**
 * The chat event model: one event per thing that happened in a production conversation
 * (a *session*). Events are what a bot emits (buffered and flushed in batches) and what
 * `convotest analytics ingest` reads; the `chat_events` table stores them one row each, with
 * the type-specific `properties` as JSON.
 *
 * Direction words are the user's: `message_sent` is a message the user sent to the agent,
 * `message_received` is the agent's reply the user received (it carries the reply's tokens,
 * cost and latency).
 */

/** Slice keys any event may carry; a session's intent and language are taken from its events. */
const SliceProps = {
  /** The intent the agent (or its NLU) recognised, e.g. `refund`. */
  intent: z.string().min(1).optional(),
  /** BCP-47 language tag of the conversation, e.g. `en`, `es-MX`. */
  language: z.string().min(1).optional(),
};

const rating = (max: number) => z.number().int().min(1).max(max);

/** Typed `properties` per event type. Unknown keys are kept (bots add their own). */
export const EVENT_PROPERTIES = {
  session_started: z.looseObject({ ...SliceProps, entry_point: z.string().optional() }),
  session_ended: z.looseObject({
    ...SliceProps,
    /** How the session ended: `resolved` counts toward resolution, FCR and deflection. */
    outcome: z.enum(['resolved', 'unresolved', 'escalated', 'abandoned']).optional(),
  }),
  message_sent: z.looseObject({ ...SliceProps, text: z.string().optional(), chars: z.number().int().nonnegative().optional() }),
  message_received: z.looseObject({
    ...SliceProps,
    text: z.string().optional(),
    model: z.string().optional(),
    tokens_in: z.number().int().nonnegative().optional(),
    tokens_out: z.number().int().nonnegative().optional(),
    /** Money spent on this reply, USD. */
    cost_usd: z.number().nonnegative().optional(),
    latency_ms: z.number().nonnegative().optional(),
  }),
  tool_called: z.looseObject({ ...SliceProps, tool: z.string().min(1), ok: z.boolean().optional(), latency_ms: z.number().nonnegative().optional() }),
  fallback_triggered: z.looseObject({ ...SliceProps, reason: z.string().optional() }),
  escalation_requested: z.looseObject({ ...SliceProps, reason: z.string().optional(), by: z.enum(['user', 'agent']).optional() }),
  conversion: z.looseObject({
    ...SliceProps,
    /** What converted, e.g. `lead`, `purchase`. */
    goal: z.string().min(1).optional(),
    /** Revenue of the conversion, in `currency` (USD when absent). */
    value: z.number().nonnegative().optional(),
    currency: z.string().length(3).optional(),
  }),
  feedback_submitted: z
    .looseObject({
      ...SliceProps,
      /** Customer satisfaction, 1 (very unsatisfied) – 5 (very satisfied); 4–5 count as satisfied. */
      csat: rating(5).optional(),
      /** Customer effort score, 1 (very hard) – 5 (very easy to get what I needed). */
      ces: rating(5).optional(),
      comment: z.string().optional(),
    })
    .refine((p) => p.csat !== undefined || p.ces !== undefined, { message: 'feedback needs csat or ces (or both)', path: ['csat'] }),
  flow_started: z.looseObject({ ...SliceProps, flow: z.string().min(1), step: z.string().optional() }),
  flow_completed: z.looseObject({ ...SliceProps, flow: z.string().min(1), step: z.string().optional() }),
  flow_abandoned: z.looseObject({ ...SliceProps, flow: z.string().min(1), step: z.string().optional() }),
} as const;

export type EventType = keyof typeof EVENT_PROPERTIES;
export const EVENT_TYPES = Object.keys(EVENT_PROPERTIES) as EventType[];

const common = {
  /** Unique per event: re-ingesting the same event is a no-op (de-duplicated on this key). */
  event_id: z.string().min(1).max(200),
  session_id: z.string().min(1).max(200),
  /** A stable pseudonymous user id (the A/B assignment hashes it); never an e-mail or name. */
  user_id: z.string().min(1).max(200),
  /** Where the conversation happened, e.g. `web`, `ios`, `whatsapp`, `voice`. */
  channel: z.string().min(1).max(100),
  /** The agent variant that served the session (A/B arm); `default` when there is no test. */
  variant: z.string().min(1).max(100).default('default'),
  /** ISO-8601 time with a zone (`Z` or ±hh:mm); stored as UTC. */
  timestamp: z.iso.datetime({ offset: true }),
};

/** One chat event, discriminated by `type`. */
export const ChatEventSchema = z.discriminatedUnion(
  'type',
  EVENT_TYPES.map((type) =>
    z.strictObject({ ...common, type: z.literal(type), properties: (EVENT_PROPERTIES[type] as z.ZodType<Record<string, unknown>>).default({}) }),
  ) as unknown as [
    ChatEventVariant<EventType>,
    ...Array<ChatEventVariant<EventType>>,
  ],
);

type ChatEventVariant<T extends EventType> = z.ZodObject<
  typeof common & { type: z.ZodLiteral<T>; properties: z.ZodDefault<(typeof EVENT_PROPERTIES)[T]> },
  z.core.$strict
>;

/** A validated chat event (input may omit `variant` and `properties`). */
export type ChatEvent = { [T in EventType]: z.infer<ChatEventVariant<T>> }[EventType];
export type ChatEventInput = z.input<typeof ChatEventSchema>;

/** One `chat_events` row as the stores write it (timestamp as epoch milliseconds, UTC). */
export interface ChatEventRow {
  event_id: string;
  session_id: string;
  user_id: string;
  event_type: EventType;
  properties: string;
  timestamp_ms: number;
  channel: string;
  variant: string;
}

/** The row a validated event becomes. */
export function toRow(event: ChatEvent): ChatEventRow {
  return {
    event_id: event.event_id,
    session_id: event.session_id,
    user_id: event.user_id,
    event_type: event.type,
    properties: JSON.stringify(event.properties),
    timestamp_ms: Date.parse(event.timestamp),
    channel: event.channel,
    variant: event.variant,
  };
}
