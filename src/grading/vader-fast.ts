import { createRequire } from 'node:module';
import type vader from 'vader-sentiment';

/**
 * VADER's compound score, computed by the `vader-sentiment` package's own scoring rules with a
 * faster tokeniser. The package's `polarity_scores` builds, for every call, a map of each word
 * with each of its 17 punctuation marks before and after (`get_words_plus_punc`): ~0.5 ms for a
 * 100-word reply, most of a grader's time. The tokens it produces are the same as here: split on
 * whitespace, tokens of one character dropped, and a token that is a word of the text (with ASCII
 * punctuation removed) with one of VADER's punctuation marks before or after it read as the word.
 * The valence rules (boosters, negation, "but", idioms, caps, punctuation emphasis) are the
 * package's, called as they are: `bench/graders-accuracy.ts` and `test/grading-sentiment.test.ts`
 * check the scores are identical.
 */

/** VADER's `PUNC_LIST`. */
const PUNC_LIST = new Set(['.', '!', '?', ',', ';', ':', '-', "'", '"', '!!', '!!!', '??', '???', '?!?', '!?!', '?!?!', '!?!?']);
/** VADER's `REGEX_REMOVE_PUNCTUATION`. */
const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
const LEADING = /^[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]+/;
const TRAILING = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]+$/;
/** The one-word keys of VADER's `BOOSTER_DICT` (intensifiers and dampeners: scored 0 themselves). */
const BOOSTERS = new Set(
  (
    'absolutely amazingly awfully completely considerably decidedly deeply effing enormously entirely especially ' +
    'exceptionally extremely fabulously flipping flippin fricking frickin frigging friggin fully fucking greatly hella ' +
    'highly hugely incredibly intensely majorly more most particularly purely quite really remarkably so substantially ' +
    'thoroughly totally tremendously uber unbelievably unusually utterly very almost barely hardly kinda kindof kind-of ' +
    'less little marginally occasionally partly scarcely slightly somewhat sorta sortof sort-of'
  ).split(' '),
);

interface SentiText {
  text: string;
  words_and_emoticons: string[];
  is_cap_diff: boolean;
}

/** The package's static rules, typed for the calls made here. */
interface VaderRules {
  sentiment_valence(valence: number, sentiText: SentiText, item: string, index: number, sentiments: number[]): number[];
  but_check(words: string[], sentiments: number[]): number[];
  score_valence(sentiments: number[], text: string): { compound: number };
}

/**
 * The package (a CommonJS bundle with its lexicon) is loaded on first use: it takes about 0.1 s
 * of CPU to load, which `validate` and every run without a sentiment grader would pay for nothing.
 */
const vaderPackage: { rules?: VaderRules } = {};
function vaderRules(): VaderRules {
  vaderPackage.rules ??= (createRequire(import.meta.url)('vader-sentiment') as typeof vader).SentimentIntensityAnalyzer as unknown as VaderRules;
  return vaderPackage.rules;
}

const isUpper = (word: string) => /^[^a-z]*[A-Z]+[^a-z]*$/.test(word);

/** VADER's `words_and_emoticons`: whitespace tokens of 2+ characters, one punctuation mark stripped off a word. */
export function vaderTokens(text: string): string[] {
  const words = new Set(
    text
      .replace(PUNCTUATION, '')
      .split(/\s/)
      .filter((w) => w.length > 1),
  );
  const out: string[] = [];
  for (const token of text.split(/\s/)) {
    if (token.length <= 1) continue;
    const lead = LEADING.exec(token)?.[0];
    if (lead !== undefined && PUNC_LIST.has(lead) && words.has(token.slice(lead.length))) {
      out.push(token.slice(lead.length));
      continue;
    }
    const trail = TRAILING.exec(token)?.[0];
    if (trail !== undefined && PUNC_LIST.has(trail) && words.has(token.slice(0, -trail.length))) {
      out.push(token.slice(0, -trail.length));
      continue;
    }
    out.push(token);
  }
  return out;
}

/** VADER's compound score (-1..1) of a text; 0 for empty text. Same value as the package's `polarity_scores(text).compound`. */
export function vaderCompound(text: string): number {
  const words = vaderTokens(text);
  const caps = words.filter(isUpper).length;
  const sentiText: SentiText = { text, words_and_emoticons: words, is_cap_diff: caps > 0 && caps < words.length };
  const rules = vaderRules();
  let sentiments: number[] = [];
  for (let i = 0; i < words.length; i++) {
    const lower = words[i]!.toLowerCase();
    if (BOOSTERS.has(lower) || (lower === 'kind' && i < words.length - 1 && words[i + 1]!.toLowerCase() === 'of')) {
      sentiments.push(0);
      continue;
    }
    sentiments = rules.sentiment_valence(0, sentiText, words[i]!, i, sentiments);
  }
  sentiments = rules.but_check(words, sentiments);
  return rules.score_valence(sentiments, text).compound;
}
