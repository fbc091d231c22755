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
  /** The words of 6+ letters by their first 6 letters (for {@link hasWord}'s near matches). */
  longWords: Map<string, string[]>;
  /** Initials of capitalised word runs ("New York City" → "nyc"). */
  acronyms: Set<string>;
  /** Alphanumerics only. */
  squashed: string;
  /** Digits-only forms of digit runs with separators (phone numbers). */
  digitRuns: string[];
}

/** Indexes source texts for {@link isSupported} (a reply's sources are several indexes: one per message). */
export function indexSources(texts: readonly string[]): SourceIndex {
  return new LazyIndex(texts.join('\n'));
}

/**
 * A {@link SourceIndex} whose parts are computed on first use and kept: a reply's claims are
 * usually few and of one or two types, so most parts of most messages are never needed.
 */
class LazyIndex implements SourceIndex {
  private cache: Partial<SourceIndex> = {};
  private digitised: string | undefined;
  constructor(private readonly raw: string) {}

  private get text(): string {
    return (this.digitised ??= digitiseWords(this.raw));
  }
  get numbers(): Set<number> {
    return (this.cache.numbers ??= new Set(numbersIn(this.text)));
  }
  get dates(): DateParts[] {
    if (this.cache.dates === undefined) {
      const dates: DateParts[] = [];
      for (const p of DATE_PATTERNS) for (const m of this.text.matchAll(p.re)) dates.push(...p.read(m));
      this.cache.dates = dates;
    }
    return this.cache.dates;
  }
  get times(): Set<number> {
    if (this.cache.times === undefined) {
      const times = new Set<number>();
      for (const m of this.text.matchAll(TIME_PATTERN)) {
        const t = timeOf(m);
        if (t !== undefined) times.add(t);
      }
      this.cache.times = times;
    }
    return this.cache.times;
  }
  get lower(): string {
    if (this.cache.lower === undefined) {
      const urls = [...this.raw.matchAll(/\b(?:https?:\/\/|www\.)\S+/gi)].map((m) => normUrl(m[0]));
      this.cache.lower = `${this.raw.toLowerCase()}\n${urls.join('\n')}`;
    }
    return this.cache.lower;
  }
  get words(): string {
    return (this.cache.words ??= ` ${normName(this.text)} `);
  }
  get wordSet(): Set<string> {
    return (this.cache.wordSet ??= new Set(this.words.trim().split(' ')));
  }
  get longWords(): Map<string, string[]> {
    if (this.cache.longWords === undefined) {
      const byPrefix = new Map<string, string[]>();
      for (const w of this.wordSet) {
        if (w.length < 6) continue;
        const key = w.slice(0, 6);
        const list = byPrefix.get(key);
        if (list) list.push(w);
        else byPrefix.set(key, [w]);
      }
      this.cache.longWords = byPrefix;
    }
    return this.cache.longWords;
  }
  get acronyms(): Set<string> {
    if (this.cache.acronyms === undefined) {
      const acronyms = new Set<string>();
      for (const m of this.raw.matchAll(/\p{Lu}[\p{L}'’-]*(?:\s+(?:of\s+|the\s+|and\s+|&\s+)?\p{Lu}[\p{L}'’-]*)+/gu)) {
        const all = m[0].split(/\s+/);
        acronyms.add(all.map((w) => w[0]).join('').toLowerCase());
        acronyms.add(all.filter((w) => /^\p{Lu}/u.test(w)).map((w) => w[0]).join('').toLowerCase());
      }
      this.cache.acronyms = acronyms;
    }
    return this.cache.acronyms;
  }
  get squashed(): string {
    return (this.cache.squashed ??= squash(this.raw));
  }
  get digitRuns(): string[] {
    return (this.cache.digitRuns ??= [...this.raw.matchAll(/\+?\d[\d\s().-]{5,}\d/g)].map((m) => m[0].replace(/\D/g, '')));
  }
}

/**
 * A word, or a source word that extends it (or it extends) by at most 3 letters, the shorter
 * having 6+ letters ("Christian" ~ "Christianity", "Adventure" ~ "Adventures"; not "India" ~ "Indian").
 */
function hasWord(src: SourceIndex, word: string): boolean {
  if (src.wordSet.has(word)) return true;
  if (word.length < 6) return false;
  // the shorter has 6+ letters, so both start with the same 6
  for (const w of src.longWords.get(word.slice(0, 6)) ?? []) {
    if (Math.abs(w.length - word.length) > 3) continue;
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
  if (phrase === '') return true;
  const parts = phrase.split(' ').filter((w) => w.length > 1);
  // by words first (hash lookups), the phrase only where all its words are
  const found = parts.filter((w) => sources.some((src) => hasWord(src, w))).length;
  if (parts.length === 0 || found / parts.length >= options.nameWordShare) return true;
  const words = phrase.split(' ');
  if (sources.some((src) => words.every((w) => src.wordSet.has(w)) && src.words.includes(` ${phrase} `))) return true;
  return /^\p{Lu}{2,6}$/u.test(claim.text) && sources.some((src) => src.acronyms.has(phrase));
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
