import { DATE_PATTERNS, eachMatch, normUrl, squash, TIME_PATTERN, timeOf, type Claim, type DateParts } from './claims.js';
import { keyOf, type KeySet } from './content.js';
import { digitiseWords, numbersIn } from './numbers.js';

/** What the sources (knowledge, conversation so far, tool results) say, indexed for lookups. */
export interface SourceIndex {
  numbers: Set<number>;
  /** The same numbers, sorted: the near-equal ones of a value are found by binary search. */
  sortedNumbers: Float64Array;
  dates: DateParts[];
  /** Clock times, in minutes after midnight. */
  times: Set<number>;
  /** Lowercased text with URLs normalised. */
  lower: string;
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
  get sortedNumbers(): Float64Array {
    return (this.cache.sortedNumbers ??= Float64Array.from(this.numbers).sort());
  }
  get dates(): DateParts[] {
    if (this.cache.dates === undefined) {
      const dates: DateParts[] = [];
      for (const p of DATE_PATTERNS) eachMatch(p.re, this.text, (m) => dates.push(...p.read(m)));
      this.cache.dates = dates;
    }
    return this.cache.dates;
  }
  get times(): Set<number> {
    if (this.cache.times === undefined) {
      const times = new Set<number>();
      eachMatch(TIME_PATTERN, this.text, (m) => {
        const t = timeOf(m);
        if (t !== undefined) times.add(t);
      });
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

const close = (a: number, b: number) => Math.abs(a - b) < 1e-6;

/** Whether some of the sorted `numbers` is {@link close} to `v` (only those within 2e-6 of it can be). */
function nearAny(numbers: Float64Array, v: number): boolean {
  let lo = 0;
  let hi = numbers.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (numbers[mid]! < v - 2e-6) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < numbers.length && numbers[i]! <= v + 2e-6; i++) if (close(numbers[i]!, v)) return true;
  return false;
}

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
 * ids by normalised text; names by the phrase, or by enough of its words (`words`: the content
 * keys of all the sources, so "Christians" is supported by "Christianity").
 */
export function isSupported(claim: Claim, sources: readonly SourceIndex[], options: SupportOptions, words: KeySet): boolean {
  if (claim.type === 'name') return nameSupported(claim, sources, options, words);
  if (isNumeric(claim.type)) {
    // the value itself in any source first: near-equal values need each source's numbers sorted
    const v = claim.value!;
    return someLatestFirst(sources, (src) => src.numbers.has(v)) || someLatestFirst(sources, (src) => nearAny(src.sortedNumbers, v));
  }
  return someLatestFirst(sources, (src) => supportedBy(claim, src));
}

/**
 * Whether some source satisfies `f`, asking the latest first: a reply usually restates what the
 * last tool result or message said, so the older messages' indexes (built on first use) are
 * often never needed.
 */
function someLatestFirst(sources: readonly SourceIndex[], f: (src: SourceIndex) => boolean): boolean {
  for (let i = sources.length - 1; i >= 0; i--) if (f(sources[i]!)) return true;
  return false;
}

const isNumeric = (type: Claim['type']) => type === 'money' || type === 'percent' || type === 'duration' || type === 'number';

const nameParts = (phrase: string) => phrase.split(' ').filter((w) => w.length > 1);

/** The content keys of a name's words that {@link isSupported} looks up. */
export function nameKeys(claim: Claim): string[] {
  return nameParts(claim.norm ?? '').flatMap((w) => keyOf(w) ?? []);
}

/** A name: enough of its words (by stem, in any source), or an acronym of words of a source ("NYC"). */
function nameSupported(claim: Claim, sources: readonly SourceIndex[], options: SupportOptions, words: KeySet): boolean {
  const phrase = claim.norm!;
  if (phrase === '') return true;
  const parts = nameParts(phrase);
  // by words first (hash lookups), the phrase only where not enough of its words are
  const found = parts.filter((w) => {
    const key = keyOf(w);
    return key === null || words.has(key);
  }).length;
  // (a phrase found in a source has all its words found: no phrase search is needed)
  if (parts.length === 0 || found / parts.length >= options.nameWordShare) return true;
  return /^\p{Lu}{2,6}$/u.test(claim.text) && someLatestFirst(sources, (src) => src.acronyms.has(phrase));
}

function supportedBy(claim: Claim, src: SourceIndex): boolean {
  switch (claim.type) {
    case 'money':
    case 'percent':
    case 'duration':
    case 'number': {
      const v = claim.value!;
      return src.numbers.has(v) || nearAny(src.sortedNumbers, v);
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
