import { NUMBER_WORDS, parseNumber, wordsToNumber } from './numbers.js';

/** The kinds of checkable claims the grounding grader extracts. */
export type ClaimType =
  | 'url'
  | 'email'
  | 'date'
  | 'time'
  | 'phone'
  | 'money'
  | 'percent'
  | 'duration'
  | 'id'
  | 'number'
  | 'name';

/** A date's known parts; a claim's parts must all agree with some source date. */
export interface DateParts {
  y?: number;
  m?: number;
  d?: number;
}

/** A checkable claim: its type, the [start, end) span in the reply, and its normalised value. */
export interface Claim {
  type: ClaimType;
  start: number;
  end: number;
  text: string;
  /** Numeric value (money, percent, duration, number; minutes after midnight for a time). */
  value?: number;
  /** Candidate readings of a date (numeric dates can be day/month or month/day). */
  dates?: DateParts[];
  /** Normalised text (url, email, phone digits, id, name). */
  norm?: string;
}

const MONTHS = [
  'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
];
const MONTH_RE = '(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\\.?';
const UNIT_RE = '(?:seconds?|minutes?|mins?|hours?|hrs?|days?|nights?|weeks?|months?|years?)';
const NUM_RE = '\\d[\\d,]*(?:\\.\\d+)?';

/** Month number (1-12) of an English month name or abbreviation. */
export function monthOf(name: string): number | undefined {
  const key = name.toLowerCase().replace(/\.$/, '').slice(0, 3);
  const i = MONTHS.findIndex((m) => m.startsWith(key));
  return i < 0 ? undefined : i + 1;
}

const year = (y: string) => (y.length === 2 ? 2000 + Number(y) : Number(y));

/** Date patterns with a reader of their parts. Shared by claim extraction and source indexing. */
export const DATE_PATTERNS: Array<{ re: RegExp; read: (m: RegExpMatchArray) => DateParts[] }> = [
  { re: /\b(\d{4})-(\d{1,2})-(\d{1,2})\b/g, read: (m) => [{ y: +m[1]!, m: +m[2]!, d: +m[3]! }] },
  {
    re: /\b(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})\b/g,
    read: (m) => [
      { d: +m[1]!, m: +m[2]!, y: year(m[3]!) },
      { m: +m[1]!, d: +m[2]!, y: year(m[3]!) },
    ],
  },
  {
    re: new RegExp(`\\b(${MONTH_RE})\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+(\\d{4}))?(?![\\d:])`, 'g'),
    read: (m) => [{ m: monthOf(m[1]!)!, d: +m[2]!, ...(m[3] ? { y: +m[3] } : {}) }],
  },
  {
    re: new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?(${MONTH_RE})(?:,?\\s+(\\d{4}))?`, 'g'),
    read: (m) => [{ m: monthOf(m[2]!)!, d: +m[1]!, ...(m[3] ? { y: +m[3] } : {}) }],
  },
  { re: new RegExp(`\\b(${MONTH_RE})\\s+(\\d{4})\\b`, 'g'), read: (m) => [{ m: monthOf(m[1]!)!, y: +m[2]! }] },
];

/** Clock times: `9 a.m.`, `1pm`, `13:00`, `9:30 PM` → minutes after midnight. */
export const TIME_PATTERN = /\b(\d{1,2})(?:[:.](\d{2}))?\s?([ap])\.?m\b\.?|\b(\d{1,2}):(\d{2})\b/gi;

/** Minutes after midnight of a TIME_PATTERN match, or undefined when out of range. */
export function timeOf(m: RegExpMatchArray): number | undefined {
  if (m[3] !== undefined) {
    const h = Number(m[1]);
    if (h < 1 || h > 12) return undefined;
    const hour = (h % 12) + (m[3].toLowerCase() === 'p' ? 12 : 0);
    return hour * 60 + Number(m[2] ?? 0);
  }
  const h = Number(m[4]);
  const min = Number(m[5]);
  return h < 24 && min < 60 ? h * 60 + min : undefined;
}

/**
 * What a reply offers cheaply, so an extractor whose pattern cannot match is not run: most
 * replies have no URL or email, many no digit (every date, time, phone, id and plain number has one).
 */
interface Probe {
  lower: string;
  digit: boolean;
}

type Extractor = {
  type: ClaimType;
  re: RegExp;
  /** false when `re` cannot match the text (a necessary condition of the pattern, never a guess). */
  can: (p: Probe) => boolean;
  make: (m: RegExpExecArray) => Partial<Claim> | null;
};

const hasDigit = (p: Probe) => p.digit;
const CURRENCY_WORDS = ['dollar', 'euro', 'pound', 'buck', 'usd', 'eur', 'gbp'];
const UNIT_WORDS = ['sec', 'min', 'hour', 'hr', 'day', 'night', 'week', 'month', 'year'];

const EXTRACTORS: Extractor[] = [
  {
    type: 'url',
    re: /\b(?:https?:\/\/|www\.)[^\s<>"'()[\]]+[^\s<>"'()[\].,;:!?]/gi,
    can: (p) => p.lower.includes('http') || p.lower.includes('www.'),
    make: (m) => ({ norm: normUrl(m[0]) }),
  },
  { type: 'email', re: /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, can: (p) => p.lower.includes('@'), make: (m) => ({ norm: m[0].toLowerCase() }) },
  // every date pattern has digits
  ...DATE_PATTERNS.map<Extractor>((p) => ({ type: 'date', re: p.re, can: hasDigit, make: (m) => ({ dates: p.read(m) }) })),
  {
    type: 'time',
    re: TIME_PATTERN,
    can: hasDigit,
    make: (m) => {
      const v = timeOf(m);
      return v === undefined ? null : { value: v };
    },
  },
  {
    type: 'phone',
    re: /(?<![\w-])(?:\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}|\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}|\d{3}[ .-]\d{4})(?![\w-])/g,
    can: hasDigit,
    make: (m) => ({ norm: m[0].replace(/\D/g, '') }),
  },
  {
    type: 'money',
    re: new RegExp(
      `(?:[$€£¥]|\\b(?:USD|EUR|GBP)\\s?)(${NUM_RE})|\\b(${NUM_RE}|${NUMBER_WORDS.source})\\s?(?:dollars?|euros?|pounds?|bucks|USD|EUR|GBP)\\b|\\b(${NUM_RE})\\s?[$€£¥]`,
      'gi',
    ),
    // without a digit only "<number words> dollars" (or euros…) can match
    can: (p) => p.digit || CURRENCY_WORDS.some((w) => p.lower.includes(w)),
    make: (m) => numberClaim(m[1] ?? m[2] ?? m[3]!),
  },
  {
    type: 'percent',
    re: new RegExp(`\\b(${NUM_RE}|${NUMBER_WORDS.source})\\s?(?:%|percent\\b|per cent\\b)`, 'gi'),
    can: (p) => p.digit || p.lower.includes('%') || p.lower.includes('per'),
    make: (m) => numberClaim(m[1]!),
  },
  {
    type: 'duration',
    re: new RegExp(
      `\\b(${NUM_RE}|${NUMBER_WORDS.source})(?:[- ]|\\s)(?:business |working |calendar |full )?${UNIT_RE}\\b`,
      'gi',
    ),
    can: (p) => p.digit || UNIT_WORDS.some((w) => p.lower.includes(w)),
    make: (m) => numberClaim(m[1]!),
  },
  {
    type: 'id',
    re: /(?:#\d{3,}|\b(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9][A-Za-z0-9_-]{3,})\b/g,
    can: hasDigit,
    make: (m) =>
      /^\d+(?:st|nd|rd|th|am|pm|s|k|m|x|kg|km|gb|mb|tb|g|h|hr|hrs|min|mins|ml|mm|cm|lbs?|ft|in|pc|pcs)$/i.test(m[0])
        ? null
        : { norm: squash(m[0]) },
  },
  {
    // a decade: '70s, 70's → 1970
    type: 'number',
    re: /(?<![\w.,$€£¥#-])['’]?(\d0)(?:['’]s|s)\b/g,
    can: hasDigit,
    make: (m) => {
      const v = Number(m[1]);
      return { value: v >= 30 ? 1900 + v : 2000 + v };
    },
  },
  {
    type: 'number',
    re: /(?<![\w.,$€£¥#-])\d[\d,]*(?:\.\d+)?(?![\w-])/g,
    can: hasDigit,
    make: (m) => numberClaim(m[0].replace(/,$/, '')),
  },
];

function numberClaim(text: string): Partial<Claim> | null {
  const v = /\d/.test(text) ? parseNumber(text) : wordsToNumber(text);
  return v === undefined || !Number.isFinite(v) ? null : { value: v };
}

/** Lowercase alphanumerics only: `ORD-1234` → `ord1234`. */
export function squash(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** `https://www.Example.com/a/` → `example.com/a`. */
export function normUrl(url: string): string {
  return url
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/\/+$/, '');
}

/** Numbered-list markers at the start of a line ("1." / "2)") are not claims. */
const LIST_MARKER = /(?:^|\n)\s*(\d{1,2})[.)]\s/g;

/**
 * Extracts the checkable claims of a reply, most specific type first (a span claimed as a date
 * is not also read as numbers). Proper-noun phrases are extracted separately ({@link extractNames}).
 */
export function extractClaims(text: string): Claim[] {
  const probe: Probe = { lower: text.toLowerCase(), digit: /\d/.test(text) };
  const taken: Array<[number, number]> = [];
  if (probe.digit) {
    eachMatch(LIST_MARKER, text, (m) => {
      const start = m.index + m[0].indexOf(m[1]!);
      taken.push([start, start + m[1]!.length]);
    });
  }
  const free = (s: number, e: number) => taken.every(([a, b]) => e <= a || s >= b);
  const claims: Claim[] = [];
  for (const x of EXTRACTORS) {
    if (!x.can(probe)) continue;
    eachMatch(x.re, text, (m) => {
      const start = m.index;
      const end = start + m[0].length;
      if (m[0].length === 0 || !free(start, end)) return;
      const extra = x.make(m);
      if (extra === null) return;
      taken.push([start, end]);
      claims.push(claimOf(x.type, start, end, m[0], extra));
    });
  }
  return claims.sort((a, b) => a.start - b.start);
}

/** A claim with every field present, in one order: claims then share one object shape. */
export function claimOf(type: ClaimType, start: number, end: number, text: string, extra: Partial<Claim>): Claim {
  return { type, start, end, text, value: extra.value, dates: extra.dates, norm: extra.norm };
}

/**
 * Calls `f` with each match of the global pattern `re` in `text`, as `matchAll` would (without
 * copying the pattern, as `matchAll` does on every call).
 */
export function eachMatch(re: RegExp, text: string, f: (m: RegExpExecArray) => void): void {
  re.lastIndex = 0;
  try {
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m[0].length === 0) re.lastIndex += 1;
      f(m);
    }
  } finally {
    re.lastIndex = 0;
  }
}
