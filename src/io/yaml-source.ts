import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as Yaml from 'yaml';
import type { Node } from 'yaml';
import { readFastYaml } from './yaml-fast.js';

let yamlPackage: typeof Yaml | undefined;
/**
 * The `yaml` package, loaded the first time a text needs it (most never do: see parseYamlSource),
 * synchronously, since positions are asked for synchronously. The bundled CLI ships it as one
 * file beside its chunks (dist/cli-bundle/yaml.cjs, scripts/bundle-cli.ts); elsewhere it loads
 * from node_modules.
 */
function yaml(): typeof Yaml {
  if (!yamlPackage) {
    const require = createRequire(import.meta.url);
    const bundled = fileURLToPath(new URL('./yaml.cjs', import.meta.url));
    yamlPackage = (existsSync(bundled) ? require(bundled) : require('yaml')) as typeof Yaml;
  }
  return yamlPackage;
}

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
 * Parses YAML with the `yaml` package's semantics (YAML 1.2 core schema, unique keys, at most
 * 1000 alias expansions), keeping positions so problems can be reported with real line numbers.
 * `lineOffset` shifts every line (for one JSONL line in a file).
 *
 * A text in plain YAML (no tags, anchors or directives: nearly every golden set) is read by
 * js-yaml's event parser (src/io/yaml-fast.ts), several times faster, which also places every
 * mapping and sequence; the `yaml` package's document, which places everything and words every
 * syntax error, is built only for the rest, and for the first position asked of anything else
 * (a key, a scalar: where a problem is). Both give the same values and positions.
 *
 * @example
 * const src = parseYamlSource('cases:\n  - id: a\n');
 * src.locate(['cases', 0, 'id']) // { line: 2, column: 11 }
 */
export function parseYamlSource(text: string, lineOffset = 0): YamlSource {
  const fast = readFastYaml(text);
  if (!fast) return parseYamlDocument(text, lineOffset);
  let lineStarts: number[] | undefined;
  let document: YamlSource | undefined;
  const at = (offset: number): Position => {
    lineStarts ??= newlineOffsets(text);
    // The last line start at or before the offset (the `yaml` package's LineCounter, 1-based).
    let low = 0;
    let high = lineStarts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (lineStarts[mid]! <= offset) low = mid + 1;
      else high = mid;
    }
    return { line: low + lineOffset, column: offset - lineStarts[low - 1]! + 1 };
  };
  return {
    value: fast.value,
    errors: [],
    locate(path, options = {}) {
      const offset = options.key ? undefined : fast.collectionAt(path);
      if (offset !== undefined) return at(offset);
      document ??= parseYamlDocument(text, lineOffset);
      return document.locate(path, options);
    },
  };
}

function newlineOffsets(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Reads the text with the `yaml` package's document model: every position, every error message. */
export function parseYamlDocument(text: string, lineOffset = 0): YamlSource {
  const { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } = yaml();
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
  return yaml().isScalar(node) && node.value === null && node.range !== undefined && node.range !== null && node.range[0] === node.range[1];
}

function isNodeLike(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value;
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  // The yaml package appends " at line N, column M" to some messages: the location is printed apart.
  return line.replace(/ at line \d+, column \d+:?$/, '').trim();
}
