import { stat } from 'node:fs/promises';
import { InputError } from '../../errors.js';
import { passesFastCheck } from './fast-check.js';
import { fileLines } from './lines.js';
import { RepeatFilter } from './repeats.js';
import { type LineProblem, jsonlLine } from './read.js';

/** What one pass over a JSONL events file found, without building its rows. */
export interface JsonlCheck {
  valid: number;
  problems: LineProblem[];
  problemCount: number;
  /** Every valid line is {@link isPlainLine}: a store that parses JSON itself reads the same rows from the file. */
  plain: boolean;
  /** When plain: the event ids the file may repeat (every repeated one among them, see {@link RepeatFilter}); undefined when too many to list. */
  repeated?: string[] | undefined;
}

/** ISO times whose parse is the same in JS and SQL engines: seconds, at most milliseconds, `Z` or ±hh:mm, years 1000–9999. */
const MAX_PLAIN = 1 << 22; // UTF-16 units: at most 12 MB of UTF-8, under the store reader's 16 MB per record
const PLAIN_TIME = /^[1-9]\d{3}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,3})?(?:Z|[+-]\d\d:\d\d)$/;

/**
 * Whether a valid event line reads the same to any JSON parser as to JSON.parse: the line is
 * exactly what JSON.stringify writes for the parsed record (so no duplicate keys, no number
 * written in another form such as `5.0` or `1E3`, no precision lost), it passed the fast check
 * unchanged (the schema rewrote nothing), its time is in {@link PLAIN_TIME}'s form, and it has no
 * `\u` escape (JSON.stringify writes them only for control characters and lone surrogates) nor
 * U+FFFD (invalid UTF-8 in the file) and is at most 4 M characters. Bots and
 * exporters that write JSON with JSON.stringify produce plain lines; anything else is still
 * ingested, through the row path. `raw` is `JSON.parse(line)`.
 *
 * "Exactly what JSON.stringify writes" is proven without writing it (that cost more than the
 * parse) by {@link canonicalKeys}: given that JSON.parse accepted the line, JSON.stringify writes
 * it back token for token when
 * - there is no whitespace between tokens (JSON.stringify writes none);
 * - every string escape is one of `\"` `\\` `\n` `\r` `\t` `\b` `\f`: these decode to the characters
 *   JSON.stringify escapes with exactly these short forms, and every other character it meets is
 *   written as itself, because JSON.parse refuses raw control characters in strings and a string
 *   decoded from UTF-8 without `\u` escapes has no lone surrogate (the only other characters
 *   JSON.stringify escapes);
 * - every number is written as JS writes it (`String(Number(token)) === token`: JSON.stringify
 *   writes finite numbers with Number.prototype.toString), which also rules out `-0`, `1E3`, `5.0`
 *   and digits beyond a double's precision;
 * - the keys come out in the order they were read: no key is made of digits only (objects list
 *   array indices such as `"0"` or `"17"` first), and no object repeats a key (JSON.parse keeps the last, so the
 *   record has fewer keys than the line: {@link keyCount} against the keys the scan counted).
 * `true`, `false`, `null`, brackets, braces, commas and colons are written as read. (A line
 * refused here when it did not need to be only costs speed: its file goes through the row path.)
 */
export function isPlainLine(line: string, raw: unknown): boolean {
  // Escaped lone surrogates and NUL, and U+FFFD (what invalid UTF-8 decodes to) may read differently elsewhere.
  if (line.length > MAX_PLAIN || line.includes('\\u') || line.includes('\uFFFD') || !passesFastCheck(raw)) return false;
  const timestamp = (raw as { timestamp: string }).timestamp;
  if (!PLAIN_TIME.test(timestamp)) return false;
  const keys = canonicalKeys(line);
  return keys >= 0 && keys === keyCount(raw);
}

const QUOTE = 34;
const BACKSLASH = 92;
/** The escapes JSON.stringify writes for the characters it escapes, apart from `\u`: `\"` `\\` `\b` `\f` `\n` `\r` `\t` (not `\/`). */
const SHORT_ESCAPES = new Set([QUOTE, BACKSLASH, 98, 102, 110, 114, 116]);

/**
 * Scans a line JSON.parse accepted: the number of keys in it when it is in JSON.stringify's form
 * as far as the scan sees (see {@link isPlainLine}: no whitespace, short escapes only, numbers as JS
 * writes them, no array-index key), else -1. Strings are skipped with indexOf, so the cost is in
 * the few characters between them.
 */
function canonicalKeys(line: string): number {
  let keys = 0;
  let backslash = line.indexOf('\\');
  let i = 0;
  const n = line.length;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (c === QUOTE) {
      const open = i;
      let close = line.indexOf('"', i + 1);
      // Escapes inside this string: each must be a short one; an escaped quote does not close it.
      while (backslash >= 0 && backslash < close) {
        const escaped = line.charCodeAt(backslash + 1);
        if (!SHORT_ESCAPES.has(escaped)) return -1;
        const after = backslash + 2;
        if (escaped === QUOTE && backslash + 1 === close) close = line.indexOf('"', after);
        backslash = line.indexOf('\\', after);
      }
      i = close + 1;
      if (line.charCodeAt(i) === 58 /* : */) {
        keys++;
        if (isIndexKey(line, open + 1, close)) return -1;
      }
    } else if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
      let end = i + 1;
      for (; end < n; end++) {
        const d = line.charCodeAt(end);
        if (!((d >= 48 && d <= 57) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45)) break;
      }
      if (!canonicalNumber(line, i, end)) return -1;
      i = end;
    } else if (c === 32 || c === 9 || c === 10 || c === 13) {
      return -1;
    } else {
      i++; // { } [ ] , : and the letters of true, false, null
    }
  }
  return keys;
}

/** Digits without a leading zero and at most 15 of them are exact and written back as read; the rest go through Number. */
function canonicalNumber(line: string, start: number, end: number): boolean {
  const first = line.charCodeAt(start);
  if (end - start <= 15 && first >= 49 && first <= 57) {
    let k = start + 1;
    while (k < end && line.charCodeAt(k) <= 57 && line.charCodeAt(k) >= 48) k++;
    if (k === end) return true;
  }
  const token = line.slice(start, end);
  return String(Number(token)) === token;
}

/** A key of digits only: JS objects list array indices (`0`, `17`) before their other keys; all digit keys are refused, to be safe. */
function isIndexKey(line: string, start: number, end: number): boolean {
  if (end === start) return false;
  for (let k = start; k < end; k++) {
    const d = line.charCodeAt(k);
    if (d < 48 || d > 57) return false;
  }
  return true;
}

/** The number of keys in a parsed JSON value, nested ones included. */
function keyCount(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let n = 0;
  if (Array.isArray(value)) {
    for (const item of value) n += keyCount(item);
    return n;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) n += 1 + keyCount(record[key]);
  return n;
}

/**
 * Validates every line of a JSONL events file as the row path does (the same problems, in the
 * same words, with file:line) and says whether every valid line is plain; keeps the first
 * `keep` problems. Used when the store loads the file itself while this pass decides validity.
 */
export async function checkJsonl(file: string, name: string, keep: number): Promise<JsonlCheck> {
  const check: JsonlCheck = { valid: 0, problems: [], problemCount: 0, plain: true };
  try {
    const repeats = new RepeatFilter((await stat(file)).size);
    for await (const { first, lines } of fileLines(file)) {
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!;
        if (check.plain && check.problemCount === 0) {
          let raw: unknown;
          try {
            raw = JSON.parse(line);
          } catch {
            raw = undefined; // invalid or blank: jsonlLine below says which
          }
          if (raw !== undefined && isPlainLine(line, raw)) {
            repeats.add((raw as { event_id: string }).event_id);
            check.valid++;
            continue;
          }
        }
        const item = jsonlLine(line, name, first + i);
        if (!item) continue;
        if ('problem' in item) {
          check.problemCount++;
          if (check.problems.length < keep) check.problems.push(item.problem);
        } else {
          check.valid++;
          check.plain = false;
        }
      }
    }
    if (check.plain && check.problemCount === 0) check.repeated = repeats.candidates();
  } catch (error) {
    throw new InputError((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message, { file: name });
  }
  return check;
}
