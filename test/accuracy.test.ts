import { describe, expect, it } from 'vitest';
import { accuracyKind, accuracyPairs } from '../src/grading/accuracy.js';
import { GradeSchema } from '../src/schema/grade.js';
import type { TranscriptMessage } from '../src/schema/run-record.js';
import { bodyOf, input, judgeModel, makeCase, PROVIDERS, structuredOf, TRANSCRIPT } from './judge-fixtures.js';
import { useFakeLlm } from './fake-llm/use.js';

const llm = useFakeLlm({}, { resetEach: true });

const REFERENCE = 'Refunds are paid within 14 days and the restocking fee is $15.';
const withReference = makeCase({ expect: { reference: REFERENCE } });

const replayed: TranscriptMessage[] = [
  { role: 'user', content: 'How long do refunds take?', turn: 0, scripted: true },
  { role: 'assistant', content: 'Refunds take 30 days.', turn: 0 },
  { role: 'user', content: 'And the fee?', turn: 1, scripted: true },
  { role: 'assistant', content: 'Let me check.', turn: 1 },
  { role: 'assistant', content: 'The restocking fee is $15.', turn: 1 },
];
const perTurnCase = makeCase({
  turns: [
    { user: 'How long do refunds take?', expect: { reference: 'Within 14 days.' } },
    { user: 'And the fee?', expect: { reference: 'A $15 restocking fee.' } },
  ],
});

describe('accuracyPairs', () => {
  it('pairs each reference with the assistant text it answers', () => {
    expect(accuracyPairs(perTurnCase, replayed, 'last')).toEqual([
      { id: 'turn_0', reference: 'Within 14 days.', answer: 'Refunds take 30 days.', messages: [1] },
      { id: 'turn_1', reference: 'A $15 restocking fee.', answer: 'The restocking fee is $15.', messages: [4] },
    ]);
    expect(accuracyPairs(withReference, TRANSCRIPT, 'all')[0]!.messages).toEqual([1, 3]);
    expect(accuracyPairs(withReference, TRANSCRIPT, 'last')[0]!.messages).toEqual([3]);
  });

  it('applies only to cases with a reference', () => {
    const g = accuracyKind.create(accuracyKind.options.parse({ name: 'accuracy', kind: 'accuracy' }), { baseDir: '.' });
    expect(g.appliesTo(makeCase())).toBe(false);
    expect(g.appliesTo(withReference)).toBe(true);
    expect(g.appliesTo(perTurnCase)).toBe(true);
  });
});

describe.each(PROVIDERS)('accuracy over %s', (provider) => {
  const create = (extra: Record<string, unknown> = {}) =>
    accuracyKind.create(accuracyKind.options.parse({ name: 'accuracy', kind: 'accuracy', ...extra }), { judge: judgeModel(llm, provider), baseDir: '.' });

  it('maps the relation to the score and shows the deterministic signal beside it', async () => {
    llm.setScript([
      {
        reply: {
          structured: {
            items: { conversation: { reasoning: 'Both facts, plus a date.', evidence: [{ turn: 1, quote: 'the restocking fee is $15' }], relation: 'superset' } },
          },
        },
        usage: { input: 800, output: 60 },
      },
    ]);
    const grade = await create({ answer: 'all' }).grade(input(withReference));
    expect(llm.requests).toHaveLength(1);
    expect(GradeSchema.parse(grade)).toEqual(grade);
    expect(grade).toMatchObject({ score: 0.8, pass: true, label: 'superset', usage: { input: 800, output: 60 } });
    expect(grade.evidence).toEqual([{ turn: 1, quote: 'the restocking fee is $15', span: [59, 84], note: 'conversation: superset' }]);
    const pair = (grade.details!['pairs'] as { overlap: { money: { match: boolean }; numbers: { match: boolean }; f1: number } }[])[0]!;
    expect(pair.overlap.money.match).toBe(true);
    expect(pair.overlap.numbers.match).toBe(true);
    expect(pair.overlap.f1).toBeGreaterThan(0.3);
    const s = structuredOf(provider, bodyOf(llm, 0));
    expect(s.name).toBe('accuracy_verdict');
    const items = (s.schema['properties'] as Record<string, { required: string[] }>)['items']!;
    expect(items.required).toEqual(['conversation']);
  });

  it('grades every per-turn reference in one call, with per-turn grades', async () => {
    llm.setScript([
      {
        reply: {
          structured: {
            items: {
              turn_0: { reasoning: '30 vs 14 days.', evidence: [{ turn: 1, quote: 'Refunds take 30 days.' }], relation: 'contradicts' },
              turn_1: { reasoning: 'Same fee.', evidence: [], relation: 'same' },
            },
          },
        },
      },
    ]);
    const grade = await create().grade(input(perTurnCase, replayed));
    expect(llm.requests).toHaveLength(1);
    expect(grade).toMatchObject({ score: 0.5, pass: false });
    expect(grade.label).toBeUndefined();
    expect(grade.turns).toEqual([
      { turn: 1, score: 0, pass: false, label: 'contradicts', reason: '30 vs 14 days.' },
      { turn: 4, score: 1, pass: true, label: 'same', reason: 'Same fee.' },
    ]);
    expect(grade.evidence).toEqual([{ turn: 1, quote: 'Refunds take 30 days.', span: [0, 21], note: 'turn_0: contradicts' }]);
  });
});

describe('accuracy edge cases', () => {
  it('without a judge: E_NO_JUDGE, and the deterministic signal is still in details', async () => {
    const g = accuracyKind.create(accuracyKind.options.parse({ name: 'accuracy', kind: 'accuracy', answer: 'all' }), { baseDir: '.' });
    const grade = await g.grade(input(withReference));
    expect(grade).toMatchObject({ score: null, pass: null, error: { code: 'E_NO_JUDGE' } });
    const pairs = grade.details?.['pairs'] as { overlap: { valuesMatch: boolean } }[];
    expect(pairs[0]!.overlap.valuesMatch).toBe(true);
  });

  it('honours relation score overrides and samples (majority label, mean score)', async () => {
    const verdict = (relation: string) => ({ structured: { items: { conversation: { reasoning: 'r', evidence: [], relation } } } });
    llm.setScript([
      { times: 1, reply: verdict('subset') },
      { times: 1, reply: verdict('same') },
      { times: 1, reply: verdict('subset') },
    ]);
    const g = accuracyKind.create(
      accuracyKind.options.parse({ name: 'accuracy', kind: 'accuracy', samples: 3, scores: { subset: 0.7 } }),
      { judge: judgeModel(llm, 'openai'), baseDir: '.' },
    );
    const grade = await g.grade(input(withReference));
    expect(llm.requests).toHaveLength(3);
    expect(grade).toMatchObject({ score: 0.8, pass: true, label: 'subset' });
    expect(grade.details?.['samples']).toMatchObject({ k: 3, answered: 3, scores: [0.7, 1, 0.7] });
  });

  it('a conversation with no assistant answer scores as irrelevant without asking', async () => {
    const g = accuracyKind.create(accuracyKind.options.parse({ name: 'accuracy', kind: 'accuracy' }), { judge: judgeModel(llm, 'openai'), baseDir: '.' });
    const grade = await g.grade(input(withReference, [{ role: 'user', content: 'Hello?' }]));
    expect(llm.requests).toHaveLength(0);
    expect(grade).toMatchObject({ score: 0, pass: false, label: 'irrelevant' });
  });

  it('redacts the transcript and the answer before they reach the judge', async () => {
    llm.setScript([{ reply: { structured: { items: { conversation: { reasoning: 'r', evidence: [], relation: 'same' } } } } }]);
    const g = accuracyKind.create(accuracyKind.options.parse({ name: 'accuracy', kind: 'accuracy' }), {
      judge: judgeModel(llm, 'anthropic'),
      baseDir: '.',
      redactForJudge: (t) => t.replace(/\S+@\S+/g, '[EMAIL_1]'),
    });
    await g.grade(input(withReference, [{ role: 'user', content: 'I am jo@example.com' }, { role: 'assistant', content: 'Noted, jo@example.com.' }]));
    const sent = JSON.stringify(bodyOf(llm, 0));
    expect(sent).not.toContain('jo@example.com');
    expect(sent).toContain('Noted, [EMAIL_1]\\n</answer>');
  });

  it('rejects unknown keys', () => {
    expect(accuracyKind.options.safeParse({ name: 'a', kind: 'accuracy', criteria: [] }).success).toBe(false);
  });
});
