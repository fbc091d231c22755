import { describe, expect, it } from 'vitest';
import { hallucinationKind } from '../src/grading/hallucination.js';
import { GradeSchema } from '../src/schema/grade.js';
import { bodyOf, input, judgeModel, makeCase, PROVIDERS, structuredOf } from './judge-fixtures.js';
import { useFakeLlm } from './fake-llm/use.js';

const llm = useFakeLlm({}, { resetEach: true });

const claim = (quote: string, verdict: string, extra: Record<string, string> = {}) => ({
  claim: quote,
  quote,
  reasoning: extra['reasoning'] ?? `${verdict} by the policy`,
  source: extra['source'] ?? 'document refunds',
  verdict,
});

const verdict = {
  messages: {
    message_1: {
      claims: [claim('Refunds are paid within 14 days', 'supported'), claim('the restocking fee is $15', 'supported')],
    },
    message_3: {
      claims: [claim('Your refund will arrive by March 3', 'unverifiable', { source: 'none', reasoning: 'no date is known' })],
    },
  },
};

describe.each(PROVIDERS)('hallucination over %s', (provider) => {
  const create = (extra: Record<string, unknown> = {}) =>
    hallucinationKind.create(hallucinationKind.options.parse({ name: 'hallucination', kind: 'hallucination', ...extra }), {
      judge: judgeModel(llm, provider),
      baseDir: '.',
    });

  it('verifies the claims of every assistant message in one call; score = supported share', async () => {
    llm.setScript([{ reply: { structured: verdict }, usage: { input: 900, output: 120 } }]);
    const grade = await create().grade(input());
    expect(llm.requests).toHaveLength(1);
    expect(GradeSchema.parse(grade)).toEqual(grade);
    expect(grade).toMatchObject({
      score: 0.6667,
      pass: false,
      threshold: 0.9,
      label: 'unverifiable',
      reason: '2 of 3 claims supported, 0 contradicted, 1 unverifiable',
      usage: { input: 900, output: 120 },
    });
    expect(grade.turns).toEqual([
      { turn: 1, score: 1, pass: true, label: 'grounded' },
      { turn: 3, score: 0, pass: false, label: 'unverifiable' },
    ]);
    expect(grade.evidence).toEqual([
      {
        turn: 3,
        quote: 'Your refund will arrive by March 3',
        span: [17, 51],
        note: 'unverifiable: Your refund will arrive by March 3 (no date is known)',
      },
    ]);
    const s = structuredOf(provider, bodyOf(llm, 0));
    expect(s.name).toBe('claims_verdict');
    const props = s.schema['properties'] as Record<string, { required: string[] }>;
    expect(props['messages']!.required).toEqual(['message_1', 'message_3']);
  });

  it('a contradicted claim is evidence and labels the grade', async () => {
    llm.setScript([
      {
        reply: {
          structured: {
            messages: {
              message_1: { claims: [claim('the restocking fee is $15', 'supported')] },
              message_3: { claims: [claim('Your refund will arrive by March 3', 'contradicted', { reasoning: 'policy says 14 days' })] },
            },
          },
        },
      },
    ]);
    const grade = await create().grade(input());
    expect(grade).toMatchObject({ score: 0.5, pass: false, label: 'contradicted' });
    expect(grade.evidence?.[0]?.note).toMatch(/^contradicted: /);
  });

  it('a conversation without assistant text has nothing to verify: score 1, no call', async () => {
    const grade = await create().grade(input(undefined, [{ role: 'user', content: 'Hello?' }]));
    expect(llm.requests).toHaveLength(0);
    expect(grade).toMatchObject({ score: 1, pass: true, label: 'no-claims' });
  });

  it('a verdict that skips an assistant message is repaired, then an error', async () => {
    llm.setScript([{ reply: { structured: { messages: { message_1: { claims: [] } } } } }]);
    const grade = await create().grade(input());
    expect(llm.requests).toHaveLength(2);
    expect(grade).toMatchObject({ score: null, pass: null, error: { code: 'E_JUDGE_PARSE' } });
  });
});

describe('hallucination applicability', () => {
  const g = hallucinationKind.create(hallucinationKind.options.parse({ name: 'h', kind: 'hallucination' }), { baseDir: '.' });

  it.each([
    ['knowledge', makeCase(), true],
    ['nothing to check against', makeCase({ knowledge: [] }), false],
    ['scripted tool results', makeCase({ knowledge: [], tool_results: { lookup: { ok: true } } }), true],
    [
      'a recorded transcript with tool messages',
      makeCase({ knowledge: [], transcript: [{ role: 'tool', content: '{}', tool_call_id: 'c1' }] }),
      true,
    ],
  ])('%s → %s', (_, testCase, applies) => {
    expect(g.appliesTo(testCase)).toBe(applies);
  });

  it('no judge → E_NO_JUDGE', async () => {
    expect((await g.grade(input())).error?.code).toBe('E_NO_JUDGE');
  });
});
