/**
 * Where a piece of evidence sits once its message has been rewritten (secrets scrubbed, PII
 * redacted): placeholders change the text's length, so a span measured on the original points at
 * the wrong characters of the stored text. The quote is found again by its rank: the k-th
 * occurrence of the original quote in the original text is the k-th occurrence of the rewritten
 * quote in the rewritten text (a rewrite gives the same value the same placeholder throughout).
 *
 * Returns the span in `rewritten`, or undefined when it cannot be placed with certainty (the span
 * did not hold the quote, or the rewritten quote is not found as often): better no span than a
 * wrong one, since readers then fall back to the quote.
 *
 * @example
 * relocateSpan('mail ana@x.io: late', 'mail [EMAIL_1]: late', 'late', 'late', [15, 19]) // → [16, 20]
 */
export function relocateSpan(
  original: string,
  rewritten: string,
  quote: string,
  rewrittenQuote: string,
  span: readonly [number, number],
): [number, number] | undefined {
  if (original === rewritten && quote === rewrittenQuote) return [span[0], span[1]];
  if (quote === '' || rewrittenQuote === '' || original.slice(span[0], span[1]) !== quote) return undefined;
  let rank = 0;
  for (let at = original.indexOf(quote); at !== -1 && at < span[0]; at = original.indexOf(quote, at + 1)) rank++;
  let at = rewritten.indexOf(rewrittenQuote);
  for (let i = 0; i < rank && at !== -1; i++) at = rewritten.indexOf(rewrittenQuote, at + 1);
  return at === -1 ? undefined : [at, at + rewrittenQuote.length];
}
