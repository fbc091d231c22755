import { claimOf, type Claim } from './claims.js';
import { DISCOURSE_WORDS, FUNCTION_WORDS } from './function-words.js';

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
  see write open tap click select call email contact check visit go try make use send keep leave switch hold press
  enter follow reply feel note remember choose add remove update reset restart turn log sign find look read ask wait
  take bring return pick share provide confirm type scroll download install tell give get start stop plug unplug
  charge place pay book cancel change just simply happy glad
  anything something everything nothing anyone someone everyone nobody there's here's what's that's let's
  whatever however whenever wherever also still very instead about meanwhile additionally otherwise
  alternatively unfortunately fortunately apparently hopefully honestly basically sadly luckily
  good great glad happy sorry thanks noted got understood sounds looks seems regarding per
  enjoy stay rest expect kindly be have
  mr mrs ms dr`.split(/\s+/),
);
const CONNECTORS = new Set(['of', 'the', 'and', 'for', 'de', 'la', 'le', 'von', 'van', 'der', 'du', 'del', 'da', '&']);

/** A word: letters and digits, with inner apostrophes, dots and hyphens ("O'Neil", "U.S", "e-mail"), none at its end. */
const WORD = /[\p{L}\p{N}](?:[\p{L}\p{N}'’.-]*[\p{L}\p{N}])?/gu;

/** Whether `w` starts with an upper-case letter (ASCII answered without the Unicode pattern). */
function isCapitalised(w: string): boolean {
  const c = w.charCodeAt(0);
  if (c < 128) return c >= 65 && c <= 90;
  return /^\p{Lu}/u.test(w);
}

/**
 * Proper-noun phrases: runs of capitalised words, joined by short connectors ("Bank of
 * America"). Common words at either end of a run ("Sure", "The", imperative verbs such as
 * "Call" or "Tap") are dropped, so a capitalised sentence opener is a name only when it is not
 * one of them; its support check is case-insensitive ("Shipping is free" is supported by
 * "free shipping").
 */
export function extractNames(text: string, skip: ReadonlyArray<Pick<Claim, 'start' | 'end'>> = []): Claim[] {
  const words: Array<{ w: string; start: number; end: number }> = [];
  for (const m of text.matchAll(WORD)) words.push({ w: m[0], start: m.index, end: m.index + m[0].length });
  const covered = (s: number, e: number) => skip.some((c) => s < c.end && e > c.start);
  const sentenceStart = (i: number) => {
    if (i === 0) return true;
    const gap = text.slice(words[i - 1]!.end, words[i]!.start);
    return /[.!?:\n]/.test(gap) || /[.!?]$/.test(text.slice(words[i - 1]!.start, words[i - 1]!.end + 1));
  };
  const out: Claim[] = [];
  // Text written in capitals (shouting) has no usable capitalisation.
  const upper = words.filter((x) => x.w === x.w.toUpperCase() && /\p{L}/u.test(x.w)).length;
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
    const common = (k: number) => {
      const w = words[k]!.w.toLowerCase().replace(/’/g, "'");
      const bare = w.replace(/'s$/, '');
      if (COMMON.has(bare) || FUNCTION_WORDS.has(w) || DISCOURSE_WORDS.has(bare) || /'(?:ll|ve|re|d|m|t)$/.test(w)) return true;
      if (!sentenceStart(k)) return false;
      // a sentence opener followed by a comma ("Instead, …", "Originally, …") or an -ly/-ing word
      return text[words[k]!.end] === ',' || /(?:ly|ing)$/.test(w);
    };
    while (from <= j && common(from)) from++;
    while (j >= from && common(j)) j--;

    if (from <= j) {
      const start = words[from]!.start;
      const end = words[j]!.end;
      const phrase = text.slice(start, end);
      if (!/^\p{Lu}{1,2}$/u.test(phrase)) out.push(claimOf('name', start, end, phrase, { norm: normName(phrase) }));
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
