/** English number words → values, and helpers to read numbers written in words or digits. */

const UNITS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17,
  eighteen: 18, nineteen: 19, a: 1, an: 1, single: 1, couple: 2, dozen: 12,
};
const TENS: Record<string, number> = {
  twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
};
const SCALES: Record<string, number> = { hundred: 100, thousand: 1000, million: 1_000_000, billion: 1_000_000_000 };

const WORD = [...Object.keys(UNITS).filter((w) => w.length > 2), ...Object.keys(TENS)].join('|');
/**
 * A number written in words: `thirty`, `thirty-five`, `two hundred`, `forty five thousand`.
 * ("a"/"an" only count before a scale word: "a hundred".)
 */
export const NUMBER_WORDS = new RegExp(
  `\\b(?:(?:${WORD})(?:[- ](?:${Object.keys(UNITS).filter((w) => w.length > 2 && UNITS[w]! < 10).join('|')}))?|an?(?= (?:hundred|thousand|million)))(?: (?:hundred|thousand|million|billion)(?: (?:and )?(?:${WORD})(?:[- ](?:${WORD}))?)?)*\\b`,
  'gi',
);

/** The value of a number phrase in words (see NUMBER_WORDS), or undefined. */
export function wordsToNumber(phrase: string): number | undefined {
  let total = 0;
  let current = 0;
  let seen = false;
  for (const word of phrase.toLowerCase().split(/[\s-]+/)) {
    if (word === 'and' || word === '') continue;
    if (word in UNITS) current += UNITS[word]!;
    else if (word in TENS) current += TENS[word]!;
    else if (word in SCALES) {
      const scale = SCALES[word]!;
      if (scale === 100) current = (current || 1) * 100;
      else {
        total += (current || 1) * scale;
        current = 0;
      }
    } else return undefined;
    seen = true;
  }
  return seen ? total + current : undefined;
}

/** Parses `1,234.50`, `49`, `05`, `12,90` → number (`,dd` is a decimal comma, `,ddd` a thousands separator). */
export function parseNumber(text: string): number {
  // "12,90" (one or two digits after the comma) is a decimal comma, "1,200" a thousands separator
  if (/^\d+,\d{1,2}$/.test(text)) return Number(text.replace(',', '.'));
  return Number(text.replace(/,/g, ''));
}

/** Replaces number words with digits (used on source texts, where spans do not matter). */
export function digitiseWords(text: string): string {
  return text.replace(NUMBER_WORDS, (m) => {
    const v = wordsToNumber(m);
    return v === undefined ? m : String(v);
  });
}

/** Every number written with digits in a text (`20th` → 20, `$1,200.00` → 1200). */
export function numbersIn(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/(?<![\d.,])\d[\d,]*(?:\.\d+)?/g)) {
    const raw = m[0].replace(/,$/, '');
    const v = parseNumber(raw);
    if (Number.isFinite(v)) out.push(v);
    // "1,2,3" is a list, not one thousand-separated number
    if (raw.includes(',') && !/^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(raw)) {
      for (const part of raw.split(',')) if (part) out.push(parseNumber(part));
    }
  }
  return out;
}
