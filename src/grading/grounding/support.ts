import { DATE_PATTERNS, normUrl, squash, TIME_PATTERN, timeOf, type Claim, type DateParts } from './claims.js';
import { normName } from './names.js';
import { digitiseWords, numbersIn } from './numbers.js';

/** What the sources (knowledge, conversation so far, tool results) say, indexed for lookups. */
export interface SourceIndex {
  numbers: Set<number>;
  dates: DateParts[];
  /** Clock times, in minutes after midnight. */
  times: Set<number>;
  /** Lowercased text with URLs normalised. */
  lower: string;
  /** Space-joined normalised words, padded with spaces: ` arthur magazine 1844 `. */
  words: string;
  wordSet: Set<string>;
  /** Initials of capitalised word runs ("New York City" → "nyc"). */
  acronyms: Set<string>;
  /** Alphanumerics only. */
  squashed: string;
  /** Digits-only forms of digit runs with separators (phone numbers). */
  digitRuns: string[];
}

/** Indexes source texts for {@link isSupported} (a reply's sources are several indexes: one per message). */
export function indexSources(texts: readonly string[]): SourceIndex {
  const raw = texts.join('\n');
  const text = digitiseWords(raw);
  const numbers = new Set(numbersIn(text));
  const dates: DateParts[] = [];
  for (const p of DATE_PATTERNS) {
    for (const m of text.matchAll(p.re)) dates.push(...p.read(m));
  }
  const times = new Set<number>();
  for (const m of text.matchAll(TIME_PATTERN)) {
    const t = timeOf(m);
    if (t !== undefined) times.add(t);
  }
  const words = normName(text);
  const acronyms = new Set<string>();
  for (const m of raw.matchAll(/\p{Lu}[\p{L}'’-]*(?:\s+(?:of\s+|the\s+|and\s+|&\s+)?\p{Lu}[\p{L}'’-]*)+/gu)) {
    const all = m[0].split(/\s+/);
    acronyms.add(all.map((w) => w[0]).join('').toLowerCase());
    acronyms.add(all.filter((w) => /^\p{Lu}/u.test(w)).map((w) => w[0]).join('').toLowerCase());
  }
  const urls = [...raw.matchAll(/\b(?:https?:\/\/|www\.)\S+/gi)].map((m) => normUrl(m[0]));
  return {
    numbers,
    dates,
    times,
    lower: `${raw.toLowerCase()}\n${urls.join('\n')}`,
    words: ` ${words} `,
    wordSet: new Set(words.split(' ')),
    acronyms,
    squashed: squash(raw),
    digitRuns: [...raw.matchAll(/\+?\d[\d\s().-]{5,}\d/g)].map((m) => m[0].replace(/\D/g, '')),
  };
}

/**
 * A word, or a source word that extends it (or it extends) by at most 3 letters, the shorter
 * having 6+ letters ("Christian" ~ "Christianity", "Adventure" ~ "Adventures"; not "India" ~ "Indian").
 */
function hasWord(src: SourceIndex, word: string): boolean {
  if (src.wordSet.has(word)) return true;
  if (word.length < 6) return false;
  for (const w of src.wordSet) {
    if (w.length < 6 || Math.abs(w.length - word.length) > 3) continue;
    if (w.startsWith(word) || word.startsWith(w)) return true;
  }
  return false;
}

const close = (a: number, b: number) => Math.abs(a - b) < 1e-6;

function dateSupported(readings: readonly DateParts[], dates: readonly DateParts[]): boolean {
  return readings.some((r) =>
    dates.some(
      (d) =>
        (r.y === undefined || r.y === d.y) && (r.m === undefined || r.m === d.m) && (r.d === undefined || r.d === d.d),
    ),
  );
}

/** Options of the support check. */
export interface SupportOptions {
  /** Share of a name's words that must occur in the sources when the phrase itself does not. */
  nameWordShare: number;
}

/**
 * Whether a claim is supported by the sources: numbers (money, percent, durations, plain
 * numbers) by value; dates by their parts and times by the minute, in any written format; URLs, emails, phone numbers and
 * ids by normalised text; names by the phrase, or by enough of its words.
 */
export function isSupported(claim: Claim, sources: readonly SourceIndex[], options: SupportOptions): boolean {
  if (claim.type === 'name') return nameSupported(claim, sources, options);
  return sources.some((src) => supportedBy(claim, src));
}

/** A name: the phrase in one source, or enough of its words (each in any source). */
function nameSupported(claim: Claim, sources: readonly SourceIndex[], options: SupportOptions): boolean {
  const phrase = claim.norm!;
  if (phrase === '' || sources.some((src) => src.words.includes(` ${phrase} `))) return true;
  if (/^\p{Lu}{2,6}$/u.test(claim.text) && sources.some((src) => src.acronyms.has(phrase))) return true;
  const parts = phrase.split(' ').filter((w) => w.length > 1);
  if (parts.length === 0) return true;
  const found = parts.filter((w) => sources.some((src) => hasWord(src, w))).length;
  return found / parts.length >= options.nameWordShare;
}

function supportedBy(claim: Claim, src: SourceIndex): boolean {
  switch (claim.type) {
    case 'money':
    case 'percent':
    case 'duration':
    case 'number': {
      const v = claim.value!;
      for (const n of src.numbers) if (close(n, v)) return true;
      return false;
    }
    case 'time':
      return src.times.has(claim.value!);
    case 'date':
      return dateSupported(claim.dates ?? [], src.dates);
    case 'url':
    case 'email':
      return src.lower.includes(claim.norm!);
    case 'phone': {
      const digits = claim.norm!;
      const tail = digits.slice(-7);
      return src.digitRuns.some((run) => run.endsWith(tail)) || src.squashed.includes(digits);
    }
    case 'id':
      return src.squashed.includes(claim.norm!);
    case 'name': // checked across all sources by nameSupported
      return false;
  }
}
