import { describe, expect, it } from 'vitest';
import { sentimentJudgeKind } from '../src/grading/sentiment-judge.js';
import { GradeSchema } from '../src/schema/grade.js';
import type { TranscriptMessage } from '../src/schema/run-record.js';
import { bodyOf, input, judgeModel, makeCase, PROVIDERS, structuredOf } from './judge-fixtures.js';
import { useFakeLlm } from './fake-llm/use.js';

const llm = useFakeLlm({}, { resetEach: true });

const rude: TranscriptMessage[] = [
  { role: 'user', content: 'Hi, my parcel never arrived.' },
  { role: 'assistant', content: 'Read the tracking page yourself, I am not your secretary.' },
  { role: 'user', content: 'Wow. That is unacceptable.' },
  { role: 'assistant', content: 'Whatever.' },
];

const verdict = {
  user_messages: {
    message_0: { reasoning: 'Matter-of-fact.', sentiment: 'neutral', frustrated: false },
    message_2: { reasoning: 'Offended.', sentiment: 'negative', frustrated: true },
  },
  agent_messages: {
    message_1: { reasoning: 'Dismissive.', quote: 'I am not your secretary', tone: 'rude' },
    message_3: { reasoning: 'One dismissive word.', quote: 'Whatever.', tone: 'curt' },
  },
  trajectory: { reasoning: 'Got worse.', direction: 'worsened' },
  overall: { reasoning: 'The customer leaves angry.', sentiment: 'negative', csat: 1 },
};

describe.each(PROVIDERS)('sentiment-judge over %s', (provider) => {
  const create = (extra: Record<string, unknown> = {}) =>
    sentimentJudgeKind.create(sentimentJudgeKind.options.parse({ name: 'sentiment-judge', kind: 'sentiment-judge', ...extra }), {
      judge: judgeModel(llm, provider),
      baseDir: '.',
    });

  it('labels user turns, agent tone, trajectory and CSAT in one call', async () => {
    llm.setScript([{ reply: { structured: verdict }, usage: { input: 400, output: 90 } }]);
    const grade = await create().grade(input(makeCase(), rude));
    expect(llm.requests).toHaveLength(1);
    expect(GradeSchema.parse(grade)).toEqual(grade);
    expect(grade).toMatchObject({ score: 0, pass: false, label: 'negative', threshold: 0.4, usage: { input: 400, output: 90 } });
    expect(grade.reason).toBe('customer negative, worsened, CSAT 1/5; 1 frustration spike(s); 2 curt or rude agent replies. The customer leaves angry.');
    expect(grade.turns).toEqual([
      { turn: 0, score: 0.5, pass: true, label: 'neutral' },
      { turn: 2, score: 0, pass: false, label: 'negative' },
    ]);
    expect(grade.evidence).toEqual([
      { turn: 1, quote: 'I am not your secretary', span: [33, 56], note: 'rude agent reply: Dismissive.' },
      { turn: 3, quote: 'Whatever.', span: [0, 9], note: 'curt agent reply: One dismissive word.' },
    ]);
    expect(grade.details).toMatchObject({ csat: 1, trajectory: 'worsened', spikes: [2], rudeTurns: 1 });
    const s = structuredOf(provider, bodyOf(llm, 0));
    expect(s.name).toBe('sentiment_verdict');
    const props = s.schema['properties'] as Record<string, { required: string[] }>;
    expect(props['user_messages']!.required).toEqual(['message_0', 'message_2']);
    expect(props['agent_messages']!.required).toEqual(['message_1', 'message_3']);
  });

  it('samples: majority label, mean CSAT proxy', async () => {
    const withCsat = (csat: number, sentiment: string) => ({ structured: { ...verdict, overall: { reasoning: 'r', sentiment, csat } } });
    llm.setScript([
      { times: 1, reply: withCsat(4, 'positive') },
      { times: 1, reply: withCsat(2, 'neutral') },
      { times: 1, reply: withCsat(5, 'positive') },
    ]);
    const grade = await create({ samples: 3, temperature: 1 }).grade(input(makeCase(), rude));
    expect(llm.requests).toHaveLength(3);
    expect(grade).toMatchObject({ score: 0.6667, pass: true, label: 'positive' });
    expect(grade.details?.['samples']).toMatchObject({ k: 3, labels: ['positive', 'neutral', 'positive'], scores: [0.75, 0.25, 1] });
  });
});

describe('sentiment-judge without a judge', () => {
  it('is an error grade, not a fail', async () => {
    const g = sentimentJudgeKind.create(sentimentJudgeKind.options.parse({ name: 's', kind: 'sentiment-judge' }), { baseDir: '.' });
    expect(await g.grade(input())).toMatchObject({ score: null, pass: null, error: { code: 'E_NO_JUDGE' } });
  });
});
