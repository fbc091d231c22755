/**
 * Tiny JSON paths for mapping a bot's response: dot and bracket segments, e.g.
 * `choices[0].message.content`, `data.reply`, `result["reply text"]`, `items[-1].text`.
 * Pure: no I/O. A negative index counts from the end of an array.
 */

export type PathSegment = string | number;

/**
 * Splits a path into segments. Throws a TypeError naming the path when it is malformed.
 *
 * @example
 * parseJsonPath('choices[0].message.content') // ['choices', 0, 'message', 'content']
 */
export function parseJsonPath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  // A leading `$` is the root (JSONPath style) only when a segment follows: `$.a`, `$[0]`.
  const text = /^\$(?=[.[])/.test(path) ? path.slice(1) : path;
  let i = 0;
  const fail = (why: string): never => {
    throw new TypeError(`invalid JSON path "${path}": ${why}`);
  };
  while (i < text.length) {
    const ch = text[i];
    if (ch === '.') {
      i += 1;
      if (i >= text.length || text[i] === '.' || text[i] === '[') fail('empty segment');
      continue;
    }
    if (ch === '[') {
      const close = text.indexOf(']', i);
      if (close < 0) fail('unclosed "["');
      const inner = text.slice(i + 1, close).trim();
      const quoted = /^(['"])(.*)\1$/.exec(inner);
      if (quoted) segments.push(quoted[1] === '"' ? unquote(inner) : (quoted[2] ?? ''));
      else if (/^-?\d+$/.test(inner)) segments.push(Number(inner));
      else if (inner.length > 0) segments.push(inner);
      else fail('empty brackets');
      i = close + 1;
      continue;
    }
    let end = i;
    while (end < text.length && text[end] !== '.' && text[end] !== '[') end += 1;
    segments.push(text.slice(i, end));
    i = end;
  }
  if (segments.length === 0) fail('empty path');
  return segments;
}

function unquote(inner: string): string {
  try {
    return JSON.parse(inner) as string;
  } catch {
    return inner.slice(1, -1);
  }
}

/** The result of a lookup: `found` is false when any segment was missing. */
export type PathLookup = { found: true; value: unknown } | { found: false; missingAt: string };

/**
 * Reads the value at `path` in `root`.
 *
 * @example
 * getJsonPath({ data: { reply: 'hi' } }, 'data.reply') // { found: true, value: 'hi' }
 * getJsonPath({ data: {} }, 'data.reply')               // { found: false, missingAt: 'data.reply' }
 */
export function getJsonPath(root: unknown, path: string | PathSegment[]): PathLookup {
  const segments = typeof path === 'string' ? parseJsonPath(path) : path;
  let current: unknown = root;
  for (let k = 0; k < segments.length; k += 1) {
    const seg = segments[k] as PathSegment;
    const next = step(current, seg);
    if (next === undefined) return { found: false, missingAt: formatJsonPath(segments.slice(0, k + 1)) };
    current = next;
  }
  return { found: true, value: current };
}

function step(value: unknown, seg: PathSegment): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    const index = typeof seg === 'number' ? seg : /^-?\d+$/.test(seg) ? Number(seg) : Number.NaN;
    if (!Number.isInteger(index)) return undefined;
    return value[index < 0 ? value.length + index : index];
  }
  const key = String(seg);
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

/** Renders segments back as a path (`a.b[0]`), for error messages. */
export function formatJsonPath(segments: PathSegment[]): string {
  return segments
    .map((seg, k) =>
      typeof seg === 'number'
        ? `[${seg}]`
        : /^[A-Za-z_][\w$-]*$/.test(seg)
          ? `${k === 0 ? '' : '.'}${seg}`
          : `[${JSON.stringify(seg)}]`,
    )
    .join('');
}
