import { createRequire } from 'node:module';
import { Tiktoken, type TiktokenBPE } from 'js-tiktoken/lite';
import type { Message, ToolCall, Usage } from '../schema/message.js';

/** Tokens OpenAI adds around every message (role, separators), and to prime the reply. */
export const TOKENS_PER_MESSAGE = 4;
export const TOKENS_PER_REPLY = 3;

/**
 * Counts tokens with o200k_base (the GPT-4o / GPT-5 encoding), a fair estimate for other
 * providers too. Each tokenizer remembers the counts of the last 2,048 texts it saw. Exact,
 * except inside runs of {@link LONG_RUN} or more letters, punctuation or whitespace (one
 * pre-tokenizer piece, whose BPE merge is quadratic: a 20,000-letter word took 30 s): past
 * that length a run is counted at the rate of its first {@link LONG_RUN} characters; and a
 * text longer than {@link MAX_EXACT} characters is counted at the rate of its head.
 *
 * @example
 * const tokenizer = createTokenizer();
 * tokenizer.count('Hello there'); // 2
 */
export interface Tokenizer {
  count(text: string): number;
}

/** Counts remembered per tokenizer: a conversation re-sends the same messages every turn. */
const MEMO_SIZE = 2048;

/**
 * The o200k encoder, built on first use and shared: it is immutable once built, and building it
 * parses 200k ranks (4-6 s measured on a heavily loaded 2-core machine), so one per process.
 */
let sharedEncoder: Tiktoken | undefined;
function encoder(): Tiktoken {
  // The 2.3 MB ranks module is loaded on first use only, so importing this file stays cheap.
  sharedEncoder ??= new Tiktoken(createRequire(import.meta.url)('js-tiktoken/ranks/o200k_base') as TiktokenBPE);
  return sharedEncoder;
}

/** Characters of one run counted exactly; the rest of a longer run is extrapolated. */
export const LONG_RUN = 64;

/** Character classes whose runs the o200k pre-tokenizer keeps in one piece. */
const Run = { Space: 0, Punctuation: 1, Letter: 2, Digit: 3 } as const;
type Run = (typeof Run)[keyof typeof Run];

function isSpace(c: number): boolean {
  return (
    (c >= 9 && c <= 13) || c === 32 || c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/** ASCII classes only: every non-ASCII character counts as a letter (emoji among letters too). */
function runOf(c: number): Run {
  if (isSpace(c)) return Run.Space;
  if (c >= 48 && c <= 57) return Run.Digit;
  if (c < 128 && !((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return Run.Punctuation;
  return Run.Letter;
}

/**
 * Runs of LONG_RUN or more letters (or non-ASCII characters), ASCII punctuation or whitespace:
 * any pre-tokenizer piece much longer than LONG_RUN lies inside one (digits split every 3).
 * A plain loop: a Unicode-property regex took 30× longer on 1 MB.
 */
function longRuns(text: string): Array<{ start: number; end: number }> {
  const runs: Array<{ start: number; end: number }> = [];
  let start = 0;
  let kind: Run | -1 = -1;
  const close = (end: number) => {
    if (kind !== Run.Digit && end - start >= LONG_RUN) runs.push({ start, end });
  };
  for (let i = 0; i < text.length; i += 1) {
    const k = runOf(text.charCodeAt(i));
    if (k === kind) continue;
    close(i);
    start = i;
    kind = k;
  }
  close(text.length);
  return runs;
}

/** Where to cut a run after about `n` UTF-16 units without splitting a surrogate pair. */
function cutAt(text: string, n: number): number {
  const code = text.charCodeAt(n - 1);
  return code >= 0xd800 && code <= 0xdbff ? n + 1 : n;
}

/** Texts longer than this are counted at the rate of their first MAX_EXACT characters. */
export const MAX_EXACT = 100_000;

/**
 * Tokens of `text`: exact BPE, with each long run's tail estimated at the rate of its head, and
 * a text past MAX_EXACT characters estimated at the rate of its head (js-tiktoken takes ~1 s per
 * MB of prose on a loaded machine; a usage estimate does not need more).
 */
function countBounded(text: string): number {
  if (text.length <= MAX_EXACT) return countRuns(text);
  const head = cutAt(text, MAX_EXACT);
  return Math.ceil((countRuns(text.slice(0, head)) * text.length) / head);
}

function countRuns(text: string): number {
  const encode = (t: string) => encoder().encode(t, [], []).length;
  const runs = longRuns(text);
  if (runs.length === 0) return encode(text);
  let kept = '';
  let at = 0;
  let extra = 0;
  for (const { start, end } of runs) {
    const head = start + cutAt(text.slice(start, start + LONG_RUN + 1), LONG_RUN);
    kept += text.slice(at, head);
    at = end;
    extra += Math.ceil((encode(text.slice(start, head)) * (end - head)) / (head - start));
  }
  return encode(kept + text.slice(at)) + extra;
}

export function createTokenizer(): Tokenizer {
  const memo = new Map<string, number>();
  return {
    count(text: string): number {
      if (!text) return 0;
      const known = memo.get(text);
      if (known !== undefined) return known;
      const n = countBounded(text);
      if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value as string);
      memo.set(text, n);
      return n;
    },
  };
}

/** A shared memoizing tokenizer for `countTokens` and `estimateUsage`. */
const shared = createTokenizer();

/** Tokens in a text (o200k_base). */
export function countTokens(text: string): number {
  return shared.count(text);
}

function messageTokens(m: Pick<Message, 'content' | 'tool_calls'>, tokenizer: Tokenizer): number {
  let n = TOKENS_PER_MESSAGE + tokenizer.count(m.content ?? '');
  for (const call of m.tool_calls ?? []) n += tokenizer.count(call.function.name) + tokenizer.count(call.function.arguments) + 3;
  return n;
}

/**
 * Estimated usage of one call when the provider reported none: the prompt (every message plus
 * ~4 tokens of overhead each, +3 to prime the reply) as input, the reply as output.
 */
export function estimateUsage(
  messages: Pick<Message, 'content' | 'tool_calls'>[],
  reply: string | { content: string; toolCalls?: ToolCall[] },
  tokenizer: Tokenizer = shared,
): Usage & { estimated: true } {
  const input = messages.reduce((sum, m) => sum + messageTokens(m, tokenizer), TOKENS_PER_REPLY);
  const r = typeof reply === 'string' ? { content: reply, toolCalls: [] } : reply;
  let output = tokenizer.count(r.content);
  for (const call of r.toolCalls ?? []) output += tokenizer.count(call.function.name) + tokenizer.count(call.function.arguments) + 3;
  return { input, output, cached: 0, estimated: true };
}
