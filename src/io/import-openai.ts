import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import { type GoldenCase, GoldenCaseSchema } from '../schema/golden-set.js';
import { type Message, MessageSchema } from '../schema/message.js';
import { checkTranscript } from './golden-checks.js';
import { fieldPath } from '../core/problems.js';

/** Options of {@link importOpenAiMessages}. */
export interface OpenAiImportOptions {
  /** Name of the input shown in errors. */
  file: string;
  /** Field holding the message list in each record (default `messages`). */
  messagesField?: string;
  /** Field holding the conversation id (default `id`); ids are generated when it is absent. */
  idField?: string;
  /** Tags added to every case (they win over the record's own). */
  tags?: Record<string, string>;
}

type Json = Record<string, unknown>;

/**
 * Converts OpenAI chat message logs into transcript cases. The input is a JSON array or JSONL
 * of records `{ id?, messages, tags?, metadata? }`, or a bare array of message arrays.
 * Mapping: leading system messages → case `system`; the other messages → `transcript`
 * (tool_calls, tool messages and tool_call_id kept, `developer` read as `system`);
 * missing ids → `conv-<first 8 hex of sha256(messages)>` (made unique); `tags` kept;
 * scalar `metadata` values and other scalar top-level fields → tags (as strings);
 * non-scalar ones → the case's `metadata`. Throws InputError naming the record index.
 *
 * @example
 * importOpenAiMessages(text, { file: 'trajectories.json', messagesField: 'traj' })
 */
export function importOpenAiMessages(text: string, opts: OpenAiImportOptions): GoldenCase[] {
  const records = readRecords(text, opts.file);
  const messagesField = opts.messagesField ?? 'messages';
  const idField = opts.idField ?? 'id';
  const errors: string[] = [];
  const cases: GoldenCase[] = [];
  const usedIds = new Map<string, number>();
  records.forEach((record, index) => {
    const fail = (path: PropertyKey[], message: string) => {
      errors.push(`${opts.file}: record ${index}: ${path.length > 0 ? `${fieldPath(path)}: ` : ''}${message}`);
    };
    const before = errors.length;
    const built = toCase(record, { messagesField, idField, extraTags: opts.tags ?? {} }, fail);
    if (!built || errors.length > before) return;
    const explicitId = isRecord(record) && record[idField] !== undefined && record[idField] !== null;
    const earlier = usedIds.get(built.id);
    if (earlier !== undefined && explicitId) {
      fail([idField], `id "${built.id}" is already used by record ${earlier}`);
      return;
    }
    if (earlier !== undefined) {
      let n = 2;
      while (usedIds.has(`${built.id}-${n}`)) n++;
      built.id = `${built.id}-${n}`;
    }
    usedIds.set(built.id, index);
    cases.push(built);
  });
  if (errors.length > 0) {
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more problems)` : '';
    throw new InputError(`${errors[0]}${more}`);
  }
  return cases;
}

/** Parses a JSON array (or single object) or JSONL text into records. */
export function readRecords(text: string, file: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new InputError(`${file}: the file is empty`);
  try {
    const whole: unknown = JSON.parse(trimmed);
    return Array.isArray(whole) ? whole : [whole];
  } catch (error) {
    const lines = text.split('\n');
    if (lines.filter((l) => l.trim() !== '').length <= 1) throw new InputError(`${file}: invalid JSON: ${(error as Error).message}`);
  }
  const records: unknown[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      records.push(JSON.parse(line));
    } catch (error) {
      throw new InputError(`${file}: line ${i + 1}: invalid JSON: ${(error as Error).message}`);
    }
  });
  return records;
}

function toCase(
  record: unknown,
  opts: { messagesField: string; idField: string; extraTags: Record<string, string> },
  fail: (path: PropertyKey[], message: string) => void,
): GoldenCase | undefined {
  const rawMessages = Array.isArray(record) ? record : isRecord(record) ? record[opts.messagesField] : undefined;
  if (!Array.isArray(rawMessages)) {
    fail(isRecord(record) ? [opts.messagesField] : [], isRecord(record) ? 'expected a list of messages' : 'expected an object or a list of messages');
    return undefined;
  }
  const base: PropertyKey[] = Array.isArray(record) ? [] : [opts.messagesField];
  const conversation = importConversation(rawMessages, (path, message) => fail([...base, ...path], message));
  if (!conversation) return undefined;
  const { system, transcript } = conversation;

  const tags: Record<string, string | string[]> = {};
  const metadata: Json = {};
  if (isRecord(record)) {
    const known = new Set([opts.messagesField, opts.idField, 'tags', 'metadata']);
    const extra = Object.entries(record).filter(([key]) => !known.has(key));
    const meta = isRecord(record['metadata']) ? Object.entries(record['metadata']) : [];
    for (const [key, value] of [...extra, ...meta]) {
      if (value === null || value === undefined) continue;
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        if (String(value) !== '') tags[key] = String(value);
      } else metadata[key] = value;
    }
    if (isRecord(record['tags'])) {
      for (const [key, value] of Object.entries(record['tags'])) {
        if (Array.isArray(value)) tags[key] = value.map(String);
        else if (value !== null && value !== undefined && String(value) !== '') tags[key] = String(value);
      }
    }
  }
  Object.assign(tags, opts.extraTags);

  const rawId = isRecord(record) ? record[opts.idField] : undefined;
  const id =
    typeof rawId === 'string' || typeof rawId === 'number'
      ? String(rawId)
      : `conv-${createHash('sha256').update(JSON.stringify(rawMessages)).digest('hex').slice(0, 8)}`;
  const candidate = {
    id,
    tags,
    ...(system !== '' ? { system } : {}),
    transcript,
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
  const checked = GoldenCaseSchema.safeParse(candidate);
  if (!checked.success) {
    for (const issue of checked.error.issues) fail(issue.path, issue.message);
    return undefined;
  }
  return checked.data;
}

/**
 * One OpenAI message list → the case's `system` (its leading system messages, joined) and
 * `transcript` (the rest, checked like a golden-set transcript). Problems go to `fail` with the
 * path inside the list; undefined when a message could not be read.
 */
export function importConversation(
  rawMessages: readonly unknown[],
  fail: (path: PropertyKey[], message: string) => void,
): { system: string; transcript: Message[] } | undefined {
  const messages: Message[] = [];
  rawMessages.forEach((raw, i) => {
    const message = toMessage(raw, (path, message) => fail([i, ...path], message));
    if (message) messages.push(message);
  });
  if (messages.length !== rawMessages.length) return undefined;
  let lead = 0;
  while (lead < messages.length && messages[lead]!.role === 'system') lead++;
  const system = messages.slice(0, lead).map((m) => m.content ?? '').join('\n\n');
  const transcript = messages.slice(lead);
  checkTranscript(transcript, (path, message) => fail(shift(path, lead), message));
  return { system, transcript };
}

/** Keeps the OpenAI message keys convotest uses; drops provider extras such as `refusal`. */
function toMessage(raw: unknown, fail: (path: PropertyKey[], message: string) => void): Message | undefined {
  if (!isRecord(raw)) {
    fail([], 'expected a message object');
    return undefined;
  }
  const role = raw['role'] === 'developer' ? 'system' : raw['role'];
  const content = textContent(raw['content']);
  if (content instanceof Error) {
    fail(['content'], content.message);
    return undefined;
  }
  const toolCalls = Array.isArray(raw['tool_calls']) && raw['tool_calls'].length > 0 ? raw['tool_calls'].map(toToolCall) : undefined;
  const candidate = {
    role,
    content,
    ...(typeof raw['name'] === 'string' ? { name: raw['name'] } : {}),
    ...(toolCalls ? { tool_calls: toolCalls } : {}),
    ...(raw['tool_call_id'] !== undefined && raw['tool_call_id'] !== null ? { tool_call_id: raw['tool_call_id'] } : {}),
  };
  const parsed = MessageSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    fail(issue.path, issue.code === 'invalid_value' ? `${JSON.stringify(role)} is not one of: ${issue.values.join(', ')}` : issue.message);
    return undefined;
  }
  return parsed.data;
}

function textContent(content: unknown): unknown {
  if (!Array.isArray(content)) return content ?? null;
  const texts: string[] = [];
  for (const part of content) {
    if (isRecord(part) && (part['type'] === 'text' || part['type'] === 'input_text' || part['type'] === 'output_text')) {
      texts.push(String(part['text'] ?? ''));
    } else return new Error(`only text content parts can be imported (found ${JSON.stringify(isRecord(part) ? part['type'] : part)})`);
  }
  return texts.join('\n');
}

function toToolCall(call: unknown): unknown {
  if (!isRecord(call) || !isRecord(call['function'])) return call;
  const fn = call['function'];
  const args = fn['arguments'];
  return {
    id: call['id'],
    type: 'function',
    function: { name: fn['name'], arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}) },
  };
}

/** A transcript path after removing `lead` system messages, as an index into the original list. */
function shift(path: PropertyKey[], lead: number): PropertyKey[] {
  const [first, ...rest] = path;
  return typeof first === 'number' ? [first + lead, ...rest] : path;
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
