import type { KnowledgeDoc } from '../schema/golden-set.js';

/** One retrievable passage of a knowledge document. */
export interface Passage {
  id: string;
  docId: string;
  title: string;
  text: string;
}

const MAX_PASSAGE = 400;
const TARGET_PASSAGE = 300;

/**
 * Splits documents into passages: paragraphs (blank-line separated); a paragraph longer than
 * ~400 characters is cut into runs of whole sentences of ~300 characters. Deterministic.
 *
 * @example
 * splitPassages([{ id: 'refunds', content: 'Refunds take 5 days.\n\nShipping is free.' }]).map((p) => p.text)
 * // ['Refunds take 5 days.', 'Shipping is free.']
 */
export function splitPassages(docs: readonly KnowledgeDoc[]): Passage[] {
  const out: Passage[] = [];
  for (const doc of docs) {
    const paragraphs = doc.content
      .split(/\n\s*\n/)
      .map((p) => p.replace(/\s+/g, ' ').trim())
      .filter((p) => p.length > 0);
    let n = 0;
    for (const paragraph of paragraphs) {
      for (const text of paragraph.length > MAX_PASSAGE ? sentenceGroups(paragraph) : [paragraph]) {
        out.push({ id: `${doc.id}#${n}`, docId: doc.id, title: doc.title ?? '', text });
        n += 1;
      }
    }
  }
  return out;
}

function sentenceGroups(paragraph: string): string[] {
  const sentences = paragraph.split(/(?<=[.!?])\s+/);
  const groups: string[] = [];
  let current = '';
  for (const sentence of sentences) {
    if (current && current.length + sentence.length + 1 > TARGET_PASSAGE) {
      groups.push(current);
      current = sentence;
    } else {
      current = current ? `${current} ${sentence}` : sentence;
    }
  }
  if (current) groups.push(current);
  return groups;
}

const STOPWORDS = new Set(
  [
    // English
    'a an and are as at be been but by can could did do does for from had has have how i if in into is it its',
    'me my of on or our please so than that the their them then there these they this to us was we were what',
    'when where which who why will with would you your yours hi hello thanks thank',
    // Spanish
    'el la los las un una unos unas y o de del al en que es por para con como mi mis me tu su se lo le hola',
    'gracias cual cuando donde porque puedo quiero',
    // German
    'der die das den dem des ein eine einen und oder ist sind ich mein meine mich mir du sie wir zu mit von',
    'auf fur wie was wann wo warum nicht hallo danke bitte kann',
    // French
    'le les une et ou est sont je mon ma mes moi vous nous pour avec dans sur ce cette qui quoi quand comment',
    'pourquoi pas bonjour merci peux',
  ]
    .join(' ')
    .split(' '),
);

/**
 * Normalises a term for indexing and querying: lowercase, accents folded, stopwords dropped
 * (English, Spanish, German, French), and a light plural strip (`refunds` → `refund`).
 */
export function processTerm(term: string): string | null {
  const folded = term
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '');
  if (folded.length < 2 || STOPWORDS.has(folded)) return null;
  if (folded.length > 4 && folded.endsWith('s') && !folded.endsWith('ss')) return folded.slice(0, -1);
  return folded;
}
