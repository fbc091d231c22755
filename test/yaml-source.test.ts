import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFastYaml } from '../src/io/yaml-fast.js';
import { parseYamlDocument, parseYamlSource } from '../src/io/yaml-source.js';
import { repoRoot } from './helpers/cli.js';

// parseYamlSource reads plain YAML with js-yaml's event parser and everything else with the
// `yaml` package's document (parseYamlDocument). Both must give the same value, the same errors
// and the same positions: each text here is read both ways and compared.

/** Every path to a value inside `value` (objects and arrays walked, keys in order). */
function pathsOf(value: unknown, at: PropertyKey[] = []): PropertyKey[][] {
  const out: PropertyKey[][] = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...at, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...at, k]));
  return out;
}

function expectSameReading(text: string): void {
  const fast = parseYamlSource(text, 3);
  const reference = parseYamlDocument(text, 3);
  expect(fast.value).toEqual(reference.value);
  expect(fast.errors).toEqual(reference.errors);
  const paths = pathsOf(reference.value);
  // Paths that do not exist resolve to their deepest existing parent, in both readings.
  paths.push(['cases', 99], ['nope'], ['cases', 0, 'nope', 'deeper']);
  for (const path of paths) {
    expect(fast.locate(path), JSON.stringify(path)).toEqual(reference.locate(path));
    if (path.length > 0) expect(fast.locate(path, { key: true }), `key ${JSON.stringify(path)}`).toEqual(reference.locate(path, { key: true }));
  }
}

const PLAIN: Array<[string, string]> = [
  ['block cases', 'cases:\n  - id: a\n    tags: { intent: refund }\n    turns:\n      - user: "hi"\n        expect: { must_match: ["\\\\d+"] }\n  - id: b\n    turns: [{ user: x }]\n'],
  ['compact sequence, items on the next line, comments', 'cases:\n# c\n- id: a\n-\n  id: b\n  # note\n- # x\n  id: c\n\n- {id: d}\n'],
  ['flow document', '{cases: [{id: a, turns: [{user: "q"}]}, {"id": "b"}]}'],
  ['block scalars', 'cases:\n  - id: a\n    turns:\n      - user: |\n          line one\n            indented\n\n          after blank\n      - user: >-\n          folded\n          text\n\n          para\n      - user: |+\n          keep\n\n'],
  ['scalars of the core schema', 'a: [0b11, 1_000, 0o17, 0x1F, +12, .5, 1., 1e3, .inf, -.Inf, .NaN, ~, Null, yes, on, 2001-12-14, "1", 012, 1.0]\nb: {1: x, true: y, 1.5: z, "q": w}\n<<: {m: 1}\n'],
  ['multi-line flow scalars', 'a: "x\n  y"\nb: plain\n  continued\nc: \'s\n\n  t\'\nd: [1,\n  2]\n'],
  ['CRLF line ends', 'cases:\r\n  - id: a\r\n    turns:\r\n      - user: hi\r\n'],
  ['unicode', 'cases:\n  - id: ü\n    turns: [{user: "日本語 ✓ 😀"}]\n  - id: b\n'],
];

const OTHER: Array<[string, string]> = [
  ['an anchor and an alias', 'base: &b {x: 1}\ncases: [*b, *b]\n'],
  ['a tag', 'a: !!str 12\nb: [1]\n'],
  ['a %YAML 1.1 directive', '%YAML 1.1\n---\nx: yes\n'],
  ['a null key', '~: a\nb: [1]\n'],
  ['an empty key', ': a\n'],
  ['a duplicate key', 'a: 1\na: 2\n'],
  ['a syntax error', 'cases:\n  - id: a\n  id: b\n'],
  ['a tab as indentation', 'a:\n\tb: 1\n'],
  ['two documents', 'a: 1\n---\nb: 2\n'],
  ['an empty text', ''],
  ['only a comment', '# nothing\n'],
  ['an unresolved alias', 'x: *a\n'],
  ['a lone carriage return', 'a: 1\rb: 2\n'],
  ['an unclosed flow sequence the yaml package accepts', 'x: [a\n]\n'],
];

describe('parseYamlSource reads YAML as the yaml package does', () => {
  it.each(PLAIN)('%s: on the fast path, same value and positions', (_, text) => {
    expect(readFastYaml(text)).toBeDefined();
    expectSameReading(text);
  });

  it.each(OTHER)('%s: left to the yaml package, same value, errors and positions', (_, text) => {
    expect(readFastYaml(text)).toBeUndefined();
    expectSameReading(text);
  });

  it('every YAML file of the project reads the same both ways, and its golden sets take the fast path', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const full = join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (/\.ya?ml$/.test(name)) files.push(full);
      }
    };
    for (const dir of ['golden-sets', 'graders', 'examples', 'test/fixtures']) walk(join(repoRoot, dir));
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(() => expectSameReading(text), relative(repoRoot, file)).not.toThrow();
    }
    const golden = files.filter((f) => f.includes('/golden-sets/'));
    expect(golden.filter((f) => readFastYaml(readFileSync(f, 'utf8')) === undefined).map((f) => relative(repoRoot, f))).toEqual([]);
  });
});
