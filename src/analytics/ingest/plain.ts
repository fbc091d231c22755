import { InputError } from '../../errors.js';
import { fastEvent } from './fast-check.js';
import { fileLines } from './lines.js';
import { type LineProblem, jsonlLine } from './read.js';

/** What one pass over a JSONL events file found, without building its rows. */
export interface JsonlCheck {
  valid: number;
  problems: LineProblem[];
  problemCount: number;
  /** Every valid line is {@link isPlainLine}: a store that parses JSON itself reads the same rows from the file. */
  plain: boolean;
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
 * ingested, through the row path.
 */
export function isPlainLine(line: string, raw: unknown): boolean {
  // Escaped lone surrogates and NUL, and U+FFFD (what invalid UTF-8 decodes to) may read differently elsewhere.
  if (line.length > MAX_PLAIN || line.includes('\\u') || line.includes('\uFFFD') || fastEvent(raw) === undefined) return false;
  const timestamp = (raw as { timestamp: string }).timestamp;
  return PLAIN_TIME.test(timestamp) && JSON.stringify(raw) === line;
}

/**
 * Validates every line of a JSONL events file as the row path does (the same problems, in the
 * same words, with file:line) and says whether every valid line is plain; keeps the first
 * `keep` problems. Used when the store loads the file itself while this pass decides validity.
 */
export async function checkJsonl(file: string, name: string, keep: number): Promise<JsonlCheck> {
  const check: JsonlCheck = { valid: 0, problems: [], problemCount: 0, plain: true };
  try {
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
  } catch (error) {
    throw new InputError((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message, { file: name });
  }
  return check;
}
