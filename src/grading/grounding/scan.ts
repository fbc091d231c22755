/**
 * Token scanning without a match object per token: long sources (tool results) have thousands
 * of words, and `matchAll` / `exec` build an array per match (most of what grading allocates).
 */

/**
 * A scanner of the tokens of `pattern`: calls `f(start, end)` for each match, in order, as a
 * global `exec` loop would find them. `gap` matches a run of characters at which no token can
 * start (a token starts exactly where `gap` stops); both are used sticky, with `test` only.
 *
 * @example
 * const words = scanner(/\p{L}+/u, /\P{L}+/u);
 * words('Hi, you', (s, e) => console.log(s, e)); // 0 2, then 4 7
 */
export function scanner(pattern: RegExp, gap: RegExp): (text: string, f: (start: number, end: number) => void) => void {
  const token = new RegExp(pattern.source, 'uy');
  const skip = new RegExp(gap.source, 'uy');
  return (text, f) => {
    let at = 0;
    while (at < text.length) {
      skip.lastIndex = at;
      if (skip.test(text)) at = skip.lastIndex;
      if (at >= text.length) break;
      token.lastIndex = at;
      if (!token.test(text) || token.lastIndex === at) throw new Error(`scanner: no token at ${at} (the gap pattern ${gap} does not fit ${pattern})`);
      const end = token.lastIndex;
      f(at, end);
      at = end;
    }
  };
}
