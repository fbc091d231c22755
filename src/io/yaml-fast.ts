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
  /** Mapping: its keys (where their text is in the source, and its style) and values, in order. */
  entries?: Array<[Key, Node]>;
  /** Sequence: its items. */
  items?: Node[];
}
type Node = Collection | 'scalar';
/** A scalar key: read only when a path goes through its mapping. */
interface Key {
  start: number;
  end: number;
  plain: boolean;
}

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
  if (text.includes('\r') && /\r(?!\n)/.test(text)) return undefined;
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
  return { value: docs[0], collectionAt: (path) => collectionAt(text, root, path) };
}

/** The tree of collections of a one-document event stream; undefined for what the fast path leaves to `yaml`. */
function collections(text: string, events: readonly Event[]): Node | undefined {
  const stack: Array<{ node: Collection; key?: Key; expectKey: boolean }> = [];
  let root: Node | undefined;
  const add = (node: Node, key?: Key): boolean => {
    const parent = stack.at(-1);
    if (!parent) {
      root = node;
      return true;
    }
    if (parent.node.items) parent.node.items.push(node);
    else if (parent.expectKey) {
      if (node !== 'scalar') return false; // a collection as a key: js-yaml refuses it, never here
      parent.key = key;
      parent.expectKey = false;
      return true;
    } else {
      parent.node.entries!.push([parent.key!, node]);
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
        let key: Key | undefined;
        if (parent?.node.entries && parent.expectKey) {
          key = { start: event.valueStart, end: event.valueEnd, plain: event.style === SCALAR_STYLE.PLAIN };
          // Short plain keys are the only ones that can read as null (`~`, `null`, empty).
          if (key.plain && key.end - key.start <= 4 && NULL_KEY.test(keyText(text, key))) return undefined;
        }
        if (!add('scalar', key)) return undefined;
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

function keyText(text: string, key: Key): string {
  return key.start === -1 ? '' : text.slice(key.start, key.end);
}

/** The key as `String(segment)` would match it whatever it resolves to, or undefined (a number, a quoted text...). */
function wordKey(text: string, key: Key): string | undefined {
  const raw = keyText(text, key);
  return key.plain && WORD_KEY.test(raw) && !SPECIAL_WORDS.test(raw) ? raw : undefined;
}

function collectionAt(text: string, root: Node, path: ReadonlyArray<PropertyKey>): number | undefined {
  let node: Node = root;
  for (const segment of path) {
    if (node === 'scalar') return undefined;
    if (node.items) {
      if (typeof segment !== 'number') return undefined;
      const item: Node | undefined = node.items[segment];
      if (item === undefined) return undefined;
      node = item;
    } else {
      const keys = (node.entries ?? []).map(([key, value]) => [wordKey(text, key), value] as const);
      // A key this path cannot be sure of (a number, a quoted text): the `yaml` package decides.
      if (keys.some(([key]) => key === undefined)) return undefined;
      const entry = keys.find(([key]) => key === String(segment));
      if (!entry) return undefined;
      node = entry[1];
    }
  }
  return node === 'scalar' ? undefined : node.start;
}
