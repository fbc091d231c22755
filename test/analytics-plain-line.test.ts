import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastEvent } from '../src/analytics/ingest/fast-check.js';
import { isPlainLine } from '../src/analytics/ingest/plain.js';

/**
 * isPlainLine proves "the line is what JSON.stringify writes for its record" with a lexical scan
 * instead of writing the record out (ingest/plain.ts argues why). The definition it replaces:
 */
function reference(line: string, raw: unknown): boolean {
  if (line.includes('\\u') || line.includes('\uFFFD') || fastEvent(raw) === undefined) return false;
  const timestamp = (raw as { timestamp: string }).timestamp;
  return /^[1-9]\d{3}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,3})?(?:Z|[+-]\d\d:\d\d)$/.test(timestamp) && JSON.stringify(raw) === line;
}

const base = { event_id: 'e1', session_id: 's1', user_id: 'u1', channel: 'web', type: 'message_sent', timestamp: '2026-03-02T09:00:00Z' };
const head = JSON.stringify(base).slice(0, -1);

/** Text JSON.parse accepts for a value, in JSON.stringify's form or one of the other forms a writer may use. */
const numberText = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.integer().map(String),
  fc.constantFrom('-0', '0', '5.0', '1E3', '1e3', '1e21', '1e+21', '1E+21', '0.10', '9007199254740993', '123456789012345', '1234567890123456', '-5', '2.50', '1.5e-7', '1.5e-07'),
);
const stringText = fc.oneof(
  fc.string({ unit: 'grapheme' }).map((s) => JSON.stringify(s)),
  fc.string({ unit: 'binary' }).map((s) => JSON.stringify(s)),
  fc.constantFrom('"a\\/b"', '"\\u00e9"', '"tab\\there"', '"q\\"q"', '"\\\\"', '"\\\\\\""', '"\\b\\f\\n\\r"', '"é"', '"\\ud83d\\ude00"', '"😀"', '"a\\\\u"'),
);
const keyText = fc.oneof(stringText, fc.constantFrom('"0"', '"17"', '"017"', '"-1"', '"1.5"', '"__proto__"', '"a"', '"intent"', '"chars"'));
const space = fc.constantFrom('', '', '', ' ', '\t', ' \r');
const valueText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    numberText,
    stringText,
    fc.constantFrom('true', 'false', 'null'),
    fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
    fc.array(fc.tuple(keyText, space, tie('value')), { maxLength: 3 }).map((entries) => `{${entries.map(([k, s, v]) => `${k}:${s}${v}`).join(',')}}`),
  ),
})).value;
/** A whole event line: the fixed head, then a properties object written in any of those forms. */
const lineText = fc
  .tuple(fc.array(fc.tuple(keyText, space, valueText), { maxLength: 4 }), space)
  .map(([entries, s]) => `${head},"properties":${s}{${entries.map(([k, sp, v]) => `${k}:${sp}${v}`).join(',')}}}`);

describe('isPlainLine', () => {
  it('agrees with JSON.stringify(JSON.parse(line)) === line on lines written every way JSON allows (never says plain when it is not)', () => {
    fc.assert(
      fc.property(lineText, (line) => {
        let raw: unknown;
        try {
          raw = JSON.parse(line);
        } catch {
          return; // isPlainLine is only asked about lines JSON.parse accepted
        }
        // A key of digits only is refused even where JSON.stringify would keep its place (safe, only slower).
        if (/"\d+":/.test(line)) expect(!isPlainLine(line, raw) || reference(line, raw), line).toBe(true);
        else expect(isPlainLine(line, raw), line).toBe(reference(line, raw));
      }),
      { numRuns: 20_000 },
    );
  });

  it.each([
    ['canonical', '"intent":"refund","chars":12,"cost_usd":0.0001116,"x":[1,2.5,null,true,{"y":"é \\" \\\\ \\n"}]', true],
    ['a space after a colon', '"chars": 12', false],
    ['5.0', '"chars":5.0', false],
    ['-0', '"x":-0', false],
    ['1E3', '"x":1E3', false],
    ['16 digits beyond a double', '"x":9007199254740993', false],
    ['an escaped slash', '"x":"a\\/b"', false],
    ['a repeated key', '"x":1,"x":2', false],
    ['a repeated nested key', '"x":{"a":1,"a":1}', false],
    ['a digits-only key', '"x":{"b":1,"0":2}', false],
    ['a __proto__ key below properties', '"x":{"__proto__":1}', true],
  ])('%s', (_name, properties, plain) => {
    const line = `${head},"properties":{${properties}}}`;
    expect(isPlainLine(line, JSON.parse(line))).toBe(plain);
    expect(reference(line, JSON.parse(line))).toBe(plain);
  });
});
