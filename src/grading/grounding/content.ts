import { stemmer } from 'stemmer';
import { COURTESY_WORDS, FUNCTION_WORDS } from './function-words.js';
import { parseNumber, wordsToNumber } from './numbers.js';
import { Scanner } from './scan.js';

/** A content word of a reply: its span, its stem (or its value, for a number). */
export interface ContentToken {
  start: number;
  end: number;
  text: string;
  /** Porter stem of the lower-cased word, or `#<value>` for a number. */
  key: string;
}

/** A word (letters, inner apostrophes) or a number in digits; one starts at every digit or letter. */
const TOKENS = new Scanner(/\d[\d,]*(?:\.\d+)?|\p{L}[\p{L}\p{M}]*(?:['’]\p{L}+)*/u, /[^\d\p{L}]+/u);

function fold(word: string): string {
  const lower = word.toLowerCase().replace(/’/g, "'");
  return /^[\x00-\x7f]*$/.test(lower) ? lower : lower.normalize('NFKD').replace(/\p{M}/gu, '');
}

const NUMBER_WORD = /^(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|dozen|couple)$/;

/**
 * Stems, memoised: the Porter stemmer costs ~3 µs a word and conversations repeat their words.
 * A pure cache (same word, same stem), cleared when it reaches 50,000 entries.
 */
const STEMS = new Map<string, string>();
function stem(word: string): string {
  let out = STEMS.get(word);
  if (out === undefined) {
    if (STEMS.size >= 50_000) STEMS.clear();
    out = stemmer(word);
    STEMS.set(word, out);
  }
  return out;
}

/**
 * Keys of words, memoised like {@link STEMS}: a conversation's messages and tool results repeat
 * their words, and a word's key depends on the word alone.
 */
const KEYS = new Map<string, string | null>();
/** The key of one word as {@link contentTokens} gives it: its stem, `#value` for a number, null for a function word. */
export function keyOf(raw: string): string | null {
  let out = KEYS.get(raw);
  if (out === undefined) {
    if (KEYS.size >= 50_000) KEYS.clear();
    out = computeKey(raw);
    KEYS.set(raw, out);
  }
  return out;
}

/** The key of one word: `#value` for numbers (in digits or words), else the stem; null for a function word. */
function computeKey(raw: string): string | null {
  if (/^\d/.test(raw)) {
    const v = parseNumber(raw.replace(/,$/, ''));
    return Number.isFinite(v) ? `#${v}` : null;
  }
  const folded = fold(raw);
  const w = folded.replace(/'s$/, '');
  if (w.length < 2 || FIRST_PERSON.has(w) || FUNCTION_WORDS.has(w) || FUNCTION_WORDS.has(folded) || COURTESY_WORDS.has(w)) return null;
  if (NUMBER_WORD.test(w)) {
    const v = wordsToNumber(w);
    if (v !== undefined && v > 1) return `#${v}`;
  }
  return stem(w.replace(/'/g, ''));
}

/**
 * The content words of a text in order: lower-cased, accents and possessives dropped, stemmed
 * (Porter), numbers as values (`thirty` = `30` = `30.0`, one word at a time), function words left out.
 *
 * @example
 * contentTokens('The refunds arrived in thirty days').map((t) => t.key) // ['refund', 'arriv', '#30', 'dai']
 */
export function contentTokens(text: string): ContentToken[] {
  const out: ContentToken[] = [];
  let speaker: ContentToken | null = null;
  for (const at = TOKENS.over(text); at.next(); ) {
    const { start, end } = at;
    const word = at.word;
    const key = keyOf(word);
    const token: ContentToken = { start, end, text: word, key: key ?? SPEAKER };
    if (speaker) {
      // "I" before a modal or courtesy ("I can check", "I'm so sorry") is the agent at work, not a statement about itself
      const w = fold(word);
      if (SERVICE_AFTER_I.has(w) || COURTESY_WORDS.has(w)) speaker = null;
      else if (key !== null) {
        out.push(speaker);
        speaker = null;
      }
    }
    if (key === null && FIRST_PERSON.has(fold(word))) speaker = token;
    if (key !== null) out.push(token);
  }
  if (speaker) out.push(speaker);
  return out;
}

/**
 * The speaker as subject ("I", "I'm", "I've"): a reply's statement about itself ("I love
 * skiing", "I've never been there", "I'm not sure") is supported by no source, and human raters
 * of grounding (BEGIN, FaithDial) mark such replies as not attributable. In a reply it counts as
 * a content word no source has (key {@link SPEAKER}); "I'll" and "I'd" are function words, like "you'll".
 */
const FIRST_PERSON: ReadonlySet<string> = new Set(['i', "i'm", "i've"]);
const SERVICE_AFTER_I: ReadonlySet<string> = new Set(['can', 'could', 'will', 'would', 'shall', 'should', 'may', 'might', 'must', 'afraid']);
/** The key of the speaker: no source text has it. */
const SPEAKER = '\u0000I';

/**
 * Weight of short phrases in the support score: the share of adjacent content-word pairs of the
 * reply that are adjacent in the sources too ("located in Tennessee" when the knowledge names
 * Tennessee elsewhere). Chosen on the dev sets (bench/graders-accuracy.ts).
 */
export const PHRASE_WEIGHT = 0.1;

/**
 * A short answer's new content must be a phrase of the sources: when a reply brings at most
 * {@link SHORT_ANSWER_WORDS} content words the conversation has not said, its score is capped at
 * 0.6 + 0.4 × the share of its adjacent word pairs touching a new word that are adjacent in the
 * grounding material. Short answers that recombine source words ("Hot Rod was founded in 1987"
 * when the knowledge says Cooking Light was) are what word shares cannot see; a right short
 * answer is usually a span of the knowledge.
 */
export const SHORT_ANSWER_WORDS = 3;
/**
 * …and when the reply itself is short (at most 12 content words): a long reply that repeats an
 * earlier answer with a few new words is not a short answer.
 */
export const SHORT_ANSWER_MAX_LENGTH = 12;
const SHORT_ANSWER_FLOOR = 0.6;

/**
 * Credit of a knowledge word inside a question about the listener ("Do you like fantasy
 * novels?", "Have you ever tried cod liver oil?"): such a question asserts nothing, and human
 * raters of grounding (BEGIN) mark it as not attributable even when its words come from the
 * knowledge. Questions asking for what the agent needs ("Do you have your order number?",
 * "Could you share…", "Would you like…") are not such questions. Chosen on the dev sets.
 */
export const PERSONAL_QUESTION_WEIGHT = 0.5;
const SENTENCE = /[^.!?\n]+[.!?\n]?/g;
const PERSONAL_QUESTION = /\b(?:do|did|have|are|were) you\b(?! (?:have|want|need|mean)\b)/i;

/** [start, end) spans of the personal questions of a reply ({@link PERSONAL_QUESTION_WEIGHT}). */
function personalQuestions(reply: string): Array<[number, number]> {
  if (!reply.includes('?')) return [];
  const out: Array<[number, number]> = [];
  for (const m of reply.matchAll(SENTENCE)) {
    if (m[0].endsWith('?') && PERSONAL_QUESTION.test(m[0])) out.push([m.index, m.index + m[0].length]);
  }
  return out;
}

/** What the support check asks of the content keys of some texts: their words, and their adjacent word pairs. */
export interface KeySet {
  has(key: string): boolean;
  /** Whether `second` follows `first` (content words, function words between them skipped). */
  hasPair(first: string, second: string): boolean;
}

/** Where {@link contentKeys} puts the keys it reads. */
export interface KeySink {
  word(key: string): void;
  pair(first: string, second: string): void;
}

/**
 * The content keys of texts: a set of words, and the adjacent pairs as a set per first word
 * (no joined "first second" string is made per pair: a long tool result has thousands).
 */
export class ContentKeys implements KeySet, KeySink {
  private readonly words = new Set<string>();
  private readonly pairs = new Map<string, Set<string>>();
  word(key: string): void {
    this.words.add(key);
  }
  pair(first: string, second: string): void {
    let next = this.pairs.get(first);
    if (next === undefined) {
      next = new Set();
      this.pairs.set(first, next);
    }
    next.add(second);
  }
  has(key: string): boolean {
    return this.words.has(key);
  }
  hasPair(first: string, second: string): boolean {
    const next = this.pairs.get(first);
    return next !== undefined && next.has(second);
  }
}

/** The content-word keys of source texts and their adjacent pairs, added to `into` (new {@link ContentKeys} by default). */
export function contentKeys(texts: readonly string[]): ContentKeys;
export function contentKeys<T extends KeySink>(texts: readonly string[], into: T): T;
export function contentKeys(texts: readonly string[], into: KeySink = new ContentKeys()): KeySink {
  for (const text of texts) {
    let previous: string | null = null;
    for (const at = TOKENS.over(text); at.next(); ) {
      const key = keyOf(at.word);
      if (key === null) continue;
      into.word(key);
      if (previous !== null) into.pair(previous, key);
      previous = key;
    }
  }
  return into;
}

/** How much of a reply's content the sources support. */
export interface ContentSupport {
  /** 0..1: 0.9 × supported share of the content words + 0.1 × supported share of adjacent pairs (1 when the reply has none), capped for short answers ({@link SHORT_ANSWER_WORDS}). */
  score: number;
  words: number;
  /** Supported share of the content words (conversation words weighted). */
  wordShare: number;
  /** Supported share of adjacent content-word pairs (1 with fewer than 2 words). */
  pairShare: number;
  /** Runs of adjacent unsupported content words (function words between them included), as [start, end) spans. */
  unsupported: Array<[number, number]>;
}

/**
 * The share of a reply's content words (and, weighted {@link PHRASE_WEIGHT}, of its adjacent
 * word pairs) found in the sources: a word in the grounding material
 * (knowledge, system text, tool results) counts 1, a word found only in the conversation before
 * the reply counts `conversationWeight` (echoing the customer is not evidence, nor invention).
 * The `skip` spans (claims, checked on their own) are left out; `all`: the reply's
 * {@link contentTokens}, when already read. Questions count: human raters
 * of grounding (BEGIN) mark a question that brings in new content as not attributable.
 *
 * @example
 * contentSupport('Refunds take thirty days.', contentKeys(['Refunds are paid within 30 days.']), new ContentKeys(), 0.5).score // 1
 */
export function contentSupport(
  reply: string,
  material: KeySet,
  conversation: KeySet,
  conversationWeight: number,
  skip: ReadonlyArray<{ start: number; end: number }> = [],
  all: readonly ContentToken[] = contentTokens(reply),
): ContentSupport {
  // claim spans are checked as claims
  const tokens = all.filter((t) => !skip.some((s) => t.start < s.end && t.end > s.start));
  if (tokens.length === 0) return { score: 1, words: 0, wordShare: 1, pairShare: 1, unsupported: [] };
  let supported = 0;
  const unsupported: Array<[number, number]> = [];
  let previousMissed = false;
  const questions = personalQuestions(reply);
  for (const t of tokens) {
    if (material.has(t.key)) supported += questions.some((q) => t.start >= q[0] && t.end <= q[1]) ? PERSONAL_QUESTION_WEIGHT : 1;
    else if (conversation.has(t.key)) supported += conversationWeight;
    const missed = !material.has(t.key) && !conversation.has(t.key);
    const last = unsupported.at(-1);
    if (missed && previousMissed && last && !/[.!?;:,\n]/.test(reply.slice(last[1], t.start))) last[1] = t.end;
    else if (missed) unsupported.push([t.start, t.end]);
    previousMissed = missed;
  }
  const words = supported / tokens.length;
  if (tokens.length < 2) {
    return { score: Math.min(words, shortAnswerCap(all, material, conversation)), words: tokens.length, wordShare: words, pairShare: 1, unsupported };
  }
  let pairs = 0;
  for (let i = 1; i < tokens.length; i++) {
    const first = tokens[i - 1]!.key;
    const second = tokens[i]!.key;
    if (material.hasPair(first, second)) pairs += 1;
    else if (conversation.hasPair(first, second)) pairs += conversationWeight;
  }
  const pairShare = pairs / (tokens.length - 1);
  const score = Math.min((1 - PHRASE_WEIGHT) * words + PHRASE_WEIGHT * pairShare, shortAnswerCap(all, material, conversation));
  return { score, words: tokens.length, wordShare: words, pairShare, unsupported };
}

/** The cap of {@link SHORT_ANSWER_WORDS}: 1 for longer answers (claims included, as words). */
function shortAnswerCap(tokens: readonly ContentToken[], material: KeySet, conversation: KeySet): number {
  const fresh = tokens.map((t) => !conversation.has(t.key));
  const count = fresh.filter(Boolean).length;
  if (count === 0 || count > SHORT_ANSWER_WORDS || tokens.length > SHORT_ANSWER_MAX_LENGTH) return 1;
  let pairs = 0;
  let found = 0;
  for (let i = 1; i < tokens.length; i++) {
    if (!fresh[i] && !fresh[i - 1]) continue;
    pairs += 1;
    if (material.hasPair(tokens[i - 1]!.key, tokens[i]!.key)) found += 1;
  }
  return pairs === 0 ? 1 : SHORT_ANSWER_FLOOR + ((1 - SHORT_ANSWER_FLOOR) * found) / pairs;
}
