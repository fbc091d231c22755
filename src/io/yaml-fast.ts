import { constructFromEvents, EVENT_ID, type Event, parseEvents, SCALAR_STYLE } from 'js-yaml';

/**
 * The fast reading of a YAML text (js-yaml's event parser, several times faster than the `yaml`
 * package's document model), for texts where it gives exactly what the `yaml` package gives
 * (src/io/yaml-source.ts): the same value, and for a collection the same position. It answers
 * only for the plain case and returns undefined for anything else, which the `yaml` package then
 * reads as before, with its own error messages: a syntax error, several documents or none, a
 * `%YAML` directive, a tag or an anchor (aliases), a null key (`~: a`), a lone carriage return.
 * test/yaml-source.test.ts holds the two readings side by side.
 */

/** A mapping or a sequence, with where it starts (an offset) and its entries. */
interface Collection {
  start: number;
  /** Mapping: its keys' texts (undefined for a key this path cannot match) and values, in order. */
  entries?: Array<[string | undefined, Node]>;
  /** Sequence: its items. */
  items?: Node[];
}
type Node = Collection | 'scalar';

/** The value of a plain YAML text, and the start offset of the collection at a path. */
export interface FastYaml {
  value: unknown;
  /** Offset where the mapping or sequence at `path` starts; undefined when the path leads elsewhere. */
  collectionAt(path: ReadonlyArray<PropertyKey>): number | undefined;
}

// A plain key the `yaml` package reads as null, which it turns into "" and js-yaml into "null".
const NULL_KEY = /^(?:~|[Nn]ull|NULL)?$/;
// Map keys that `String(segment)` matches whatever a YAML scalar resolves to (not numbers, booleans).
const WORD_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const SPECIAL_WORDS = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;

/** Reads a YAML text on the fast path, or returns undefined when the `yaml` package must read it. */
export function readFastYaml(text: string): FastYaml | undefined {
  if (/\r(?!\n)/.test(text)) return undefined;
  let events: Event[];
  let docs: unknown[];
  try {
    events = parseEvents(text, {});
    docs = constructFromEvents(events, { source: text });
  } catch {
    return undefined;
  }
  if (docs.length !== 1 || docs[0] === null || docs[0] === undefined) return undefined;
  const root = collections(text, events);
  if (root === undefined) return undefined;
  return { value: docs[0], collectionAt: (path) => collectionAt(root, path) };
}

/** The tree of collections of a one-document event stream; undefined for what the fast path leaves to `yaml`. */
function collections(text: string, events: readonly Event[]): Node | undefined {
  const stack: Array<{ node: Collection; key?: string | undefined; expectKey: boolean }> = [];
  let root: Node | undefined;
  const add = (node: Node, keyText?: string): boolean => {
    const parent = stack.at(-1);
    if (!parent) {
      root = node;
      return true;
    }
    if (parent.node.items) parent.node.items.push(node);
    else if (parent.expectKey) {
      if (node !== 'scalar') return false; // a collection as a key: js-yaml refuses it, never here
      parent.key = keyText;
      parent.expectKey = false;
      return true;
    } else {
      parent.node.entries!.push([parent.key, node]);
      parent.expectKey = true;
    }
    return true;
  };
  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        if (event.directives.length > 0) return undefined; // %YAML 1.1 reads `yes` as true
        break;
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        if (event.anchorStart !== -1 || event.tagStart !== -1) return undefined;
        const node: Collection = event.type === EVENT_ID.MAPPING ? { start: event.start, entries: [] } : { start: event.start, items: [] };
        if (!add(node)) return undefined;
        stack.push({ node, expectKey: event.type === EVENT_ID.MAPPING });
        break;
      }
      case EVENT_ID.SCALAR: {
        if (event.anchorStart !== -1 || event.tagStart !== -1) return undefined;
        const parent = stack.at(-1);
        let keyText: string | undefined;
        if (parent?.node.entries && parent.expectKey) {
          const raw = event.valueStart === -1 ? '' : text.slice(event.valueStart, event.valueEnd);
          if (event.style === SCALAR_STYLE.PLAIN && NULL_KEY.test(raw)) return undefined;
          keyText = event.style === SCALAR_STYLE.PLAIN && WORD_KEY.test(raw) && !SPECIAL_WORDS.test(raw) ? raw : undefined;
        }
        if (!add('scalar', keyText)) return undefined;
        break;
      }
      case EVENT_ID.ALIAS:
        return undefined;
      case EVENT_ID.POP:
        stack.pop();
        break;
    }
  }
  return root;
}

function collectionAt(root: Node, path: ReadonlyArray<PropertyKey>): number | undefined {
  let node: Node = root;
  for (const segment of path) {
    if (node === 'scalar') return undefined;
    if (node.items) {
      if (typeof segment !== 'number') return undefined;
      const item: Node | undefined = node.items[segment];
      if (item === undefined) return undefined;
      node = item;
    } else {
      const entries: Array<[string | undefined, Node]> = node.entries ?? [];
      // A key this path cannot be sure of (a number, a quoted text): the `yaml` package decides.
      if (entries.some(([key]) => key === undefined)) return undefined;
      const entry = entries.find(([key]) => key === String(segment));
      if (!entry) return undefined;
      node = entry[1];
    }
  }
  return node === 'scalar' ? undefined : node.start;
}
