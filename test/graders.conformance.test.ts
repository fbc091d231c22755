/**
 * One suite run against every grader kind of the registry (deterministic and LLM-judged): the
 * Grade contract holds for ordinary and odd conversations.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Grader, GradeInput } from '../src/grading/grader.js';
import { type BuiltinGraderKind, builtinGraderKinds, loadGraders } from '../src/grading/registry.js';
import { GradeSchema } from '../src/schema/grade.js';
import type { ResolvedCase } from '../src/schema/golden-set.js';
import type { TranscriptMessage } from '../src/schema/run-record.js';
import { ScriptedJudge } from './grading-scripted-judge.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function makeCase(extra: Partial<ResolvedCase> = {}): ResolvedCase {
  return {
    id: 'conformance',
    tags: { language: 'en' },
    knowledge: [{ id: 'fees', content: 'The restocking fee is $15. Refunds are paid within 14 days.' }],
    graders: [],
    source: { file: 'golden-sets/conformance.yaml' },
    turns: [{ user: 'How long do refunds take?', expect: { must_match: ['(?i)days'] } }],
    expect: {
      outcome: 'resolved',
      reference: 'Refunds are paid within 14 days.',
      tools: [{ name: 'lookup_order', arguments: { id: 'A1' } }],
      must_not_match: ['(?i)guarantee'],
    },
    ...extra,
  };
}

/** Per kind: a definition, and a case it must NOT apply to (null: it applies to every case). */
const FIXTURES: Record<BuiltinGraderKind, { definition: Record<string, unknown>; notApplicable: ResolvedCase | null }> = {
  regex: { definition: { must_not_match: [{ pattern: '(?i)[a-z0-9.]+@[a-z]+\\.[a-z]+', label: 'email' }] }, notApplicable: null },
  rules: { definition: {}, notApplicable: makeCase({ turns: [{ user: 'hi' }], expect: {} }) },
  escalation: { definition: {}, notApplicable: null },
  fallback: { definition: {}, notApplicable: null },
  resolution: { definition: {}, notApplicable: null },
  actions: { definition: { writes: ['cancel_*', 'lookup_*'] }, notApplicable: makeCase({ expect: {} }) },
  'turns-to-resolution': { definition: {}, notApplicable: null },
  grounding: { definition: {}, notApplicable: makeCase({ turns: undefined, transcript: [{ role: 'user', content: 'hi' }] }) },
  sentiment: { definition: {}, notApplicable: null },
  custom: { definition: { module: 'fixtures/grading-custom-grader.ts' }, notApplicable: null },
  judge: { definition: { criteria: [{ id: 'helpful', description: 'Answers the question' }] }, notApplicable: null },
  accuracy: { definition: {}, notApplicable: makeCase({ expect: {}, turns: [{ user: 'hi' }] }) },
  hallucination: {
    definition: {},
    notApplicable: makeCase({ knowledge: [], turns: undefined, transcript: [{ role: 'user', content: 'hi' }] }),
  },
  'sentiment-judge': { definition: {}, notApplicable: null },
};

const ORDINARY: TranscriptMessage[] = [
  { role: 'user', content: 'How long do refunds take? My email is me@example.com', turn: 0 },
  { role: 'assistant', content: '', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup_order', arguments: '{"id":"a1"}' } }], turn: 0 },
  { role: 'tool', content: '{"status":"refunded"}', tool_call_id: 'c1', turn: 0 },
  { role: 'assistant', content: 'Thanks! Refunds are paid within 14 days; we guarantee it. Mail refunds@shop.example.', turn: 0 },
];

const ODD: Record<string, TranscriptMessage[]> = {
  empty: [],
  'user only': [{ role: 'user', content: 'hello?' }],
  'empty assistant content': [{ role: 'user', content: 'hi' }, { role: 'assistant', content: '' }],
  'null assistant content': [{ role: 'user', content: 'hi' }, { role: 'assistant', content: null }],
  'tool-only turn': [
    { role: 'user', content: 'status?' },
    { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'transfer_to_human', arguments: 'not json' } }] },
    { role: 'tool', content: 'ok', tool_call_id: 't' },
  ],
  unicode: [
    { role: 'user', content: '¿Dónde está mi pedido? 😡 مرحبا 你好' },
    { role: 'assistant', content: 'Lo siento 🙏 — su pedido #٣٤ llega el 5 de mayo. 𝒯𝑒𝓈𝓉 ￼ \u0000' },
  ],
  'very long': [{ role: 'user', content: 'why '.repeat(2000) }, { role: 'assistant', content: 'Because $49. '.repeat(2000) }],
};

function createAll(): { graders: Array<{ kind: BuiltinGraderKind; grader: Grader }>; judge: ScriptedJudge } {
  const judge = new ScriptedJudge();
  const kinds = Object.keys(FIXTURES) as BuiltinGraderKind[];
  const { graders, problems } = loadGraders(
    kinds.map((kind) => ({
      file: path.join(here, 'conformance.yaml'),
      definition: { name: `conf-${kind}`, kind, ...FIXTURES[kind].definition },
    })),
    { judge, cwd: here },
  );
  expect(problems).toEqual([]);
  return { graders: graders.map((grader) => ({ kind: grader.kind as BuiltinGraderKind, grader })), judge };
}

const input = (transcript: TranscriptMessage[], testCase = makeCase()): GradeInput => ({
  case: testCase,
  transcript,
  variant: 'v1',
  signal: new AbortController().signal,
});

function assertContract(grader: Grader, grade: unknown, transcript: readonly TranscriptMessage[]): void {
  const g = GradeSchema.parse(grade);
  expect(g.grader).toBe(grader.name);
  expect(g.kind).toBe(grader.kind);
  expect(g.scope).toBe(grader.scope);
  if (g.error) {
    expect(g.score).toBeNull();
    expect(g.pass).toBeNull();
  } else {
    expect(g.score).not.toBeNull();
    expect(g.pass).toBe(g.score! >= grader.threshold);
  }
  for (const e of g.evidence ?? []) {
    if (e.span === undefined || e.turn === undefined) continue;
    const content = transcript[e.turn]?.content ?? '';
    expect(content.slice(e.span[0], e.span[1])).toBe(e.quote);
  }
  for (const t of g.turns ?? []) expect(t.turn).toBeLessThan(Math.max(transcript.length, 1));
}

describe('grader conformance', () => {
  it('covers every registered kind', () => {
    expect(Object.keys(FIXTURES).sort()).toEqual(Object.keys(builtinGraderKinds).sort());
    expect(createAll().graders).toHaveLength(Object.keys(builtinGraderKinds).length);
  });

  const { graders } = createAll();
  describe.each(graders)('$kind', ({ kind, grader }) => {
    it('returns a valid grade with pass computed from the threshold', async () => {
      const grade = await grader.grade(input(ORDINARY));
      assertContract(grader, grade, ORDINARY);
      expect(grade.error).toBeUndefined();
    });

    it.each(Object.keys(ODD))('never throws on an odd conversation: %s', async (name) => {
      const transcript = ODD[name]!;
      const grade = await grader.grade(input(transcript));
      assertContract(grader, grade, transcript);
    });

    it('honours appliesTo', () => {
      expect(grader.appliesTo(makeCase())).toBe(true);
      const other = FIXTURES[kind].notApplicable;
      if (other) expect(grader.appliesTo(other)).toBe(false);
    });

    it.skipIf(builtinGraderKinds[kind].needsJudge)('is deterministic', async () => {
      const a = await grader.grade(input(ORDINARY));
      const b = await grader.grade(input(ORDINARY));
      expect(b).toEqual(a);
    });
  });

  it('an error grade is never a fail (custom grader that throws)', async () => {
    const { graders: [g] } = loadGraders(
      [{ file: path.join(here, 'x.yaml'), definition: { name: 'c', kind: 'custom', module: 'fixtures/grading-custom-grader.ts', options: { fail: true } } }],
      { cwd: here },
    );
    const grade = await g!.grade(input(ORDINARY));
    expect(grade).toMatchObject({ score: null, pass: null, error: { message: 'asked to fail' } });
  });
});
