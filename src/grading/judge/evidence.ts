import type { Evidence } from '../../schema/grade.js';
import type { Message } from '../../schema/message.js';
import { unneutralise } from './fence.js';

/** A quote as a judge cites it: the message index it names and the text. */
export interface CitedQuote {
  turn: number;
  quote: string;
  note?: string;
}

function find(content: string, quote: string): [number, number] | undefined {
  const exact = content.indexOf(quote);
  if (exact >= 0) return [exact, exact + quote.length];
  const folded = content.toLowerCase().indexOf(quote.toLowerCase());
  if (folded >= 0) return [folded, folded + quote.length];
  return undefined;
}

/**
 * Keeps only the quotes that really occur in the transcript, with their `[start, end)` span.
 * A quote is looked for in the message it names first, then in every other message (judges
 * sometimes miscount); the search is exact, then case-insensitive. Quotes that occur nowhere are
 * dropped and counted, so a judge cannot put words in the agent's mouth.
 *
 * @example
 * locateEvidence([{ role: 'assistant', content: 'You are an idiot.' }], [{ turn: 0, quote: 'an idiot' }])
 * // { evidence: [{ turn: 0, quote: 'an idiot', span: [8, 16] }], dropped: 0 }
 */
export function locateEvidence(
  transcript: readonly Message[],
  cited: readonly CitedQuote[],
): { evidence: Evidence[]; dropped: number } {
  const evidence: Evidence[] = [];
  let dropped = 0;
  for (const c of cited) {
    const raw = c.quote.trim().replace(/^["'“”‘’]+|["'“”‘’]+$/g, '');
    const quote = unneutralise(raw);
    if (quote === '') {
      dropped += 1;
      continue;
    }
    const order = [c.turn, ...transcript.keys()].filter((i, k, all) => i >= 0 && i < transcript.length && all.indexOf(i) === k);
    let found: Evidence | undefined;
    for (const turn of order) {
      const content = transcript[turn]?.content ?? '';
      // The judge saw neutralised text; fall back to the quote as given for texts that held escapes.
      const span = find(content, quote) ?? (raw !== quote ? find(content, raw) : undefined);
      if (span) {
        found = { turn, quote: content.slice(span[0], span[1]), span };
        break;
      }
    }
    if (!found) {
      dropped += 1;
      continue;
    }
    if (c.note) found.note = c.note;
    if (!evidence.some((e) => e.turn === found.turn && e.span?.[0] === found.span?.[0] && e.note === found.note)) {
      evidence.push(found);
    }
  }
  return { evidence, dropped };
}
