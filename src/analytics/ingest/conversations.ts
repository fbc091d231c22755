import type { GoldenCase } from '../../schema/golden-set.js';
import type { ChatEventInput } from '../events.js';

/** A conversation log reduced to what events are derived from. */
export interface LoggedConversation {
  id: string;
  /** Scalar tags of the log record (channel, intent, language, variant, user_id, outcome, reward, timestamp…). */
  tags: Record<string, string>;
  messages: Array<{ role: 'user' | 'assistant' | 'system' | 'tool'; content: string; tools: string[] }>;
}

/** Options of {@link conversationEvents}. */
export interface DeriveOptions {
  /** Start time when the record has no `timestamp`/`created_at`/`started_at` tag (epoch ms). */
  defaultStartMs: number;
  /** Channel when the record has no `channel` tag (default `unknown`). */
  channel?: string;
  /** Tool names that mean a hand-off to a person (default: transfer/handoff/escalat… names). */
  escalationTool?: RegExp;
}

const DEFAULT_ESCALATION = /transfer_to_human|human_agent|handoff|hand_off|escalat/i;

/**
 * The events a logged conversation implies: `session_started`, one `message_sent` per user
 * message, one `message_received` per assistant message (both with the message's `text`), `tool_called` per tool call (plus
 * `escalation_requested` when the tool hands off to a person), and `session_ended` with an
 * outcome from the `outcome` tag, or `reward` (≥ 1 → resolved, else unresolved).
 * Logs carry no per-message times: events are 1 ms apart from the start time, so handle and
 * first-response times of derived sessions are not measurements. Event ids are
 * `<conversation id>#<n>`, so ingesting the same log twice adds nothing.
 */
export function conversationEvents(conv: LoggedConversation, opts: DeriveOptions): ChatEventInput[] {
  const tags = conv.tags;
  const startTag = tags['timestamp'] ?? tags['created_at'] ?? tags['started_at'];
  const parsedStart = startTag !== undefined ? Date.parse(startTag) : Number.NaN;
  const start = Number.isFinite(parsedStart) ? parsedStart : opts.defaultStartMs;
  const slice = {
    ...(tags['intent'] ? { intent: tags['intent'] } : {}),
    ...(tags['language'] ? { language: tags['language'] } : {}),
  };
  const base = {
    session_id: conv.id,
    user_id: tags['user_id'] ?? conv.id,
    channel: tags['channel'] ?? opts.channel ?? 'unknown',
    variant: tags['variant'] ?? 'default',
  };
  const events: ChatEventInput[] = [];
  const push = (type: ChatEventInput['type'], properties: Record<string, unknown>) => {
    const n = events.length;
    events.push({ ...base, event_id: `${conv.id}#${n}`, type, timestamp: new Date(start + n).toISOString(), properties } as ChatEventInput);
  };
  push('session_started', slice);
  const escalation = opts.escalationTool ?? DEFAULT_ESCALATION;
  let escalated = false;
  for (const m of conv.messages) {
    // The text is kept: `convotest analytics grade` rebuilds transcripts from it.
    if (m.role === 'user') push('message_sent', { text: m.content, chars: m.content.length });
    else if (m.role === 'assistant' && m.content !== '') push('message_received', { text: m.content, chars: m.content.length });
    for (const tool of m.tools) {
      push('tool_called', { tool });
      if (escalation.test(tool)) {
        escalated = true;
        push('escalation_requested', { by: 'agent', reason: tool });
      }
    }
  }
  const outcome = outcomeOf(tags, escalated);
  push('session_ended', { ...slice, ...(outcome ? { outcome } : {}) });
  return events;
}

function outcomeOf(tags: Record<string, string>, escalated: boolean): string | undefined {
  const named = tags['outcome'];
  if (named === 'resolved' || named === 'unresolved' || named === 'escalated' || named === 'abandoned') return named;
  if (tags['reward'] !== undefined && Number.isFinite(Number(tags['reward']))) return Number(tags['reward']) >= 1 ? 'resolved' : 'unresolved';
  return escalated ? 'escalated' : undefined;
}

/** A transcript case from the OpenAI importer as a logged conversation. */
export function fromGoldenCase(c: GoldenCase): LoggedConversation {
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(c.tags ?? {})) if (typeof value === 'string') tags[key] = value;
  const messages = (c.transcript ?? []).map((m) => ({
    role: m.role,
    content: m.content ?? '',
    tools: (m.tool_calls ?? []).map((call) => call.function.name),
  }));
  return { id: c.id, tags, messages };
}

/**
 * A Taskmaster-2/3 dialogue (`conversation_id`, `utterances[]` with `speaker` USER/ASSISTANT and
 * `api_call` annotations) as a logged conversation; `vertical` becomes the intent tag.
 */
export function fromTaskmaster(record: Record<string, unknown>): LoggedConversation | string {
  const id = record['conversation_id'];
  const utterances = record['utterances'];
  if (typeof id !== 'string' || id === '') return 'conversation_id: expected a string';
  if (!Array.isArray(utterances)) return 'utterances: expected a list';
  const messages: LoggedConversation['messages'] = [];
  for (const [i, u] of utterances.entries()) {
    if (typeof u !== 'object' || u === null) return `utterances[${i}]: expected an object`;
    const speaker = String((u as Record<string, unknown>)['speaker'] ?? '').toLowerCase();
    if (speaker !== 'user' && speaker !== 'assistant') return `utterances[${i}].speaker: expected USER or ASSISTANT`;
    const annotations = (u as Record<string, unknown>)['annotations'];
    const tools = Array.isArray(annotations)
      ? annotations.filter((a) => a?.name === 'api_call' && typeof a.value === 'string').map((a) => String(a.value))
      : [];
    messages.push({ role: speaker, content: String((u as Record<string, unknown>)['text'] ?? ''), tools });
  }
  const tags: Record<string, string> = {};
  if (typeof record['vertical'] === 'string') tags['intent'] = record['vertical'].toLowerCase();
  return { id, tags, messages };
}
