/**
 * Deterministic answer-vs-reference signals that need no model: normalised token F1 and exact
 * match of the numbers, dates and money amounts a reference states. Pure and synchronous.
 *
 * Normalisation (SQuAD style): lower case, punctuation removed, the articles a/an/the dropped,
 * whitespace collapsed. Dates are read as ISO `2024-03-05`, `5 March 2024`, `March 5, 2024`,
 * `Mar 5` and `3/5/2024` (month first, US order) and written `2024-03-05` (or `--03-05` without a
 * year). Money is `$12.50`, `€30`, `£5`, `USD 12`, `12 dollars`, `30 EUR`… written `USD 12.50`.
 * Numbers are the remaining numerals (`1,200` → `1200`, `15%` → `15%`), outside dates and money.
 */

const ARTICLES = new Set(['a', 'an', 'the']);

/** Lower case, no punctuation, no articles, single spaces. */
export function normaliseText(text: string): string {
  return tokens(text).join(' ');
}

/** The normalised tokens of a text (see {@link normaliseText}). */
export function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/(\d),(\d{3})/g, '$1$2')
    .replace(/[^\p{L}\p{N}.]+/gu, ' ')
    .replace(/(?<!\d)\.|\.(?!\d)/g, ' ')
    .split(/\s+/)
    .filter((t) => t !== '' && !ARTICLES.has(t));
}

export interface F1 {
  precision: number;
  recall: number;
  f1: number;
}

/**
 * Token-level F1 between an answer and a reference (bag of tokens, counts respected).
 *
 * @example
 * tokenF1('The refund is 30 dollars', 'refund of 30 dollars').f1 // 0.75
 */
export function tokenF1(answer: string, reference: string): F1 {
  const a = tokens(answer);
  const r = tokens(reference);
  if (a.length === 0 && r.length === 0) return { precision: 1, recall: 1, f1: 1 };
  if (a.length === 0 || r.length === 0) return { precision: 0, recall: 0, f1: 0 };
  const counts = new Map<string, number>();
  for (const t of r) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of a) {
    const left = counts.get(t) ?? 0;
    if (left > 0) {
      common += 1;
      counts.set(t, left - 1);
    }
  }
  if (common === 0) return { precision: 0, recall: 0, f1: 0 };
  const precision = common / a.length;
  const recall = common / r.length;
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall) };
}

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};
const MONTH = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const DAY = '(\\d{1,2})(?:st|nd|rd|th)?';

const DATE_PATTERNS: { re: RegExp; read: (m: RegExpExecArray) => [number | undefined, number, number] }[] = [
  { re: /\b(\d{4})-(\d{1,2})-(\d{1,2})\b/g, read: (m) => [Number(m[1]), Number(m[2]), Number(m[3])] },
  { re: /\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b/g, read: (m) => [Number(m[3]), Number(m[1]), Number(m[2])] },
  {
    re: new RegExp(`\\b${DAY}(?:\\s+of)?\\s+${MONTH}\\.?(?:,?\\s+(\\d{4}))?\\b`, 'gi'),
    read: (m) => [m[3] ? Number(m[3]) : undefined, monthNumber(m[2]!), Number(m[1])],
  },
  {
    re: new RegExp(`\\b${MONTH}\\.?\\s+${DAY}(?:,?\\s+(\\d{4}))?\\b`, 'gi'),
    read: (m) => [m[3] ? Number(m[3]) : undefined, monthNumber(m[1]!), Number(m[2])],
  },
];

function monthNumber(name: string): number {
  return MONTHS[name.toLowerCase().slice(0, name.toLowerCase().startsWith('sept') ? 4 : 3)] ?? 0;
}

const CURRENCY_SYMBOL: Record<string, string> = { $: 'USD', '€': 'EUR', '£': 'GBP', '¥': 'JPY' };
const CURRENCY_WORD: Record<string, string> = {
  usd: 'USD', dollar: 'USD', dollars: 'USD', eur: 'EUR', euro: 'EUR', euros: 'EUR',
  gbp: 'GBP', pound: 'GBP', pounds: 'GBP', jpy: 'JPY', yen: 'JPY', chf: 'CHF', cad: 'CAD', aud: 'AUD',
};
const AMOUNT = '(\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?)';
const WORDS = Object.keys(CURRENCY_WORD).join('|');
const MONEY_PATTERNS: { re: RegExp; read: (m: RegExpExecArray) => [string, string] }[] = [
  { re: new RegExp(`(?:(USD|EUR|GBP|CAD|AUD)\\s?)?([$€£¥])\\s?${AMOUNT}`, 'gi'), read: (m) => [m[1]?.toUpperCase() ?? CURRENCY_SYMBOL[m[2]!]!, m[3]!] },
  { re: new RegExp(`\\b(usd|eur|gbp|jpy|chf|cad|aud)\\s?${AMOUNT}`, 'gi'), read: (m) => [m[1]!.toUpperCase(), m[2]!] },
  { re: new RegExp(`${AMOUNT}\\s?(${WORDS})\\b`, 'gi'), read: (m) => [CURRENCY_WORD[m[2]!.toLowerCase()]!, m[1]!] },
];

interface Found {
  value: string;
  start: number;
  end: number;
}

function collect(text: string, patterns: { re: RegExp; read: (m: RegExpExecArray) => string | undefined }[]): Found[] {
  const found: Found[] = [];
  for (const { re, read } of patterns) {
    for (const m of text.matchAll(new RegExp(re.source, re.flags))) {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      if (found.some((f) => start < f.end && end > f.start)) continue;
      const value = read(m as RegExpExecArray);
      if (value !== undefined) found.push({ value, start, end });
    }
  }
  return found;
}

function canonicalAmount(raw: string): string {
  return Number(raw.replace(/,/g, '')).toFixed(2);
}

function canonicalNumber(raw: string): string {
  const percent = raw.endsWith('%');
  const n = Number(raw.replace(/[,%]/g, ''));
  return `${String(n)}${percent ? '%' : ''}`;
}

function moneySpans(text: string): Found[] {
  return collect(
    text,
    MONEY_PATTERNS.map((p) => ({
      re: p.re,
      read: (m) => {
        const [currency, amount] = p.read(m);
        return `${currency} ${canonicalAmount(amount)}`;
      },
    })),
  );
}

function dateSpans(text: string): Found[] {
  return collect(
    text,
    DATE_PATTERNS.map((p) => ({
      re: p.re,
      read: (m) => {
        const [y, mo, d] = p.read(m);
        if (mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
        const md = `${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        return y === undefined ? `--${md}` : `${y}-${md}`;
      },
    })),
  );
}

/** Money amounts in a text, canonical (`USD 12.50`), in order of appearance per pattern. */
export function extractMoney(text: string): string[] {
  return moneySpans(text).map((f) => f.value);
}

/** Dates in a text, canonical (`2024-03-05`, or `--03-05` without a year). */
export function extractDates(text: string): string[] {
  return dateSpans(text).map((f) => f.value);
}

/** Numbers outside dates and money amounts, canonical (`1200`, `12.5`, `15%`). */
export function extractNumbers(text: string): string[] {
  const taken = [...moneySpans(text), ...dateSpans(text)];
  const out: string[] = [];
  for (const m of text.matchAll(/(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?%?|(?<![\w.])\d+(?:\.\d+)?%?/g)) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    if (taken.some((f) => start < f.end && end > f.start)) continue;
    out.push(canonicalNumber(m[0]));
  }
  return out;
}

/** How the values of one kind that a reference states are found in an answer. */
export interface ValueMatch {
  reference: string[];
  answer: string[];
  /** Reference values the answer does not state. */
  missing: string[];
  /** Answer values the reference does not state (shown, not counted against the answer). */
  extra: string[];
  /** true when every reference value is in the answer; null when the reference states none. */
  match: boolean | null;
}

function matchValues(answer: string[], reference: string[], same = (a: string, b: string) => a === b): ValueMatch {
  const ref = [...new Set(reference)];
  const ans = [...new Set(answer)];
  const missing = ref.filter((r) => !ans.some((a) => same(a, r)));
  return {
    reference: ref,
    answer: ans,
    missing,
    extra: ans.filter((a) => !ref.some((r) => same(a, r))),
    match: ref.length === 0 ? null : missing.length === 0,
  };
}

/** A date without a year (`--03-05`) matches any date on that month and day. */
function sameDate(a: string, b: string): boolean {
  return a === b || ((a.startsWith('--') || b.startsWith('--')) && a.slice(-5) === b.slice(-5));
}

/** The deterministic signal shown beside an accuracy verdict. */
export interface TextOverlap extends F1 {
  numbers: ValueMatch;
  dates: ValueMatch;
  money: ValueMatch;
  /** true when every number, date and amount of the reference is in the answer (null: it states none). */
  valuesMatch: boolean | null;
}

/**
 * Compares an answer with a reference: token F1 and exact match of numbers, dates and money.
 *
 * @example
 * compareText('Your refund of $30 arrives on March 5.', 'A $30.00 refund, by 3/5/2025').valuesMatch // true
 */
export function compareText(answer: string, reference: string): TextOverlap {
  const numbers = matchValues(extractNumbers(answer), extractNumbers(reference));
  const dates = matchValues(extractDates(answer), extractDates(reference), sameDate);
  const money = matchValues(extractMoney(answer), extractMoney(reference));
  const checks = [numbers.match, dates.match, money.match].filter((m): m is boolean => m !== null);
  return {
    ...tokenF1(answer, reference),
    numbers,
    dates,
    money,
    valuesMatch: checks.length === 0 ? null : checks.every(Boolean),
  };
}
