/**
 * Regex strings as written in golden sets and grader definitions: `pattern`, `(?i)pattern`
 * (inline flags i, m, s, combinable: `(?is)`), or `/pattern/flags`.
 */

const INLINE_FLAGS = /^\(\?([ims]+)\)/;
const SLASHED = /^\/(.*)\/([dgimsuvy]*)$/s;

/**
 * Compiles a golden-set regex string. Throws an Error carrying the JavaScript regex message
 * when the pattern or its flags are invalid.
 *
 * @example
 * compileRegex('(?i)refund').test('REFUND') // true
 * compileRegex('/order\\s+#\\d+/i').test('Order #12') // true
 */
export function compileRegex(source: string): RegExp {
  let pattern = source;
  let flags = '';
  const slashed = SLASHED.exec(source);
  if (slashed && source.length > 1) {
    pattern = slashed[1]!;
    flags = slashed[2]!;
  } else {
    const inline = INLINE_FLAGS.exec(source);
    if (inline) {
      flags = [...new Set(inline[1]!)].join('');
      pattern = source.slice(inline[0].length);
    }
  }
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    throw new Error(error instanceof Error ? error.message : String(error), { cause: error });
  }
}
