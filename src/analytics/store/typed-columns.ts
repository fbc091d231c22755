/**
 * The properties the KPI queries read, kept as typed columns of `chat_events` beside the
 * `properties` JSON (filled at ingest, migration 3), so the queries never parse JSON per row.
 * A number column holds its property only on the event type whose schema types it (elsewhere the
 * key is free and may hold anything); `intent` and `language` are typed on every event.
 */
export const TYPED_COLUMNS = [
  { column: 'intent', key: 'intent', type: 'text' },
  { column: 'language', key: 'language', type: 'text' },
  { column: 'outcome', key: 'outcome', type: 'text', event: 'session_ended' },
  { column: 'tokens_in', key: 'tokens_in', type: 'number', event: 'message_received' },
  { column: 'tokens_out', key: 'tokens_out', type: 'number', event: 'message_received' },
  { column: 'cost_usd', key: 'cost_usd', type: 'number', event: 'message_received' },
  { column: 'conversion_value', key: 'value', type: 'number', event: 'conversion' },
  { column: 'csat', key: 'csat', type: 'number', event: 'feedback_submitted' },
  { column: 'ces', key: 'ces', type: 'number', event: 'feedback_submitted' },
] as const satisfies ReadonlyArray<{ column: string; key: string; type: 'text' | 'number'; event?: string }>;

/** The typed column names, in order. */
export const TYPED_COLUMN_NAMES = TYPED_COLUMNS.map((c) => c.column).join(', ');

/** `ALTER TABLE` statements adding the typed columns (the same text on both stores). */
export const ADD_TYPED_COLUMNS = TYPED_COLUMNS.map((c) => `ALTER TABLE chat_events ADD COLUMN ${c.column} ${c.type === 'text' ? 'VARCHAR' : 'DOUBLE PRECISION'}`);

/**
 * The typed columns' values, in order, from `text(key)` (the property as text, SQL NULL when
 * absent) and the row's `eventType` expression; `cast` turns text into a number
 * (`TRY_CAST` where a row may be invalid and must not abort the statement).
 */
export function typedValues(text: (key: string) => string, eventType: string, cast = 'CAST'): string[] {
  return TYPED_COLUMNS.map((c) => {
    const value = c.type === 'number' ? `${cast}(${text(c.key)} AS DOUBLE PRECISION)` : text(c.key);
    return 'event' in c ? `CASE WHEN ${eventType} = '${c.event}' THEN ${value} END` : value;
  });
}

/** Fills the typed columns of rows stored before migration 3 (portable: `->>` on JSON and JSONB). */
export const BACKFILL_TYPED_COLUMNS = `UPDATE chat_events SET ${typedValues((key) => `(properties->>'${key}')`, 'event_type')
  .map((value, i) => `${TYPED_COLUMNS[i]!.column} = ${value}`)
  .join(', ')}`;
