import { describe, expect, it } from 'vitest';
import { compoundOf, sentimentLabel } from '../src/grading/sentiment-lexicon.js';
import { sentimentSignals } from '../src/grading/sentiment-signals.js';
import { chat, graderOf, run, testCase } from './grading-helpers.js';

const g = graderOf({ name: 'sentiment', kind: 'sentiment' });

describe('VADER helpers', () => {
  it.each([
    ['I love it, great job!', 'positive'],
    ['This is terrible and I hate it.', 'negative'],
    ['The parcel is in the box.', 'neutral'],
    ['', 'neutral'],
  ])('%j → %s', (text, label) => expect(sentimentLabel(compoundOf(text))).toBe(label));
});

describe('combined sentiment signals', () => {
  it.each([
    ['Still waiting for my refund, third time I ask!', 'negative'],
    ['I want to cancel my account.', 'negative'],
    ['It stopped working after a week.', 'negative'],
    ["It doesn't fit.", 'negative'],
    ["Couldn't be happier with it.", 'positive'],
    ['Works great, no complaints.', 'positive'],
    ['Thanks 🙏', 'positive'],
    ['😡😡', 'negative'],
    ['The parcel is in the box.', 'neutral'],
    ['It works now, exactly what I needed.', 'positive'],
    ['Will order from them again!', 'positive'],
    ['I will never buy this again.', 'negative'],
    ['Very dissapointed, the item was counterfeit.', 'negative'],
    ['Last time buying from you.', 'negative'],
  ])('%j → %s', (text, label) => expect(sentimentSignals(text).label).toBe(label));

  it('scores stay in -1..1 and empty text is neutral', () => {
    expect(sentimentSignals('')).toMatchObject({ score: 0, label: 'neutral' });
    const loud = sentimentSignals('terrible awful horrible worst scam junk broken 😡😡😡 waste of money!!!');
    expect(loud.score).toBeGreaterThanOrEqual(-1);
    expect(loud.label).toBe('negative');
  });
});

describe('sentiment grader', () => {
  it('label = overall customer sentiment; score = CSAT proxy; trajectory first → last', async () => {
    const grade = await run(g, chat('This is awful, my order is late!', 'Sorry about that, let me check.', 'Great, thank you so much!', 'You are welcome.'));
    expect(grade.label).toBe('positive');
    expect(grade.pass).toBe(true);
    const d = grade.details!;
    expect(d['trajectory']).toBe('improved');
    expect(d['first'] as number).toBeLessThan(0);
    expect(d['last'] as number).toBeGreaterThan(0.3);
    const overall = 0.6 * (d['last'] as number) + 0.4 * (((d['first'] as number) + (d['last'] as number)) / 2);
    expect(grade.score).toBeCloseTo((overall + 1) / 2);
    expect(d['agentTone']).toEqual([
      { turn: 1, tone: 'polite', compound: expect.any(Number) },
      { turn: 3, tone: 'neutral', compound: expect.any(Number) },
    ]);
  });

  it('a drop of 0.4 or more between consecutive user turns is a frustration spike', async () => {
    const grade = await run(g, chat('Thanks, that is great!', 'Anything else?', 'This is horrible, I am furious.', 'Sorry.'));
    expect(grade.details).toMatchObject({ spikes: [2], trajectory: 'worsened' });
    expect(grade.label).toBe('negative');
    expect(grade.pass).toBe(false);
  });

  it('a rude agent reply is evidence and fails the grade even when the customer ends happy', async () => {
    const transcript = chat('How do I pair it?', "That's your problem, read the manual.", 'Found it, thanks!', 'Good.');
    const grade = await run(g, transcript);
    expect(grade.pass).toBe(false);
    expect(grade.details).toMatchObject({ rudeTurns: 1 });
    expect(grade.evidence).toEqual([{ turn: 1, quote: "That's your problem", span: [0, 19], note: 'rude agent reply' }]);
  });

  it('an apology for bad news is not rude', async () => {
    const grade = await run(g, chat('My flight was cancelled!', "I'm so sorry, that is terrible news. Let me rebook you."));
    expect(grade.details!['rudeTurns']).toBe(0);
  });

  it('non-English cases: compounds damped toward neutral, marked unsupported; rude markers still apply', async () => {
    const es = testCase({ tags: { language: 'es' } });
    const grade = await run(g, chat('Gracias, excelente servicio :)', 'No es mi problema.'), es);
    expect(grade.details).toMatchObject({ languageSupported: false, rudeTurns: 1 });
    expect(grade.reason).toContain('English-only');
    const raw = (grade.details!['userTurns'] as Array<{ compound: number; raw: number }>)[0]!;
    expect(raw.compound).toBeCloseTo(raw.raw * 0.5);
  });

  it('no user turns: neutral 0.5', async () => {
    expect(await run(g, [])).toMatchObject({ score: 0.5, label: 'neutral', pass: true });
  });
});
