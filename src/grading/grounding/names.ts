import { claimOf, type Claim } from './claims.js';
import { DISCOURSE_WORDS, FUNCTION_WORDS } from './function-words.js';
import { Scanner } from './scan.js';

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
const WORDS = new Scanner(/[\p{L}\p{N}](?:[\p{L}\p{N}'’.-]*[\p{L}\p{N}])?/u, /[^\p{L}\p{N}]+/u);

const isAsciiLower = (c: number) => c >= 97 && c <= 122;

/** Whether the word at `start` of `text` starts with an upper-case letter (ASCII answered without the Unicode pattern). */
function isCapitalised(text: string, start: number): boolean {
  const c = text.charCodeAt(start);
  if (c < 128) return c >= 65 && c <= 90;
  // two code units: an astral letter is a surrogate pair
  return /^\p{Lu}/u.test(text.slice(start, start + 2));
}

/** A connector word inside a name ("Bank of America"); all are three letters or fewer. */
const isConnector = (w: string) => w.length <= 3 && CONNECTORS.has(w.toLowerCase());

/**
 * Proper-noun phrases: runs of capitalised words, joined by short connectors ("Bank of
 * America"). Common words at either end of a run ("Sure", "The", imperative verbs such as
 * "Call" or "Tap") are dropped, so a capitalised sentence opener is a name only when it is not
 * one of them; its support check is case-insensitive ("Shipping is free" is supported by
 * "free shipping").
 */
export function extractNames(text: string, skip: ReadonlyArray<Pick<Claim, 'start' | 'end'>> = []): Claim[] {
  // word spans only: a word's text is sliced where it is looked at (capitalised words, connectors)
  const starts: number[] = [];
  const ends: number[] = [];
  for (const at = WORDS.over(text); at.next(); ) {
    starts.push(at.start);
    ends.push(at.end);
  }
  const n = starts.length;
  const wordAt = (k: number) => text.slice(starts[k], ends[k]);
  const capitalisedAt = (k: number) => isCapitalised(text, starts[k]!);
  const covered = (k: number) => skip.some((c) => starts[k]! < c.end && ends[k]! > c.start);
  const sentenceStart = (k: number) => {
    if (k === 0) return true;
    const gap = text.slice(ends[k - 1], starts[k]);
    return /[.!?:\n]/.test(gap) || /[.!?]$/.test(text.slice(starts[k - 1], ends[k - 1]! + 1));
  };
  const out: Claim[] = [];
  // Text written in capitals (shouting) has no usable capitalisation.
  // (a word starting with a-z is not in capitals: the common case, answered without copying it)
  let upper = 0;
  for (let k = 0; k < n; k++) {
    if (isAsciiLower(text.charCodeAt(starts[k]!))) continue;
    const w = wordAt(k);
    if (w === w.toUpperCase() && /\p{L}/u.test(w)) upper++;
  }
  if (n >= 4 && upper / n > 0.5) return out;
  let i = 0;
  while (i < n) {
    if (!capitalisedAt(i) || covered(i)) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < n) {
      const gap = text.slice(ends[j], starts[j + 1]);
      if (!/^[ \t]+$/.test(gap) || covered(j + 1)) break;
      if (capitalisedAt(j + 1)) j++;
      else if (isConnector(wordAt(j + 1)) && j + 2 < n && capitalisedAt(j + 2)) j += 2;
      else break;
    }
    let from = i;
    const common = (k: number) => {
      const w = wordAt(k).toLowerCase().replace(/’/g, "'");
      const bare = w.replace(/'s$/, '');
      if (COMMON.has(bare) || FUNCTION_WORDS.has(w) || DISCOURSE_WORDS.has(bare) || /'(?:ll|ve|re|d|m|t)$/.test(w)) return true;
      if (!sentenceStart(k)) return false;
      // a sentence opener followed by a comma ("Instead, …", "Originally, …") or an -ly/-ing word
      return text[ends[k]!] === ',' || /(?:ly|ing)$/.test(w);
    };
    while (from <= j && common(from)) from++;
    while (j >= from && common(j)) j--;

    if (from <= j) {
      const start = starts[from]!;
      const end = ends[j]!;
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
