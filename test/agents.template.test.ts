import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatJsonPath, getJsonPath, parseJsonPath } from '../src/core/json-path.js';
import { renderTemplate, TemplateError, templatePlaceholders } from '../src/core/template.js';

describe('json paths', () => {
  it.each([
    ['reply', ['reply']],
    ['data.reply', ['data', 'reply']],
    ['choices[0].message.content', ['choices', 0, 'message', 'content']],
    ['$.items[-1]["reply text"]', ['items', -1, 'reply text']],
    ["a['b.c'].d", ['a', 'b.c', 'd']],
  ])('parses %s', (path, segments) => {
    expect(parseJsonPath(path)).toEqual(segments);
  });

  it.each(['', 'a..b', 'a[', 'a[]', 'a.'])('rejects %j', (path) => {
    expect(() => parseJsonPath(path)).toThrow(TypeError);
  });

  const body = { choices: [{ message: { content: 'Hi', tool_calls: null } }], items: [1, 2, 3], zero: 0 };
  it.each([
    ['choices[0].message.content', { found: true, value: 'Hi' }],
    ['choices.0.message.content', { found: true, value: 'Hi' }],
    ['items[-1]', { found: true, value: 3 }],
    ['zero', { found: true, value: 0 }],
    ['choices[0].message.tool_calls', { found: true, value: null }],
    ['choices[1].message', { found: false, missingAt: 'choices[1]' }],
    ['data.reply', { found: false, missingAt: 'data' }],
    ['items.length', { found: false, missingAt: 'items.length' }],
    ['toString', { found: false, missingAt: 'toString' }],
  ])('reads %s', (path, expected) => {
    expect(getJsonPath(body, path)).toEqual(expected);
  });

  it('formats segments back into a path', () => {
    expect(formatJsonPath(['a', 0, 'b c', 'd'])).toBe('a[0]["b c"].d');
  });
});

describe('body templates', () => {
  const vars = { messages: [{ role: 'user', content: 'hi' }], message: 'hi', caseId: 'c1', turn: 2, empty: null };

  it('replaces a whole-string placeholder by the value itself and interpolates the rest', () => {
    const template = { history: '{{messages}}', q: '{{ message }}', n: '{{turn}}', tag: 'case {{caseId}} turn {{turn}}', keep: [true, 3, null] };
    expect(renderTemplate(template, vars)).toEqual({
      history: [{ role: 'user', content: 'hi' }],
      q: 'hi',
      n: 2,
      tag: 'case c1 turn 2',
      keep: [true, 3, null],
    });
  });

  it('renders nested arrays and JSON-encodes non-strings inside text', () => {
    expect(renderTemplate(['x {{messages}}', { deep: ['{{empty}}', 'a{{empty}}b'] }], vars)).toEqual([
      'x [{"role":"user","content":"hi"}]',
      { deep: [null, 'ab'] },
    ]);
  });

  it('names an unknown placeholder', () => {
    expect(() => renderTemplate({ a: '{{mesages}}' }, vars)).toThrow(TemplateError);
    expect(() => renderTemplate({ a: '{{mesages}}' }, vars)).toThrow(/unknown placeholder \{\{mesages\}\}/);
  });

  it('lists placeholders in order of first use', () => {
    expect(templatePlaceholders({ a: '{{x}} {{y}}', b: ['{{x}}', { c: '{{z}}' }] })).toEqual(['x', 'y', 'z']);
  });
});

describe('properties', () => {
  const segment = fc.oneof(
    fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !/['"\]]/.test(s) && s.trim() === s && !/^-?\d+$/.test(s)),
    fc.nat({ max: 4 }),
  );

  it('a formatted path reads back the value placed at it', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), fc.jsonValue(), (segments, leaf) => {
        let root: unknown = leaf;
        for (const seg of [...segments].reverse()) {
          if (typeof seg === 'number') {
            const arr: unknown[] = Array.from({ length: seg + 1 }, () => null);
            arr[seg] = root;
            root = arr;
          } else root = { [seg]: root };
        }
        const path = formatJsonPath(segments);
        expect(parseJsonPath(path)).toEqual(segments);
        expect(getJsonPath(root, path)).toEqual({ found: true, value: leaf });
      }),
    );
  });

  it('keeps a body key named __proto__ as a key (found by the property below)', () => {
    const value = JSON.parse('{"__proto__": false, "a": "{{caseId}}"}') as unknown;
    expect(renderTemplate(value, { caseId: 'c1' })).toEqual(JSON.parse('{"__proto__": false, "a": "c1"}'));
  });

  it('a template without placeholders renders to itself', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        fc.pre(templatePlaceholders(value).length === 0 && !JSON.stringify(value).includes('{{'));
        expect(renderTemplate(value, {})).toEqual(value);
      }),
    );
  });
});
