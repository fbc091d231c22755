import { describe, expect, it } from 'vitest';
import { RunResultSchema, runResultParser } from '../src/schema/run-record.js';
import { syntheticResult } from './helpers/synthetic-run.js';

// The compiled parser (z.compile) must accept, build and word exactly what the schema does.
const valid = { type: 'result', ...syntheticResult({ cases: 3, variants: ['main'] }, 1, 'main') } as Record<string, unknown>;
const transcript = valid['transcript'] as Array<Record<string, unknown>>;
const grades = valid['grades'] as Array<Record<string, unknown>>;

const cases: Array<[string, unknown]> = [
  ['a valid result', valid],
  ['defaults left out (content, cached, tool call type)', { ...valid, usage: { input: 1, output: 2 }, transcript: [{ role: 'user' }, { role: 'assistant', tool_calls: [{ id: 'c', function: { name: 'f' } }] }] }],
  ['a wrong type', { ...valid, type: 'summary' }],
  ['a missing case id', { ...valid, caseId: undefined }],
  ['a negative repeat', { ...valid, repeat: -1 }],
  ['an unknown member of a strict object', { ...valid, usage: { input: 1, output: 2, cached: 0, extra: true } }],
  ['a score above 1', { ...valid, grades: [{ ...grades[0], score: 1.5 }] }],
  ['an unknown role', { ...valid, transcript: [{ ...transcript[0], role: 'robot' }] }],
  ['a tag that is a number', { ...valid, tags: { intent: 3 } }],
  ['not an object', 'result'],
];

describe('runResultParser (the compiled RunResultSchema)', () => {
  it.each(cases)('%s: the same output and issues as the schema', (_name, input) => {
    const plain = RunResultSchema.safeParse(input);
    const compiled = runResultParser().safeParse(input);
    expect(compiled.success).toBe(plain.success);
    if (plain.success) expect(compiled.data).toStrictEqual(plain.data);
    else expect(compiled.error?.issues).toStrictEqual(plain.error.issues);
  });

  it('is compiled once', () => {
    expect(runResultParser()).toBe(runResultParser());
    expect(runResultParser()).not.toBe(RunResultSchema);
  });
});
