import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { globToRegExp } from '../src/io/golden-files.js';
import { parseGoldenFile } from '../src/io/golden-parse.js';
import { assertNoProblems, loadGoldenSets, validateGoldenSets } from '../src/io/golden-sets.js';
import { listGraderNames, loadGraderFiles, parseGraderFile } from '../src/io/grader-files.js';
import { closestName, formatProblem } from '../src/core/problems.js';
import { compileRegex } from '../src/core/regex.js';
import { parseYamlSource } from '../src/io/yaml-source.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const graders = new Set(['rules', 'politeness', 'helpfulness']);

describe('loadGoldenSets on the good fixtures', () => {
  it('resolves cases: defaults merged, knowledge looked up, graders collected, source lines', async () => {
    const { cases, files, problems } = await loadGoldenSets(['test/fixtures/golden/sets'], { cwd: root, knownGraders: graders });
    expect(problems).toEqual([]);
    expect(cases.map((c) => c.id)).toEqual(['jsonl-greeting', 'jsonl-replay', 'refund-simple', 'shipping-fr', 'recorded-escalation']);
    const byId = Object.fromEntries(cases.map((c) => [c.id, c]));

    const refund = byId['refund-simple']!;
    expect(refund.tags).toEqual({ channel: 'web', language: 'en', intent: 'refund', risk: 'medium' });
    expect(refund.knowledge.map((k) => k.id)).toEqual(['refund-policy']);
    expect(refund.graders).toEqual(['rules', 'helpfulness', 'politeness']);
    expect(refund.source).toEqual({ file: 'test/fixtures/golden/sets/support.yaml', line: 13 });
    expect(refund.turns?.[1]?.expect?.must_match).toEqual(['/\\b5 business days\\b/i']);

    const fr = byId['shipping-fr']!;
    expect(fr.tags).toEqual({ channel: 'email', language: 'fr', intent: 'order-status' });
    expect(fr.knowledge.map((k) => k.id)).toEqual(['shipping', 'inline-note']);
    expect(fr.system).toBe('Tu es un agent du service client.');

    const recorded = byId['recorded-escalation']!;
    expect(recorded.tags['risk']).toEqual(['high', 'legal']);
    expect(recorded.transcript?.[2]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'transfer_to_human', arguments: '{"reason": "repeat late delivery"}' } }],
    });
    expect(recorded.graders).toEqual(['rules']);

    expect(byId['jsonl-replay']!.source).toEqual({ file: 'test/fixtures/golden/sets/extra/recorded.jsonl', line: 3 });
    expect(byId['jsonl-greeting']!.graders).toEqual([]);

    const bytes = await readFile(resolve(root, 'test/fixtures/golden/sets/support.yaml'));
    expect(files).toContainEqual({ path: 'test/fixtures/golden/sets/support.yaml', sha256: createHash('sha256').update(bytes).digest('hex') });
  });

  it('takes files and globs, and does not repeat a file named twice', async () => {
    const { files } = await loadGoldenSets(
      ['test/fixtures/golden/sets/support.yaml', 'test/fixtures/golden/sets/**/*.{yaml,jsonl}'],
      { cwd: root },
    );
    expect(files.map((f) => f.path)).toEqual(['test/fixtures/golden/sets/extra/recorded.jsonl', 'test/fixtures/golden/sets/support.yaml']);
  });

  it('names unknown graders only when the known names are given', async () => {
    expect(await validateGoldenSets(['test/fixtures/golden/sets'], { cwd: root })).toEqual([]);
    const problems = await validateGoldenSets(['test/fixtures/golden/sets'], { cwd: root, knownGraders: new Set(['rules']) });
    expect(problems.map(formatProblem)).toEqual([
      'test/fixtures/golden/sets/support.yaml:21:21  cases[0].turns[0].expect.graders[0]  unknown grader "politeness"',
      'test/fixtures/golden/sets/support.yaml:32:17  cases[0].expect.graders[0]  unknown grader "helpfulness"',
    ]);
  });

  it('assertNoProblems throws one InputError line naming the first problem', () => {
    expect(() => assertNoProblems([])).not.toThrow();
    expect(() =>
      assertNoProblems([
        { file: 'a.yaml', line: 2, column: 3, field: 'cases[0].id', message: 'bad' },
        { file: 'b.yaml', message: 'worse' },
      ]),
    ).toThrow('a.yaml:2:3  cases[0].id  bad (and 1 more problems: run `convotest validate`)');
  });
});

describe('parseGoldenFile', () => {
  it('keeps checking a case whose only fault is an unknown key', () => {
    const text = ['cases:', '  - id: a', '    turns:', '      - user: hi', '        expect:', '          mustmatch: [x]', '          must_match: ["("]'].join('\n');
    expect(parseGoldenFile('t.yaml', text).problems.map(formatProblem)).toEqual([
      't.yaml:6:11  cases[0].turns[0].expect.mustmatch  unknown key "mustmatch" (did you mean "must_match"?)',
      't.yaml:7:24  cases[0].turns[0].expect.must_match[0]  invalid regex: Invalid regular expression: /(/: Unterminated group',
    ]);
  });

  it('reports JSONL problems at their line and the column of the field', () => {
    const text = '{"id":"a","turns":[{"user":"hi"}]}\n{"id":"b","turns":[{"user":7}]}\n';
    expect(parseGoldenFile('t.jsonl', text).problems.map(formatProblem)).toEqual(['t.jsonl:2:28  turns[0].user  expected string, got number 7']);
  });

  it('reads files with a byte-order mark and Windows line ends', () => {
    expect(parseGoldenFile('t.yaml', '\uFEFFcases:\r\n  - id: a\r\n    turns: [{ user: hi }]\r\n').problems).toEqual([]);
    expect(parseGoldenFile('t.jsonl', '\uFEFF{"id":"a","turns":[{"user":"hi"}]}\r\n{"id":"b","turns":[{"user":"yo"}]}\r\n').cases).toHaveLength(2);
  });

  it('accepts transcripts that reuse a tool call id once it was answered', () => {
    const call = (id: string) => ({ role: 'assistant', content: null, tool_calls: [{ id, function: { name: 'f', arguments: '{}' } }] });
    const transcript = [{ role: 'user', content: 'go' }, call('c1'), { role: 'tool', tool_call_id: 'c1', content: '1' }, call('c1'), { role: 'tool', tool_call_id: 'c1', content: '2' }];
    expect(parseGoldenFile('t.jsonl', JSON.stringify({ id: 'x', transcript })).problems).toEqual([]);
  });
});

describe('compileRegex', () => {
  it.each([
    ['refund', 'REFUND', false],
    ['(?i)refund', 'REFUND', true],
    ['(?is)a.b', 'A\nB', true],
    ['(?m)^b$', 'a\nb', true],
    ['/order\\s+#\\d+/i', 'Order  #12', true],
    ['/a/b', 'x/a/b', true],
  ])('%s on %j → %s', (source, text, result) => {
    expect(compileRegex(source).test(text)).toBe(result);
  });

  it('throws the JavaScript regex error', () => {
    expect(() => compileRegex('(?i)[a-')).toThrow('Invalid regular expression: /[a-/i: Unterminated character class');
    expect(() => compileRegex('/x/gg')).toThrow("Invalid flags supplied to RegExp constructor 'gg'");
  });
});

describe('small helpers', () => {
  it('formatProblem leaves out what is unknown', () => {
    expect(formatProblem({ file: 'a.yaml', line: 3, column: 7, field: 'cases[0].id', message: 'm' })).toBe('a.yaml:3:7  cases[0].id  m');
    expect(formatProblem({ file: 'a.yaml', line: 3, message: 'm' })).toBe('a.yaml:3  m');
    expect(formatProblem({ file: 'a.yaml', message: 'm' })).toBe('a.yaml  m');
  });

  it('closestName suggests likely typos only', () => {
    expect(closestName('mustmatch', ['must_match', 'must_not_match'])).toBe('must_match');
    expect(closestName('transcrpt', ['turns', 'transcript'])).toBe('transcript');
    expect(closestName('banana', ['turns', 'transcript'])).toBeUndefined();
  });

  it('globToRegExp', () => {
    expect(globToRegExp('**/*.yaml').test('a/b/c.yaml')).toBe(true);
    expect(globToRegExp('**/*.yaml').test('c.yaml')).toBe(true);
    expect(globToRegExp('*.yaml').test('a/c.yaml')).toBe(false);
    expect(globToRegExp('*.{yml,yaml}').test('c.yml')).toBe(true);
  });

  it('parseYamlSource locates keys, values and missing keys', () => {
    const src = parseYamlSource('cases:\n  - id: a\n    turns:\n');
    expect(src.locate(['cases', 0, 'id'])).toEqual({ line: 2, column: 9 });
    expect(src.locate(['cases', 0, 'id'], { key: true })).toEqual({ line: 2, column: 5 });
    expect(src.locate(['cases', 0, 'turns'])).toEqual({ line: 3, column: 5 });
    expect(src.locate(['cases', 0, 'nope'])).toEqual({ line: 2, column: 5 });
  });
});

describe('grader definition files', () => {
  it('reads YAML files, lists under graders: and Markdown with front matter', async () => {
    const { graders: found, problems } = await loadGraderFiles(['test/fixtures/golden/graders'], { cwd: root });
    expect(problems).toEqual([]);
    expect(found.map((g) => [g.file, g.definition['name'], g.line])).toEqual([
      ['test/fixtures/golden/graders/helpfulness.md', 'helpfulness', 2],
      ['test/fixtures/golden/graders/politeness.yaml', 'politeness', 1],
      ['test/fixtures/golden/graders/rules.yaml', 'rules', 2],
      ['test/fixtures/golden/graders/rules.yaml', 'tool-use', 4],
    ]);
    expect(found[0]!.definition['prompt']).toBe('Rate how helpful the assistant was in this conversation.\n\n{{transcript}}\n\nCriteria:\n{{criteria}}');
    expect(found[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect([...(await listGraderNames(['test/fixtures/golden/graders'], { cwd: root }))].sort()).toEqual([
      'helpfulness',
      'politeness',
      'rules',
      'tool-use',
    ]);
  });

  it('checks the common keys with lines, in Markdown front matter too', () => {
    const md = parseGraderFile('g/tone.md', '---\nname: Tone\nkind: rubric\nthreshhold: 2\n---\nBody\n');
    expect(md.problems.map(formatProblem)).toEqual(['g/tone.md:2:7  name  grader names are lowercase: letters, digits, . _ -']);
    const list = parseGraderFile('g/list.yaml', 'graders:\n  - name: a\n    kind: regex\n  - name: b\n    threshold: 3\n');
    expect(list.problems.map(formatProblem)).toEqual([
      'g/list.yaml:4:5  graders[1].kind  missing required key "kind"',
      'g/list.yaml:5:16  graders[1].threshold  too big: expected number to be <=1',
    ]);
    expect(list.definitions.map((d) => d.definition['name'])).toEqual(['a']);
  });
});

describe('docs/golden-sets.md', () => {
  it('its full YAML example is a valid golden-set file', async () => {
    const doc = await readFile(resolve(root, 'docs/golden-sets.md'), 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const parsed = parseGoldenFile('example.yaml', example!, new Set(['rules', 'politeness', 'helpfulness']));
    expect(parsed.problems).toEqual([]);
    expect(parsed.cases.map((c) => c.parsed?.id)).toEqual(['refund-simple', 'recorded-escalation']);
  });
});
