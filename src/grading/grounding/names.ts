import type { Claim } from './claims.js';

/** Capitalised words that are not names when they open a sentence (or stand alone). */
const COMMON = new Set(
  `a an the i i'm i've i'll i'd you you're your yours we we're we'll our ours he she it it's they their them this that these those
  there here what when where which who why how yes no ok okay sure hi hello hey dear thanks thank please sorry unfortunately
  great good perfect excellent certainly absolutely of in on at for to from by with and or but if so as also then however
  let let's my me is are was were be been can could would should will may might must do does did have has had not just
  once after before since while during although though because first next finally today tomorrow yesterday
  monday tuesday wednesday thursday friday saturday sunday
  january february march april june july august september october november december
  done noted understood alright cheers welcome exactly right correct awesome wonderful fantastic congratulations
  yea yeah yup nope wow oh ah well really actually maybe perhaps amazing interesting cool nice indeed
  all many most some any every each both few several much more less other another such only even
  mr mrs ms dr`.split(/\s+/),
);
const CONNECTORS = new Set(['of', 'the', 'and', 'for', 'de', 'la', 'le', 'von', 'van', 'der', 'du', 'del', 'da', '&']);

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’.-]*/gu;

const isCapitalised = (w: string) => /^\p{Lu}/u.test(w);

/**
 * Proper-noun phrases: runs of capitalised words, joined by short connectors ("Bank of
 * America"). Common words opening a phrase ("Sure", "The") are dropped; a single capitalised
 * word opening a sentence counts only when it is the whole sentence ("Delhi.").
 */
export function extractNames(text: string, skip: ReadonlyArray<Pick<Claim, 'start' | 'end'>> = []): Claim[] {
  const words = [...text.matchAll(WORD)].map((m) => ({
    w: m[0].replace(/[.’'-]+$/, ''),
    start: m.index,
    end: m.index + m[0].replace(/[.’'-]+$/, '').length,
  }));
  const covered = (s: number, e: number) => skip.some((c) => s < c.end && e > c.start);
  const sentenceStart = (i: number) => {
    if (i === 0) return true;
    const gap = text.slice(words[i - 1]!.end, words[i]!.start);
    return /[.!?:\n]/.test(gap) || /[.!?]$/.test(text.slice(words[i - 1]!.start, words[i - 1]!.end + 1));
  };
  // true when the sentence opened by word i is that word alone ("Delhi.")
  const shortSentence = (i: number) => i + 1 >= words.length || sentenceStart(i + 1);
  const out: Claim[] = [];
  // Text written in capitals (shouting) has no usable capitalisation.
  const upper = words.filter((x) => /\p{L}/u.test(x.w) && x.w === x.w.toUpperCase()).length;
  if (words.length >= 4 && upper / words.length > 0.5) return out;
  let i = 0;
  while (i < words.length) {
    const first = words[i]!;
    if (!isCapitalised(first.w) || covered(first.start, first.end)) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < words.length) {
      const next = words[j + 1]!;
      const gap = text.slice(words[j]!.end, next.start);
      if (!/^[ \t]+$/.test(gap) || covered(next.start, next.end)) break;
      if (isCapitalised(next.w)) j++;
      else if (CONNECTORS.has(next.w.toLowerCase()) && words[j + 2] && isCapitalised(words[j + 2]!.w)) j += 2;
      else break;
    }
    let from = i;
    const common = (k: number) => COMMON.has(words[k]!.w.toLowerCase().replace(/[’']s$/, ''));
    while (from <= j && common(from)) from++;
    while (j >= from && common(j)) j--;
    // A lone capitalised word opening a sentence is usually just a capitalised common word
    // ("Email us", "Booking confirmed"); it counts only when it is the whole sentence.
    if (from === i && from === j && sentenceStart(i) && !shortSentence(i)) from++;
    if (from <= j) {
      const start = words[from]!.start;
      const end = words[j]!.end;
      const phrase = text.slice(start, end);
      if (!/^\p{Lu}{1,2}$/u.test(phrase)) out.push({ type: 'name', start, end, text: phrase, norm: normName(phrase) });
    }
    i = j + 1;
  }
  return out;
}

/** `Arthur's Magazine` → `arthur magazine` (lowercase, possessives and punctuation dropped). */
export function normName(text: string): string {
  return text
    .toLowerCase()
    .replace(/[’']s\b/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
