/**
 * Token scanning without a match object per token: long sources (tool results) have thousands
 * of words, and `matchAll` / `exec` build an array per match (most of what grading allocated).
 */

/**
 * The tokens of `pattern` in a text, in order, as a global `exec` loop finds them. `gap` matches
 * a run of characters at which no token can start (a token starts exactly where `gap` stops);
 * both are run sticky, with `test` only.
 *
 * @example
 * const words = new Scanner(/\p{L}+/u, /\P{L}+/u);
 * for (const at = words.over('Hi, you'); at.next(); ) console.log(at.start, at.end); // 0 2, then 4 7
 */
export class Scanner {
  readonly token: RegExp;
  readonly skip: RegExp;
  constructor(
    readonly pattern: RegExp,
    readonly gap: RegExp,
  ) {
    this.token = new RegExp(pattern.source, 'uy');
    this.skip = new RegExp(gap.source, 'uy');
  }
  /** A cursor over the tokens of `text`. */
  over(text: string): TokenCursor {
    return new TokenCursor(this, text);
  }
}

/** The current token of a scan: [start, end) after {@link next} returned true. */
export class TokenCursor {
  start = 0;
  end = 0;
  constructor(
    private readonly scanner: Scanner,
    private readonly text: string,
  ) {}
  /** Moves to the next token; false when there is none. */
  next(): boolean {
    const { token, skip } = this.scanner;
    const text = this.text;
    let at = this.end;
    skip.lastIndex = at;
    if (skip.test(text)) at = skip.lastIndex;
    if (at >= text.length) return false;
    token.lastIndex = at;
    if (!token.test(text) || token.lastIndex === at) {
      throw new Error(`Scanner: no token at ${at} (the gap pattern ${this.scanner.gap} does not fit ${this.scanner.pattern})`);
    }
    this.start = at;
    this.end = token.lastIndex;
    return true;
  }
  /** The current token's text. */
  get word(): string {
    return this.text.slice(this.start, this.end);
  }
}
