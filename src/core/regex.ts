import { RE2JS } from 're2js';

/**
 * User-written regex strings (golden-set `must_match`/`must_not_match`, grader definitions'
 * patterns, lexicon phrases, `redaction.custom`): their syntax, and matching them in linear time.
 *
 * The syntax is JavaScript's, written as `pattern`, `(?i)pattern` (inline flags i, m, s,
 * combinable: `(?is)`), or `/pattern/flags`. A pattern runs on RE2 (re2js, linear time in the
 * length of the text, so `(a+)+$` cannot hang a run) whenever RE2 can express it, which is
 * everything but lookahead, backreferences and the `y`/`v` flags. Lookbehind runs on RE2 too.
 * Pure: no I/O.
 */

/** A pattern split into its JavaScript source and flags. */
export interface RegexParts {
  pattern: string;
  flags: string;
}

const INLINE_FLAGS = /^\(\?([ims]+)\)/;
const SLASHED = /^\/(.*)\/([dgimsuvy]*)$/s;

/**
 * Splits `(?i)pattern` or `/pattern/flags` into pattern and flags (a plain string has no flags).
 *
 * @example
 * parseRegexSource('(?is)refund') // { pattern: 'refund', flags: 'is' }
 * parseRegexSource('/order\\s+#\\d+/i') // { pattern: 'order\\s+#\\d+', flags: 'i' }
 */
export function parseRegexSource(source: string): RegexParts {
  const slashed = SLASHED.exec(source);
  if (slashed && source.length > 1) return { pattern: slashed[1]!, flags: slashed[2]! };
  const inline = INLINE_FLAGS.exec(source);
  if (inline) return { pattern: source.slice(inline[0].length), flags: [...new Set(inline[1]!)].join('') };
  return { pattern: source, flags: '' };
}

/**
 * Compiles a regex string with JavaScript's own engine, which is the reference for what is
 * valid. Throws an Error carrying the JavaScript message when the pattern or flags are invalid.
 * Use it to validate or to run trusted patterns only: user text goes through {@link compileLinear}
 * or the bounded sandbox of io/regex.ts.
 *
 * @example
 * compileRegex('(?i)refund').test('REFUND') // true
 */
export function compileRegex(source: string): RegExp {
  const { pattern, flags } = parseRegexSource(source);
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    throw new Error(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

/** Finds every non-empty match of a pattern, left to right, as [start, end) spans (UTF-16 indexes). */
export interface TextMatcher {
  readonly source: string;
  /**
   * `linear`: time linear in the text, on RE2 or (`bounded`) on JavaScript's engine for a pattern
   * whose backtracking per position has a small fixed bound. `backtracking`: JavaScript's engine,
   * run with a time limit.
   */
  readonly engine: 'linear' | 'bounded' | 'backtracking';
  spans(text: string): Array<[number, number]>;
  /** The first non-empty match, if any. */
  first(text: string): [number, number] | undefined;
}

// One token of a JavaScript pattern, enough to rewrite it and to see its structure.
type Token =
  | { t: 'open'; raw: string; look: 'ahead' | 'behind' | null }
  | { t: 'close'; raw: string }
  | { t: 'quant'; raw: string; max: number }
  | { t: 'atom'; raw: string; backref?: true }
  | { t: 'class'; raw: string }
  | { t: 'alt'; raw: string };

const QUANT = /^(?:[*+?]|\{(\d+)(?:(,)(\d*))?\})\??/;

function tokenize(pattern: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      const next = pattern[i + 1] ?? '';
      if (next === 'k' && pattern[i + 2] === '<') {
        const end = pattern.indexOf('>', i);
        const stop = end < 0 ? pattern.length : end + 1;
        out.push({ t: 'atom', raw: pattern.slice(i, stop), backref: true });
        i = stop;
      } else if (/[1-9]/.test(next)) {
        const m = /^\d+/.exec(pattern.slice(i + 1))!;
        out.push({ t: 'atom', raw: `\\${m[0]}`, backref: true });
        i += 1 + m[0].length;
      } else {
        out.push({ t: 'atom', raw: pattern.slice(i, i + 2) });
        i += 2;
      }
    } else if (ch === '[') {
      let j = i + 1;
      if (pattern[j] === '^') j++;
      while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
      out.push({ t: 'class', raw: pattern.slice(i, j + 1) });
      i = j + 1;
    } else if (ch === '(') {
      const head = /^\((?:\?(?:<[=!]|[=!:]|<[A-Za-z_$][\w$]*>))?/.exec(pattern.slice(i))![0];
      const look = head === '(?=' || head === '(?!' ? 'ahead' : head === '(?<=' || head === '(?<!' ? 'behind' : null;
      out.push({ t: 'open', raw: head, look });
      i += head.length;
    } else if (ch === ')') {
      out.push({ t: 'close', raw: ch });
      i++;
    } else if (ch === '|') {
      out.push({ t: 'alt', raw: ch });
      i++;
    } else {
      const q = QUANT.exec(pattern.slice(i));
      if (q && out.length > 0) {
        const max = q[0][0] === '?' ? 1 : q[0][0] === '{' ? (q[2] === undefined ? Number(q[1]) : q[3] === '' ? Infinity : Number(q[3])) : Infinity;
        out.push({ t: 'quant', raw: q[0], max });
        i += q[0].length;
      } else {
        out.push({ t: 'atom', raw: ch });
        i++;
      }
    }
  }
  return out;
}

// JavaScript's \s, which RE2's \s ([\t\n\f\r ]) is narrower than.
const JS_SPACE = String.raw`\t\n\x0B\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff`;
// What JavaScript's `.` does not match without the s flag (RE2's `.` only leaves out \n).
const JS_LINE_END = String.raw`\n\r\u2028\u2029`;

/** Rewrites the JavaScript classes whose meaning differs in RE2 (`\s`, `\S`, `.`) into explicit sets. */
function jsMeaning(tokens: readonly Token[], dotAll: boolean): string {
  return tokens
    .map((tok) => {
      if (tok.t === 'class') return tok.raw.replace(/(\\\\)|\\s/g, (all, escaped?: string) => escaped ?? JS_SPACE);
      if (tok.t !== 'atom') return tok.raw;
      if (tok.raw === '\\s') return `[${JS_SPACE}]`;
      if (tok.raw === '\\S') return `[^${JS_SPACE}]`;
      if (tok.raw === '.' && !dotAll) return `[^${JS_LINE_END}]`;
      return tok.raw;
    })
    .join('');
}

/** Why RE2 cannot run a pattern as JavaScript means it, or undefined when it can. */
function linearBlocker(tokens: readonly Token[], flags: string): string | undefined {
  if (tokens.some((t) => t.t === 'open' && t.look === 'ahead')) return 'lookahead';
  if (tokens.some((t) => t.t === 'atom' && t.backref)) return 'a backreference';
  if (/[yv]/.test(flags)) return `the ${flags.includes('y') ? 'y' : 'v'} flag`;
  return undefined;
}

function re2Flags(flags: string): number {
  let f = RE2JS.LOOKBEHINDS;
  if (flags.includes('i')) f |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) f |= RE2JS.MULTILINE;
  if (flags.includes('s')) f |= RE2JS.DOTALL;
  return f;
}

function re2Matcher(source: string, pattern: string, flags: string, tokens: readonly Token[]): TextMatcher | undefined {
  let re: RE2JS;
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(jsMeaning(tokens, flags.includes('s'))), re2Flags(flags));
  } catch {
    return undefined;
  }
  return {
    source,
    engine: 'linear',
    spans(text) {
      const out: Array<[number, number]> = [];
      // test() runs on RE2's DFA and literal prefilter: most texts are rejected without a Matcher.
      if (!re.test(text)) return out;
      const m = re.matcher(text);
      while (m.find()) if (m.end() > m.start()) out.push([m.start(), m.end()]);
      return out;
    },
    first(text) {
      if (!re.test(text)) return undefined;
      const m = re.matcher(text);
      while (m.find()) if (m.end() > m.start()) return [m.start(), m.end()];
      return undefined;
    },
  };
}

/**
 * An upper bound on the work of a backtracking engine from one start position: the number of
 * paths it can try (1 per atom, multiplied along a sequence, added over alternatives, summed
 * over the counts a bounded quantifier allows; lookarounds counted as a factor, an overestimate
 * since they are atomic) times the longest text a path can read. Infinity for an unbounded
 * quantifier or a backreference.
 */
function backtrackWork(tokens: readonly Token[]): number {
  const CAP = 1e9;
  let i = 0;
  type Cost = { paths: number; length: number };
  const alternation = (): Cost => {
    const total = sequence();
    while (tokens[i]?.t === 'alt') {
      i++;
      const next = sequence();
      total.paths = Math.min(CAP, total.paths + next.paths);
      total.length = Math.max(total.length, next.length);
    }
    return total;
  };
  const sequence = (): Cost => {
    const cost = { paths: 1, length: 0 };
    while (i < tokens.length && tokens[i]!.t !== 'alt' && tokens[i]!.t !== 'close') {
      const tok = tokens[i++]!;
      let item: Cost = { paths: 1, length: 1 };
      if (tok.t === 'open') {
        item = alternation();
        i++; // the close
      } else if (tok.t === 'atom' && tok.backref) item = { paths: Infinity, length: Infinity };
      const q = tokens[i];
      if (q?.t === 'quant') {
        i++;
        const min = /^\{(\d+)/.exec(q.raw)?.[1];
        const atLeast = min === undefined ? (q.raw[0] === '+' ? 1 : 0) : Number(min);
        item =
          q.max === Infinity
            ? { paths: Infinity, length: Infinity }
            : { paths: repeatPaths(item.paths, atLeast, q.max, CAP), length: Math.min(CAP, item.length * q.max) };
      }
      cost.paths = Math.min(CAP, cost.paths * item.paths);
      cost.length = Math.min(CAP, cost.length + item.length);
    }
    return cost;
  };
  const { paths, length } = alternation();
  return Math.min(CAP, paths * Math.max(1, length));
}

function repeatPaths(paths: number, min: number, max: number, cap: number): number {
  let total = 0;
  for (let k = min; k <= max && total < cap; k++) total += paths ** k;
  return Math.min(cap, total);
}

/**
 * Patterns whose backtracking work per position is at most this run on JavaScript's engine: time
 * linear in the text with a small constant, and JavaScript's exact semantics (most phrase lists).
 */
const BOUNDED_WORK = 1024;

function boundedNativeMatcher(source: string, pattern: string, flags: string): TextMatcher {
  const g = new RegExp(pattern, flags.replace(/[gy]/g, '') + 'g');
  const spans = (text: string, firstOnly: boolean): Array<[number, number]> => {
    const out: Array<[number, number]> = [];
    g.lastIndex = 0;
    for (let m = g.exec(text); m; m = g.exec(text)) {
      if (m[0].length === 0) {
        g.lastIndex++;
        continue;
      }
      out.push([m.index, m.index + m[0].length]);
      if (firstOnly) break;
    }
    return out;
  };
  return { source, engine: 'bounded', spans: (text) => spans(text, false), first: (text) => spans(text, true)[0] };
}

/** The outcome of {@link compileLinear}: a linear-time matcher, or why the pattern needs backtracking. */
export type LinearCompile = { ok: true; matcher: TextMatcher } | { ok: false; needs: string; parts: RegexParts };

/**
 * Compiles a user regex string for the linear-time engine. Throws (JavaScript's message) when
 * the pattern is not a valid JavaScript regex; returns `{ ok: false, needs }` when it is valid
 * but uses what only a backtracking engine can run (lookahead, backreferences, `y`/`v`).
 *
 * @example
 * const c = compileLinear('(a+)+$');
 * c.ok && c.matcher.spans('a'.repeat(40) + '!') // [] at once
 * compileLinear('\\d+(?!px)') // { ok: false, needs: 'lookahead', ... }
 */
export function compileLinear(source: string): LinearCompile {
  compileRegex(source);
  const parts = parseRegexSource(source);
  const tokens = tokenize(parts.pattern);
  if (!/[yv]/.test(parts.flags) && backtrackWork(tokens) <= BOUNDED_WORK) {
    return { ok: true, matcher: boundedNativeMatcher(source, parts.pattern, parts.flags) };
  }
  const blocker = linearBlocker(tokens, parts.flags);
  const matcher = blocker === undefined ? re2Matcher(source, parts.pattern, parts.flags, tokens) : undefined;
  if (matcher) return { ok: true, matcher };
  return { ok: false, needs: blocker ?? 'syntax RE2 does not support', parts };
}

/**
 * A linear-time matcher that matches at least wherever the pattern does (its lookaheads left
 * out), to skip texts the backtracking engine need not see; undefined when there is none.
 */
export function linearPrefilter(source: string): TextMatcher | undefined {
  const { pattern, flags } = parseRegexSource(source);
  const tokens = tokenize(pattern);
  if (tokens.some((t) => t.t === 'atom' && t.backref) || flags.includes('v')) return undefined;
  const kept: Token[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (depth > 0) {
      if (tok.t === 'open') depth++;
      if (tok.t === 'close') depth--;
      if (depth === 0 && tokens[i + 1]?.t === 'quant') i++;
      continue;
    }
    if (tok.t === 'open' && tok.look === 'ahead') depth = 1;
    else kept.push(tok);
  }
  return re2Matcher(source, pattern, flags.replace('y', ''), kept);
}

/**
 * Whether a pattern repeats a group that itself holds a repetition with one of the two unbounded
 * (`(a+)+`, `(a+){2,5}`, `(\d{1,3})*`): the shape that makes a backtracking engine take
 * exponential or high-polynomial time. Harmless on the linear engine.
 *
 * @example
 * hasNestedQuantifier('(a+)+$') // true
 * hasNestedQuantifier('(?:[ -]?\\d{1,4}){2,5}') // false: both bounded
 */
export function hasNestedQuantifier(source: string): boolean {
  const tokens = tokenize(parseRegexSource(source).pattern);
  // Per open group: the largest bound of any repetition inside it (0: none, Infinity: unbounded).
  const stack: Array<{ inner: number }> = [{ inner: 0 }];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok.t === 'open') stack.push({ inner: 0 });
    else if (tok.t === 'quant' && tok.max > 1) stack.at(-1)!.inner = Math.max(stack.at(-1)!.inner, tok.max);
    else if (tok.t === 'close' && stack.length > 1) {
      const group = stack.pop()!;
      const q = tokens[i + 1];
      const outer = q?.t === 'quant' ? q.max : 1;
      if (outer > 1 && group.inner > 1 && (outer === Infinity || group.inner === Infinity)) return true;
      const parent = stack.at(-1)!;
      parent.inner = Math.max(parent.inner, group.inner, outer > 1 ? outer : 0);
    }
  }
  return false;
}

/**
 * Compiles a pattern that must run on the linear-time engine (`redaction.custom`, which runs in
 * the pure core with no time-limited fallback). Throws an Error saying what to change.
 *
 * @example
 * compileLinearOnly('ORD-\\d{6}').spans('order ORD-123456') // [[6, 16]]
 */
export function compileLinearOnly(source: string): TextMatcher {
  let compiled: LinearCompile;
  try {
    compiled = compileLinear(source);
  } catch (error) {
    throw new Error(`invalid regex ${JSON.stringify(source)}: ${(error as Error).message}`, { cause: error });
  }
  if (compiled.ok) return compiled.matcher;
  throw new Error(
    `${JSON.stringify(source)} uses ${compiled.needs}, which this field does not support: it runs on the linear-time engine only (lookbehind is fine)`,
  );
}
