import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';

/** A 1-based line and column in a source text. */
export interface Position {
  line: number;
  column: number;
}

/** A parsed YAML (or JSON) text that can say where any value sits. */
export interface YamlSource {
  /** The plain JavaScript value (undefined when the text had syntax errors). */
  value: unknown;
  /** Syntax errors with their position and the parser's one-line message. */
  errors: Array<Position & { message: string }>;
  /**
   * Where the value at `path` starts. For a path that does not exist, the position of its
   * deepest existing parent. With `key: true`, the position of the last key itself.
   */
  locate(path: ReadonlyArray<PropertyKey>, options?: { key?: boolean }): Position;
}

/**
 * Parses YAML with the `yaml` package, keeping a line counter so problems can be reported
 * with real line numbers. `lineOffset` shifts every line (for one JSONL line in a file).
 *
 * @example
 * const src = parseYamlSource('cases:\n  - id: a\n');
 * src.locate(['cases', 0, 'id']) // { line: 2, column: 11 }
 */
export function parseYamlSource(text: string, lineOffset = 0): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: line + lineOffset, column: col };
  };
  const errors = doc.errors.map((error) => ({
    ...at(error.pos[0]),
    message: firstLine(error.message),
  }));
  let value: unknown;
  if (errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (error) {
      // "Excessive alias count indicates a resource exhaustion attack" (billion laughs): a problem in the file, not a crash.
      errors.push({ ...at(0), message: `${firstLine((error as Error).message)} (more than 1000 alias expansions)` });
    }
  }

  const locate = (path: ReadonlyArray<PropertyKey>, options: { key?: boolean } = {}): Position => {
    let node: unknown = doc.contents;
    let found: Node | undefined = isNodeLike(node) ? node : undefined;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i];
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
        if (!pair) break;
        if (last && options.key && isNodeLike(pair.key)) return position(pair.key);
        node = pair.value;
        if (!isNodeLike(node) || !node.range || isEmptyScalar(node)) {
          if (isNodeLike(pair.key)) found = pair.key;
          break;
        }
        found = node;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
        if (!isNodeLike(node)) break;
        found = node;
      } else break;
    }
    return found ? position(found) : { line: 1 + lineOffset, column: 1 };
  };
  const position = (node: Node): Position => at(node.range?.[0] ?? 0);

  return { value, errors, locate };
}

function isEmptyScalar(node: Node): boolean {
  return isScalar(node) && node.value === null && node.range !== undefined && node.range !== null && node.range[0] === node.range[1];
}

function isNodeLike(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value;
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  // The yaml package appends " at line N, column M" to some messages: the location is printed apart.
  return line.replace(/ at line \d+, column \d+:?$/, '').trim();
}
