import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse';
import { InputError } from '../../errors.js';
import { importOpenAiMessages, readRecords } from '../../io/import-openai.js';
import { fieldPath } from '../../core/problems.js';
import { type ChatEvent, ChatEventSchema, EVENT_TYPES } from '../events.js';
import { fastEvent } from './fast-check.js';
import { fileLines } from './lines.js';
import { conversationEvents, type DeriveOptions, fromGoldenCase, fromTaskmaster, type LoggedConversation } from './conversations.js';

/** Input formats: chat events as JSONL or CSV, or conversation logs events are derived from. */
export type InputFormat = 'events-jsonl' | 'events-csv' | 'openai' | 'taskmaster';

/** A line (or record) that failed validation: `file:line  field  message`. */
export interface LineProblem {
  file: string;
  line: number;
  field?: string;
  message: string;
}

export type ReadItem = { event: ChatEvent } | { problem: LineProblem };

/** Options of {@link readEvents}. */
export interface ReadOptions {
  format?: InputFormat;
  /** Field holding the message list in OpenAI-format logs (default `messages`; τ-bench uses `traj`). */
  messagesField?: string;
  /** Channel for derived events whose log has none. */
  channel?: string;
}

/**
 * Streams the validated chat events of one file in batches (in file order), with a problem in
 * place of each bad line. JSONL and CSV event files are read in chunks (any size); conversation
 * logs are read whole and become derived events (see {@link conversationEvents}). The format is
 * taken from `options.format`, else the extension (`.csv`), else the first record's shape.
 */
export async function* readEvents(file: string, options: ReadOptions = {}): AsyncGenerator<ReadItem[]> {
  const name = path.basename(file);
  const format = await inputFormat(file, options);
  if (format === 'events-jsonl') yield* readJsonl(file, name);
  else if (format === 'events-csv') yield* readCsv(file, name);
  else yield* readConversations(file, name, format, options);
}

/** The format of a file: `options.format`, else the extension (`.csv`), else the first record's shape. */
export async function inputFormat(file: string, options: ReadOptions = {}): Promise<InputFormat> {
  return options.format ?? (await sniffFormat(file));
}

async function sniffFormat(file: string): Promise<InputFormat> {
  if (/\.csv$/i.test(file)) return 'events-csv';
  const head = await firstChars(file, 65536);
  const trimmed = head.trimStart();
  if (trimmed.startsWith('[')) return /"utterances"\s*:/.test(head) ? 'taskmaster' : 'openai';
  const firstLine = trimmed.split('\n', 1)[0] ?? '';
  try {
    const first = JSON.parse(firstLine) as Record<string, unknown>;
    if (typeof first === 'object' && first !== null && 'event_id' in first) return 'events-jsonl';
    if (typeof first === 'object' && first !== null && 'utterances' in first) return 'taskmaster';
  } catch {
    // not one JSON record per line: a conversation log in one JSON document
  }
  return 'openai';
}

async function firstChars(file: string, n: number): Promise<string> {
  const stream = createReadStream(file, { start: 0, end: n - 1, encoding: 'utf8' });
  let text = '';
  try {
    for await (const chunk of stream) text += chunk as string;
  } catch (error) {
    throw new InputError(noFile(error), { file });
  }
  return text;
}

const noFile = (error: unknown) => ((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message);

/** Validates one parsed record; a problem names the first failing field. */
export function validateEvent(raw: unknown, file: string, line: number): ReadItem {
  // The common shape is checked by hand; anything else (valid or not) goes through the schema.
  const fast = fastEvent(raw);
  if (fast) return { event: fast };
  const parsed = ChatEventSchema.safeParse(raw);
  if (parsed.success) return { event: parsed.data as ChatEvent };
  const issue = parsed.error.issues[0]!;
  const field = fieldPath(issue.path);
  let message = issue.message;
  if (issue.code === 'invalid_union' && (issue.path.length === 0 || field === 'type') && typeof raw === 'object' && raw !== null) {
    const type = (raw as Record<string, unknown>)['type'];
    const message = type === undefined ? 'missing' : `unknown event type ${JSON.stringify(type)} (one of: ${EVENT_TYPES.join(', ')})`;
    return { problem: { file, line, field: 'type', message } };
  }
  if (issue.code === 'invalid_type' && /received undefined/.test(message)) message = 'missing';
  const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : '';
  return { problem: { file, line, ...(field ? { field } : {}), message: `${message}${more}` } };
}

/** One JSONL line: blank → nothing, else the event or the problem. */
export function jsonlLine(text: string, name: string, n: number): ReadItem | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    if (text.trim() === '') return undefined;
    return { problem: { file: name, line: n, message: `invalid JSON: ${(error as Error).message}` } };
  }
  return validateEvent(raw, name, n);
}

async function* readJsonl(file: string, name: string): AsyncGenerator<ReadItem[]> {
  try {
    for await (const { first, lines } of fileLines(file)) {
      const items: ReadItem[] = [];
      lines.forEach((line, i) => {
        const item = jsonlLine(line, name, first + i);
        if (item) items.push(item);
      });
      yield items;
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(noFile(error), { file: name });
  }
}

const CSV_FIELDS = new Set(['event_id', 'session_id', 'user_id', 'channel', 'variant', 'timestamp', 'type', 'event_type', 'properties']);

async function* readCsv(file: string, name: string): AsyncGenerator<ReadItem[]> {
  let batch: ReadItem[] = [];
  for await (const item of readCsvItems(file, name)) {
    batch.push(item);
    if (batch.length >= 1000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

async function* readCsvItems(file: string, name: string): AsyncGenerator<ReadItem> {
  const parser = createReadStream(file).pipe(parseCsv({ columns: true, info: true, skip_empty_lines: true, bom: true, trim: true }));
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      const line = info.lines;
      const properties: Record<string, unknown> = {};
      if (record['properties']) {
        try {
          Object.assign(properties, JSON.parse(record['properties']));
        } catch (error) {
          yield { problem: { file: name, line, field: 'properties', message: `invalid JSON: ${(error as Error).message}` } };
          continue;
        }
      }
      // Extra columns are properties; numbers and booleans are read as such.
      for (const [key, value] of Object.entries(record)) if (!CSV_FIELDS.has(key) && value !== '') properties[key] = csvScalar(value);
      const raw: Record<string, unknown> = { properties };
      for (const key of ['event_id', 'session_id', 'user_id', 'channel', 'variant', 'timestamp']) if (record[key]) raw[key] = record[key];
      const type = record['type'] || record['event_type'];
      if (type) raw['type'] = type;
      yield validateEvent(raw, name, line);
    }
  } catch (error) {
    const e = error as { code?: string; lines?: number; message: string };
    if (e.code === 'ENOENT') throw new InputError('no such file', { file: name });
    throw new InputError(`invalid CSV: ${e.message}`, { file: name, ...(e.lines ? { line: e.lines } : {}) });
  }
}

function csvScalar(value: string): unknown {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(value) ? Number(value) : value;
}

async function* readConversations(file: string, name: string, format: InputFormat, options: ReadOptions): AsyncGenerator<ReadItem[]> {
  let text: string;
  let mtime: number;
  try {
    [text, mtime] = await Promise.all([readFile(file, 'utf8'), stat(file).then((s) => s.mtimeMs)]);
  } catch (error) {
    throw new InputError(noFile(error), { file: name });
  }
  const derive: DeriveOptions = { defaultStartMs: Math.floor(mtime), ...(options.channel ? { channel: options.channel } : {}) };
  const conversations: Array<LoggedConversation | LineProblem> = [];
  if (format === 'taskmaster') {
    readRecords(text, name).forEach((record, i) => {
      const conv = typeof record === 'object' && record !== null ? fromTaskmaster(record as Record<string, unknown>) : 'expected an object';
      conversations.push(typeof conv === 'string' ? { file: name, line: i + 1, message: `record ${i}: ${conv}` } : conv);
    });
  } else {
    try {
      const cases = importOpenAiMessages(text, { file: name, ...(options.messagesField ? { messagesField: options.messagesField } : {}) });
      conversations.push(...cases.map(fromGoldenCase));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      // The importer checks a log as a whole: one bad record refuses (or skips) the file.
      conversations.push({ file: name, line: 0, message: error.message.replace(`${name}: `, '') });
    }
  }
  for (const conv of conversations) {
    if ('message' in conv) yield [{ problem: conv }];
    else yield conversationEvents(conv, derive).map((raw) => validateEvent(raw, name, 0));
  }
}
