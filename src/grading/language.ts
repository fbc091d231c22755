import type { ResolvedCase } from '../schema/golden-set.js';

/**
 * true unless the case's `language` (or `lang`) tag names only languages other than English.
 * The lexicon graders (VADER sentiment, proper-noun grounding) are English-only.
 */
export function isEnglishCase(c: Pick<ResolvedCase, 'tags'>): boolean {
  const tag = c.tags['language'] ?? c.tags['lang'];
  const values = tag === undefined ? [] : Array.isArray(tag) ? tag : [tag];
  return values.length === 0 || values.some((v) => /^en\b|^en-|^english$/i.test(v));
}
