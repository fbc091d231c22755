import type { GoldenCase } from '../../schema/golden-set.js';
import type { Message } from '../../schema/message.js';
import type { AnalyticsStore, SqlRow } from '../store/store.js';
import { allocate } from './allocate.js';

/** A sampled session with the slice keys it is stratified and reported by. */
export interface SampledSession {
  session_id: string;
  intent: string;
  channel: string;
  language: string;
  variant: string;
}

/**
 * The sessions that can be graded: those with at least one agent reply that carries its `text`.
 * Intent and language are taken as the KPI queries take them (the greatest value in the session).
 */
const CANDIDATES = `SELECT session_id, COALESCE(MAX((properties->>'intent')), '(none)') AS intent, MIN(channel) AS channel,
    COALESCE(MAX((properties->>'language')), '(none)') AS language, MIN(variant) AS variant
  FROM chat_events
  WHERE session_id IN (SELECT session_id FROM chat_events WHERE event_type = 'message_received' AND (properties->>'text') IS NOT NULL)
  GROUP BY session_id`;

/**
 * A seeded, stratified sample of gradable sessions: strata are intent × channel, each gets its
 * proportional share of `size` (see {@link allocate}), and within a stratum the sessions are
 * ranked by md5(seed:session_id), the same function on DuckDB and PostgreSQL, so a seed picks the
 * same sessions on both stores and on every run.
 * @example const sample = await sampleSessions(store, { size: 200, seed: 1 });
 */
export async function sampleSessions(store: AnalyticsStore, options: { size: number; seed: number }): Promise<SampledSession[]> {
  const seed = Math.trunc(options.seed);
  const rows = await store.all(
    `WITH c AS (${CANDIDATES}), r AS (
  SELECT c.*, COUNT(*) OVER (PARTITION BY intent, channel) AS stratum_size,
    ROW_NUMBER() OVER (PARTITION BY intent, channel ORDER BY md5('${seed}:' || session_id), session_id) AS pick
  FROM c)
SELECT session_id, intent, channel, language, variant, CAST(stratum_size AS DOUBLE PRECISION) AS stratum_size, CAST(pick AS DOUBLE PRECISION) AS pick
FROM r WHERE pick <= ${Math.trunc(options.size)} ORDER BY intent, channel, pick`,
  );
  const key = (r: SqlRow) => `${String(r['intent'])}\u0000${String(r['channel'])}`;
  const sizes = new Map<string, number>();
  for (const r of rows) sizes.set(key(r), Number(r['stratum_size']));
  const quota = allocate([...sizes].map(([k, size]) => ({ key: k, size })), options.size);
  return rows
    .filter((r) => Number(r['pick']) <= (quota.get(key(r)) ?? 0))
    .map((r) => ({ session_id: String(r['session_id']), intent: String(r['intent']), channel: String(r['channel']), language: String(r['language']), variant: String(r['variant']) }));
}

/**
 * The sampled sessions as transcript cases: user messages from `message_sent` text, agent
 * replies from `message_received` text, and each `tool_called` as a tool call of the agent, in
 * time order. The case id is the session id; intent, channel, language and variant are its tags.
 */
export async function sessionCases(store: AnalyticsStore, sessions: readonly SampledSession[]): Promise<GoldenCase[]> {
  if (sessions.length === 0) return [];
  const params = sessions.map((s) => s.session_id);
  const rows = await store.all(
    `SELECT session_id, event_type, (properties->>'text') AS text, (properties->>'tool') AS tool
FROM chat_events
WHERE session_id IN (${params.map((_, i) => `$${i + 1}`).join(', ')}) AND event_type IN ('message_sent', 'message_received', 'tool_called')
ORDER BY session_id, "timestamp", event_id`,
    params,
  );
  const messages = new Map<string, Message[]>();
  for (const r of rows) {
    const list = messages.get(String(r['session_id'])) ?? [];
    messages.set(String(r['session_id']), list);
    const text = r['text'] === null ? null : String(r['text']);
    if (r['event_type'] === 'message_sent' && text !== null) list.push({ role: 'user', content: text });
    else if (r['event_type'] === 'message_received' && text !== null) list.push({ role: 'assistant', content: text });
    else if (r['event_type'] === 'tool_called' && r['tool'] !== null) {
      const n = list.reduce((k, m) => k + (m.tool_calls?.length ?? 0), 0);
      list.push({ role: 'assistant', content: '', tool_calls: [{ id: `call_${n + 1}`, type: 'function', function: { name: String(r['tool']), arguments: '{}' } }] });
    }
  }
  return sessions.map((s) => ({
    id: s.session_id,
    tags: { intent: s.intent, channel: s.channel, language: s.language, variant: s.variant },
    transcript: messages.get(s.session_id) ?? [],
  }));
}
