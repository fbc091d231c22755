import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

/**
 * The line and column of the deepest node of `doc` along `path` (a zod issue path). When the
 * path goes past what exists (a missing key), the position of the last node found is used.
 */
export function locateYamlPath(
  doc: Document,
  lineCounter: LineCounter,
  path: ReadonlyArray<PropertyKey>,
  /** Point at the last key itself rather than its value (for "unknown key" problems). */
  atKey = false,
): { line?: number; column?: number } {
  let node: unknown = doc.contents;
  let found: Node | undefined = doc.contents ?? undefined;
  for (const key of path) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
      const last = key === path[path.length - 1] && node === parentOfLast(doc, path);
      next = pair ? (atKey && last ? pair.key : (pair.value ?? pair.key)) : undefined;
    } else if (isSeq(node) && typeof key === 'number') {
      next = node.items[key];
    }
    if (next === undefined) break;
    node = next;
    found = next as Node;
  }
  const offset = found?.range?.[0];
  if (offset === undefined) return {};
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

function parentOfLast(doc: Document, path: ReadonlyArray<PropertyKey>): unknown {
  return path.length <= 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
}
